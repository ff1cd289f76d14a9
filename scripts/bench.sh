#!/usr/bin/env bash
# The benchmarks, under Wine, in a private prefix:
#   scripts/bench.sh           full counts; budgets judged; results written to
#                              build/bench/results.md (docs/performance.md
#                              quotes them)
#   scripts/bench.sh --smoke   tiny counts, so the benchmarks cannot rot;
#                              only correctness is judged (scripts/test.sh)
#   scripts/bench.sh latency idle   only the benchmarks named (no export
#                              benchmarks, oracle or mutation score)
# The full run also runs the state-equivalence oracle with 5,000 random
# steps (tests/wine/test_oracle.py; scripts/test.sh runs 200) and the
# mutation score (scripts/mutants.sh), which take minutes and so stay out of
# scripts/test.sh and CI.
# The export reader's benchmarks (scripts/bench_export.py) run natively
# first; their results go to build/bench-export/results-export.md.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
# The registry export reader, natively (linux-release: no sanitizers).
cmake --preset linux-release >/dev/null
cmake --build --preset linux-release --target exchportguard_cli >/dev/null
work=build/bench-export
[ "${1:-}" = --smoke ] && work=build/bench-export-smoke
export_rc=0
# Named Wine benchmarks run alone, without the export reader's.
if [ $# -eq 0 ] || [ "${1:-}" = --smoke ]; then
    python3 scripts/bench_export.py "$@" build/linux-release/cli/exchportguard "$work" ||
        export_rc=$?
fi

cmake --preset win64 >/dev/null
cmake --build --preset win64 --target exchportguard bench bench_writer regtool >/dev/null
rc=$export_rc
python3 scripts/bench.py "$@" || rc=$?
if [ $# -eq 0 ]; then
    echo "== state-equivalence oracle, 5,000 steps"
    python3 - <<'PY' || rc=1
import os, subprocess, sys
sys.path.insert(0, "tests/wine")
import winetest
build = os.path.abspath("build/win64")
template = winetest.template_for(build)
winetest.ensure_template(template, "creating the template Wine prefix (once)...")
sys.exit(subprocess.call([sys.executable, "tests/wine/test_oracle.py",
    "--exe", os.path.join(build, "service", "exchportguard.exe"),
    "--tools", os.path.join(build, "tests", "tools"),
    "--template", template, "--work", os.path.abspath("build/bench/oracle"),
    "--steps", "5000", "--bursts", "100"]))
PY
    echo "== mutation score (scripts/mutants.sh)"
    scripts/mutants.sh || rc=1
fi
exit $rc
