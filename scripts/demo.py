#!/usr/bin/env python3
"""The demo behind scripts/demo.sh (see there).

It is a check as well as a show: it exits non-zero with a one-line reason
when the service does not catch the planted conflict, does not report its
end after a unique port is chosen, or `check` does not say so too.  Its
private wineserver is ended on every way out, failures and SIGTERM
included (docs/wine.md item 3: the services live as long as it does)."""
import os
import signal
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "wine"))
import winetest  # noqa: E402
from winetest import HKLM_SERVICES, Prefix, has, settle, wait_for  # noqa: E402

exe, work = sys.argv[1], os.path.abspath(sys.argv[2])
os.makedirs(work, exist_ok=True)
template = winetest.template_for(os.path.join(ROOT, "build", "win64"))
# How long the service may take to react.  It reacts in milliseconds; the
# margin is for reg.exe and a loaded two-core machine under Wine.
REACT = 10.0


class DemoFailed(Exception):
    pass


def fail(reason):
    raise DemoFailed(reason)


def on_sigterm(signum, frame):
    raise DemoFailed("stopped by signal %d" % signum)


signal.signal(signal.SIGTERM, on_sigterm)

IS = HKLM_SERVICES + r"\MSExchangeIS\ParametersSystem"
SA = HKLM_SERVICES + r"\MSExchangeSA\Parameters"


def say(text=""):
    print(text, flush=True)


def show(events):
    for e in events:
        strings = [s.replace("\r\n", "; ") for s in e.strings]
        say("    event %d  %-11s %s" % (e.id, e.level, " | ".join(
            s if len(s) < 120 else s[:117] + "..." for s in strings)))


winetest.ensure_template(template, "Creating a Wine prefix (once; about 15 seconds)...")
pfx = Prefix(os.path.join(work, "prefix"), template)
try:
    log = pfx.start_session(os.path.join(work, "events.log"))
    EXE = pfx.install_file(exe, r"C:\Program Files\ExchPortGuard\exchportguard.exe")

    say()
    say("1. An Exchange 2003 server with RPC over HTTP ports set, as usual:")
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6002)
    pfx.reg_add(SA, "Rpc/HTTP NSPI Port", "REG_DWORD", 6004)
    pfx.reg_add(IS, "Rpc/HTTP Port", "REG_DWORD", 6001)
    say("   MSExchangeSA HTTP Port 6002, Rpc/HTTP NSPI Port 6004; "
        "MSExchangeIS Rpc/HTTP Port 6001")

    say()
    say("2. Install and start the service:  exchportguard install;  sc start ExchPortGuard")
    r = pfx.run(EXE, "install")
    if r.rc != 0:
        fail("exchportguard install exited %s: %s" % (r.rc, (r.out + r.err).strip()[-300:]))
    pfx.sc("start", "ExchPortGuard")
    state = pfx.wait_state("RUNNING", timeout=15)
    if state != "RUNNING":
        fail("the service did not reach RUNNING within 15 s (state: %s)" % state)
    settle(log)
    say("   service state: %s; events written at start:" % state)
    show(log.events())

    say()
    say("3. An administrator pins the Information Store's MAPI port to 6001:")
    say(r'   reg add "%s" /v "TCP/IP Port" /t REG_DWORD /d 6001' % IS)
    mark = log.count()
    t0 = time.time()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    ev, _ = wait_for(log, has(1100), timeout=REACT, after=mark)
    took = time.time() - t0
    if ev is None:
        fail("the service wrote no event 1100 within %.0f s of the planted conflict" % REACT)
    settle(log)
    say("   ExchPortGuard caught it %.2f s after reg.exe started (most of that is "
        "reg.exe starting under Wine):" % took)
    show(log.events()[mark:])

    say()
    say("4. The same verdict on demand:  exchportguard check  (exit code 2 = an error, here the conflict)")
    r = pfx.run(EXE, "check")
    for line in r.out.splitlines():
        say("   " + line)
    say("   exit code: %s" % r.rc)
    if r.rc != 2:
        fail("exchportguard check exited %s while the conflict stands; expected 2" % r.rc)

    say()
    say("5. The administrator picks a unique port instead (6005):")
    mark = log.count()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6005)
    cleared, _ = wait_for(log, has(1101), timeout=REACT, after=mark)
    none, _ = wait_for(log, has(1103), timeout=REACT, after=mark)
    settle(log)
    show(log.events()[mark:])
    if cleared is None:
        fail("the service wrote no event 1101 (conflict ended) within %.0f s of the fix" % REACT)
    if none is None:
        fail("the service wrote no event 1103 (no port conflicts) within %.0f s of the fix" % REACT)

    say()
    say("6. Stop and uninstall:")
    mark = log.count()
    pfx.sc("stop", "ExchPortGuard")
    pfx.wait_state("STOPPED", timeout=5)
    settle(log, quiet=0.3)
    show(log.events()[mark:])
    r = pfx.run(EXE, "uninstall")
    for line in r.out.splitlines():
        say("   " + line)
    say()
    say("Every event above is what Event Viewer shows under Application, source "
        "ExchPortGuard;")
    say("the full texts are in docs/events.md.  Under Wine, events go to "
        "%s." % log.path)
except DemoFailed as e:
    print("demo: FAILED: %s" % e, file=sys.stderr, flush=True)
    status = 1
except winetest.TestFailure as e:
    print("demo: FAILED: %s" % e, file=sys.stderr, flush=True)
    status = 1
except Exception as e:  # anything else still ends the wineserver, one line
    print("demo: FAILED: %s: %s" % (type(e).__name__, e), file=sys.stderr, flush=True)
    status = 1
else:
    say()
    say("demo: passed: the conflict was caught (1100), its end reported (1101, "
        "1103), and check agreed (exit 2)")
    status = 0
finally:
    pfx.kill()
sys.exit(status)
