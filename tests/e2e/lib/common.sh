# tests/e2e/lib/common.sh — helpers shared by the end-to-end scripts.
#
# Sourced, not run: each tests/e2e/NAME.sh starts with
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
# (tests/CMakeLists.txt makes a test of tests/e2e/*.sh only, so this file,
# one folder down, is never run as a test).
#
# Two ways to check:
#   fail MESSAGE
#       stops the test at once: "FAIL: MESSAGE" on stderr, exit 1.
#   expect NAME ACTUAL EXPECTED
#       when ACTUAL differs from EXPECTED, says
#       "FAIL NAME: expected [EXPECTED], got [ACTUAL]" on stderr, sets
#       fail=1 and goes on; such a script ends with `exit $fail` (and may set
#       fail=1 itself for checks of its own).
#
# Helpers over the script's variables, read when called:
#   q SQL        runs SQL on the database $db (sqlite3 -batch -noheader)
#   load ARG...  allot-load (from $bin) into $db with ARG...
#   dump         every table of $db but runs (every run is recorded, even a
#                failed one), rows in rowid order, "== TABLE" before each:
#                compare dumps to show that a rejected load changed nothing

fail=0

fail() { echo "FAIL: $*" >&2; exit 1; }

expect() { # expect NAME ACTUAL EXPECTED
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1: expected [$3], got [$2]" >&2
    fail=1
  fi
}

q() { sqlite3 -batch -noheader "$db" "$1"; }

load() { "$bin/allot-load" --db "$db" "$@"; }

dump() {
  for t in loads rejects load_warnings campaigns spend people touches deals deal_people \
           stage_history subscriptions fx_rates paths; do
    echo "== $t"; sqlite3 -batch "$db" "SELECT * FROM $t ORDER BY rowid"
  done
}
