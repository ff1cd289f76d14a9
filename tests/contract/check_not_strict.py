#!/usr/bin/env python3
"""The strict build's wrappers (tests/strict/) are test code: a release
exchportguard.exe must not contain them, and the strict build's must.

    check_not_strict.py EXE...           each EXE holds no strict code
    check_not_strict.py --strict EXE...  each EXE holds the wrappers

What marks the wrappers: the breach line's text and a wrapper's name, both
in every strict binary (tests/strict/strict_win32.c)."""
import sys

MARKS = (b"STRICT WIN32 BREACH", b"strict_RegSetValueExW")


def main(argv):
    strict = "--strict" in argv
    exes = [a for a in argv if a != "--strict"]
    if not exes:
        print(__doc__)
        return 2
    bad = 0
    for exe in exes:
        with open(exe, "rb") as f:
            data = f.read()
        found = [m.decode() for m in MARKS if m in data]
        if strict and len(found) != len(MARKS):
            print("%s: not a strict build: lacks %s" % (
                exe, ", ".join(m.decode() for m in MARKS if m not in data)))
            bad += 1
        elif not strict and found:
            print("%s: holds the strict build's code: %s" % (exe, ", ".join(found)))
            bad += 1
        else:
            print("%s: %s" % (exe, "strict" if strict else "no strict code"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
