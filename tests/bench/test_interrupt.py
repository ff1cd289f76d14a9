#!/usr/bin/env python3
"""An interrupted scripts/bench.sh leaves nothing behind (issue 24): it is
started twice with a named benchmark (`idle`: bench.exe waits 30 s), and
once bench.exe runs in its prefix, sent SIGINT (what Ctrl+C sends it) the
first time and SIGTERM the second.  Each time it must exit within 30 s with
128 + the signal, and then no process it started may be left: none of the
processes that were its descendants when it was signalled, and no process
at all of its prefixes (build/bench: the wineserver, services.exe,
bench.exe, ...; found by their WINEPREFIX, scripts/reap.py --list).

Run by scripts/test.sh after the benchmarks' smoke run (the builds are up
to date by then, so each run reaches Wine in seconds).  Whatever it finds
left over it ends before exiting, so a failure does not poison later runs.
"""
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import reap  # noqa: E402

PREFIXES = [os.path.join(ROOT, "build", "bench")]
failures = []


def check(cond, what):
    print("  %s %s" % ("ok  " if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)
    return cond


def one(sig):
    name = signal.Signals(sig).name
    print("bench.sh idle, then %s once bench.exe runs" % name, flush=True)
    log = os.path.join(ROOT, "build", "bench-interrupt-%s.log" % name.lower())
    with open(log, "wb") as out:
        # A session of its own: the signal goes to bench.sh alone (as a
        # `kill` would), and whatever is left can be found and ended here.
        p = subprocess.Popen([os.path.join(ROOT, "scripts", "bench.sh"), "idle"],
                             cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    tree = []
    try:
        deadline = time.time() + 120
        running = []
        while time.time() < deadline and p.poll() is None:
            running = [x for x in reap.wine_processes(PREFIXES) if x[1] == "bench.exe"]
            if running:
                break
            time.sleep(0.1)
        if not check(bool(running), "bench.exe ran under Wine (log %s)" % log):
            return
        time.sleep(0.5)     # the benchmark is under way, not starting
        tree = reap.descendants(p.pid)
        wine = reap.wine_processes(PREFIXES)
        print("  %d processes in bench.sh's tree, %d Wine processes in its prefix (%s)"
              % (len(tree), len(wine), ", ".join(sorted({w[1] for w in wine}))), flush=True)
        check(any(w[1].startswith("wineserver") for w in wine), "a wineserver runs for it")
        t0 = time.time()
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 128 + sig, "bench.sh exited %s after %s (%.1f s; expected %d)"
              % (rc, name, time.time() - t0, 128 + sig))
        left = [x for x in tree if reap.proc_stat(x) is not None]
        check(not left, "none of its %d descendants is left (%s)"
              % (len(tree), ", ".join("%d %s" % (x, reap.proc_stat(x)[0]) for x in left
                                      if reap.proc_stat(x))))
        wine = reap.wine_processes(PREFIXES)
        check(not wine, "no wineserver, bench.exe or other Wine process of its prefix "
              "is left (%s)" % ", ".join("%d %s" % (w[0], w[1]) for w in wine))
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        for x in tree:
            if reap.proc_stat(x) is not None:
                os.kill(x, signal.SIGKILL)
        reap.end_prefixes(PREFIXES)


t_all = time.time()
one(signal.SIGINT)
one(signal.SIGTERM)
if failures:
    print("bench interrupt: %d failure(s)" % len(failures))
    for f in failures:
        print("  - " + f)
    sys.exit(1)
print("bench interrupt: all checks passed (%.0f s)" % (time.time() - t_all))
