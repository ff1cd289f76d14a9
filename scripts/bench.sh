#!/usr/bin/env bash
# The benchmarks, under Wine, in a private prefix:
#   scripts/bench.sh           full counts; budgets judged; results written to
#                              build/bench/results.md (docs/performance.md
#                              quotes them)
#   scripts/bench.sh --smoke   tiny counts, so the benchmarks cannot rot;
#                              only correctness is judged (scripts/test.sh)
#   scripts/bench.sh latency idle   only the benchmarks named
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake --preset win64 >/dev/null
cmake --build --preset win64 --target exchportguard bench bench_writer >/dev/null
exec python3 scripts/bench.py "$@"
