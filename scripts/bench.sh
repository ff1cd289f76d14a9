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
# of 20,000 steps each, two of them with the schedule-perturbed build
# (tests/wine/test_oracle.py, common/perturb.h; scripts/test.sh runs two
# fixed seeds of 500 and one perturbed of 500), the stale regression test
# at 1,000 repetitions, perturbed and not (tests/wine/test_stale.py;
# scripts/test.sh runs 500, and 450 perturbed) and the mutation
# score (scripts/mutants.sh), which take many minutes and so stay out of
# scripts/test.sh and CI.
# The export reader's benchmarks (scripts/bench_export.py) run natively
# first; their results go to build/bench-export/results-export.md.
# The full run ends with a table of each step's seconds and the total.
# On every way out (done, failed, Ctrl+C, SIGTERM) everything it started is
# ended: its process tree, and every Wine process of the prefixes it uses
# (build/bench*, the template's, the mutants' scratch tree), their
# wineservers with `wineserver -k` (scripts/reap.py; tested by
# tests/bench/test_interrupt.py).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every step runs as a background job and is waited for: bash runs a trap
# only once the foreground command it waits on has ended, but a `wait`
# returns at once on a signal.  Job control gives each job the default
# SIGINT (a background job would otherwise ignore it) in its own process
# group: Ctrl+C reaches this script, whose trap ends them all.
set -m
reap_dirs=(build/bench build/bench-smoke build/bench-export build/bench-export-smoke
           build/win64/wine/template build/win64/wine/template.tmp build/mutants
           build/win64-perturb/wine)
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    python3 scripts/reap.py --tree $$ "${reap_dirs[@]}" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM

names=()
secs=()
t_all=$(date +%s)
# step NAME command...: runs it, notes its seconds, returns its status.
step() {
    local name=$1 t0 rc=0
    shift
    t0=$(date +%s)
    "$@" &
    wait $! || rc=$?
    names+=("$name")
    secs+=($(( $(date +%s) - t0 )))
    return $rc
}

step deps scripts/deps.sh
# The registry export reader, natively (linux-release: no sanitizers).
build_native() {
    cmake --preset linux-release >/dev/null &&
    cmake --build --preset linux-release --target exchportguard_cli >/dev/null
}
step "build linux-release" build_native
work=build/bench-export
[ "${1:-}" = --smoke ] && work=build/bench-export-smoke
export_rc=0
# Named Wine benchmarks run alone, without the export reader's.
if [ $# -eq 0 ] || [ "${1:-}" = --smoke ]; then
    step "export benchmarks" python3 scripts/bench_export.py "$@" \
        build/linux-release/cli/exchportguard "$work" || export_rc=$?
fi

build_win64() {
    cmake --preset win64 >/dev/null &&
    cmake --build --preset win64 --target exchportguard bench bench_writer regtool >/dev/null
}
step "build win64" build_win64
# The schedule-perturbed build (common/perturb.h), for the oracle's and the
# stale test's perturbed runs.
build_perturb() {
    cmake --preset win64-perturb >/dev/null &&
    cmake --build --preset win64-perturb --target exchportguard regtool >/dev/null
}
rc=$export_rc
wine_work=build/bench
[ "${1:-}" = --smoke ] && wine_work=build/bench-smoke
rm -f "$wine_work/durations.tsv"
step "wine benchmarks" python3 scripts/bench.py "$@" || rc=$?
if [ $# -eq 0 ]; then
    # Three random seeds of 20,000 steps each, side by side, two of them
    # with the schedule-perturbed build; then the stale regression test at
    # 1,000 repetitions, perturbed and not (scripts/bench_oracle.py).
    step "build win64-perturb" build_perturb || rc=1
    echo "== state-equivalence oracle: 3 random seeds x 20,000 steps (2 perturbed)"
    step "oracle (3 seeds, 2 perturbed)" python3 scripts/bench_oracle.py oracle || rc=1
    echo "== stale regression test: 1,000 repetitions, perturbed and not"
    step "stale (2 x 1,000 repetitions)" python3 scripts/bench_oracle.py stale || rc=1
    echo "== mutation score (scripts/mutants.sh)"
    step mutants scripts/mutants.sh || rc=1
fi

echo
printf '%-34s %7s\n' step seconds
for i in "${!names[@]}"; do
    printf '%-34s %7d\n' "${names[$i]}" "${secs[$i]}"
    if [ "${names[$i]}" = "wine benchmarks" ] && [ -f "$wine_work/durations.tsv" ]; then
        while IFS=$'\t' read -r bname bsecs; do
            printf '  %-32s %7d\n' "$bname" "$bsecs"
        done < "$wine_work/durations.tsv"
    fi
done
printf '%-34s %7d\n' total $(( $(date +%s) - t_all ))
exit $rc
