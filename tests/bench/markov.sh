#!/usr/bin/env bash
# tests/bench/markov.sh [--runs R] [--work DIR] — the data-driven models'
# benchmark: the `markov` stage of tests/bench/run (see there for the path
# files, the cases and the reference figures).
exec "$(dirname "$0")/run" "$@" markov
