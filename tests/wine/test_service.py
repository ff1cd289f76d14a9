#!/usr/bin/env python3
"""The service end to end under Wine: installed with its own install
command, started by the SCM (sc start), driven by registry changes made with
reg.exe, stopped, uninstalled.  Events are read from Wine's eventlog debug
channel, where ReportEventW prints them (docs/wine.md item 4)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from winetest import (HKLM_SERVICES, check, common_args, finish,  # noqa: E402
                      has, require, settle, wait_for, open_host)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
# A path with spaces: the image path must be quoted.
EXE = pfx.install_file(args.exe, r"C:\Program Files\ExchPortGuard\exchportguard.exe")
SVC = HKLM_SERVICES + r"\ExchPortGuard"
SOURCE = HKLM_SERVICES + r"\EventLog\Application\ExchPortGuard"
# Documented rights (winsvc.h, winnt.h) and what each command's handles need
# (common/monitor/scm_access.c; tests/unit/test_scm_access.c checks that table
# against the documentation).  Wine checks none of them, but its +service
# channel traces the mask asked for (docs/wine.md item 13).
SC_MANAGER_CONNECT, SC_MANAGER_CREATE_SERVICE = 0x1, 0x2
SERVICE_CHANGE_CONFIG, SERVICE_QUERY_STATUS, SERVICE_START, SERVICE_STOP, DELETE = \
    0x2, 0x4, 0x10, 0x20, 0x10000


def traced_access(*cmd):
    """Runs exchportguard with WINEDEBUG=+service: its result and the access
    masks of its OpenSCManagerW and OpenServiceW calls, in order."""
    r = pfx.run(EXE, *cmd, env={"WINEDEBUG": "+service"})
    if not pfx.is_wine:
        return r, None      # no trace on Windows: the SCM enforces instead
    return r, [(m.group(1), int(m.group(2), 16)) for m in re.finditer(
        r"trace:service:(OpenSCManagerW|OpenServiceW) .* (0x[0-9a-f]+)\r?$", r.err, re.M)]

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
    # Windows keeps the flag as this value of the service key (6.0 and later).
    check("does not support failure actions on a stop with an error" in r.out or
          v.get("FailureActionsOnNonCrashFailures") == ("REG_DWORD", "0x1"),
          "failure actions also on a stop with an error, or its absence said")
    r2 = pfx.run(EXE, "install", "--start", "demand", "--account", "NetworkService")
    check(r2.rc == 0 and "Updated" in r2.out, "install again: updates, exit 0")
    v = pfx.reg_query(SVC)
    check(v["Start"][1] == "0x3" and v["ObjectName"][1] == r"NT AUTHORITY\NetworkService",
          "options applied: demand start, NetworkService")
    r2 = pfx.run(EXE, "install", "--start", "sometimes")
    check(r2.rc == 3 and "--start must be" in r2.err, "bad option: exit 3, said why")
    r = pfx.run(EXE, "install")
    require(r.rc == 0, "back to the defaults")

    print("the access each command asks for")
    if not pfx.is_wine:
        # The SCM checks it itself: configure setting restart actions
        # without SERVICE_START fails there with access denied.
        r = pfx.run(EXE, "configure")
        check(r.rc == 0, "configure sets restart failure actions (%r)" % r)
    r, opened = traced_access("configure")
    check(r.rc == 0 and opened in (None, [("OpenSCManagerW", SC_MANAGER_CONNECT),
                                          ("OpenServiceW", SERVICE_CHANGE_CONFIG | SERVICE_START)]),
          "configure: the service with SERVICE_CHANGE_CONFIG | SERVICE_START, which "
          "restart failure actions need on Windows (%r, %s)" % (r.rc, opened))
    r, opened = traced_access("install")
    check(r.rc == 0 and opened in (None, [
        ("OpenSCManagerW", SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE),
        ("OpenServiceW", SERVICE_CHANGE_CONFIG | SERVICE_START)]),
          "install over an installed service: the same service access (%r, %s)"
          % (r.rc, opened))

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
    if pfx.is_wine:
        running = [n for n, state in log.status_reports() if state == 4]
        start_evs = [e for e in log.events() if e.id in (1000, 1310, 1103)]
        require(running, "SetServiceStatus(SERVICE_RUNNING) seen in the trace")
        check(len(start_evs) == 5 and all(e.line < running[0] for e in start_evs),
              "1000, the three 1310 and 1103 were all written before RUNNING was reported "
              "(lines %s, RUNNING at line %d)" % ([e.line for e in start_evs], running[0]))
    else:
        print("  (the order of the start events and RUNNING is read from Wine's trace; "
              "Windows has none to read)")
    scenarios.expect_startup(log, rendered=False)
    print("  started in %.2f s" % (time.time() - t0))

    scenarios.run_all(pfx, log, rendered=False)

    print("fix --apply ends a conflict: the running service reports 1101 and 1103")
    settle(log)
    mark = log.count()
    pfx.reg_add(scenarios.IS, "TCP/IP Port", "REG_DWORD", 6001)
    scenarios.expect(log, mark, scenarios.exact(1100, scenarios.pair(
        6001, scenarios.IS_HTTP, scenarios.IS_TCP)), "1100 before fix")
    settle(log)
    mark = log.count()
    r = pfx.run(EXE, "fix", "--apply", "--undo", pfx.tmp_win + "\\undo-service.reg", "--yes")
    check(r.rc == 0 and "Wrote 1 change(s)" in r.out, "fix --apply writes one change (%r)" % r)
    scenarios.expect(log, mark, scenarios.exact(1101, scenarios.pair(
        6001, scenarios.IS_HTTP, scenarios.IS_TCP)), "1101 after fix --apply")
    scenarios.expect(log, mark, has(1103), "1103 after fix --apply")
    settle(log)
    check(pfx.service_state() == "RUNNING", "the service still runs; fix restarted nothing")
    v = pfx.reg_query(SVC)
    check(v.get("ObjectName", ("", ""))[1] == r"NT AUTHORITY\LocalService",
          "the service still runs as LocalService")

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
    r, opened = traced_access("uninstall")
    check(r.rc == 0, "uninstall exits 0 (%r)" % r)
    check(opened in (None, [("OpenSCManagerW", SC_MANAGER_CONNECT),
                            ("OpenServiceW", SERVICE_QUERY_STATUS | SERVICE_STOP | DELETE)]),
          "uninstall: the service with SERVICE_QUERY_STATUS | SERVICE_STOP | DELETE (%s)"
          % opened)
    check(not pfx.key_exists(SVC), "no service key left")
    check(not pfx.key_exists(SOURCE), "no event source key left")
    r = pfx.run(EXE, "uninstall")
    check(r.rc == 0 and "not installed" in r.out, "uninstall again: exit 0, says not installed")
    check("Removed" not in r.out and "event source is not registered" in r.out,
          "and does not claim to remove the event source again (%r)" % r.out)

    if pfx.is_wine:
        print("the event reader of the native backend, under Wine")
        # Wine keeps no event log (ReportEventW stores nothing), so its
        # reader finds none; what this shows is that the tool runs and
        # prints the document tests/wine/native.py parses.
        import native
        evtread = pfx.install_file(os.path.join(args.tools, "evtread.exe"), r"C:\epg\evtread.exe")
        r = pfx.run(evtread)
        try:
            evs, newest = native.parse_evtread(r.out)
            ok = evs == [] and newest == 0
        except ValueError as e:
            ok = False
            r.err += str(e)
        check(r.rc == 0 and ok, "evtread: exit 0, a well-formed document, no events (%r)" % r)
        r = pfx.run(evtread, "--bogus")
        check(r.rc == 2 and "usage" in r.err, "evtread: a bad option, exit 2 and usage")
finally:
    pfx.kill()
finish("wine.service")
