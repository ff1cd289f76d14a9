#!/usr/bin/env bash
# The benchmarks, under Wine, in a private prefix:
#   scripts/bench.sh           full counts; budgets judged; results written to
#                              build/bench/results.md (docs/performance.md
#                              quotes them)
#   scripts/bench.sh --smoke   tiny counts, so the benchmarks cannot rot;
#                              only correctness is judged (scripts/test.sh)
# The full run also runs the mutation score (scripts/mutants.sh), which
# takes minutes and so stays out of scripts/test.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset win64 >/dev/null
cmake --build --preset win64 --target exchportguard bench bench_writer >/dev/null
rc=0
python3 scripts/bench.py "$@" || rc=$?
if [ "${1:-}" != "--smoke" ]; then
    echo "== mutation score (scripts/mutants.sh)"
    scripts/mutants.sh || rc=1
fi
exit $rc
