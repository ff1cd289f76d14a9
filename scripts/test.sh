#!/usr/bin/env bash
# Every test ExchPortGuard has, from a fresh Debian 12 machine:
#   1. the portable core natively, with AddressSanitizer and UBSan
#   2. the Windows x64 build: the same unit tests under Wine, then the
#      end-to-end tests (check, the service under Wine's SCM, run, install,
#      the MSI, the sc.exe scripts, faults and bad input)
#   3. the Windows x86 build (compiles; nothing runs, see cmake/)
#   4. each fuzzer for 20 seconds
#   5. every benchmark once with tiny counts, so they cannot rot
# Ends non-zero if anything failed, and says what.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || { echo "test.sh: installing dependencies failed" >&2; exit 1; }

failed=()
step() {
    local name=$1
    shift
    echo
    echo "=== $name"
    if "$@"; then
        echo "=== $name: passed"
    else
        echo "=== $name: FAILED"
        failed+=("$name")
    fi
}

native() {
    cmake --preset linux >/dev/null &&
    cmake --build --preset linux &&
    ctest --preset linux
}

win64_build() {
    cmake --preset win64 >/dev/null &&
    cmake --build --preset win64
}

# Unit tests in parallel; the end-to-end tests one at a time, since they
# measure reaction times on a two-core machine.
win64_unit() { ctest --preset win64 -L unit -j2; }
win64_e2e() { ctest --preset win64 -L "wine|installer"; }

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
step "win32: build, Windows Server 2003 imports" win32_build
step "fuzz: the core, 20 seconds" scripts/fuzz.sh 20 fuzz_core
step "fuzz: the export reader, 20 seconds" scripts/fuzz.sh 20 fuzz_regexport
step "benchmarks: smoke run" scripts/bench.sh --smoke

echo
if [ ${#failed[@]} -ne 0 ]; then
    echo "test.sh: ${#failed[@]} step(s) failed:"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "test.sh: every step passed"
