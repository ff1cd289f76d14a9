#!/usr/bin/env bash
# The benchmarks, under Wine, in a private prefix:
#   scripts/bench.sh           full counts; budgets judged; results written to
#                              build/bench/results.md (docs/performance.md
#                              quotes them)
#   scripts/bench.sh --smoke   tiny counts, so the benchmarks cannot rot;
#                              only correctness is judged (scripts/test.sh)
#   scripts/bench.sh latency idle   only the benchmarks named (no export
#                              benchmarks, oracle or mutation score)
# The full run also runs the state-equivalence oracle, three random seeds
# of 20,000 steps each (tests/wine/test_oracle.py; scripts/test.sh runs two
# fixed seeds of 500), the stale regression test at 1,000 repetitions
# (tests/wine/test_stale.py; scripts/test.sh runs 500) and the mutation
# score (scripts/mutants.sh), which take many minutes and so stay out of
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
    # Three random seeds of 20,000 steps each, every seed printed with the
    # command that replays it; the differential oracle (reg export, then
    # check --reg with both builds) on the first 5,000 steps of each; two
    # flood-limit episodes per seed.  Then the stale regression test
    # (tests/wine/test_stale.py) at 1,000 repetitions.
    echo "== state-equivalence oracle: 3 random seeds x 20,000 steps"
    python3 - <<'PY' || rc=1
import os, subprocess, sys
sys.path.insert(0, "tests/wine")
import winetest
build = os.path.abspath("build/win64")
template = winetest.template_for(build)
winetest.ensure_template(template, "creating the template Wine prefix (once)...")
common = ["--exe", os.path.join(build, "service", "exchportguard.exe"),
          "--tools", os.path.join(build, "tests", "tools"),
          "--template", template, "--source", os.path.abspath(".")]
# The seeds run side by side, each in its own prefix (two cores: about a
# third of the time one after another takes); each log is kept.
import random
seeds = [random.SystemRandom().randrange(1 << 30) for _ in range(3)]
print("oracle: seeds %s" % ", ".join(map(str, seeds)), flush=True)
procs = []
for seed in seeds:
    log = os.path.abspath("build/bench/oracle-%d.log" % seed)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    args = [sys.executable, "tests/wine/test_oracle.py"] + common + [
        "--work", os.path.abspath("build/bench/oracle"), "--seed", str(seed),
        "--steps", "20000", "--bursts", "400", "--differential-steps", "5000",
        "--flood-bursts", "2"]
    procs.append((seed, log, subprocess.Popen(args, stdout=open(log, "w"),
                                              stderr=subprocess.STDOUT)))
rc = 0
for seed, log, p in procs:
    code = p.wait()
    rc = rc or code
    for line in open(log):
        if not line.startswith("  ok   regtool"):
            print(line, end="")
    if code:
        print("oracle: seed %d FAILED (log %s); replay it with: python3 "
              "tests/wine/test_oracle.py %s --work build/bench/replay --steps 20000 "
              "--bursts 400 --differential-steps 5000 --seed %d"
              % (seed, log, " ".join(common), seed), flush=True)
stale = [sys.executable, "tests/wine/test_stale.py"] + common + [
    "--work", os.path.abspath("build/bench/stale"), "--reps", "1000"]
sys.exit(rc or subprocess.call(stale))
PY
    echo "== mutation score (scripts/mutants.sh)"
    scripts/mutants.sh || rc=1
fi
exit $rc
