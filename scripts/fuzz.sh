#!/usr/bin/env bash
# Fuzzes the portable core with libFuzzer for as long as asked:
#   scripts/fuzz.sh [seconds] [target]      default 300 s, fuzz_core
# Targets: fuzz_core (parsing, checks, reports, events, publisher; seeds in
# tests/fuzz/corpus) and fuzz_regexport (the registry export reader and the
# many-computer reports; seeds in tests/fuzz/corpus-regexport) and
# fuzz_fixplan (the port chooser of "fix" over random snapshots; seeds in
# tests/fuzz/corpus-fixplan).  New inputs
# go to build/fuzz/corpus[-regexport], crashes to build/fuzz/artifacts/
# (and the run fails).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
target=${2:-fuzz_core}
case $target in
    fuzz_core) seeds=tests/fuzz/corpus; work=build/fuzz/corpus; max_len=4096 ;;
    fuzz_regexport) seeds=tests/fuzz/corpus-regexport
                    work=build/fuzz/corpus-regexport; max_len=16384 ;;
    fuzz_fixplan) seeds=tests/fuzz/corpus-fixplan; work=build/fuzz/corpus-fixplan
                  max_len=512 ;;
    *) echo "fuzz.sh: no target $target" >&2; exit 2 ;;
esac

scripts/deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "$target" >/dev/null
mkdir -p "$work" build/fuzz/artifacts
log=build/fuzz/$target.log
echo "fuzz: running $target for ${seconds} s"
build/fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix=build/fuzz/artifacts/ -max_len=$max_len \
    "$work" "$seeds" > "$log" 2>&1 || {
    tail -60 "$log"
    echo "fuzz: FAILED; the input is in build/fuzz/artifacts/" >&2
    exit 1
}
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$log" || true
echo "fuzz: no crash in ${seconds} s"
