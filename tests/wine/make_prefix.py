#!/usr/bin/env python3
"""Creates the template Wine prefix the end-to-end tests clone (the CTest
fixture "wineprefix").  Kept between runs: booting a prefix takes ~15 s."""
import fcntl
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import winetest  # noqa: E402

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
