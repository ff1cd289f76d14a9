#!/usr/bin/env bash
# The benchmarks, under Wine, in a private prefix:
#   scripts/bench.sh           full counts; budgets judged; results written to
#                              build/bench/results.md (docs/performance.md
#                              quotes them)
#   scripts/bench.sh --smoke   tiny counts, so the benchmarks cannot rot;
#                              only correctness is judged (scripts/test.sh)
# The export reader's benchmarks (scripts/bench_export.py) run natively
# first; their results go to build/bench-export/results-export.md.
# The full run also runs the mutation score (scripts/mutants.sh), which
# takes minutes and so stays out of scripts/test.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
# The registry export reader, natively (linux-release: no sanitizers).
cmake --preset linux-release >/dev/null
cmake --build --preset linux-release --target exchportguard_cli >/dev/null
work=build/bench-export
[ "${1:-}" = --smoke ] && work=build/bench-export-smoke
export_rc=0
python3 scripts/bench_export.py "$@" build/linux-release/cli/exchportguard "$work" ||
    export_rc=$?

cmake --preset win64 >/dev/null
cmake --build --preset win64 --target exchportguard bench bench_writer >/dev/null
rc=$export_rc
python3 scripts/bench.py "$@" || rc=$?
if [ "${1:-}" != "--smoke" ]; then
    echo "== mutation score (scripts/mutants.sh)"
    scripts/mutants.sh || rc=1
fi
exit $rc
