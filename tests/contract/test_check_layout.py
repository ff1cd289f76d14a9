#!/usr/bin/env python3
"""check_layout.py fails when a file breaks its folder's rule: on copies of
this tree's common/, service/ and cli/, each with one breach made on
purpose (an include across a rule, windows.h in the core, an include not
spelled from its root, a folder without its README.md or its rule), it
must fail and name the file, the include and the rule; on the copy as it
is, and with an include its rule allows, it must pass."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))
CHECKER = os.path.join(HERE, "check_layout.py")

failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)


def add_line(root, rel, line):
    """Puts line before rel's first #include (at its top when it has none)."""
    path = os.path.join(root, rel)
    text = open(path, encoding="utf-8").read()
    at = max(text.find("#include"), 0)
    open(path, "w", encoding="utf-8").write(text[:at] + line + "\n" + text[at:])


def run_on(change):
    with tempfile.TemporaryDirectory() as d:
        for top in ("common", "service", "cli"):
            shutil.copytree(os.path.join(SOURCE, top), os.path.join(d, top))
        change(d)
        r = subprocess.run([sys.executable, CHECKER, "--source", d],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        return r.returncode, r.stdout


code, out = run_on(lambda d: None)
check(code == 0, "the tree as it is passes\n" + out)

code, out = run_on(lambda d: add_line(d, "common/report/wording.c",
                                      '#include "fix/fixplan.h"'))
check(code == 0, "an include the rule allows (report/ -> fix/) passes\n" + out)

BREACHES = [
    ("common/check/ knows nothing of reports",
     lambda d: add_line(d, "common/check/checks.c", '#include "report/wording.h"'),
     ['common/check/checks.c:', '#include "report/wording.h"',
      "common/report/wording.h is in common/report/",
      "common/check/README.md does not allow"]),
    ("no windows.h in the portable core",
     lambda d: add_line(d, "common/monitor/monitor.c", "#include <windows.h>"),
     ["common/monitor/monitor.c:", "#include <windows.h>",
      "common/monitor/README.md allows the C standard library's headers only"]),
    ("no Windows header in the Linux command line either",
     lambda d: add_line(d, "cli/main.c", "#include <winreg.h>"),
     ["cli/main.c:", "#include <winreg.h>",
      "cli/README.md allows the C standard library's headers only"]),
    ("the event contract does not know when events are written",
     lambda d: add_line(d, "common/events/events.h", '#include "monitor/publish.h"'),
     ["common/events/events.h:", '#include "monitor/publish.h"',
      "common/events/README.md does not allow"]),
    ("the shared helpers include none of the parts",
     lambda d: add_line(d, "common/strbuf.c", '#include "check/catalogue.h"'),
     ["common/strbuf.c:", '#include "check/catalogue.h"',
      "common/README.md does not allow",
      "(May include: nothing outside its own files)"]),
    ("the readers do not reach up to the engine",
     lambda d: add_line(d, "service/readers/regread.c", '#include "engine/engine.h"'),
     ["service/readers/regread.c:", '#include "engine/engine.h"',
      "service/engine/engine.h is in service/engine/",
      "service/readers/README.md does not allow"]),
    ("the engine does not reach up to the commands",
     lambda d: add_line(d, "service/engine/sinks.c", '#include "commands/commands.h"'),
     ["service/engine/sinks.c:", '#include "commands/commands.h"',
      "service/engine/README.md does not allow"]),
    ("the Linux command line does not use the service's behaviour",
     lambda d: add_line(d, "cli/main.c", '#include "monitor/monitor.h"'),
     ["cli/main.c:", '#include "monitor/monitor.h"', "cli/README.md does not allow"]),
    ("an include names its folder",
     lambda d: add_line(d, "common/check/snapshot.c", '#include "catalogue.h"'),
     ["common/check/snapshot.c:", '#include "catalogue.h"',
      'spell it from common/: "check/catalogue.h"']),
    ("an include names a file that exists",
     lambda d: add_line(d, "common/fix/fixplan.c", '#include "fix/nosuch.h"'),
     ["common/fix/fixplan.c:", '#include "fix/nosuch.h"', "names no file under common/"]),
]


def new_folder(d):
    os.makedirs(os.path.join(d, "common", "extra"))
    with open(os.path.join(d, "common", "extra", "extra.c"), "w") as f:
        f.write('#include "strbuf.h"\n')


def drop_rule(d):
    path = os.path.join(d, "common", "fix", "README.md")
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(
        "\n".join(l for l in text.split("\n") if not l.startswith("May include:")))


def bad_folder(d):
    path = os.path.join(d, "common", "fix", "README.md")
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(
        text.replace("May include: `common/`", "May include: `common/`, `common/chek/`"))


BREACHES += [
    ("a new folder gets a README.md with its rule", new_folder,
     ["common/extra/: no README.md"]),
    ("a README.md without its May include line", drop_rule,
     ["common/fix/README.md: needs one line 'May include:"]),
    ("a rule names only folders that exist", bad_folder,
     ["common/fix/README.md: May include names common/chek/, which is no folder"]),
]

for what, change, expect in BREACHES:
    code, out = run_on(change)
    fails = [l for l in out.split("\n") if l.startswith("FAIL ")]
    named = len(fails) == 1 and all(e in fails[0] for e in expect)
    check(code == 1 and named, "%s: fails, saying so\n%s" % (what, out.rstrip()))

print("test_check_layout: %d of %d failed" % (len(failures), len(BREACHES) + 2))
sys.exit(1 if failures else 0)
