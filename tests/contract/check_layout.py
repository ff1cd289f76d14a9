#!/usr/bin/env python3
"""The tree is the map: each folder of common/, service/ and cli/ is one part
of the architecture, and its README.md says what the part may include, in
two lines this script reads (the one place those rules are written):

    May include: `common/`, `common/check/`.
    System headers: C standard library only.      (or: any.)

A folder may always include its own files.  A folder named there means the
files directly in it, not its subfolders.  Every include of the tree's
headers names its file from common/ or service/ ("check/catalogue.h",
"engine/engine.h", "strbuf.h"), the include folders the build gives, so the
include alone says which part it reaches.

Fails, naming the file, the line, the include and the rule broken, when
  * a file includes a header of a folder its rule does not name;
  * a file under a folder whose rule is "C standard library only" includes
    any other system header (<windows.h> in the core, say);
  * an include of the tree's headers is not spelled from common/ or
    service/, or names no file there;
  * a folder with C files has no README.md, or its README.md lacks either
    line, or names a folder that does not exist.

Usage: check_layout.py [--source DIR]     Exit 0 when every file keeps its
folder's rule.
"""
import argparse
import os
import re
import sys

# The folders checked, each with the include folders its build gives
# (common/CMakeLists.txt, service/CMakeLists.txt, cli/CMakeLists.txt).
TOPS = {
    "common": ["common"],
    "service": ["service", "common"],
    "cli": ["common"],
}

# C11, 7.1.2: the standard headers.
C_STANDARD = {
    "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h",
    "inttypes.h", "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h",
    "signal.h", "stdalign.h", "stdarg.h", "stdatomic.h", "stdbool.h",
    "stddef.h", "stdint.h", "stdio.h", "stdlib.h", "stdnoreturn.h",
    "string.h", "tgmath.h", "threads.h", "time.h", "uchar.h", "wchar.h",
    "wctype.h",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
MAY = re.compile(r"^May include:(.*)$", re.M)
SYSTEM = re.compile(r"^System headers:\s*(C standard library only|any)\.?\s*$", re.M)


def folder_of(rel):
    return os.path.dirname(rel) + "/"


def read_rule(src, folder, problems):
    """(allowed folders, C standard only) from folder's README.md, or None."""
    readme = folder + "README.md"
    path = os.path.join(src, readme)
    if not os.path.isfile(path):
        problems.append("%s: no README.md: every part's folder says what it "
                        "decides and what it may include" % folder)
        return None
    text = open(path, encoding="utf-8").read()
    may, system = MAY.findall(text), SYSTEM.findall(text)
    if len(may) != 1 or len(system) != 1:
        problems.append("%s: needs one line 'May include: `folder/`, ...' and one "
                        "line 'System headers: C standard library only.' (or "
                        "'any.')" % readme)
        return None
    allowed = set(re.findall(r"`([^`]+)`", may[0]))
    for a in sorted(allowed):
        if not a.endswith("/") or not os.path.isdir(os.path.join(src, a)):
            problems.append("%s: May include names %s, which is no folder of the "
                            "tree (write it as `common/check/`)" % (readme, a))
    allowed.add(folder)
    return allowed, system[0] == "C standard library only"


def unfound(src, folder, target, roots):
    """Why an include that names no file under the include folders fails."""
    beside = folder + target
    if os.path.isfile(os.path.join(src, beside)):
        for r in roots:
            if beside.startswith(r + "/"):
                return 'spell it from %s/: "%s"' % (r, beside[len(r) + 1:])
    return "names no file under %s" % " or ".join(r + "/" for r in roots)


def check(src):
    problems = []
    rules = {}
    for top in TOPS:
        for d, subdirs, files in os.walk(os.path.join(src, top)):
            subdirs.sort()
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(d, name), src).replace(os.sep, "/")
                folder = folder_of(rel)
                if folder not in rules:
                    rules[folder] = read_rule(src, folder, problems)
                rule = rules[folder]
                if rule is None:
                    continue
                allowed, c_only = rule
                roots = TOPS[top]
                lines = open(os.path.join(d, name), encoding="utf-8").read().split("\n")
                for n, line in enumerate(lines, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    kind, target = m.groups()
                    where = "%s:%d: #include %s" % (rel, n, kind + target +
                                                    (">" if kind == "<" else '"'))
                    if kind == "<":
                        if c_only and target not in C_STANDARD:
                            problems.append(
                                "%s: %sREADME.md allows the C standard library's "
                                "headers only" % (where, folder))
                        continue
                    found = [r + "/" + target for r in roots
                             if os.path.isfile(os.path.join(src, r, target))]
                    if not found:
                        problems.append("%s: %s" % (where, unfound(src, folder, target, roots)))
                        continue
                    if len(found) > 1:
                        problems.append("%s: names %s: ambiguous" % (where, " and ".join(found)))
                        continue
                    reached = folder_of(found[0])
                    if reached not in allowed:
                        problems.append(
                            "%s: %s is in %s, which %sREADME.md does not allow "
                            "(May include: %s)" % (where, found[0], reached, folder,
                                                   ", ".join(sorted(allowed - {folder}))
                                                   or "nothing outside its own files"))
    return problems, len(rules)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    args = ap.parse_args()
    problems, folders = check(os.path.abspath(args.source))
    for p in problems:
        print("FAIL " + p)
    print("check_layout: %d folders, %d problems" % (folders, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
