#!/usr/bin/env bash
# allot-pack end to end: a real SMTP server (Debian's python3-aiosmtpd, our
# tests/e2e/smtpd.py) on 127.0.0.1 on a port the kernel picked, a stub
# sendmail, and Python's email package as the independent reader.
# Network: only 127.0.0.1, only ports this script opened (or one it just
# closed, for "server down"). Every server is stopped by the trap and stops
# by itself after 60 s anyway.
# Usage: pack.sh BUILD_DIR TESTS_DIR SCRATCH_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1
tests=$2
scratch=$3
py=/usr/bin/python3
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

pass() { echo "ok: $*"; }

# start_server SPOOL [smtpd.py options]: sets $port
start_server() {
  local spool=$1
  shift
  mkdir -p "$spool"
  "$py" "$tests/e2e/smtpd.py" "$spool" --lifetime 60 "$@" 2>"$spool.log" &
  pids+=($!)
  for _ in $(seq 100); do
    [[ -s "$spool/port" ]] && break
    sleep 0.1
  done
  [[ -s "$spool/port" ]] || fail "SMTP server did not start: $(cat "$spool.log")"
  port=$(cat "$spool/port")
}

# The renderers' outputs (any bytes will do: the pack must carry them unchanged).
mkdir -p out/charts
"$py" - <<'EOF'
import random
r = random.Random(42)
def put(path, n):
    with open(path, "wb") as f:
        f.write(bytes(r.randrange(256) for _ in range(n)))
put("out/allot-pack.pdf", 20000)
put("out/allot-report.xlsx", 7001)
put("out/charts/funnel.png", 57)
put("out/charts/Kanäle und Kampagnen — Übersicht des dritten Quartals 2026.png", 3000)
EOF

start_server spool
cat > pack.ini <<EOF
[pack]
from = allot reports <reports@example.com>
to = Ada Lovelace <ada@example.com>, Zoë Ünïcode <zoe@example.net>
cc = cfo@example.com
subject = Umsatzzuordnung {period} — Übersicht für die Geschäftsführung
smtp_host = 127.0.0.1
smtp_port = $port
smtp_starttls = no
EOF

# 1. --send delivers; the server's reply is reported.
"$bin/allot-pack" --no-db --config pack.ini --out out --period 2026Q3 --send \
  >send.out 2>send.err || fail "send exited $?: $(cat send.err)"
grep -q "250 2.0.0 Ok: queued as allot-test-1" send.out || fail "no server reply: $(cat send.out)"
eml=out/allot-pack-2026Q3.eml
[[ -f $eml ]] || fail "no $eml"
[[ -f spool/msg-1.eml ]] || fail "nothing arrived"
cmp -s "$eml" spool/msg-1.eml || fail "the received bytes differ from $eml"
pass "sent over SMTP, received bytes identical to the .eml"

