#!/usr/bin/env python3
"""A mutation score you can run (see scripts/mutants.sh).

Each mutant in tests/mutants/mutants.txt is one small, realistic bug: a
flipped comparison, an off-by-one at a rule's boundary, a dropped raise or
clear, swapped insertion strings, a wrong severity, a skipped re-arm, an
ignored Win32 failure.  For each, this script applies it to a scratch copy
of the tree (build/mutants/src, never the working tree), rebuilds, runs the
tests the mutant names, and restores the file.  A mutant is killed when a
test fails.  The last line is `killed K of T`.

Mutants are written against behaviour, as text to find in a file: when the
code moves, the text is no longer found (or no longer compiles) and the
mutant is listed as "no longer applies", to be rewritten.  A mutant marked
`equivalent` or `undetectable` carries the reason in `why:`; those are run
too, counted apart, and reported if a test kills them after all.

    mutants.py [--list FILE] [--only ID[,ID...]] [--check]

--check builds and runs nothing: it says whether every mutant still applies
to the working tree (its file exists, its text occurs there exactly once),
in a second; contract.mutants runs it, so a moved file or rewritten line is
found when it happens, not at the next full run.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, "build", "mutants")
SRC = os.path.join(SCRATCH, "src")
# The scratch copy is no git checkout, so the test of what git tracks has
# nothing to judge there (it fails by design when git lists nothing); and
# with a mutant applied its text is gone, which contract.mutants reports:
# neither may count as a kill.
NATIVE_EXCLUDE = "^contract[.](no_generated_files|mutants)$"
NATIVE_TESTS = ["ctest", "--preset", "linux", "-E", NATIVE_EXCLUDE, "-j2", "--stop-on-failure"]
# The native tests are independent of each other, so two run at once, and
# the first failure ends the run: a killed mutant needs no more (the port
# chooser's property test alone takes seconds).
#
# A mutant that makes a test hang is killed by a timeout (a hung service
# never passes), counted as killed and printed "killed (timeout N s)".  The
# timeout is each test's own duration on the unmutated copy, measured
# first, times SLOWER, and never under FLOOR seconds: a hang is found in
# about a minute, not after ctest's 600 s (issue 24).  It is passed as
# ctest's --timeout, which a test's own TIMEOUT property (the end-to-end
# Wine tests: 1200 s) overrides; so the whole ctest run also has a budget,
# SLOWER times its unmutated duration (fixtures included), plus one test's
# timeout and MARGIN, after which it is ended with everything it started
# (scripts/reap.py: its process group, and every Wine process of the
# scratch tree's prefixes).
SLOWER, FLOOR, MARGIN = 4, 60, 60
SLOW_TEST = 5.0
# A Windows mutant's tests name the build they run in: "wine:REGEX" the
# win64 preset, "perturb:REGEX" the schedule-perturbed one (win64-perturb,
# common/perturb.h), whose runs are what find an order that holds only at
# Wine's speed.
PRESETS = {"wine": "win64", "perturb": "win64-perturb"}
# What a preset's tests need built: the perturbed build runs only the
# oracle and the stale test (the service and regtool), so its whole tree
# (every unit test again) is not built for them.
BUILD_TARGETS = {"win64-perturb": ["--target", "exchportguard", "regtool"]}
REAP = [sys.executable, os.path.join(ROOT, "scripts", "reap.py")]


class Mutant:
    def __init__(self, mid, line):
        self.id, self.line = mid, line
        self.file = self.find = self.replace = None
        self.tests = "native"
        self.mark = None
        self.why = ""

    def __repr__(self):
        return self.id


def unescape(text):
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def load(path):
    mutants, cur = [], None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("## "):
                cur = Mutant(line[3:].strip(), n)
                mutants.append(cur)
                continue
            if cur is None or not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                sys.exit("%s:%d: expected 'field: value'" % (path, n))
            key, value = key.strip(), value.strip()
            if key in ("find", "replace"):
                setattr(cur, key, unescape(value))
            elif key in ("file", "tests", "why"):
                if key == "tests" and value != "native" and value.split(":", 1)[0] not in PRESETS:
                    sys.exit("%s:%d: tests is native or KIND:REGEX, KIND one of %s"
                             % (path, n, ", ".join(PRESETS)))
                setattr(cur, key, value)
            elif key == "mark":
                if value not in ("equivalent", "undetectable"):
                    sys.exit("%s:%d: mark is equivalent or undetectable" % (path, n))
                cur.mark = value
            else:
                sys.exit("%s:%d: unknown field %r" % (path, n, key))
    for m in mutants:
        if not (m.file and m.find is not None and m.replace is not None):
            sys.exit("%s:%d: mutant %s needs file, find and replace" % (path, m.line, m))
        if m.mark and not m.why:
            sys.exit("%s:%d: mutant %s is marked %s without a why" % (path, m.line, m, m.mark))
    ids = [m.id for m in mutants]
    dup = sorted(set(i for i in ids if ids.count(i) > 1))
    if dup:
        sys.exit("duplicate mutant ids: " + ", ".join(dup))
    return mutants


def applies(m, root):
    """Why mutant m does not apply to the tree at root, or None."""
    try:
        text = open(os.path.join(root, m.file), encoding="utf-8").read()
    except OSError:
        return "file %s is gone" % m.file
    n = text.count(m.find)
    return None if n == 1 else "text found %d times in %s" % (n, m.file)


def reap_scratch(log):
    """Ends every Wine process of the scratch tree's prefixes: a test ended
    by a timeout leaves its wineserver and the service running."""
    with open(log, "ab") as f:
        subprocess.run(REAP + [SCRATCH], stdout=f, stderr=f, stdin=subprocess.DEVNULL)


def run(cmd, log, cwd=SRC, timeout=1800):
    """cmd's exit code, or "timeout" when it outlived timeout seconds (it
    is then ended, with every process it started)."""
    with open(log, "ab") as f:
        f.write(("\n$ %s\n" % " ".join(cmd)).encode())
        f.flush()
        p = subprocess.Popen(cmd, cwd=cwd, stdout=f, stderr=f, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            f.write(b"\n(timed out after %d s)\n" % timeout)
            f.flush()
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            f.flush()
            subprocess.run(REAP + [SCRATCH], stdout=f, stderr=f, stdin=subprocess.DEVNULL)
            return "timeout"
        finally:
            if p.poll() is None:    # interrupted: end what it started
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def run_tests(cmd, log, limits):
    """Runs a ctest command under limits (test timeout, whole-run budget);
    returns (exit code or "timeout", timed out)."""
    start = os.path.getsize(log)
    rc = run(cmd + ["--timeout", str(limits[0])], log, timeout=limits[1])
    with open(log, "rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", "replace")
    return rc, rc == "timeout" or "***Timeout" in text


def durations(junit):
    """{test name: seconds} from a ctest JUnit file; None for a test that
    did not pass."""
    out = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        ok = case.get("status") == "run" and case.find("failure") is None
        out[case.get("name")] = float(case.get("time", "0")) if ok else None
    return out


def limits_for(times, regex):
    """(ctest --timeout, whole-run budget) for the tests regex selects,
    from their unmutated durations; the tests it does not select are the
    fixtures ctest adds."""
    named = [t for n, t in times.items() if re.search(regex, n)]
    fixtures = [t for n, t in times.items() if not re.search(regex, n)]
    per_test = max([FLOOR] + [SLOWER * t for t in named])
    return (int(per_test + 0.5),
            int(SLOWER * sum(named + fixtures) + per_test + MARGIN + 0.5))


def wine_regex(m):
    return m.tests.split(":", 1)[1] if ":" in m.tests else m.tests


def preset_of(m):
    """The CMake preset a Windows mutant's tests run in."""
    return PRESETS[m.tests.split(":", 1)[0]]


