#!/usr/bin/env bash
# The main job of ExchPortGuard, as a new user meets it, on a fresh Debian 12
# machine: build the Windows service, install it in a private Wine prefix,
# start it, plant a port conflict with reg.exe, and see the service catch it
# at once and the events it wrote.  Nothing outside build/ is touched.
#
# It is also a check: it exits non-zero, with a one-line reason, when the
# service does not catch the conflict, does not report its end, or
# `exchportguard check` disagrees (scripts/demo.py).  It works as the first
# command on a clean clone: everything it needs it makes itself.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || { echo "demo: FAILED: installing the packages (scripts/deps.sh) failed" >&2; exit 1; }
mkdir -p build
log=build/demo-build.log
echo "Building the Windows x64 binaries (mingw-w64)..."
if ! { cmake --preset win64 && cmake --build --preset win64 --target exchportguard; } >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "demo: FAILED: the win64 build failed (full output in $log)" >&2
    exit 1
fi
exec python3 scripts/demo.py build/win64/service/exchportguard.exe build/demo
