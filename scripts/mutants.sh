#!/usr/bin/env bash
# The mutation score: applies every mutant in tests/mutants/mutants.txt to a
# scratch copy of the tree (build/mutants/src), rebuilds, runs the tests the
# mutant names (native ones with ASan/UBSan, Wine ones for service/ code),
# and prints killed / total with the survivors named; last line
# `killed K of T`.  Exits non-zero when a mutant survives or no longer
# applies.  Run by scripts/bench.sh (full run), not by CI: it takes minutes.
#   scripts/mutants.sh [--only ID,ID]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
exec python3 scripts/mutants.py "$@"
