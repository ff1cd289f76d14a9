#!/usr/bin/env python3
"""The Linux exchportguard (cli/main.c), natively (under ASan and UBSan in
the linux preset): check --reg on hand-made exports in both formats, every
report format, bad and missing files, usage errors.  The same files through
the Windows build under Wine: tests/wine/test_fleet.py.

    test_check_reg.py EXE WORKDIR"""
import csv
import io
import json
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import SVC, WORK, check, finish, run, write5  # noqa: E402

write5("EX01.reg", SVC + "MSExchangeIS\\ParametersSystem]\r\n"
       "\"TCP/IP Port\"=dword:00001771\r\n" + SVC + "MSExchangeSA\\Parameters]\r\n"
       "\"TCP/IP NSPI Port\"=dword:00001771\r\n"
       "\"HTTP Port\"=\"<b>&amp;\\\"x\"\r\n")
write5("EX02.reg", SVC + "MSExchangeIS\\ParametersSystem]\r\n"
       "\"TCP/IP Port\"=dword:00001389\r\n"
       "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
       "\"CurrentVersion\"=\"5.2\"\r\n")
with open(os.path.join(WORK, "EX03.reg"), "wb") as f:
    f.write(b"REGEDIT4\r\n\r\n" + SVC.encode() + b"MSExchangeIS\\ParametersSystem]\r\n"
            b"\"TCP/IP Port\"=\"\x80\"\r\n")
with open(os.path.join(WORK, "NOTREG.reg"), "wb") as f:
    f.write(b"PK\x03\x04 a zip file, not an export")

print("text report")
rc, out, err = run("check", "--reg", "EX01.reg", "EX02.reg", "EX03.reg")
check(rc == 2, "a conflict on one of three: exit 2 (%r)" % rc)
check("check of 3 computer(s)" in out and "Port map" in out and "6001*" in out,
      "verdict lines and the port map")
check("EX02" in out and "5001" in out, "the clean computer is listed")
check("3/3 EX03" in err, "progress on stderr")

print("JSON")
rc, out, _ = run("check", "--reg", "EX01.reg", "EX02.reg", "EX03.reg", "--json")
doc = json.loads(out)
check(doc["schema"] == "exchportguard-fleet/1" and doc["exit_code"] == 2, "the envelope")
names = [c["name"] for c in doc["computers"]]
check(names == ["EX01", "EX02", "EX03"], "computers named after their files")
ex = {c["name"]: c for c in doc["computers"]}
check(ex["EX02"]["report"]["os_version"] == "5.2" and
      ex["EX02"]["report"]["dynamic_range"]["source"] == "legacy-default",
      "the OS version from the export decides the range rule")
check(ex["EX01"]["report"]["os_version"] is None, "no OS version: null")
data = [v["data"] for v in ex["EX03"]["report"]["values"] if v["id"] == "is-tcpip-port"]
check(data == ['"\u20ac"'], "REGEDIT4 in Windows-1252: 0x80 is the euro sign (%r)" % data)
rc, out, _ = run("check", "--reg", "EX03.reg", "--json", "--codepage", "28591")
data = [v["data"] for v in json.loads(out)["computers"][0]["report"]["values"]
        if v["id"] == "is-tcpip-port"]
check(data == ['"\u0080"'], "--codepage 28591: 0x80 is U+0080 (%r)" % data)

print("CSV and HTML")
rc, out, _ = run("check", "--reg", "EX01.reg", "EX02.reg", "--csv", "--html", "r.html")
rows = list(csv.DictReader(io.StringIO(out, newline="")))
nvalues = len(doc["computers"][0]["report"]["values"])
check(len(rows) == 2 * nvalues, "CSV: a row per computer and value (%d)" % len(rows))
check(any(r["computer"] == "EX01" and r["severity"] == "error" and r["port"] == "6001"
          for r in rows), "CSV: the conflict")
try:
    root = ET.parse(os.path.join(WORK, "r.html")).getroot()
    text = "".join(root.itertext())
    msgs = [f["message"] for c in doc["computers"][:2] for f in c["report"]["findings"]]
    check(all(m in text for m in msgs), "HTML: every finding (%d)" % len(msgs))
    raw = open(os.path.join(WORK, "r.html"), encoding="utf-8").read()
    check('<b>&amp;"x' in text and "&lt;b&gt;&amp;amp;&quot;x" in raw,
          "HTML: registry strings escaped")
except ET.ParseError as e:
    check(False, "HTML is well-formed (%s)" % e)

print("bad input")
rc, out, _ = run("check", "--reg", "NOTREG.reg", "MISSING.reg", "--json")
d = json.loads(out)
check(rc == 3, "only unreadable files: exit 3 (%r)" % rc)
check([c["error"]["code"] for c in d["computers"]] == [13, 2],
      "not an export: 13; missing: 2")
rc, _, err = run("check", "--computer", "EX01")
check(rc == 3 and "Windows build" in err, "--computer: the Windows build's, exit 3")
rc, _, err = run("check")
check(rc == 3 and "Usage" in err, "no --reg: usage, exit 3")
rc, _, err = run("check", "--reg", "EX01.reg", "--os", "six")
check(rc == 3 and "--os" in err, "a bad --os: exit 3")
rc, out, _ = run("--version")
check(rc == 0 and out.startswith("ExchPortGuard "), "--version")

print("a 20 MB export, streamed")
with open(os.path.join(WORK, "BIG.reg"), "wb") as f:
    f.write("\ufeffWindows Registry Editor Version 5.00\r\n\r\n".encode("utf-16-le"))
    block = "".join(SVC + "S%d]\r\n\"Security\"=hex:%s\r\n\r\n" %
                    (i, ",\\\r\n  ".join(["01,02,03,04,05,06,07,08"] * 8)) for i in range(400))
    data = block.encode("utf-16-le")
    for _ in range(20 * 1024 * 1024 // len(data)):
        f.write(data)
    f.write((SVC + "MSExchangeIS\\ParametersSystem]\r\n\"TCP/IP Port\"=dword:00001771\r\n")
            .encode("utf-16-le"))
rc, out, _ = run("check", "--reg", "BIG.reg", "--json")
d = json.loads(out)
ports = {v["id"]: v["port"] for v in d["computers"][0]["report"]["values"]}
check(rc == 0 and ports["is-tcpip-port"] == 6001,
      "the value after 20 MB of other keys is read (exit %r)" % rc)

finish("test_check_reg")
