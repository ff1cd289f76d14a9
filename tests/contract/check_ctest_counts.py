#!/usr/bin/env python3
"""Tests tests/tools/ctest_counts.py, the guard scripts/test.sh relies on
to fail when a test drops out: it must fail on fewer tests than the minimum,
on a failed or skipped test, on an unreadable file, and pass only on a full
run."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "tools", "ctest_counts.py")


def junit(cases):
    body = "".join('<testcase name="%s" status="%s">%s</testcase>' %
                   (n, st, "<failure/>" if st == "fail" else
                    "<skipped/>" if st == "notrun" else "")
                   for n, st in cases)
    return '<?xml version="1.0"?><testsuite tests="%d">%s</testsuite>' % (len(cases), body)


def run(xml, *mins):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "j.xml")
        if xml is not None:
            with open(path, "w") as f:
                f.write(xml)
        tally = os.path.join(d, "tally")
        r = subprocess.run([sys.executable, TOOL, path] + list(mins) + ["--tally", tally],
                           capture_output=True, text=True)
        t = open(tally).read() if os.path.exists(tally) else ""
        return r.returncode, r.stdout, t


failures = []


def expect(what, got, want):
    ok = got == want
    print("  %s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        failures.append("%s: got %r, want %r" % (what, got, want))


full = [("unit.a", "run"), ("unit.b", "run"), ("wine.x", "run"), ("installer.y", "run")]
rc, out, tally = run(junit(full), "unit=2", "wine=1", "installer=1")
expect("a full run passes", rc, 0)
expect("the counts are printed", "unit 2 (minimum 2)" in out and "wine 1 (minimum 1)" in out, True)
expect("the tally adds 4 passed, 0 failed", tally, "4 0\n")
rc, out, _ = run(junit(full[1:]), "unit=2", "wine=1")
expect("one unit test missing fails", rc, 1)
expect("and says a test dropped out", "dropped out" in out, True)
rc, _, _ = run(junit([c for c in full if not c[0].startswith("wine")]), "unit=2", "wine=1")
expect("a whole group missing fails", rc, 1)
rc, _, tally = run(junit(full[:1] + [("unit.b", "fail")] + full[2:]), "unit=2")
expect("a failed test fails", rc, 1)
expect("and is tallied as failed", tally, "3 1\n")
rc, _, _ = run(junit(full[:1] + [("unit.b", "notrun")] + full[2:]), "unit=2")
expect("a skipped test does not count as run", rc, 1)
rc, _, _ = run(None, "unit=1")
expect("a missing JUnit file fails", rc, 1)
rc, _, _ = run("not xml", "unit=1")
expect("a broken JUnit file fails", rc, 1)

if failures:
    print("check_ctest_counts: %d failure(s)" % len(failures))
    sys.exit(1)
print("check_ctest_counts: all checks passed")