def copy_tree():
    """The tracked and untracked-but-not-ignored files, as they are in the
    working tree: what is being scored is the code as it stands."""
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-co", "--exclude-standard", "-z"],
                           check=True, capture_output=True).stdout.decode().split("\0")
    shutil.rmtree(SRC, ignore_errors=True)
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(SRC, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", default=os.path.join(ROOT, "tests", "mutants", "mutants.txt"))
    ap.add_argument("--only", default="")
    ap.add_argument("--check", action="store_true",
                    help="only say whether every mutant applies to the working tree")
    args = ap.parse_args()
    mutants = load(args.list)
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m.id in wanted]
    if args.check:
        stale = [(m, applies(m, ROOT)) for m in mutants]
        stale = [(m, why) for m, why in stale if why]
        for m, why in stale:
            print("no longer applies (rewrite it): %s (%s:%d): %s" %
                  (m.id, os.path.relpath(args.list, ROOT), m.line, why))
        print("mutants: %d of %d apply" % (len(mutants) - len(stale), len(mutants)))
        sys.exit(1 if stale else 0)

    os.makedirs(SCRATCH, exist_ok=True)
    log = os.path.join(SCRATCH, "mutants.log")
    open(log, "w").close()
    copy_tree()
    presets = sorted({preset_of(m) for m in mutants if m.tests != "native"})
    print("mutants: %d in %s; scratch copy %s; log %s" %
          (len(mutants), os.path.relpath(args.list, ROOT), SRC, log), flush=True)
    base = [["cmake", "--preset", "linux"], ["cmake", "--build", "--preset", "linux"],
            NATIVE_TESTS + ["--timeout", "600", "--output-junit",
                            os.path.join(SCRATCH, "junit-native.xml")]]
    for p in presets:
        base += [["cmake", "--preset", p],
                 ["cmake", "--build", "--preset", p] + BUILD_TARGETS.get(p, [])]
    for cmd in base:
        if run(cmd, log) != 0:
            # The unmutated tree must build and pass, or no score means anything.
            sys.exit("mutants: the unmutated copy failed `%s`; see %s" % (" ".join(cmd), log))

    # Each named test once on the unmutated copy: it must pass there (or a
    # mutant "killed" by it proves nothing), and its duration sets the
    # timeouts.  The native suite's durations come from its run above.
    limits = {}
    native_times = durations(os.path.join(SCRATCH, "junit-native.xml"))
    limits["native"] = limits_for(native_times, ".")
    for preset in presets:
        regexes = sorted({wine_regex(m) for m in mutants
                          if m.tests != "native" and preset_of(m) == preset})
        junit = os.path.join(SCRATCH, "junit-%s.xml" % preset)
        union = "|".join("(%s)" % r for r in regexes)
        t0 = time.time()
        rc = run(["ctest", "--preset", preset, "-R", union, "--timeout", "600",
                  "--output-junit", junit], log)
        times = durations(junit)
        bad = sorted(n for n, t in times.items() if t is None)
        if rc != 0 or bad:
            sys.exit("mutants: the unmutated copy failed %s in %s; see %s"
                     % (", ".join(bad) or "ctest -R " + union, preset, log))
        for r in regexes:
            sel = {n: t for n, t in times.items()
                   if re.search(r, n) or not any(re.search(x, n) for x in regexes)}
            limits[(preset, r)] = limits_for(sel, r)
        print("mutants: the named Wine tests pass unmutated in %s (%.0f s); timeouts: %s" % (
            preset, time.time() - t0, "; ".join("%s %d s (run %d s)" % (r, *limits[(preset, r)])
                                                for r in regexes)), flush=True)
    print("mutants: native tests %.0f s unmutated; timeout %d s (run %d s)"
          % (sum(native_times.values()), *limits["native"]), flush=True)
    # The native suite in two phases: the quick tests first, and the slow
    # ones (SLOW_TEST seconds or more unmutated: the port chooser's
    # 100,000-snapshot property test) only when the quick ones all pass.
    # ctest starts its costliest test first and, with --stop-on-failure,
    # still waits for it to end: in one run every mutant paid for the
    # property test, even one a quick test killed at once.
    slow = sorted(n for n, t in native_times.items() if t is not None and t >= SLOW_TEST)
    if slow:
        only_slow = "^(%s)$" % "|".join(re.escape(n) for n in slow)
        quick = ["ctest", "--preset", "linux", "-E", NATIVE_EXCLUDE + "|" + only_slow, "-j2",
                 "--stop-on-failure"]
        native_phases = [quick, NATIVE_TESTS + ["-R", only_slow]]
        print("mutants: native tests in two phases, the slow ones last: %s" % ", ".join(slow),
              flush=True)
    else:
        native_phases = [NATIVE_TESTS]

    results = {"killed": [], "survived": [], "stale": []}
    marked = []
    for m in mutants:
        path = os.path.join(SRC, m.file)
        why = applies(m, SRC)
        if why:
            results["stale"].append((m, why))
            print("  stale     %-34s %s" % (m.id, why), flush=True)
            continue
        original = open(path, encoding="utf-8").read()
        t0 = time.time()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(m.find, m.replace))
            if m.tests == "native":
                steps = [["cmake", "--build", "--preset", "linux"]]
                tests, limit = native_phases, limits["native"]
            else:
                preset = preset_of(m)
                steps = [["cmake", "--build", "--preset", preset] + BUILD_TARGETS.get(preset, [])]
                tests = [["ctest", "--preset", preset, "-R", wine_regex(m)]]
                limit = limits[(preset, wine_regex(m))]
            built = all(run(c, log) == 0 for c in steps)
            if not built:
                verdict, why = "stale", "does not compile"
            else:
                for test in tests:
                    rc, timed_out = run_tests(test, log, limit)
                    if rc != 0:
                        break
                if m.tests != "native":
                    reap_scratch(log)
                verdict = "killed" if rc != 0 else "survived"
                why = ""
                if verdict == "killed" and timed_out:
                    verdict = "killed (timeout %d s)" % (limit[0] if rc != "timeout"
                                                         else limit[1])
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        took = time.time() - t0
        if m.mark:
            marked.append((m, verdict.split(" ")[0]))
            print("  %-9s %-34s (marked %s: %s) %.0f s" % (verdict, m.id, m.mark, m.why, took),
                  flush=True)
            continue
        results[verdict.split(" ")[0]].append((m, why))
        print("  %-9s %-34s %s%.0f s" % (verdict, m.id, why + "; " if why else "", took),
              flush=True)
    # Leave the scratch build matching the unmutated sources.
    for cmd in [["cmake", "--build", "--preset", "linux"]]:
        run(cmd, log)

    counted = len(results["killed"]) + len(results["survived"])
    print()
    for m, why in results["stale"]:
        print("no longer applies (rewrite it): %s (%s:%d): %s" % (m.id, os.path.relpath(args.list, ROOT), m.line, why))
    for m, _ in results["survived"]:
        print("SURVIVED: %s (%s, %s:%d)" % (m.id, m.file, os.path.relpath(args.list, ROOT), m.line))
    eq = [x for x in marked if x[0].mark == "equivalent"]
    und = [x for x in marked if x[0].mark == "undetectable"]
    for m, verdict in marked:
        if verdict == "killed":
            print("marked %s but killed: %s (drop the mark)" % (m.mark, m.id))
    print("equivalent: %d; not detectable here: %d (listed with their reasons, counted apart)"
          % (len(eq), len(und)))
    print("killed %d of %d" % (len(results["killed"]), counted))
    return 0 if not results["survived"] and not results["stale"] else 1


if __name__ == "__main__":
    sys.exit(main())
