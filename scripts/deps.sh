#!/usr/bin/env bash
# Installs what the build, the tests and the demo need on Debian 12
# (python3-yaml: tests/contract/check_native_backend.py parses the GitHub
# Actions workflow).
# Runs apt-get only for what is missing, so a second run costs nothing.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

for pkg in cmake make gcc clang libclang-rt-14-dev \
           gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 \
           gcc-mingw-w64-i686 binutils-mingw-w64-i686 \
           wine wine64 wixl msitools python3 python3-yaml procps time; do
    have "$pkg" || need+=("$pkg")
done

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "deps.sh: missing packages (${need[*]}) and not root; run as root or install them" >&2
        exit 1
    fi
else
    SUDO=
fi

echo "deps.sh: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >&2
