#!/usr/bin/env python3
"""installer/install.cmd and uninstall.cmd under Wine's cmd: the same end
state as "exchportguard install" / "uninstall", each step checked, a clear
message and a non-zero exit code on failure.

What Wine's sc.exe cannot run is said here, not skipped silently:
  * sc qsidtype/sidtype and qprivs/privs do not exist in Wine's sc.exe (as
    in Windows before 6.0); install.cmd probes for them, says it skips
    them, and the test checks that it says so;
  * sc config does not exist in Wine's sc.exe, so a second install.cmd over
    an installed service (which updates it with sc config on Windows) fails
    here; the test checks that it fails clearly, not silently;
  * sc failure is accepted by Wine's SCM but not kept (it cannot be read
    back), so only the step's success is checked."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from winetest import (HKLM_SERVICES, check, common_args, finish,  # noqa: E402
                      has, require, settle, open_host)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
DIR = r"C:\Program Files\ExchPortGuard"
EXE = pfx.install_file(args.exe, DIR + r"\exchportguard.exe")
for name in ("install.cmd", "uninstall.cmd"):
    pfx.install_file(os.path.join(args.source, "installer", name), DIR + "\\" + name)
REGTOOL = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")
SVC = HKLM_SERVICES + r"\ExchPortGuard"
SOURCE = HKLM_SERVICES + r"\EventLog\Application\ExchPortGuard"
APPLICATION = r"SYSTEM\CurrentControlSet\Services\EventLog\Application"
SERVICE_VALUES = ("Type", "Start", "ErrorControl", "ImagePath", "DisplayName",
                  "ObjectName", "Description")


def state():
    svc = pfx.reg_query(SVC)
    src = pfx.reg_query(SOURCE)
    return ({k: svc.get(k) for k in SERVICE_VALUES} if svc is not None else None, src)


def cmd(script):
    return pfx.run("cmd", "/c", DIR + "\\" + script, timeout=180)


try:
    log = pfx.start_session(os.path.join(args.work, "events.log"))
    scenarios.plant_baseline(pfx)

    print("the reference: exchportguard install")
    require(pfx.run(EXE, "install").rc == 0, "exchportguard install")
    reference = state()
    require(pfx.run(EXE, "uninstall").rc == 0, "exchportguard uninstall")
    require(state() == (None, None), "clean again")

    print("install.cmd")
    r = cmd("install.cmd")
    check(r.rc == 0, "install.cmd exits 0 (%r)" % r)
    got = state()
    check(got[0] == reference[0], "service key: same values as exchportguard install\n"
          "      cmd:     %s\n      install: %s" % (got[0], reference[0]))
    check(got[1] == reference[1], "event source: same values and types as exchportguard install\n"
          "      cmd:     %s\n      install: %s" % (got[1], reference[1]))
    notes = ("cannot set a service SID type", "cannot set required privileges",
             "cannot set the failure actions flag")
    if pfx.is_wine:
        check(all(n in r.out for n in notes),
              "Wine's sc.exe lacks failureflag/sidtype/privs: install.cmd says it skipped them")
    else:
        check(not any(n in r.out for n in notes),
              "Windows' sc.exe has failureflag/sidtype/privs: nothing skipped (%r)" % r.out)

    print("the installed service works")
    pfx.sc("start", "ExchPortGuard")
    check(pfx.wait_state("RUNNING", timeout=15) == "RUNNING", "sc start: RUNNING")
    settle(log)
    mark = log.count()
    pfx.reg_add(scenarios.IS, "TCP/IP Port", "REG_DWORD", 6001)
    scenarios.expect(log, mark, has(1100, scenarios.IS_TCP, "6001"), "1100")

    print("install.cmd over an installed service")
    r = cmd("install.cmd")
    if pfx.is_wine:
        check(r.rc != 0 and "sc config failed" in r.err,
              "Wine's sc.exe has no 'config' command: install.cmd stops there, "
              "saying so, with a non-zero exit code (%r)" % r)
    else:
        check(r.rc == 0 and "updating its configuration" in r.out,
              "install.cmd updates the installed service with sc config (%r)" % r)

    print("uninstall.cmd, with the service running")
    r = cmd("uninstall.cmd")
    check(r.rc == 0, "uninstall.cmd exits 0 (%r)" % r)
    check("Stopping the ExchPortGuard service" in r.out, "it stopped the service first")
    check(state() == (None, None), "no service key and no event source key left")
    r = cmd("uninstall.cmd")
    check(r.rc == 0 and "not installed" in r.out, "uninstall.cmd again: exit 0, says so")

    print("install.cmd and uninstall.cmd in a folder whose name has ( ) and &")
    # Wine's cmd is more lenient than Windows' (docs/wine.md item 12), so
    # the script is also checked for the form Windows breaks on: the path
    # expanded with percent signs, which cmd parses after pasting it in.
    for name in ("install.cmd", "uninstall.cmd"):
        with open(os.path.join(args.source, "installer", name)) as f:
            code = [ln for ln in f.read().splitlines() if not ln.lower().startswith("rem")]
        check(not any("%EXE%" in ln for ln in code),
              "%s never expands the exe path before parsing (only !EXE!)" % name)
        check(not any(w in ln for ln in code for w in ("STOPPED", "RUNNING", "PENDING")),
              "%s decides by the state number, not sc.exe's English words" % name)
    odd = r"C:\Program Files (x86)\R&D ExchPortGuard"
    odd_exe = pfx.install_file(args.exe, odd + r"\exchportguard.exe")
    for name in ("install.cmd", "uninstall.cmd"):
        pfx.install_file(os.path.join(args.source, "installer", name), odd + "\\" + name)
    # "call" keeps cmd /c from stripping the quotes around a path with & in it.
    r = pfx.run("cmd", "/c", "call", odd + r"\install.cmd", timeout=180)
    check(r.rc == 0, "install.cmd from %s exits 0 (%r)" % (odd, r))
    svc = pfx.reg_query(SVC) or {}
    check(svc.get("ImagePath") == ("REG_SZ", '"%s" service' % odd_exe) or
          svc.get("ImagePath") == ("REG_EXPAND_SZ", '"%s" service' % odd_exe),
          "image path is the whole quoted path (%s)" % (svc.get("ImagePath"),))
    src = pfx.reg_query(SOURCE) or {}
    check(src.get("EventMessageFile") == ("REG_EXPAND_SZ", odd_exe),
          "EventMessageFile is the whole path (%s)" % (src.get("EventMessageFile"),))
    r = pfx.run("cmd", "/c", "call", odd + r"\uninstall.cmd", timeout=180)
    check(r.rc == 0 and state() == (None, None),
          "uninstall.cmd from there removes everything (%r)" % r)

    print("a failing step")
    # An event source key nobody may write to (Wine checks the ACL of a key
    # being opened, not of the parent a key is created under).
    require(pfx.run(REGTOOL, "put", APPLICATION + r"\ExchPortGuard", "x", "4", "hex",
                    "01000000").rc == 0, "an event source key exists")
    require(pfx.run(REGTOOL, "deny", APPLICATION + r"\ExchPortGuard").rc == 0,
            "and is denied to everyone")
    r = cmd("install.cmd")
    check(r.rc != 0 and "event source is not registered" in r.err,
          "install.cmd stops at the failing reg add, says what failed, exits non-zero (%r)" % r)
    require(pfx.run(REGTOOL, "allow", APPLICATION + r"\ExchPortGuard").rc == 0, "allowed again")
    r = cmd("uninstall.cmd")
    check(r.rc == 0 and state() == (None, None), "uninstall.cmd cleans up the half install")
finally:
    pfx.kill()
finish("wine.cmd_scripts")
