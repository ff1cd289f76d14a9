#!/usr/bin/env python3
"""The demo behind scripts/demo.sh (see there)."""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "wine"))
import winetest  # noqa: E402
from winetest import HKLM_SERVICES, Prefix, has, settle, wait_for  # noqa: E402

exe, work = sys.argv[1], os.path.abspath(sys.argv[2])
os.makedirs(work, exist_ok=True)
template = os.path.join(ROOT, "build", "win64", "wine", "template")

IS = HKLM_SERVICES + r"\MSExchangeIS\ParametersSystem"
SA = HKLM_SERVICES + r"\MSExchangeSA\Parameters"


def say(text=""):
    print(text, flush=True)


def show(events):
    for e in events:
        strings = [s.replace("\r\n", "; ") for s in e.strings]
        say("    event %d  %-11s %s" % (e.id, e.level, " | ".join(
            s if len(s) < 120 else s[:117] + "..." for s in strings)))


if not os.path.isfile(os.path.join(template, "system.reg")):
    say("Creating a Wine prefix (once; about 15 seconds)...")
    winetest.make_template(template)
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
        sys.exit("install failed: %r" % r)
    pfx.sc("start", "ExchPortGuard")
    state = pfx.wait_state("RUNNING", timeout=15)
    settle(log)
    say("   service state: %s; events written at start:" % state)
    show(log.events())

    say()
    say("3. An administrator pins the Information Store's MAPI port to 6001:")
    say(r'   reg add "%s" /v "TCP/IP Port" /t REG_DWORD /d 6001' % IS)
    mark = log.count()
    t0 = time.time()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    ev, _ = wait_for(log, has(1100), timeout=5, after=mark)
    took = time.time() - t0
    settle(log)
    if ev is None:
        sys.exit("the service did not report the conflict")
    say("   ExchPortGuard caught it %.2f s after reg.exe started (most of that is "
        "reg.exe starting under Wine):" % took)
    show(log.events()[mark:])

    say()
    say("4. The same verdict on demand:  exchportguard check  (exit code 2 = conflict)")
    r = pfx.run(EXE, "check")
    for line in r.out.splitlines():
        say("   " + line)
    say("   exit code: %s" % r.rc)

    say()
    say("5. The administrator picks a unique port instead (6005):")
    mark = log.count()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6005)
    wait_for(log, has(1103), timeout=5, after=mark)
    settle(log)
    show(log.events()[mark:])

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
finally:
    pfx.kill()
