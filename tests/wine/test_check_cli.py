#!/usr/bin/env python3
"""exchportguard check, end to end under Wine: values planted with reg.exe
(and regtool for what reg.exe cannot write) in a private prefix, the report
read back as text and JSON, exit codes asserted."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from winetest import (AB, IS, NETLOGON, NTDS, NTFRS, OWN, RPC, SA, SRS, WINE,  # noqa: E402
                      check, common_args, finish, hold_port, open_host, path, require,
                      run_in_pty)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
EXE = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
REGTOOL = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")
HOLDPORT = pfx.install_file(os.path.join(args.tools, "holdport.exe"), r"C:\epg\holdport.exe")


def check_json():
    r = pfx.run(EXE, "check", "--json")
    try:
        doc = json.loads(r.out)
    except ValueError:
        doc = None
    require(doc is not None, "check --json prints valid JSON (%r)" % r)
    return r.rc, doc


def findings(doc, rule):
    return [f for f in doc["findings"] if f["rule"] == rule]


try:
    print("clean prefix: nothing configured")
    rc, doc = check_json()
    check(rc == 0, "exit code 0 (got %s)" % rc)
    check(doc["verdict"] == "clean" and doc["findings"] == [], "no findings")
    states = {k["path"]: k["state"] for k in doc["keys"]}
    check(states[path(r"MSExchangeIS\ParametersSystem")] == "missing",
          "a missing Exchange key is shown as missing, not as an error")
    check(all(v["status"] == "absent" for v in doc["values"]), "every value absent")

    print("the example: IS TCP/IP Port and SA TCP/IP NSPI Port both 6001")
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "TCP/IP NSPI Port", "REG_DWORD", 6001)
    rc, doc = check_json()
    check(rc == 2, "exit code 2 (got %s)" % rc)
    conf = findings(doc, "conflict")
    check(len(conf) == 1, "one conflict")
    if conf:
        check(conf[0]["port"] == 6001, "conflict on port 6001")
        check(set(conf[0]["paths"]) == {path(r"MSExchangeIS\ParametersSystem", "TCP/IP Port"),
                                        path(r"MSExchangeSA\Parameters", "TCP/IP NSPI Port")},
              "the conflict names both values")
        check(conf[0]["severity"] == "error", "severity error")
        check("just above 5000" in conf[0]["remedy"], "remedy from the Analyzer")
    r = pfx.run(EXE, "check")
    check(r.rc == 2, "text report: exit code 2")
    check("MSExchangeIS\\ParametersSystem\\TCP/IP Port" in r.out and
          "MSExchangeSA\\Parameters\\TCP/IP NSPI Port" in r.out and
          "Port 6001 is held by both" in r.out, "text report names both values")

    print("a clean, usual configuration")
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6005)
    pfx.reg_add(SA, "TCP/IP NSPI Port", "REG_DWORD", 6006)
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6002)
    pfx.reg_add(SA, "Rpc/HTTP NSPI Port", "REG_DWORD", 6004)
    pfx.reg_add(IS, "Rpc/HTTP Port", "REG_DWORD", 6001)
    rc, doc = check_json()
    check(rc == 0, "exit code 0 (got %s)" % rc)
    check(doc["summary"]["configured_ports"] == 5, "five configured ports")

    print("only an unusable value")
    pfx.reg_add(SRS, "TCP/IP", "REG_SZ", "0x1771")
    rc, doc = check_json()
    check(rc == 1, "exit code 1 (got %s)" % rc)
    inv = findings(doc, "invalid-value")
    check(len(inv) == 1 and inv[0]["paths"] == [path(r"MSExchangeSRS\Parameters", "TCP/IP")],
          "the unusable value is named")
    check(inv and "hexadecimal" in inv[0]["reason"], "and why: hexadecimal")
    # 0x1771 is 6001, the IS Rpc/HTTP port: unusable data is never compared.
    check(findings(doc, "conflict") == [], "the unusable value takes part in no comparison")

    print("a 3-byte REG_DWORD, a REG_QWORD and a 1 MB string")
    pfx.reg_delete_value(SRS, "TCP/IP")
    pfx.reg_import("[%s]\n\"TCP/IP\"=hex(4):71,17,00\n" % SRS.replace("HKLM", "HKEY_LOCAL_MACHINE"))
    pfx.reg_import("[%s]\n\"TCP/IP Port\"=hex(b):71,17,00,00,00,00,00,00\n"
                   % SA.replace("HKLM", "HKEY_LOCAL_MACHINE"))
    big = pfx.run(REGTOOL, "put", AB[5:], "RpcTcpPort", "1", "fill", "0x37", str(1024 * 1024))
    require(big.rc == 0, "regtool planted a 1 MB REG_SZ (%r)" % big)
    rc, doc = check_json()
    check(rc == 1, "exit code 1 (got %s)" % rc)
    reasons = {f["paths"][0]: f["reason"] for f in findings(doc, "invalid-value")}
    check("must be 4 bytes long; this one is 3 bytes" in
          reasons.get(path(r"MSExchangeSRS\Parameters", "TCP/IP"), ""), "3-byte REG_DWORD named")
    check("REG_QWORD" in reasons.get(path(r"MSExchangeSA\Parameters", "TCP/IP Port"), ""),
          "REG_QWORD named")
    # RegSetValueExW adds the missing NUL to a REG_SZ: 1048576 or 1048578.
    check(re.search(r"10485(76|78) bytes long",
                    reasons.get(path(r"MSExchangeAB\Parameters", "RpcTcpPort"), "")),
          "1 MB string named by its size")
    ab = [v for v in doc["values"] if v["id"] == "ab-rpctcpport"][0]
    check(len(ab["data"]) <= 256, "data shown is at most 256 characters")

    print("Exchange 2010 values: RpcTcpPort as a decimal REG_SZ")
    for key, name in ((SRS, "TCP/IP"), (SA, "TCP/IP Port"), (AB, "RpcTcpPort")):
        pfx.reg_delete_value(key, name)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59532)
    pfx.reg_add(OWN, "CheckDynamicRange", "REG_DWORD", 0)
    rc, doc = check_json()
    check(rc == 2, "exit code 2 (got %s)" % rc)
    conf = findings(doc, "conflict")
    check(len(conf) == 1 and set(conf[0]["values"]) == {"rpc-tcpip-port", "ab-rpctcpport"},
          "RPC Client Access and Address Book conflict on 59532")
    check(doc["dynamic_range"]["checked"] is False, "CheckDynamicRange=0 is honoured by check")

    print("the dynamic range, as the service would see it")
    pfx.reg_delete_value(OWN, "CheckDynamicRange")
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59531")
    rc, doc = check_json()
    check(rc == 1, "exit code 1: ports in the dynamic range are warnings (got %s)" % rc)
    dyn = findings(doc, "dynamic-range")
    check(len(dyn) == 2, "two ports in 49152-65535")
    check(doc["dynamic_range"]["source"] in ("netsh", "default"),
          "range source named (%s)" % doc["dynamic_range"]["source"])
    # Wine's netsh answers nothing: the exclusions are "not checked", said
    # once, and nothing is taken as excluded.
    r = pfx.run(EXE, "check")
    check(r.out.count("port exclusion ranges: not checked") == 1 and
          doc["dynamic_range"]["excluded"] == [] and not findings(doc, "port-excluded"),
          "exclusion ranges: not checked, said once in the report (%d)"
          % r.out.count("port exclusion ranges: not checked"))
    pfx.reg_add(OWN, "DynamicPortStart", "REG_DWORD", 1025)
    pfx.reg_add(OWN, "DynamicPortCount", "REG_DWORD", 5000)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "5001")
    rc, doc = check_json()
    check(doc["dynamic_range"]["source"] == "override" and
          doc["dynamic_range"]["end"] == 6024, "override range 1025-6024 used")
    ports = sorted(f["port"] for f in findings(doc, "dynamic-range"))
    # The AB key exists, so NspiHttpPort and RfrHttpPort are in use with
    # their effective defaults 6004 and 6002: inside the range too.
    check(ports == [5001, 6001, 6002, 6002, 6004, 6004, 6005, 6006],
          "5001, the 600x ports and the AB defaults are inside it, 59532 is not (%s)"
          % ports)
    pfx.reg_delete_key(OWN)

    print("effective defaults compared within their product family")
    for key in (SA, IS, SRS, RPC, AB):
        pfx.reg_delete_key(key)
    pfx.reg_add(OWN, "CheckDynamicRange", "REG_DWORD", 0)
    pfx.reg_add(OWN, "ListenerCheckMinutes", "REG_DWORD", 0)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "6004")
    pfx.reg_add(SA, "Rpc/HTTP NSPI Port", "REG_DWORD", 6004)
    rc, doc = check_json()
    check(doc["schema"] == "exchportguard-check/2", "schema 2 (%s)" % doc["schema"])
    check(rc == 2 and doc["verdict"] == "errors", "exit code 2, verdict errors (%s, %s)"
          % (rc, doc["verdict"]))
    vals = {v["id"]: v for v in doc["values"]}
    check(vals["ab-nspihttpport"]["status"] == "default" and
          vals["ab-nspihttpport"]["port"] == 6004 and vals["ab-nspihttpport"]["data"] is None,
          "absent NspiHttpPort: status default, port 6004 (%r)" % vals["ab-nspihttpport"])
    check(vals["ab-rfrhttpport"]["status"] == "default" and vals["ab-rfrhttpport"]["port"] == 6002,
          "absent RfrHttpPort: default 6002")
    pairs = sorted(sorted(f["values"]) for f in findings(doc, "conflict"))
    check(pairs == [["ab-nspihttpport", "ab-rpctcpport"], ["ab-rpctcpport", "sa-rpchttp-nspi-port"]],
          "RpcTcpPort 6004 conflicts with the default and with the 2003 value; the 2003 "
          "value does not conflict with the 2010 default (%s)" % pairs)
    notice = findings(doc, "port-not-recommended")
    check(len(notice) == 1 and notice[0]["severity"] == "info" and notice[0]["port"] == 6004,
          "RpcTcpPort 6004 outside 59531-60554: an info notice")
    r = pfx.run(EXE, "check")
    check(r.rc == 2 and "absent, default 6004" in r.out and "absent, default 6002" in r.out,
          "the text report shows the effective defaults")
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "0")
    rc, doc = check_json()
    vals = {v["id"]: v for v in doc["values"]}
    check(rc == 0 and doc["findings"] == [] and vals["ab-rpctcpport"]["status"] == "dynamic",
          "RpcTcpPort \"0\" is a dynamic port, not an unusable value (exit %s, %s)"
          % (rc, [f["rule"] for f in doc["findings"]]))

    print("domain controller values")
    # Only in a private prefix: the native backend plants nothing under the
    # domain controller keys of a real Windows (tests/wine/native.py).
    if not pfx.is_wine:
        print("  (skipped on real Windows: NTDS, Netlogon and NtFrs keys are not planted)")
    else:
        pfx.reg_add(NTDS, "TCP/IP Port", "REG_DWORD", 50000)
        pfx.reg_add(NETLOGON, "DCTcpipPort", "REG_DWORD", 50000)
        pfx.reg_add(NTFRS, "RPC TCP/IP Port Assignment", "REG_SZ", "50001")
        rc, doc = check_json()
        check(rc == 2, "exit code 2 (got %s)" % rc)
        conf = findings(doc, "conflict")
        check(len(conf) == 1 and sorted(conf[0]["values"]) == ["netlogon-dctcpipport",
                                                              "ntds-tcpip-port"],
              "NTDS and Netlogon on one port conflict")
        check(conf and "KB 224196" in conf[0]["remedy"] and "Information Store" not in conf[0]["remedy"],
              "with the domain controller remedy, not the Exchange one")
        inv = findings(doc, "invalid-value")
        check(len(inv) == 1 and inv[0]["values"] == ["ntfrs-rpc-port"] and
              "only as a REG_DWORD" in inv[0]["reason"], "NtFrs as a REG_SZ is unusable, and why")
        vals = {v["id"]: v for v in doc["values"]}
        check(vals["ntds-tcpip-port"]["family"] == "domain-controller", "family domain-controller")
        for key, name in ((NTDS, "TCP/IP Port"), (NETLOGON, "DCTcpipPort"),
                          (NTFRS, "RPC TCP/IP Port Assignment")):
            pfx.reg_delete_value(key, name)

    print("the analyzers' range rules and the three severities")
    pfx.reg_delete_value(AB, "RpcTcpPort")
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 135)
    rc, doc = check_json()
    low = findings(doc, "port-below-1024")
    check(rc == 2 and len(low) == 1 and low[0]["severity"] == "error" and low[0]["port"] == 135,
          "Exchange 2010 port 135: an error, exit 2 without any conflict (%s)" % rc)
    check(doc["summary"]["conflicts"] == 0 and doc["summary"]["errors"] == 1,
          "summary: 0 conflicts, 1 error")
    pfx.reg_delete_value(RPC, "TCP/IP Port")
    pfx.reg_add(SA, "TCP/IP Port", "REG_DWORD", 4000)
    rc, doc = check_json()
    warn = findings(doc, "port-below-5000")
    check(rc == 1 and len(warn) == 1 and warn[0]["severity"] == "warning",
          "System Attendant TCP/IP Port 4000: a warning, exit 1 (%s)" % rc)
    pfx.reg_add(SA, "TCP/IP Port", "REG_DWORD", 6010)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "6100")
    rc, doc = check_json()
    check(rc == 0 and doc["verdict"] == "clean" and
          [f["rule"] for f in doc["findings"]] == ["port-not-recommended"],
          "only an information notice: exit 0 (%s, %s)" % (rc, [f["rule"] for f in doc["findings"]]))

    print("who holds a port: a real Windows process on a pinned port: no false alarm")
    pfx.reg_delete_value(OWN, "ListenerCheckMinutes")
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6123)
    hold = hold_port(pfx, HOLDPORT, 6123, args.work)
    try:
        rc, doc = check_json()
        lis = doc["listeners"]
        check(lis["checked"] is True and lis["endpoints"] >= 1,
              "the TCP table was read (%r)" % lis)
        # Wine reports every owner as PID 0 (docs/exchange-ports.md): the
        # listener is seen, its owner cannot be identified, nothing alarms.
        check({"value": "is-tcpip-port", "port": 6123} in lis["unidentified"],
              "the listener on 6123 is seen, owner unidentified (%r)" % lis["unidentified"])
        check(findings(doc, "port-held") == [], "no port-held finding")
        r = pfx.run(EXE, "check")
        check("port 6123 (is-tcpip-port) is in use by an owner that cannot be identified"
              in r.out, "the text report says so")
    finally:
        hold.kill()
        hold.wait()
    pfx.reg_add(OWN, "ListenerCheckMinutes", "REG_DWORD", 0)
    rc, doc = check_json()
    check(doc["listeners"]["checked"] is False and
          doc["listeners"]["note"] == "ListenerCheckMinutes is 0", "ListenerCheckMinutes 0: off")
    pfx.reg_delete_key(OWN)
    for key in (SA, IS, RPC, AB):
        pfx.reg_delete_key(key)

    print("a key that cannot be read: exit 3 naming the key and the error")
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6005)
    d = pfx.run(REGTOOL, "deny", IS[5:])
    require(d.rc == 0, "regtool denied access to the IS key (%r)" % d)
    r = pfx.run(EXE, "check")
    check(r.rc == 3, "exit code 3 (got %s)" % r.rc)
    check("MSExchangeIS\\ParametersSystem could not be read" in r.out and
          "error 5" in r.out and "ccess" in r.out,
          "the key, the Win32 error and its text are named")
    rc, doc = check_json()
    unr = findings(doc, "unreadable")
    check(len(unr) == 1 and unr[0]["error"]["code"] == 5, "JSON: unreadable, code 5")
    pfx.run(REGTOOL, "allow", IS[5:])
    rc, doc = check_json()
    check(rc in (0, 1, 2) and not findings(doc, "unreadable"), "readable again after allow")

    if pfx.is_wine:
        # Output that cannot be written is a failure, not a success nobody
        # saw: /dev/full answers every write with ENOSPC, which Wine gives
        # as ERROR_DISK_FULL (112).
        print("standard output that cannot be written: exit 3, the Win32 error")
        for cmd in (["check"], ["check", "--json"], ["fix"]):
            with open("/dev/full", "wb") as full, tempfile.TemporaryFile() as err:
                rc = subprocess.run([WINE, EXE] + cmd, env=pfx.env, stdout=full, stderr=err,
                                    stdin=subprocess.DEVNULL, timeout=120).returncode
                err.seek(0)
                text = err.read().decode("utf-8", "replace")
            check(rc == 3 and "the report could not be written to standard output" in text
                  and "(error 112)" in text, "%s to a full disk: exit 3 naming error 112 "
                  "(rc %s, %r)" % (" ".join(cmd), rc, text))

        # A console gets the report through WriteConsoleW, in pieces: one
        # call above 64 KB fails before Windows 8 (the WriteConsole
        # documentation), which the strict build enforces (tests/strict).
        # 400 exports make a report far larger than that.
        print("a report of 400 computers to a console arrives whole")
        os.makedirs(os.path.join(pfx.tmp, "many"), exist_ok=True)
        for i in range(400):
            with open(os.path.join(pfx.tmp, "many", "EX%03d.reg" % i), "wb") as f:
                f.write(("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE"
                         "\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\"
                         "ParametersSystem]\r\n\"TCP/IP Port\"=dword:00001771\r\n"
                         "\"Rpc/HTTP Port\"=dword:00001771\r\n").encode("utf-16-le"))
        argv = [WINE, EXE, "check", "--reg", pfx.tmp_win + "\\many\\*.reg", "--os", "10.0"]
        as_file = pfx.run(*argv[1:], timeout=300)
        rc, shown = run_in_pty(argv, pfx.env, 300)
        flat = as_file.out.replace("\r", "").replace("\n", "")
        check(as_file.rc == 2 and len(as_file.out) > 70000,
              "to a file: exit 2, %d characters" % len(as_file.out))
        # The terminal also shows stderr's progress lines, and Wine's
        # console repaints a line now and then, so the screen is not the
        # file byte for byte: its first and last 200 characters and every
        # computer's finding must be there.
        seen = set(re.findall(r"EX(\d{3}): ERROR", shown))
        check(rc == 2 and flat[:200] in shown and flat[-200:] in shown and len(seen) == 400,
              "to a console: exit 2, the report's start and end, all 400 computers' "
              "findings (%s; %d shown)" % (rc, len(seen)))

    print("usage")
    r = pfx.run(EXE, "check", "--bogus")
    check(r.rc == 3 and "unknown option" in r.err and "Usage:" in r.err,
          "unknown option: usage on stderr, exit 3")
    r = pfx.run(EXE, "frobnicate")
    check(r.rc == 3 and "Usage:" in r.err, "unknown command: exit 3")
    r = pfx.run(EXE, "--help")
    check(r.rc == 0 and "check [--json]" in r.out, "--help prints usage, exit 0")
    r = pfx.run(EXE, "--version")
    check(r.rc == 0 and r.out.startswith("ExchPortGuard "), "--version")
finally:
    pfx.kill()
finish("wine.check_cli")
