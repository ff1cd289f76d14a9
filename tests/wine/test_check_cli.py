#!/usr/bin/env python3
"""exchportguard check, end to end under Wine: values planted with reg.exe
(and regtool for what reg.exe cannot write) in a private prefix, the report
read back as text and JSON, exit codes asserted."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from winetest import (AB, IS, OWN, RPC, SA, SRS, check, common_args,  # noqa: E402
                      finish, path, require, open_host)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = open_host(args)
EXE = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
REGTOOL = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")


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

    print("the issue's example: IS TCP/IP Port and SA TCP/IP NSPI Port both 6001")
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
    pfx.reg_add(OWN, "DynamicPortStart", "REG_DWORD", 1025)
    pfx.reg_add(OWN, "DynamicPortCount", "REG_DWORD", 5000)
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "5001")
    rc, doc = check_json()
    check(doc["dynamic_range"]["source"] == "override" and
          doc["dynamic_range"]["end"] == 6024, "override range 1025-6024 used")
    ports = sorted(f["port"] for f in findings(doc, "dynamic-range"))
    check(ports == [5001, 6001, 6002, 6004, 6005, 6006],
          "5001 and the 600x ports are inside it, 59532 is not (%s)" % ports)
    pfx.reg_delete_key(OWN)

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
