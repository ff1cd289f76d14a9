#!/usr/bin/env python3
"""Fails when git tracks a file that the build or the tests write.

Generated files (message headers, .rc, .bin, objects, binaries, MSIs,
Python bytecode) are built, never committed (README.md).  .gitignore keeps
the honest mistakes out; this test catches the rest, for example a file
added with `git add -f`, or an ignore rule that was dropped.

The list is explicit: each pattern is something this project's build or
tests really write.  The message compiler (messages/CMakeLists.txt) writes
exchportguard.h, exchportguard.rc and MSG00409.bin; service/version.rc.in is
configured into version.rc (the .in source is tracked, the output is not).
"""
import argparse
import fnmatch
import subprocess
import sys

# (pattern on the path's last component, or on a directory component when
# it ends in "/", what writes it)
GENERATED = [
    ("__pycache__/", "Python, when a test or script imports a module"),
    ("*.pyc", "Python bytecode"),
    ("*.o", "gcc/clang objects"),
    ("*.obj", "MSVC objects"),
    ("*.exe", "linked Windows programs"),
    ("*.msi", "wixl / WiX Toolset packages"),
    ("*.res", "windres / rc.exe resources"),
    ("MSG*.bin", "the message compiler's binary message table"),
    ("exchportguard.h", "the message compiler's header (messages/)"),
    ("exchportguard.rc", "the message compiler's .rc (messages/)"),
    ("version.rc", "configure_file of service/version.rc.in"),
    ("*.wixobj", "candle (WiX Toolset)"),
    ("*.wixpdb", "light (WiX Toolset)"),
]

# The pattern list itself is tested, so that a typo in it cannot turn this
# test into one that always passes.
MUST_MATCH = ["scripts/__pycache__/demo.cpython-311.pyc", "x.pyc",
              "common/a.o", "b.obj", "service/exchportguard.exe",
              "ExchPortGuard-1.0.0-x64.msi", "version.res",
              "messages/MSG00409.bin", "messages/exchportguard.h",
              "messages/exchportguard.rc", "service/version.rc",
              "installer/msi.wixobj", "light.wixpdb",
              "tests/wine/__pycache__/README"]
MUST_NOT_MATCH = ["service/version.rc.in", "messages/exchportguard.mc",
                  "common/events/events.h", "service/exchportguard.manifest",
                  "scripts/demo.py", "tests/fuzz/corpus/windows-2003",
                  "installer/exchportguard.wxs", "docs/objects.md"]


def generated_by(path):
    """What writes this path, or None when it is a source file."""
    parts = path.split("/")
    for pattern, what in GENERATED:
        if pattern.endswith("/"):
            if any(fnmatch.fnmatchcase(p, pattern[:-1]) for p in parts[:-1]):
                return what
        elif fnmatch.fnmatchcase(parts[-1], pattern):
            return what
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, help="the git checkout")
    args = ap.parse_args()

    bad = [p for p in MUST_MATCH if not generated_by(p)]
    bad += ["%s (a source file)" % p for p in MUST_NOT_MATCH if generated_by(p)]
    if bad:
        print("check_tracked: the pattern list is wrong for: " + ", ".join(bad))
        return 1

    r = subprocess.run(["git", "-C", args.source, "ls-files", "-z"],
                       capture_output=True)
    if r.returncode != 0:
        # Not a skip: without git's list there is nothing to judge, and a
        # test that passes without testing is a defect.
        print("check_tracked: `git ls-files` failed in %s (exit %d): %s" %
              (args.source, r.returncode, r.stderr.decode(errors="replace").strip()))
        return 1
    files = [f for f in r.stdout.decode("utf-8", "surrogateescape").split("\0") if f]
    found = [(f, generated_by(f)) for f in files if generated_by(f)]
    print("check_tracked: %d tracked files, %d generated" % (len(files), len(found)))
    for f, what in found:
        print("  tracked but generated: %s (%s)" % (f, what))
    return 1 if found or not files else 0


if __name__ == "__main__":
    sys.exit(main())
