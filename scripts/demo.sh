#!/usr/bin/env bash
# The main job of ExchPortGuard, as a new user meets it, on a fresh Debian 12
# machine: build the Windows service, install it in a private Wine prefix,
# start it, plant a port conflict with reg.exe, and see the service catch it
# at once and the events it wrote.  Nothing outside build/ is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
echo "Building the Windows x64 binaries (mingw-w64)..."
cmake --preset win64 >/dev/null
cmake --build --preset win64 --target exchportguard >/dev/null
exec python3 scripts/demo.py build/win64/service/exchportguard.exe build/demo
