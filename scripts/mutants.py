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
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, "build", "mutants")
SRC = os.path.join(SCRATCH, "src")
# The scratch copy is no git checkout, so the test of what git tracks has
# nothing to judge there (it fails by design when git lists nothing); and
# with a mutant applied its text is gone, which contract.mutants reports:
# neither may count as a kill.
NATIVE_TESTS = ["ctest", "--preset", "linux", "-E",
                "^contract[.](no_generated_files|mutants)$",
                "--timeout", "120", "-j2", "--stop-on-failure"]
# A mutant that makes a test hang is killed by ctest's timeout (a hung
# service never passes).  The native tests are independent of each other,
# so two run at once, and the first failure ends the run: a killed mutant
# needs no more (the port chooser's property test alone takes seconds).


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


def run(cmd, log, cwd=SRC, timeout=1800):
    with open(log, "ab") as f:
        f.write(("\n$ %s\n" % " ".join(cmd)).encode())
        f.flush()
        try:
            return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=f,
                                  stdin=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            f.write(b"\n(timed out)\n")
            return "timeout"


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
    need_wine = any(m.tests != "native" for m in mutants)
    print("mutants: %d in %s; scratch copy %s; log %s" %
          (len(mutants), os.path.relpath(args.list, ROOT), SRC, log), flush=True)
    base = [["cmake", "--preset", "linux"], ["cmake", "--build", "--preset", "linux"],
            NATIVE_TESTS]
    if need_wine:
        base += [["cmake", "--preset", "win64"], ["cmake", "--build", "--preset", "win64"]]
    for cmd in base:
        if run(cmd, log) != 0:
            # The unmutated tree must build and pass, or no score means anything.
            sys.exit("mutants: the unmutated copy failed `%s`; see %s" % (" ".join(cmd), log))

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
                tests = [NATIVE_TESTS]
            else:
                regex = m.tests.split(":", 1)[1] if ":" in m.tests else m.tests
                steps = [["cmake", "--build", "--preset", "win64"]]
                tests = [["ctest", "--preset", "win64", "-R", regex, "--timeout", "600"]]
            built = all(run(c, log) == 0 for c in steps)
            if not built:
                verdict, why = "stale", "does not compile"
            else:
                rcs = [run(c, log) for c in tests]
                verdict = "killed" if any(rc != 0 for rc in rcs) else "survived"
                why = ""
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        took = time.time() - t0
        if m.mark:
            marked.append((m, verdict))
            print("  %-9s %-34s (marked %s: %s) %.0f s" % (verdict, m.id, m.mark, m.why, took),
                  flush=True)
            continue
        results[verdict].append((m, why))
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
