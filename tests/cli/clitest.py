"""What the tests of the Linux exchportguard share: the executable and a
fresh work directory from the command line, a check that records failures,
running the executable there, REGEDIT5 exports, and the ending.

    test_*.py EXE WORKDIR"""
import os
import shutil
import subprocess
import sys

EXE, WORK = sys.argv[1], sys.argv[2]
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
SVC = "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\"
failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def run(*args):
    p = subprocess.run([EXE] + list(args), cwd=WORK, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def write5(name, text):
    with open(os.path.join(WORK, name), "wb") as f:
        f.write(("\ufeffWindows Registry Editor Version 5.00\r\n\r\n" + text)
                .encode("utf-16-le"))


def finish(name):
    if failures:
        print("%s: %d failure(s)" % (name, len(failures)))
        sys.exit(1)
    print("%s: all checks passed" % name)