# 2. The received message, read by Python's email package (policy=default).
"$py" - "$eml" spool/msg-1.eml spool/msg-1.json <<'EOF'
import email, email.policy, hashlib, json, sys, os
eml, received, envelope = sys.argv[1:4]
raw = open(received, "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
assert not m.defects, m.defects
want = "Umsatzzuordnung 2026Q3 — Übersicht für die Geschäftsführung"
assert m["subject"] == want, repr(m["subject"])
assert [a.addr_spec for a in m["to"].addresses] == ["ada@example.com", "zoe@example.net"]
assert m["to"].addresses[1].display_name == "Zoë Ünïcode", m["to"].addresses[1]
assert m["cc"].addresses[0].addr_spec == "cfo@example.com"
assert m["from"].addresses[0].display_name == "allot reports"
assert m["date"].datetime.isoformat() == "2026-10-01T00:00:00+00:00", m["date"]
assert m["message-id"].startswith("<allot-pack.2026Q3.") and m["message-id"].endswith("@example.com>")
assert m.get_content_type() == "multipart/mixed"
body = m.get_body(("plain",)).get_content()
assert "allot report pack for 2026Q3 (2026-07-01 to 2026-09-30)" in body, body
assert "not available: no database" in body, body
files = {"allot-pack.pdf": "out/allot-pack.pdf",
         "allot-report.xlsx": "out/allot-report.xlsx",
         "funnel.png": "out/charts/funnel.png",
         "Kanäle und Kampagnen — Übersicht des dritten Quartals 2026.png":
             "out/charts/Kanäle und Kampagnen — Übersicht des dritten Quartals 2026.png"}
types = {"allot-pack.pdf": "application/pdf",
         "allot-report.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "funnel.png": "image/png",
         "Kanäle und Kampagnen — Übersicht des dritten Quartals 2026.png": "image/png"}
seen = []
for part in m.iter_attachments():
    name = part.get_filename()
    assert part.get_content_type() == types[name], (name, part.get_content_type())
    assert part["content-transfer-encoding"] == "base64"
    got = hashlib.sha256(part.get_content()).hexdigest()
    disk = hashlib.sha256(open(files[name], "rb").read()).hexdigest()
    assert got == disk, (name, got, disk)
    seen.append(name)
assert sorted(seen) == sorted(files), seen
# every line CRLF-terminated and at most 78 characters
lines = raw.split(b"\r\n")
assert lines[-1] == b"" and all(b"\n" not in l and b"\r" not in l for l in lines)
assert max(len(l) for l in lines) <= 78, max(len(l) for l in lines)
b64 = [l for l in lines if len(l) == 76]
assert b64, "no full 76-character base64 lines"
env = json.load(open(envelope))
assert env["mail_from"] == "reports@example.com", env
assert env["rcpt_tos"] == ["ada@example.com", "zoe@example.net", "cfo@example.com"], env
print("python email: subject, names, types, SHA-256 of", len(seen), "attachments ok")
EOF
pass "parsed by Python: subject and file names round-trip, attachments byte-identical"

# 3. A second --send of the same period is the same message.
mid1=$(grep -m1 '^Message-ID:' "$eml")
"$bin/allot-pack" --no-db --config pack.ini --out out --period 2026Q3 --send \
  >/dev/null 2>resend.err || fail "re-send exited $?: $(cat resend.err)"
cmp -s spool/msg-1.eml spool/msg-2.eml || fail "the re-sent message differs"
pass "re-send: same bytes, same $mid1"

# 4. --dry-run prints what would go and sends nothing.
"$bin/allot-pack" --no-db --config pack.ini --out out --period 2026Q3 --dry-run \
  >dry.out 2>dry.err || fail "dry run exited $?"
grep -qx "to: Ada Lovelace <ada@example.com>" dry.out || fail "dry run: $(cat dry.out)"
grep -qx "cc: cfo@example.com" dry.out || fail "dry run: no cc"
grep -q "^attachment: allot-pack.pdf (application/pdf, 20000 bytes)$" dry.out || fail "dry run: no pdf"
grep -q "^message: out/allot-pack-2026Q3.eml ([0-9]* bytes)$" dry.out || fail "dry run: no size"
grep -qx "not sent (--dry-run)" dry.out || fail "dry run: not said"
[[ ! -e spool/msg-3.eml ]] || fail "dry run sent a message"
pass "dry run"

# 5. Server down (a port that was just free) -> exit 3, the .eml stays.
down=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
sed "s/^smtp_port = .*/smtp_port = $down/" pack.ini > down.ini
before=$(sha256sum < "$eml")
set +e
"$bin/allot-pack" --no-db --config down.ini --out out --period 2026Q3 --send >down.out 2>down.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "server down: exit $rc, want 3: $(cat down.err)"
grep -q "Couldn't connect" down.err || fail "server down: $(cat down.err)"
grep -q "stays on disk" down.err || fail "server down: $(cat down.err)"
[[ "$(sha256sum < "$eml")" == "$before" ]] || fail "the .eml changed"
pass "server down: exit 3, .eml kept"

# 5b. STARTTLS required but not offered (aiosmtpd here has no TLS): no
#     fallback to plain text, nothing sent, no password offered.
sed -e "s/^smtp_starttls = .*/smtp_starttls = yes/" pack.ini > tls.ini
printf 'smtp_user = allot-bot\n' >> tls.ini
set +e
ALLOT_SMTP_PASSWORD='s3cr3t pass' "$bin/allot-pack" --no-db --config tls.ini --out out \
  --period 2026Q3 --send >tls.out 2>tls.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "STARTTLS not offered: exit $rc: $(cat tls.err)"
grep -qi "STARTTLS\|SSL" tls.err || fail "STARTTLS not offered: $(cat tls.err)"
[[ ! -e spool/msg-3.eml ]] || fail "sent without the required STARTTLS"
pass "STARTTLS required and not offered: exit 3, nothing sent"

# 6. A rejected recipient: exit 3 with the server's reply.
start_server spool-reject --reject-rcpt cfo@example.com
sed "s/^smtp_port = .*/smtp_port = $port/" pack.ini > reject.ini
set +e
"$bin/allot-pack" --no-db --config reject.ini --out out --period 2026Q3 --send >/dev/null 2>reject.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "rejected rcpt: exit $rc: $(cat reject.err)"
grep -q "550 5.1.1 <cfo@example.com>: Recipient address rejected" reject.err || fail "no reply: $(cat reject.err)"
pass "rejected recipient: exit 3 with the 550 reply"

# 7. Header injection is refused (exit 2) and nothing is written or sent.
rm -rf out-inj && mkdir out-inj
printf '[pack]\nfrom = reports@example.com\nto = ada@example.com\nsubject = Q3\rBcc: eve@evil.example\nsmtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_starttls = no\n' "$port" > inj.ini
set +e
"$bin/allot-pack" --no-db --config inj.ini --out out-inj --period 2026Q3 --send >/dev/null 2>inj.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "CR in subject: exit $rc: $(cat inj.err)"
grep -q "inj.ini:4: \[pack\] subject: contains a line break (CR) at byte 3" inj.err || fail "CR in subject: $(cat inj.err)"
set +e
"$bin/allot-pack" --no-db --config pack.ini --out out-inj --period 2026Q3 --send \
  --to $'ada@example.com\r\nBcc: eve@evil.example' >/dev/null 2>inj2.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "CRLF in --to: exit $rc: $(cat inj2.err)"
grep -q -- "--to: contains a line break (CR)" inj2.err || fail "CRLF in --to: $(cat inj2.err)"
printf '[pack]\nfrom = reports@example.com\nto = Eve\r <eve@evil.example>\n' > inj3.ini
set +e
"$bin/allot-pack" --no-db --config inj3.ini --out out-inj --period 2026Q3 >/dev/null 2>inj3.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "CR in a display name: exit $rc: $(cat inj3.err)"
set +e
"$bin/allot-pack" --no-db --config pack.ini --out out-inj --period 2026Q3 --to 'not an address' >/dev/null 2>inj4.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bad address: exit $rc"
[[ -z "$(ls out-inj)" ]] || fail "a refused message was written: $(ls out-inj)"
[[ ! -e spool-reject/msg-1.eml ]] || fail "a refused message was sent"
pass "CR/LF in subject, --to and a display name refused with exit 2"

# 8. AUTH (PLAIN/LOGIN without TLS, allowed on loopback only) with the
#    password from a 0600 file, then from the environment; 0644 refused.
export ALLOT_TEST_SMTP_PASSWORD='s3cr3t pass'
start_server spool-auth --user allot-bot
unset ALLOT_TEST_SMTP_PASSWORD
umask 077
printf 's3cr3t pass\n' > password
chmod 600 password
sed -e "s/^smtp_port = .*/smtp_port = $port/" pack.ini > auth.ini
printf 'smtp_user = allot-bot\nsmtp_password_env = ALLOT_TEST_UNSET_VAR\nsmtp_password_file = %s/password\n' "$PWD" >> auth.ini
"$bin/allot-pack" --no-db --config auth.ini --out out --period 2026Q3 --send >auth.out 2>auth.err \
  || fail "AUTH send exited $?: $(cat auth.err)"
"$py" -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["auth_login"]=="allot-bot", e' spool-auth/msg-1.json \
  || fail "no AUTH recorded"
cmp -s "$eml" spool-auth/msg-1.eml || fail "AUTH: bytes differ"
ALLOT_TEST_UNSET_VAR='s3cr3t pass' "$bin/allot-pack" --no-db --config auth.ini --out out \
  --period 2026Q3 --send >/dev/null 2>auth2.err || fail "AUTH via env exited $?: $(cat auth2.err)"
[[ -f spool-auth/msg-2.eml ]] || fail "AUTH via env: nothing arrived"
set +e
ALLOT_TEST_UNSET_VAR='wrong' "$bin/allot-pack" --no-db --config auth.ini --out out \
  --period 2026Q3 --send >/dev/null 2>auth3.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "wrong password: exit $rc"
grep -q "535 5.7.8 Authentication credentials invalid" auth3.err || fail "wrong password: $(cat auth3.err)"
sed -e "/^smtp_user/d" auth.ini > noauth.ini
set +e
"$bin/allot-pack" --no-db --config noauth.ini --out out --period 2026Q3 --send >/dev/null 2>noauth.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "no AUTH against a server that requires it: exit $rc"
grep -q "530 5.7.0 Authentication required" noauth.err || fail "no 530: $(cat noauth.err)"
chmod 644 password
set +e
"$bin/allot-pack" --no-db --config auth.ini --out out --period 2026Q3 --send >/dev/null 2>mode.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "0644 password file: exit $rc: $(cat mode.err)"
grep -q "has mode 0644" mode.err || fail "0644 password file: $(cat mode.err)"
[[ ! -e spool-auth/msg-3.eml ]] || fail "sent with a 0644 password file"
if grep -rq "s3cr3t" ./*.out ./*.err; then fail "the password was echoed"; fi
pass "AUTH with a 0600 file and from the environment; 0644 refused; password never echoed"

# 9. sendmail: a stub records its argv and standard input.
cat > sendmail-stub <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$PWD/sendmail.argv"
cat > "$PWD/sendmail.stdin"
EOF
chmod 700 sendmail-stub
printf '[pack]\nfrom = reports@example.com\nto = ada@example.com\nsubject = {period}\nsendmail = %s/sendmail-stub\n' "$PWD" > sm.ini
rm -rf out-sm && mkdir -p out-sm && cp out/allot-pack.pdf out-sm/
"$bin/allot-pack" --no-db --config sm.ini --out out-sm --period 2026-07 --send >sm.out 2>sm.err \
  || fail "sendmail exited $?: $(cat sm.err)"
[[ "$(cat sendmail.argv)" == $'-t\n-oi' ]] || fail "sendmail argv: $(cat sendmail.argv)"
cmp -s out-sm/allot-pack-2026-07.eml sendmail.stdin || fail "sendmail stdin differs from the .eml"
cat > sendmail-fail <<'EOF'
#!/bin/sh
cat > /dev/null
echo "sendmail: queue directory full" >&2
exit 75
EOF
chmod 700 sendmail-fail
sed "s|^sendmail = .*|sendmail = $PWD/sendmail-fail|" sm.ini > smfail.ini
set +e
"$bin/allot-pack" --no-db --config smfail.ini --out out-sm --period 2026-07 --send >/dev/null 2>smfail.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "failing sendmail: exit $rc"
grep -q "exited with status 75: sendmail: queue directory full" smfail.err || fail "$(cat smfail.err)"
[[ -f out-sm/allot-pack-2026-07.eml ]] || fail "the .eml went away"
pass "sendmail -t -oi gets the exact .eml; a failing sendmail exits 3 with its message"

# 10. Headline numbers from a real credit run: the hand-made company of
#     tests/cases/credit/small.sql, period 2026Q2 = [2026-04-01, 2026-07-01).
#     Won: d3 USD 5.00 (04-02), d4 EUR 30.00 (04-10). Created in Q2
#     (1775001600 = 2026-04-01): d4 EUR 30.00, d5 USD 70.00 + d6 USD 80.00.
#     Credit (linear, from that file's comments and tests/e2e/credit.sh):
#     Paid Social 33.00 USD (30 EUR x 1.1), share 33/38 = 86.8 %;
#     (unattributed) 5.00 only in the reconciliation line; booked 38.00.
#     No spend loaded. The data end on 2026-05-01 (p1's touch t6), before
#     2026Q2 does: the figures are to that day and the prior quarter's are
#     shown beside them without a change (README "A period the data do not
#     cover"; before, won read -95.0 %, pipeline +42.9 % and +74.3 %, the
#     changes below). The prior quarter 2026Q1: won d1 USD 100.00 (d2 has
#     no amount), 5/100 - 1 = -95.0 %; created 2026-03-20 (1773964800): d1
#     100.00 + d3 5.00 = USD 105.00, 150/105 - 1 = +42.9 %; no EUR. All
#     pipeline in USD (a line, since some is in EUR), each deal at its
#     creation day's rate: d4 EUR 30.00 x 1.1 (EUR from 2026-01-01) = 33.00
#     + 150.00 = USD 183.00; 2026Q1 105.00; 183/105 - 1 = +74.3 %.
: > co.db
"$bin/allot-credit" --db co.db --model linear >/dev/null 2>&1 || true
sqlite3 co.db < "$tests/cases/credit/small.sql"
"$bin/allot-credit" --db co.db --model linear >/dev/null 2>co.err || fail "allot-credit: $(cat co.err)"
run=$(sqlite3 co.db "SELECT max(run_id) FROM rollup_channel")
rm -rf out-co && mkdir out-co
"$bin/allot-pack" --db co.db --config sm.ini --out out-co --period 2026Q2 2>co-pack.err \
  || fail "pack on the credit company: $(cat co-pack.err)"
"$py" - out-co/allot-pack-2026Q2.eml "$run" <<'EOF' || fail "headline numbers differ"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
want = """allot report pack for 2026Q2 (2026-04-01 to 2026-06-30)
The data ends on 2026-05-01, before 2026Q2 does (2026-06-30): the figures of 2026Q2 are to 2026-05-01, and no change against 2026Q1 is shown (part of a period against a whole one).

Revenue won (closed-won deals by close date)
  EUR: EUR 30.00 from 1 deal (2026Q1: none)
  USD: USD 5.00 from 1 deal (2026Q1: USD 100.00)

Pipeline created
  EUR: EUR 30.00 in 1 new deal (2026Q1: none)
  USD: USD 150.00 in 2 new deals (2026Q1: USD 105.00)
  all in USD, each deal at its creation day's rate: USD 183.00 (2026Q1: USD 105.00)

Credited revenue by channel (linear model, run %s)
  Paid Social: USD 33.00 (86.8 %% of booked)
  reconciliation: USD 38.00 booked = USD 33.00 credited + USD 5.00 unattributed

Marketing spend
  (not available: no spend loaded for 2026Q2)

Attached
""" % sys.argv[2]
assert body.startswith(want), body
EOF
pass "headline numbers from a real allot-credit run match the hand-computed figures"

# 11. bcc: RCPT TO only, never in the message; refused with sendmail.
start_server spool-bcc
sed -e "s/^smtp_port = .*/smtp_port = $port/" pack.ini > bcc.ini
printf 'bcc = hidden@example.org\n' >> bcc.ini
"$bin/allot-pack" --no-db --config bcc.ini --out out --period 2026Q3 --send >bcc.out 2>bcc.err \
  || fail "bcc send exited $?: $(cat bcc.err)"
"$py" -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["rcpt_tos"][-1]=="hidden@example.org", e' \
  spool-bcc/msg-1.json || fail "bcc not in RCPT TO"
if grep -qi "hidden" spool-bcc/msg-1.eml out/allot-pack-2026Q3.eml; then fail "bcc address in the message"; fi
printf 'bcc = hidden@example.org\n' >> sm.ini
set +e
"$bin/allot-pack" --no-db --config sm.ini --out out-sm --period 2026-07 --send >/dev/null 2>bccsm.err
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bcc with sendmail: exit $rc"
grep -q "bcc works only with SMTP" bccsm.err || fail "bcc with sendmail: $(cat bccsm.err)"
pass "bcc: in RCPT TO, not in the message; refused with sendmail"

# 12. Usage and environment errors.
"$bin/allot-pack" --help | grep -q "^Usage: allot-pack" || fail "--help"
expect_exit() {
  local want=$1
  shift
  set +e
  "$bin/allot-pack" "$@" >/dev/null 2>usage.err
  local rc=$?
  set -e
  [[ $rc -eq $want ]] || fail "allot-pack $*: exit $rc, want $want: $(cat usage.err)"
}
expect_exit 2 --bogus
expect_exit 2 --send --dry-run --config pack.ini
expect_exit 2 --period 2026Q5 --config pack.ini --no-db --out out
expect_exit 2 --period 2026Q3 --no-db --out out   # no config: no sender
expect_exit 3 --period 2026Q3 --config pack.ini --no-db --out out --attach missing.pdf
expect_exit 3 --period 2026Q3 --config pack.ini --no-db --out no-such-dir
expect_exit 2 --no-db --db co.db --config pack.ini --out out   # exclusive
grep -q "^allot-pack: --db and --no-db exclude each other$" usage.err || fail "--db with --no-db: $(cat usage.err)"
# A missing or unreadable database is the environment (3), found before the
# [pack] sender is checked: the same 3 with no config at all, naming the file.
expect_exit 3 --period 2026Q3 --config pack.ini --db none.db --out out
grep -q "^allot-pack: error: none.db: no database here (No such file or directory); .*--no-db" usage.err \
  || fail "missing --db: $(cat usage.err)"
expect_exit 3 --period 2026Q3 --db none.db --out out           # no config, no sender either
grep -q "^allot-pack: error: none.db: no database here" usage.err || fail "missing --db, no config: $(cat usage.err)"
mkdir -p empty-cwd
(cd empty-cwd && expect_exit 3 --period 2026Q3 --out out)      # the default allot.db
grep -q "^allot-pack: error: allot.db: no database here" empty-cwd/usage.err || fail "missing allot.db: $(cat empty-cwd/usage.err)"
echo "not a database" > junk.db
expect_exit 3 --period 2026Q3 --db junk.db --out out
grep -q "^allot-pack: error: .*junk.db: .*file is not a database" usage.err || fail "junk database: $(cat usage.err)"
mkdir -p dir.db
expect_exit 3 --period 2026Q3 --db dir.db --out out
grep -q "^allot-pack: error: dir.db: cannot open database" usage.err || fail "folder as database: $(cat usage.err)"
[[ "$(cat junk.db)" == "not a database" ]] || fail "junk.db was changed"
pass "usage errors exit 2; a missing or unreadable database, attachment or output folder exits 3"

# 13. TLS: a throw-away CA-less certificate for 127.0.0.1 (openssl), then
#     STARTTLS with AUTH required after it, and smtps; the certificate is
#     verified against smtp_ca_file, and refused without it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout tls.key -out tls.pem >/dev/null 2>&1 \
  || fail "openssl could not make a test certificate"
export ALLOT_TEST_SMTP_PASSWORD='tls pass'
start_server spool-starttls --cert tls.pem --key tls.key --starttls --user allot-bot
unset ALLOT_TEST_SMTP_PASSWORD
sed -e "s/^smtp_port = .*/smtp_port = $port/" -e "s/^smtp_starttls = .*/smtp_starttls = yes/" pack.ini > starttls.ini
printf 'smtp_user = allot-bot\nsmtp_ca_file = %s/tls.pem\n' "$PWD" >> starttls.ini
ALLOT_SMTP_PASSWORD='tls pass' "$bin/allot-pack" --no-db --config starttls.ini --out out \
  --period 2026Q3 --send >starttls.out 2>starttls.err || fail "STARTTLS send exited $?: $(cat starttls.err)"
"$py" -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["tls"] and e["tls"].startswith("TLS") and e["auth_login"]=="allot-bot", e' \
  spool-starttls/msg-1.json || fail "not a TLS session with AUTH: $(cat spool-starttls/msg-1.json)"
cmp -s "$eml" spool-starttls/msg-1.eml || fail "STARTTLS: bytes differ"
grep -v '^smtp_ca_file' starttls.ini > noca.ini
set +e
ALLOT_SMTP_PASSWORD='tls pass' "$bin/allot-pack" --no-db --config noca.ini --out out \
  --period 2026Q3 --send >/dev/null 2>noca.err
rc=$?
set -e
[[ $rc -eq 3 ]] || fail "unknown CA: exit $rc: $(cat noca.err)"
grep -qi "certificate" noca.err || fail "unknown CA: $(cat noca.err)"
[[ ! -e spool-starttls/msg-2.eml ]] || fail "sent to a server with an unverified certificate"
start_server spool-smtps --cert tls.pem --key tls.key --smtps
sed -e "s/^smtp_port = .*/smtp_port = $port/" pack.ini > smtps.ini
printf 'smtps = yes\nsmtp_ca_file = %s/tls.pem\n' "$PWD" >> smtps.ini
"$bin/allot-pack" --no-db --config smtps.ini --out out --period 2026Q3 --send >/dev/null 2>smtps.err \
  || fail "smtps send exited $?: $(cat smtps.err)"
"$py" -c 'import json,sys; e=json.load(open(sys.argv[1])); assert e["tls"], e' spool-smtps/msg-1.json \
  || fail "smtps: not TLS"
cmp -s "$eml" spool-smtps/msg-1.eml || fail "smtps: bytes differ"
pass "STARTTLS with AUTH and smtps, certificate verified; an unknown CA refused (exit 3)"

# 14. A server that accepts and never answers: smtp_timeout bounds the wait.
start_server spool-hole --blackhole
sed -e "s/^smtp_port = .*/smtp_port = $port/" pack.ini > hole.ini
printf 'smtp_timeout = 2\n' >> hole.ini
t0=$(date +%s)
set +e
"$bin/allot-pack" --no-db --config hole.ini --out out --period 2026Q3 --send >/dev/null 2>hole.err
rc=$?
set -e
t1=$(date +%s)
[[ $rc -eq 3 ]] || fail "silent server: exit $rc: $(cat hole.err)"
grep -qi "timeout\|timed out" hole.err || fail "silent server: $(cat hole.err)"
(( t1 - t0 <= 10 )) || fail "silent server: took $((t1 - t0)) s with smtp_timeout = 2"
pass "a silent server times out after smtp_timeout (exit 3)"

echo "all allot-pack checks passed"
