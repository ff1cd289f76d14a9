#!/usr/bin/env python3
"""The service end to end under Wine: installed with its own install
command, started by the SCM (sc start), driven by registry changes made with
reg.exe, stopped, uninstalled.  Events are read from Wine's eventlog debug
channel, where ReportEventW prints them (docs/wine.md item 4)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from winetest import (HKLM_SERVICES, Prefix, check, common_args, finish,  # noqa: E402
                      has, require, settle, wait_for)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = Prefix(os.path.join(args.work, "prefix"), args.template)
# A path with spaces: the image path must be quoted.
EXE = pfx.install_file(args.exe, r"C:\Program Files\ExchPortGuard\exchportguard.exe")
SVC = HKLM_SERVICES + r"\ExchPortGuard"
SOURCE = HKLM_SERVICES + r"\EventLog\Application\ExchPortGuard"

try:
    log = pfx.start_session(os.path.join(args.work, "events.log"), service_trace=True)
    scenarios.plant_baseline(pfx)

    print("install without the rights it needs")
    # Wine runs everything as an administrator, so the SCM never refuses;
    # an event source key nobody may write to gives the same error 5.
    regtool = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")
    require(pfx.run(regtool, "put", SOURCE[5:], "x", "4", "hex", "01000000").rc == 0 and
            pfx.run(regtool, "deny", SOURCE[5:]).rc == 0, "an event source key denied to all")
    r = pfx.run(EXE, "install")
    check(r.rc == 1 and "administrator rights are needed" in r.err and "error 5" in r.err,
          "install says it needs administrator rights, with the Win32 error (%r)" % r)
    require(pfx.run(regtool, "allow", SOURCE[5:]).rc == 0, "allowed again")
    pfx.reg_delete_key(SOURCE)
    require(pfx.run(EXE, "uninstall").rc == 0, "and the half install removed")

    print("install")
    r = pfx.run(EXE, "install")
    require(r.rc == 0, "install exits 0 (%r)" % r)
    v = pfx.reg_query(SVC)
    require(v is not None, "service key written")
    check(v.get("ImagePath", ("", ""))[1] == '"%s" service' % EXE, "image path quoted, with 'service'")
    check(v.get("ObjectName", ("", ""))[1] == r"NT AUTHORITY\LocalService", "runs as LocalService")
    check(v.get("Start", ("", ""))[1] == "0x2", "automatic start")
    check("Exchange" in v.get("Description", ("", ""))[1], "description set")
    s = pfx.reg_query(SOURCE)
    require(s is not None, "event source key written")
    check(s.get("EventMessageFile") == ("REG_EXPAND_SZ", EXE), "EventMessageFile REG_EXPAND_SZ")
    check(s.get("CategoryMessageFile") == ("REG_EXPAND_SZ", EXE), "CategoryMessageFile")
    check(s.get("CategoryCount") == ("REG_DWORD", "0x3"), "CategoryCount 3")
    check(s.get("TypesSupported") == ("REG_DWORD", "0x7"), "TypesSupported 7")
    # Wine's SCM lacks these info levels (Windows has them from 6.0 on);
    # install says so rather than failing.
    check("does not support a restricted service SID" in r.out or
          v.get("ServiceSidType") == ("REG_DWORD", "0x3"),
          "restricted service SID set, or its absence said")
    r2 = pfx.run(EXE, "install", "--start", "demand", "--account", "NetworkService")
    check(r2.rc == 0 and "Updated" in r2.out, "install again: updates, exit 0")
    v = pfx.reg_query(SVC)
    check(v["Start"][1] == "0x3" and v["ObjectName"][1] == r"NT AUTHORITY\NetworkService",
          "options applied: demand start, NetworkService")
    r2 = pfx.run(EXE, "install", "--start", "sometimes")
    check(r2.rc == 3 and "--start must be" in r2.err, "bad option: exit 3, said why")
    r = pfx.run(EXE, "install")
    require(r.rc == 0, "back to the defaults")

    print("start")
    t0 = time.time()
    r = pfx.sc("start", "ExchPortGuard")
    state = pfx.wait_state("RUNNING", timeout=10)
    require(state == "RUNNING", "service RUNNING after sc start (%s)" % state)
    settle(log)
    # RUNNING is reported only after the first check, so a client that
    # waits for RUNNING finds the start events written.  Wine's "service"
    # trace puts each SetServiceStatus in the same file as the events, in
    # the order they happened.
    running = [n for n, state in log.status_reports() if state == 4]
    start_evs = [e for e in log.events() if e.id in (1000, 1310, 1103)]
    require(running, "SetServiceStatus(SERVICE_RUNNING) seen in the trace")
    check(len(start_evs) == 5 and all(e.line < running[0] for e in start_evs),
          "1000, the three 1310 and 1103 were all written before RUNNING was reported "
          "(lines %s, RUNNING at line %d)" % ([e.line for e in start_evs], running[0]))
    scenarios.expect_startup(log, rendered=False)
    print("  started in %.2f s" % (time.time() - t0))

    scenarios.run_all(pfx, log, rendered=False)

    print("stop")
    mark = log.count()
    t0 = time.time()
    pfx.sc("stop", "ExchPortGuard")
    state = pfx.wait_state("STOPPED", timeout=5)
    took = time.time() - t0
    check(state == "STOPPED" and took <= 2.0 + 0.6,
          "STOPPED within 2 s (%.2f s including sc.exe start-up)" % took)
    ev, _ = wait_for(log, has(1001), timeout=2, after=mark)
    check(ev is not None, "1001 written on stop")

    print("uninstall")
    r = pfx.run(EXE, "uninstall")
    check(r.rc == 0, "uninstall exits 0 (%r)" % r)
    check(not pfx.key_exists(SVC), "no service key left")
    check(not pfx.key_exists(SOURCE), "no event source key left")
    r = pfx.run(EXE, "uninstall")
    check(r.rc == 0 and "not installed" in r.out, "uninstall again: exit 0, says not installed")
    check("Removed" not in r.out and "event source is not registered" in r.out,
          "and does not claim to remove the event source again (%r)" % r.out)
finally:
    pfx.kill()
finish("wine.service")
