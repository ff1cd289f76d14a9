#!/usr/bin/env python3
"""Counts what a ctest run really ran, from its JUnit file, and fails when a
group ran fewer tests than it must.

    ctest_counts.py JUNIT.xml GROUP=MIN [GROUP=MIN ...] [--tally FILE]

A group is the part of a test's name before the first dot (unit, wine,
installer, contract), which is also its CTest label in this project.  Why:
a test that silently drops out (Wine missing, no MSI tool, no objdump, a
preset with no tests) must fail the run loudly, not pass it with fewer
tests; `noTestsAction: error` in the presets catches zero, this catches
fewer.  The minimums live in scripts/test.sh, next to the commands.

With --tally, the passed and failed counts are added to FILE, so that
scripts/test.sh can end with one "N passed, N failed" line.
"""
import sys
import xml.etree.ElementTree as ET


def main(argv):
    tally = None
    if "--tally" in argv:
        i = argv.index("--tally")
        tally = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    junit, wants = argv[0], argv[1:]
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError) as e:
        print("counts: cannot read %s: %s" % (junit, e))
        return 1
    ran, failed = {}, []
    for case in root.iter("testcase"):
        name = case.get("name", "")
        group = name.split(".", 1)[0]
        status = case.get("status", "")
        if status in ("notrun", "disabled") or case.find("skipped") is not None:
            # Never counted as run: a skipped test tested nothing.
            continue
        ran[group] = ran.get(group, 0) + 1
        if status == "fail" or case.find("failure") is not None or \
                case.find("error") is not None:
            failed.append(name)
    ok = True
    parts = []
    for want in wants:
        group, _, minimum = want.partition("=")
        n = ran.get(group, 0)
        parts.append("%s %d (minimum %s)" % (group, n, minimum))
        if n < int(minimum):
            ok = False
    extra = sorted(g for g in ran if g not in [w.partition("=")[0] for w in wants])
    parts += ["%s %d" % (g, ran[g]) for g in extra]
    total = sum(ran.values())
    print("counts: ran %d: %s; %d failed" % (total, ", ".join(parts), len(failed)))
    if not ok:
        print("counts: FAILED: fewer tests ran than this step must run; "
              "a test dropped out (missing tool or preset?)")
    if tally:
        with open(tally, "a") as f:
            f.write("%d %d\n" % (total - len(failed), len(failed)))
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
