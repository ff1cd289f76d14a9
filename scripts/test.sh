#!/usr/bin/env bash
# Every test ExchPortGuard has, from a fresh Debian 12 machine:
#   1. the portable core natively, with AddressSanitizer and UBSan
#   2. the Windows x64 build: the same unit tests under Wine, then the
#      end-to-end tests (check, the service under Wine's SCM, run, install,
#      the MSI, the sc.exe scripts, faults and bad input)
#   2b. the strict Windows x64 build (tests/strict/): every Win32 call
#      checked against Microsoft's documented rules; the rule tests, then
#      the end-to-end tests that drive the product's calls; any breach fails
#   2c. the schedule-perturbed Windows x64 build (common/perturb.h): seeded
#      random delays wherever the order of events matters to the service;
#      the oracle (one fixed seed, 500 steps) and the stale test (200
#      repetitions) against it
#   3. the Windows x86 build (compiles; nothing runs, see cmake/)
#   4. each fuzzer for 20 seconds
#   5. every benchmark once with tiny counts, so they cannot rot, and
#      scripts/bench.sh interrupted (SIGINT, SIGTERM): nothing left running
# Each CTest step checks that at least as many tests ran per group as it
# lists (tests/tools/ctest_counts.py): a test that drops out fails loudly.
# Ends non-zero if anything failed, and says what.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || { echo "test.sh: installing dependencies failed" >&2; exit 1; }

failed=()
mkdir -p build
tally=build/test-tally.txt
: > "$tally"

# Runs ctest with a JUnit file and checks, per group (unit, wine,
# installer, contract), that at least as many tests ran as listed:
#   counted NAME GROUP=MIN[,GROUP=MIN...] -- ctest arguments
# A test that drops out (no Wine, no MSI tool, no objdump) fails the step.
counted() {
    local name=$1 mins=$2
    shift 3
    local junit
    junit="$PWD/build/junit-$name.xml"
    rm -f "$junit"
    local rc=0
    ctest "$@" --output-junit "$junit" || rc=$?
    # shellcheck disable=SC2086
    python3 tests/tools/ctest_counts.py "$junit" ${mins//,/ } --tally "$tally" || rc=1
    return $rc
}

step() {
    local name=$1
    shift
    echo
    echo "=== $name"
    local start=$SECONDS
    if "$@"; then
        echo "=== $name: passed in $((SECONDS - start)) s"
    else
        echo "=== $name: FAILED in $((SECONDS - start)) s"
        failed+=("$name")
    fi
}

native() {
    cmake --preset linux >/dev/null &&
    cmake --build --preset linux &&
    counted linux unit=18,contract=10,cli=2 -- --preset linux
}

win64_build() {
    cmake --preset win64 >/dev/null &&
    cmake --build --preset win64
}

# Unit tests in parallel; the end-to-end tests two at a time as well: each
# has its own prefix and wineserver and mostly waits, their reaction-time
# checks allow a second or more against tens of milliseconds measured, and
# the longest start first (COST, tests/wine/CMakeLists.txt).  What measures
# time closely (the benchmarks) runs alone, in the steps below.
win64_unit() { counted win64-unit unit=23 -- --preset win64 -L unit -j2; }
# wine.service, wine.start, wine.check_cli, wine.fix and wine.faults run
# once, on the strict build (win64_strict): the same scripts over the same
# source, with every Win32 rule checked.  Running them here too would add
# about 3.5 minutes and take .ci/run past its 15.
STRICT_E2E='^wine\.(service|start|check_cli|fix|faults)$'
win64_e2e() { counted win64-e2e wine=9,installer=3 -- --preset win64 -L "wine|installer" -E "$STRICT_E2E" -j2; }

# The strict build: its own rule tests (label strict) and the end-to-end
# tests service, start, check_cli, fix, faults, with any breach a failure.
win64_strict() {
    cmake --preset win64-strict >/dev/null &&
    cmake --build --preset win64-strict &&
    counted win64-strict strict=2,wine=7 -- --preset win64-strict -j2
}

# The perturbed build: only what its two tests run (the service, regtool).
win64_perturb() {
    cmake --preset win64-perturb >/dev/null &&
    cmake --build --preset win64-perturb --target exchportguard regtool &&
    counted win64-perturb perturb=1,wine=2 -- --preset win64-perturb -j2
}

win32_build() {
    cmake --preset win32 >/dev/null &&
    cmake --build --preset win32 &&
    python3 tests/contract/check_imports.py i686-w64-mingw32-objdump \
        build/win32/service/exchportguard.exe
}

step "linux: core unit tests (ASan, UBSan)" native
step "win64: build" win64_build
step "win64: unit tests under Wine" win64_unit
step "win64: end-to-end tests under Wine" win64_e2e
step "win64-strict: build, rule tests, end-to-end tests" win64_strict
step "win64-perturb: build, the oracle and the stale test perturbed" win64_perturb
step "win32: build, Windows Server 2003 imports" win32_build
step "fuzz: the core, 20 seconds" scripts/fuzz.sh 20 fuzz_core
step "fuzz: the export reader, 20 seconds" scripts/fuzz.sh 20 fuzz_regexport
step "fuzz: the port chooser, 20 seconds" scripts/fuzz.sh 20 fuzz_fixplan
step "benchmarks: smoke run" scripts/bench.sh --smoke
step "benchmarks: an interrupted run leaves no process" python3 tests/bench/test_interrupt.py

echo
read -r passed nfailed < <(awk '{p+=$1; f+=$2} END {print p+0, f+0}' "$tally")
# The closing line counts the CTest tests of every step; a failed step
# counts as one more failure, so the line never reads clean when a step
# (the fuzzer, the benchmarks' smoke run) failed outside CTest.
echo "total: $passed passed, $((nfailed + ${#failed[@]})) failed"
if [ ${#failed[@]} -ne 0 ]; then
    echo "test.sh: ${#failed[@]} step(s) failed:"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "test.sh: every step passed"
