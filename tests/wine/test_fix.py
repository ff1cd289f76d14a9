#!/usr/bin/env python3
"""exchportguard fix end to end under Wine: the plan changes nothing; --plan
writes a .reg file reg import applies; --apply on every conflict and
error-level range state the other tests build leaves check at 0 or 1, keeps
each value's type, and its undo file, imported with reg import, gives back
the exact previous registry (every value, type and data); a value changed
between the plan and the answer to fix's question makes --apply write
nothing (exit 3): the value it changes, a value it does not touch, the
dynamic range or a listener, each changed while the question waits; a key
nobody may write makes it write nothing, and stop before the question
(exit 3); --plan refuses an existing file without --force and leaves none
on exit 3; a domain controller value keeps its port against an Exchange
value."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from winetest import (AB, HKLM_SERVICES, IS, NETLOGON, NTDS, NTFRS, OWN, RPC, SA,  # noqa: E402
                      SRS, WINE, check, common_args, finish, has, open_host, require,
                      settle, wait_for)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
EXE = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
REGTOOL = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")
KEYS = [SA, IS, SRS, RPC, AB, NTDS, NETLOGON, NTFRS, OWN]
IS_TCP = IS + r"\TCP/IP Port"


def dump():
    """Every watched key: {key: {value: (type, data)}} or None when absent."""
    return pfx.reg_dump(KEYS)


def reset():
    for k in KEYS:
        pfx.reg_delete_key(k)


def undo_path(n):
    return pfx.tmp_win + "\\undo-%s.reg" % n, os.path.join(pfx.tmp, "undo-%s.reg" % n)


def check_rc():
    return pfx.run(EXE, "check").rc


# The conflict and error-level states the other tests build (scenarios.py,
# test_check_cli.py), each with what its fix must keep: (value, type).
def s_is_pair():
    pfx.reg_add(IS, "Rpc/HTTP Port", "REG_DWORD", 6001)
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    return [(IS, "TCP/IP Port", "REG_DWORD")]


def s_is_nspi():
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "TCP/IP NSPI Port", "REG_DWORD", 6001)
    return [(IS, "TCP/IP Port", "REG_DWORD")]


def s_srs():
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6002)
    pfx.reg_add(SRS, "TCP/IP", "REG_DWORD", 6002)
    return [(SRS, "TCP/IP", "REG_DWORD")]


def s_2010_string():
    # Exchange 2010 on Windows 10 (Wine): the recommended range lies in the
    # default dynamic range, so the range is moved off it with the
    # documented override (what "netsh int ipv4 set dynamicport" does).
    pfx.reg_add(OWN, "DynamicPortStart", "REG_DWORD", 49152)
    pfx.reg_add(OWN, "DynamicPortCount", "REG_DWORD", 10379)
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59532)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    return [(AB, "RpcTcpPort", "REG_SZ")]


def s_dc():
    pfx.reg_add(NTDS, "TCP/IP Port", "REG_DWORD", 50000)
    pfx.reg_add(NETLOGON, "DCTcpipPort", "REG_DWORD", 50000)
    return [(NETLOGON, "DCTcpipPort", "REG_DWORD")]


def s_below_1024():
    pfx.reg_add(OWN, "CheckDynamicRange", "REG_DWORD", 0)
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 135)
    return [(RPC, "TCP/IP Port", "REG_DWORD")]


def s_three():
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6001)
    pfx.reg_add(IS, "Rpc/HTTP Port", "REG_DWORD", 6001)
    pfx.reg_add(IS, "TCP/IP Port", "REG_EXPAND_SZ", "6001")
    return [(IS, "Rpc/HTTP Port", "REG_DWORD"), (IS, "TCP/IP Port", "REG_EXPAND_SZ")]


def s_default():
    # NspiHttpPort is absent: its default 6004 is in the way (a deletion
    # line in the undo file).
    pfx.reg_add(OWN, "CheckDynamicRange", "REG_DWORD", 0)
    pfx.reg_add(AB, "RpcTcpPort", "REG_DWORD", 6004)
    # The Address Book reads NspiHttpPort as a string: created as REG_SZ.
    return [(AB, "NspiHttpPort", "REG_SZ")]


def s_dc_exchange():
    # An Exchange value and a domain controller value on one port: the
    # Exchange value moves, though it comes first in the catalogue.
    pfx.reg_add(NTDS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    return [(IS, "TCP/IP Port", "REG_DWORD")]


STATES = [s_is_pair, s_is_nspi, s_srs, s_2010_string, s_dc, s_below_1024, s_three,
          s_default, s_dc_exchange]


def race(name, mutate, expect, answer=b"yes\r\n"):
    """Starts fix --apply on the IS pair (it plans IS TCP/IP Port -> 5001),
    waits for its question, runs mutate() while it waits, answers, and
    checks: exit 3, expect in stderr, nothing written, no undo file."""
    reset()
    s_is_pair()
    undo_win, undo_unix = undo_path("race-" + name)
    out_path = os.path.join(args.work, "race-%s.out" % name)
    rfd, wfd = os.pipe()
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        proc = subprocess.Popen([WINE, EXE, "fix", "--apply", "--undo", undo_win],
                                env=pfx.env, stdin=rfd, stdout=out, stderr=err)
    os.close(rfd)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and b"Type yes" not in open(out_path, "rb").read():
            time.sleep(0.1)
        require(b"Type yes" in open(out_path, "rb").read(), "%s: fix asks before writing"
                % name)
        check(b"to 5001 (REG_DWORD)" in open(out_path, "rb").read(),
              "%s: the plan shown moves IS TCP/IP Port to 5001" % name)
        undo_mutation = mutate()    # a callable ends what it started
        raced = dump()
        os.write(wfd, answer)
        os.close(wfd)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = open(out_path + ".err", encoding="utf-8", errors="replace").read()
    check(rc == 3, "%s: exit 3 (got %s; %r)" % (name, rc, err))
    check("changed since it was shown" in err and expect in err and
          "nothing was changed; run fix again" in err, "%s: says what changed (%r)" % (name, err))
    now = dump()
    check(now == raced and not os.path.exists(undo_unix),
          "%s: nothing written, no undo file (%r != %r)" % (name, now, raced))
    if callable(undo_mutation):
        undo_mutation()



try:
    print("without --apply: the plan, and nothing changed")
    reset()
    s_is_pair()
    before = dump()
    r = pfx.run(EXE, "fix")
    check(r.rc == 1, "fix exits 1: changes proposed (%r)" % r)
    check(IS_TCP in r.out, "the plan names the value it changes")
    check("shares port 6001 with" in r.out and "Rpc/HTTP Port" in r.out,
          "and the value it shares the port with")
    check("from 6001 (REG_DWORD) to 5001 (REG_DWORD)" in r.out, "old and new data, types")
    check("Nothing was changed" in r.out, "says nothing was changed")
    check(dump() == before, "the registry is unchanged")

    print("--json: the plan in its envelope")
    r = pfx.run(EXE, "fix", "--json")
    doc = json.loads(r.out) if r.rc == 1 else None
    check(doc is not None and doc["schema"] == "exchportguard-fix/1" and
          doc["computers"][0]["changes"][0]["new_port"] == 5001 and
          doc["computers"][0]["changes"][0]["old_type"] == "REG_DWORD" and
          doc["computers"][0]["report"]["schema"] == "exchportguard-check/2",
          "schema exchportguard-fix/1 with the change and the check report (%r)" % r)

    print("--plan: a .reg file reg import applies")
    plan_win, plan_unix = pfx.tmp_win + "\\plan.reg", os.path.join(pfx.tmp, "plan.reg")
    r = pfx.run(EXE, "fix", "--plan", plan_win)
    check(r.rc == 1 and os.path.exists(plan_unix), "fix --plan writes the file (%r)" % r)
    check(('The plan was written to "%s"' % plan_win) in r.err, "and says where (%r)" % r)
    data = open(plan_unix, "rb").read() if os.path.exists(plan_unix) else b""
    check(data.startswith(b"\xff\xfe") and
          data[2:].decode("utf-16-le").startswith("Windows Registry Editor Version 5.00\r\n"),
          "UTF-16LE with a byte order mark, REGEDIT5")
    check(dump() == before, "--plan changes nothing")
    r = pfx.reg("import", plan_win)
    check(r.rc == 0 and pfx.reg_query(IS, "TCP/IP Port") == ("REG_DWORD", "0x1389"),
          "reg import of the plan writes TCP/IP Port = 5001 (%r)" % r)
    check(check_rc() == 0, "check is clean after importing the plan")

    print("no port qualifies: Exchange 2010 inside the default dynamic range")
    reset()
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59532)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    before = dump()
    r = pfx.run(EXE, "fix", "--apply", "--undo", undo_path("none")[0], "--yes")
    check(r.rc == 3 and "no port qualifies" in r.out and "dynamic port range 49152-65535"
          in r.out, "exit 3 with the reason (%r)" % r)
    check(dump() == before and not os.path.exists(undo_path("none")[1]),
          "nothing written, no undo file")

    for n, state in enumerate(STATES):
        print("--apply on %s" % state.__name__)
        reset()
        kept = state()
        before = dump()
        verdict = check_rc()
        undo_win, undo_unix = undo_path(n)
        r = pfx.run(EXE, "fix", "--apply", "--undo", undo_win, "--yes")
        check(r.rc == 0 and "Wrote" in r.out, "%s: fix --apply exits 0 (%r)" % (state.__name__, r))
        check("Restart " in r.out and "fix restarts nothing" in r.out,
              "%s: names what to restart" % state.__name__)
        after = check_rc()
        check(after in (0, 1) and after <= verdict,
              "%s: check exits %s after (was %s)" % (state.__name__, after, verdict))
        for key, name, typ in kept:
            got = pfx.reg_query(key, name)
            check(got is not None and got[0] == typ,
                  "%s: %s\\%s is %s (%r)" % (state.__name__, key, name, typ, got))
        if state is s_dc_exchange:
            check(pfx.reg_query(NTDS, "TCP/IP Port") == ("REG_DWORD", "0x1771"),
                  "s_dc_exchange: the domain controller's port is kept")
        check(os.path.exists(undo_unix), "%s: the undo file exists" % state.__name__)
        r = pfx.reg("import", undo_win)
        check(r.rc == 0, "%s: reg import of the undo file (%r)" % (state.__name__, r))
        now = dump()
        check(now == before, "%s: the undo file restores every value, type and data "
              "(%r != %r)" % (state.__name__, now, before))
        # A second --apply never overwrites an earlier undo file.
        if n == 0:
            r = pfx.run(EXE, "fix", "--apply", "--undo", undo_win, "--yes")
            check(r.rc == 3 and "undo file" in r.err and dump() == before,
                  "an existing undo file: exit 3, nothing written (%r)" % r)

    # fix --apply reads everything again after the answer and writes only
    # the plan that was shown: each change below, made while the question
    # waits, gives another plan (docs/operations.md).
    print("while the question waits, the value the plan changes changes: exit 3")
    race("value", lambda: pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6010),
         "ParametersSystem\\TCP/IP Port: was 6001, is now 6010")

    print("while the question waits, a value the plan does not touch takes the "
          "planned port: exit 3, no conflict written back")
    race("other-value", lambda: pfx.reg_add(SA, "TCP/IP Port", "REG_DWORD", 5001),
         "MSExchangeSA\\Parameters\\TCP/IP Port: was absent, is now 5001")
    check(check_rc() == 2, "check still reports the conflict fix did not write")

    print("while the question waits, the dynamic range moves over the planned port: exit 3")

    def move_range():
        pfx.reg_add(OWN, "DynamicPortStart", "REG_DWORD", 5000)
        pfx.reg_add(OWN, "DynamicPortCount", "REG_DWORD", 100)
    race("range", move_range, "the dynamic port range: was 49152-65535, is now 5000-5099")

    print("while the question waits, a listener takes the planned port: exit 3")
    import socket
    held = []

    def listen():
        # Wine's TCP table lists the host's sockets (docs/wine.md), so a
        # listener of this process is one the service and fix see.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 5001))
        sock.listen(1)
        held.append(sock)
        return sock.close
    race("listener", listen, "ports now held in the TCP table: 5001")

    print("the same wait with nothing changed: the plan is written")
    race_ok_undo = undo_path("race-none")
    reset()
    s_is_pair()
    r = pfx.run(EXE, "fix", "--apply", "--undo", race_ok_undo[0], stdin_text="yes\r\n")
    check(r.rc == 0 and pfx.reg_query(IS, "TCP/IP Port") == ("REG_DWORD", "0x1389"),
          "answered yes with nothing changed: exit 0, 5001 written (%r)" % r)

    print("a key nobody may write: exit 3 naming the key and error 5, before any question")
    reset()
    s_is_pair()
    before = dump()
    require(pfx.run(REGTOOL, "readonly", IS[5:]).rc == 0, "IS key made read-only")
    undo_win, undo_unix = undo_path("denied")
    r = pfx.run(EXE, "fix", "--apply", "--undo", undo_win, "--yes")
    check(r.rc == 3 and "cannot open for writing " + HKLM_SERVICES + "\\MSExchangeIS\\"
          "ParametersSystem: " in r.err and
          "(error 5)" in r.err and "nothing was changed" in r.err,
          "exit 3, the key and the Win32 error (%r)" % r)
    # Without --yes: an administrator in a window that is not elevated is
    # told so before being asked to type yes.
    r = pfx.run(EXE, "fix", "--apply", "--undo", undo_win, stdin_text="yes\r\n")
    check(r.rc == 3 and "Type yes" not in r.out and "elevated prompt" in r.err,
          "refused before the question, asking for an elevated prompt (%r)" % r)
    require(pfx.run(REGTOOL, "allow", IS[5:]).rc == 0, "IS key writable again")
    check(dump() == before and not os.path.exists(undo_unix), "nothing written, no undo file")

    if pfx.is_wine:
        # A short write of the undo file would leave a .reg file that a
        # later reg import applies half of: on a filesystem with no room
        # left, fix deletes what it wrote, writes no value, and says so.
        print("the undo file cannot be written whole: exit 3, no partial file, nothing changed")
        reset()
        s_is_pair()
        before = dump()
        full = os.path.join(args.work, "fullfs")
        os.makedirs(full, exist_ok=True)
        subprocess.run(["umount", full], stderr=subprocess.DEVNULL)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", full])
        require(mounted.returncode == 0, "a 4 KiB tmpfs mounted (the test runs as root, as "
                "CI does)")
        try:
            try:
                with open(os.path.join(full, "filler"), "wb") as f:
                    f.write(b"x" * 8192)
            except OSError:
                pass    # ENOSPC: the filesystem is full, as wanted
            undo_win = "Z:" + full.replace("/", "\\") + "\\undo.reg"
            r = pfx.run(EXE, "fix", "--apply", "--undo", undo_win, "--yes")
            check(r.rc == 3 and "WriteFile of the undo file" in r.err and
                  "(error 112)" in r.err and "was deleted" in r.err and
                  "without an undo file nothing was changed" in r.err,
                  "exit 3: the write's error, the partial file deleted (%r)" % r)
            check(not os.path.exists(os.path.join(full, "undo.reg")), "no undo file left")
            check(dump() == before, "no value written")
        finally:
            subprocess.run(["umount", full])

    print("--plan FILE: an existing file is refused without --force; none is left on exit 3")
    reset()
    s_is_pair()
    plan_win, plan_unix = pfx.tmp_win + "\\old plan.reg", os.path.join(pfx.tmp, "old plan.reg")
    with open(plan_unix, "wb") as f:
        f.write(b"an earlier file")
    r = pfx.run(EXE, "fix", "--plan", plan_win)
    check(r.rc == 3 and "already exists" in r.err and "--force" in r.err and
          open(plan_unix, "rb").read() == b"an earlier file",
          "an existing plan file: exit 3, the file untouched (%r)" % r)
    r = pfx.run(EXE, "fix", "--plan", plan_win, "--force")
    check(r.rc == 1 and ('The plan was written to "%s"' % plan_win) in r.err and
          open(plan_unix, "rb").read().startswith(b"\xff\xfe"),
          "--force replaces it, and fix says where, quoted (%r)" % r)
    reset()
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59532)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    r = pfx.run(EXE, "fix", "--plan", plan_win, "--force")
    check(r.rc == 3 and "no port qualifies" in r.out and "was removed" in r.err and
          not os.path.exists(plan_unix),
          "no plan with --force: exit 3 and the earlier plan file removed (%r)" % r)
    r = pfx.run(EXE, "fix", "--plan", plan_win)
    check(r.rc == 3 and "no plan file was written" in r.err and not os.path.exists(plan_unix),
          "no plan: exit 3 and no plan file (%r)" % r)

    print("fix --reg on the Windows build: the plan per export, --apply refused")
    reset()
    for name, extra in (("EX01", ""), ("EX02", "\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControl"
                                        "Set\\Services\\MSExchangeSA\\Parameters]\r\n"
                                        "\"HTTP Port\"=dword:00001389\r\n")):
        with open(os.path.join(pfx.tmp, name + ".reg"), "wb") as f:
            f.write(("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\"
                     "SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem]\r\n"
                     "\"TCP/IP Port\"=dword:00001771\r\n\"Rpc/HTTP Port\"=dword:00001771\r\n" +
                     extra).encode("utf-16-le"))
    r = pfx.run(EXE, "fix", "--reg", pfx.tmp_win + "\\EX01.reg", pfx.tmp_win + "\\EX02.reg",
                "--os", "10.0")
    check(r.rc == 1 and "EX01: 1 change(s) proposed" in r.out and
          "EX02: 1 change(s) proposed" in r.out and r.out.count("to 5001 (REG_DWORD)") == 1 and
          r.out.count("to 5002 (REG_DWORD)") == 1,
          "each export planned alone: 5001 on EX01, 5002 on EX02 where 5001 is taken (%r)" % r)
    check(dump() == {k: None for k in KEYS}, "fix --reg touches this computer's registry not")
    r = pfx.run(EXE, "fix", "--reg", pfx.tmp_win + "\\EX01.reg", "--apply", "--undo", "u.reg")
    check(r.rc == 3 and "--apply changes this computer's registry" in r.err,
          "--apply with --reg is a usage error (%r)" % r)
finally:
    pass

finish("test_fix")
