#!/usr/bin/env python3
"""Creates the template Wine prefix the end-to-end tests clone (the CTest
fixture "wineprefix").  Kept between runs: booting a prefix takes ~15 s.

  make_prefix.py TEMPLATE [UNIT]   the template; with UNIT, also the unit
                                   tests' prefix, cloned from it, with its
                                   wineserver started and its system
                                   processes up before any test runs
  make_prefix.py --end UNIT        ends that wineserver (the fixture's
                                   cleanup, wine.prefix_end)

Why the unit prefix is started first: the unit tests run two at a time
(ctest -j2) in that one prefix, and left to themselves the first of them
start its wineserver and its services.exe, plugplay and winedevice (about
3 s) while the others connect.  A clean-clone CI run of 2026-12-04 had
one test end at once with "wine client error:0: recvmsg: Connection reset
by peer" in that start-up; started here once, the tests only connect.  The
server persists 30 s after its last client, so an interrupted run leaves
nothing behind for long; the cleanup ends it at once."""
import fcntl
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winetest  # noqa: E402

PERSIST_SECONDS = 30

if len(sys.argv) == 3 and sys.argv[1] == "--end":
    unit = sys.argv[2]
    if winetest.template_ready(unit):
        subprocess.run([winetest.WINESERVER, "-k"], env=winetest.base_env(unit),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    print("unit test prefix's wineserver ended: " + unit)
    sys.exit(0)

path = sys.argv[1]
unit = sys.argv[2] if len(sys.argv) > 2 else None
winetest.ensure_template(path, "creating template prefix " + path)
print("template prefix ready: " + path)
# The unit tests run in a clone of their own, so nothing they do can touch
# the template.  Cloned under the same lock, so two callers never copy into
# one directory at once.
if unit:
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not winetest.template_ready(unit):
            winetest.clone_prefix(path, unit)
            print("unit test prefix ready: " + unit)
    env = winetest.base_env(unit)
    # Output to a file, never a pipe: the server inherits it (docs/wine.md).
    with open(unit + ".server.log", "w") as log:
        subprocess.run([winetest.WINESERVER, "-p%d" % PERSIST_SECONDS], env=env,
                       stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True,
                       timeout=60)
        # One program run brings up the system processes; the server stays.
        subprocess.run([winetest.WINE, "cmd", "/c", "exit"], env=env,
                       stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=True,
                       timeout=120)
    print("unit test prefix's wineserver running (persists %d s after its last "
          "client)" % PERSIST_SECONDS)
