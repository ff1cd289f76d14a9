#!/usr/bin/env python3
"""The test-only builds' code never reaches a release exchportguard.exe:
the strict build's wrappers (tests/strict/) and the schedule-perturbed
build's delays (common/perturb.h).  Each test build's exe must hold its own
code, so the check is seen to find what it looks for.

    check_test_code.py EXE...                   EXE holds no test build's code
    check_test_code.py --holds strict EXE...    EXE holds the strict wrappers
    check_test_code.py --holds perturb EXE...   EXE holds the perturbation

What marks each: two strings that are in every binary of that build (the
strict breach line and a wrapper's name, tests/strict/strict_win32.c; the
perturbation's seed line and the variable it reads, common/perturb.c)."""
import sys

MARKS = {
    "strict": (b"STRICT WIN32 BREACH", b"strict_RegSetValueExW"),
    "perturb": (b"exchportguard: schedule perturbation seed ", b"EPG_PERTURB_SEED"),
}


def main(argv):
    holds = None
    if len(argv) >= 2 and argv[0] == "--holds":
        holds, argv = argv[1], argv[2:]
        if holds not in MARKS:
            print("check_test_code.py: no test build named %r (%s)" % (holds, ", ".join(MARKS)))
            return 2
    if not argv:
        print(__doc__)
        return 2
    bad = 0
    for exe in argv:
        with open(exe, "rb") as f:
            data = f.read()
        said = []
        for kind, marks in MARKS.items():
            found = [m for m in marks if m in data]
            if kind == holds and len(found) != len(marks):
                said.append("not a %s build: lacks %s" % (kind, ", ".join(
                    m.decode() for m in marks if m not in data)))
            elif kind != holds and found:
                said.append("holds the %s build's code: %s" % (kind, ", ".join(
                    m.decode() for m in found)))
        bad += bool(said)
        print("%s: %s" % (exe, "; ".join(said) or
                          ("the %s build's code, no other test build's" % holds if holds
                           else "no test build's code")))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
