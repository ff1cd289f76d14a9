#!/usr/bin/env python3
"""The same scenarios through "exchportguard run": every event is printed
with the text FormatMessageW renders from the exe's own message table, so
these checks prove the message table is in the exe and says what the event
contract promises."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from winetest import (ConsoleLog, EventLog, check, common_args,  # noqa: E402
                      finish, has, hold_port, require, settle, wait_for, open_host)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
EXE = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
HOLDPORT = pfx.install_file(os.path.join(args.tools, "holdport.exe"), r"C:\epg\holdport.exe")
out = os.path.join(args.work, "run.out")
proc = None

try:
    pfx.start_session(os.path.join(args.work, "session.log"))
    scenarios.plant_baseline(pfx)
    proc = pfx.popen([EXE, "run"], out, os.path.join(args.work, "run.err"))
    log = ConsoleLog(out)
    ev, _ = wait_for(log, has(1103), timeout=20)
    require(ev is not None, "run printed its start events")
    settle(log)
    scenarios.expect_startup(log, rendered=True)
    evs = log.events()
    check(evs[0].level == "Information" and evs[0].category == "Service",
          "header: level and category name from the message table")

    scenarios.run_all(pfx, log, rendered=True)

    print("who holds a port: a real Windows process on a pinned port while the engine runs")
    hold = hold_port(pfx, HOLDPORT, 6124, args.work)
    try:
        time.sleep(1.2)     # past the once-a-second limit: this change reads the table
        mark = log.count()
        pfx.reg_add(scenarios.IS, "TCP/IP Port", "REG_DWORD", 6124)
        settle(log)
        got = scenarios.ids(log.events()[mark:])
        check(1240 not in got and 1004 not in got,
              "no 1240 (the owner reads as PID 0 under Wine) and no 1004 (%s)" % got)
        mark = log.count()
        pfx.reg_add(scenarios.SA, "TCP/IP Port", "REG_DWORD", 6124)
        scenarios.expect(log, mark, has(1100, "6124"), "and the next change is reported at once")
    finally:
        hold.kill()
        hold.wait()
    pfx.reg_delete_value(scenarios.IS, "TCP/IP Port")
    pfx.reg_delete_value(scenarios.SA, "TCP/IP Port")
    settle(log)

    print("Ctrl+C")
    mark = log.count()
    pfx.interrupt(proc)
    try:
        rc = proc.wait(timeout=10)
    except Exception:
        rc = None
    check(rc == 0, "run exits 0 on Ctrl+C (got %s)" % rc)
    ev, _ = wait_for(log, has(1001), timeout=2, after=mark)
    check(ev is not None and "ExchPortGuard stopped." in ev.text, "1001 rendered on Ctrl+C")
    r = pfx.run(EXE, "run", "--nonsense")
    check(r.rc == 3 and "unknown option" in r.err, "run: unknown option, exit 3")

    print("run --eventlog")
    # Under Wine ReportEventW prints on the eventlog channel of the calling
    # process: here, run's own stderr.  On Windows the events are in the
    # Application log, read from the mark taken now.
    out2, err2 = os.path.join(args.work, "run2.out"), os.path.join(args.work, "run2.err")
    native_log = None if pfx.is_wine else pfx.start_session(os.path.join(args.work, "run2.log"))
    proc = pfx.popen([EXE, "run", "--eventlog"], out2, err2,
                     env={"WINEDEBUG": "fixme-all,fixme+advapi,+eventlog"})
    console, channel = ConsoleLog(out2), native_log or EventLog(err2)
    ev, _ = wait_for(console, has(1000), timeout=20)
    require(ev is not None, "run --eventlog started")
    settle(console)
    mark_c, mark_e = console.count(), channel.count()
    pfx.reg_add(scenarios.SA, "TCP/IP NSPI Port", "REG_DWORD", 6004)
    ev, _ = wait_for(console, has(1100, "6004"), timeout=1, after=mark_c)
    check(ev is not None and "Port conflict on TCP port 6004" in ev.text,
          "1100 printed on the console")
    ev, _ = wait_for(channel, has(1100, "6004"), timeout=1, after=mark_e)
    check(ev is not None and ev.strings[0] == "6004" and ev.level == "Error",
          "and the same 1100 written with ReportEventW")
    check(channel.events()[0].id == 1000, "every event goes to both, from 1000 on")
    pfx.interrupt(proc)
    check(proc.wait(timeout=10) == 0, "run --eventlog exits 0 on Ctrl+C")
    ev, _ = wait_for(channel, has(1001), timeout=2)
    check(ev is not None, "1001 written to the event log too")
finally:
    if proc and proc.poll() is None:
        proc.kill()
    pfx.kill()
finish("wine.run_console")
