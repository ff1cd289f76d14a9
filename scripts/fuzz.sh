#!/usr/bin/env bash
# Fuzzes the portable core (parsing, checks, reports, events, publisher)
# with libFuzzer for as long as asked:
#   scripts/fuzz.sh [seconds]      default 300
# The seed corpus is tests/fuzz/corpus; new inputs go to build/fuzz/corpus,
# crashes to build/fuzz/artifacts/ (and the run fails).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}

scripts/deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_core >/dev/null
mkdir -p build/fuzz/corpus build/fuzz/artifacts
echo "fuzz: running fuzz_core for ${seconds} s"
build/fuzz/tests/fuzz/fuzz_core -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix=build/fuzz/artifacts/ -max_len=4096 \
    build/fuzz/corpus tests/fuzz/corpus > build/fuzz/fuzz.log 2>&1 || {
    tail -60 build/fuzz/fuzz.log
    echo "fuzz: FAILED; the input is in build/fuzz/artifacts/" >&2
    exit 1
}
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" build/fuzz/fuzz.log || true
echo "fuzz: no crash in ${seconds} s"
