#!/usr/bin/env python3
"""exchportguard check for many computers, end to end under Wine:

  * exports made with Wine's own `reg export` from a prefix with planted
    conflicts give the same findings as `check` on the live prefix;
  * the Linux build (compiled here from the same sources) gives the same
    JSON, CSV and HTML for the same files as the Windows build under Wine;
  * a hand-made REGEDIT4 file (Windows-1252, continued lines, deletions);
  * files that are not exports, or missing, are unreadable (exit 3) while
    the others are still reported;
  * --computer through RegConnectRegistryW.  Wine connects only to the name
    GetComputerNameW returns (its advapi32 answers ERROR_BAD_NETPATH, 53,
    for every other name), so the local name is the one that can be read
    and an unknown name gives that computer exit 3 with the Win32 error."""
import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from winetest import (AB, IS, SA, Prefix, check, common_args, finish, native_cli,  # noqa: E402
                      require)

args = common_args()
os.makedirs(args.work, exist_ok=True)
pfx = Prefix(os.path.join(args.work, "prefix"), args.template)
EXE = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
TMP = pfx.tmp                       # C:\epgtest, where the exports go


def run_native(*cli_args):
    with open(os.path.join(args.work, "native.out"), "wb") as o, \
         open(os.path.join(args.work, "native.err"), "wb") as e:
        p = subprocess.run([NATIVE] + list(cli_args), cwd=TMP, stdout=o, stderr=e)
    return (p.returncode, open(os.path.join(args.work, "native.out"), encoding="utf-8").read(),
            open(os.path.join(args.work, "native.err"), encoding="utf-8").read())


def run_wine(*cli_args):
    return pfx.run_again_if_silent(EXE, "check", *cli_args, cwd=TMP)


def loads(text, what):
    try:
        return json.loads(text)
    except ValueError:
        require(False, "%s prints valid JSON: %r" % (what, text[:500]))


def keyed(findings):
    return sorted((f["rule"], tuple(f["values"]), f["port"]) for f in findings)


def export(key, name):
    r = pfx.run("reg", "export", key, "C:\\epgtest\\" + name, "/y")
    require(r.rc == 0, "reg export %s (%r)" % (key, r))
    return os.path.join(TMP, name)


def html_ok(path, doc):
    """The page parses as XML and carries every finding's sentence."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "%s is well-formed (%s)" % (os.path.basename(path), e))
        return
    text = " ".join("".join(root.itertext()).split())
    missing = [f["message"] for c in doc["computers"] if c["report"]
               for f in c["report"]["findings"]
               if " ".join(f["message"].split()) not in text]
    check(not missing, "the HTML page carries every finding (%d missing)" % len(missing))
    check(not root.findall(".//script") and "http://" not in open(path).read(),
          "the HTML page fetches nothing and runs nothing")


NATIVE = None
try:
    NATIVE = native_cli(pfx, EXE, args.source, args.work)

    print("a clean prefix, exported")
    export(r"HKLM\System\CurrentControlSet\Services", "CLEAN.reg")
    w = run_wine("--reg", "CLEAN.reg", "--json")
    d = loads(w.out, "clean export")
    check(w.rc == 0 and d["computers"][0]["report"]["findings"] == [] and
          pfx.run_again_if_silent(EXE, "check").rc == 0,
          "a clean prefix's export is clean, as the live check (exit %r)" % w.rc)

    print("a prefix with planted conflicts and bad values")
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "TCP/IP NSPI Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "HTTP Port", "REG_SZ", "0x1772")
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    pfx.reg_import('[%s]\n"Rpc/HTTP Port"=hex(4):71,17,00,00\n' %
                   ("HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\"
                    "MSExchangeIS\\ParametersSystem"))
    live = pfx.run_again_if_silent(EXE, "check", "--json")
    live_doc = loads(live.out, "check --json")
    require(live.rc == 2, "live check: exit code 2 (%r)" % live.rc)
    live_findings = keyed(live_doc["findings"])
    check(len([f for f in live_findings if f[0] == "conflict"]) == 3,
          "live check: three values on 6001, three conflicts")
    check([f for f in live_findings if f[0] == "dynamic-range"] ==
          [("dynamic-range", ("ab-rpctcpport",), 59532)],
          "live check: 59532 in the dynamic range")
    # An export without the OS version cannot say which range applies.
    no_range = [f for f in live_findings if f[0] != "dynamic-range"]

    print("exports made with Wine's reg.exe")
    export(r"HKLM\System\CurrentControlSet\Services", "EX01.reg")
    export(r"HKLM\System", "EX02.reg")
    cv = export(r"HKLM\Software\Microsoft\Windows NT\CurrentVersion", "cv.reg")
    # copy /b EX01.reg + cv.reg EX03.reg: the OS version alongside.
    with open(os.path.join(TMP, "EX03.reg"), "wb") as f:
        f.write(open(os.path.join(TMP, "EX01.reg"), "rb").read())
        f.write(open(cv, "rb").read())

    files = ["EX01.reg", "EX02.reg", "EX03.reg"]
    w = run_wine("--reg", *files, "--json", "--html", "wine.html")
    wdoc = loads(w.out, "Windows check --reg --json")
    check(w.rc == 2, "Windows: exit code 2 (got %r)" % w.rc)
    check([c["name"] for c in wdoc["computers"]] == ["EX01", "EX02", "EX03"],
          "one computer per file, named after it")
    for c in wdoc["computers"]:
        check(c["state"] == "read" and c["report"] is not None,
              "%s: read" % c["name"])
        if c["report"] and c["name"] == "EX03":
            check(keyed(c["report"]["findings"]) == live_findings,
                  "%s: the same findings as check on the live prefix" % c["name"])
        elif c["report"]:
            check(keyed(c["report"]["findings"]) == no_range,
                  "%s: the same findings as check on the live prefix, but for "
                  "the dynamic range" % c["name"])
    by = {c["name"]: c["report"] for c in wdoc["computers"] if c["report"]}
    if "EX01" in by and "EX03" in by:
        check(by["EX01"]["os_version"] is None and
              not by["EX01"]["dynamic_range"]["checked"],
              "no OS version in the export: the dynamic range is not checked")
        check(by["EX03"]["os_version"] == live_doc["os_version"] and
              by["EX03"]["dynamic_range"]["checked"],
              "CurrentVersion exported alongside: the OS version is the "
              "prefix's (%s)" % live_doc["os_version"])
    check("3/3" in w.err, "progress on stderr for more than one computer")

    print("wildcards: cmd.exe passes them on, the command expands them")
    g = run_wine("--reg", "EX0?.reg", "--json", "--html", "wine.html")
    check(g.rc == 2 and loads(g.out, "--reg EX0?.reg") == wdoc,
          "--reg EX0?.reg: the same report as the three files named")
    g = pfx.run_again_if_silent(EXE, "check", "--reg", r"C:\epgtest\EX*.reg", "--json")
    d = loads(g.out, r"--reg C:\epgtest\EX*.reg")
    check([c["source"] for c in d["computers"]] ==
          [r"C:\epgtest\EX0%d.reg" % n for n in (1, 2, 3)],
          "a directory in the pattern is kept in each file's name")
    g = run_wine("--reg", "NOPE*.reg")
    check(g.rc == 3 and "NOPE*" in g.out, "a pattern that matches nothing is "
          "reported as a file that cannot be read")

    print("the Linux build on the same files")
    rc, out, err = run_native("check", "--reg", *files, "--json", "--html", "linux.html")
    ldoc = loads(out, "Linux check --reg --json")
    check(rc == w.rc, "Linux: the same exit code (%r)" % rc)
    check(ldoc == wdoc, "Linux and Windows JSON are equal")
    check(open(os.path.join(TMP, "linux.html"), "rb").read() ==
          open(os.path.join(TMP, "wine.html"), "rb").read(),
          "Linux and Windows HTML are equal")
    html_ok(os.path.join(TMP, "wine.html"), wdoc)
    wc = run_wine("--reg", *files, "--csv")
    rc, lcsv, _ = run_native("check", "--reg", *files, "--csv")
    check(wc.out.replace("\r\n", "\n") == lcsv.replace("\r\n", "\n"),
          "Linux and Windows CSV are equal")
    rows = list(csv.DictReader(io.StringIO(lcsv)))
    check(len(rows) == 3 * len(live_doc["values"]),
          "CSV: one row per computer and value (%d)" % len(rows))
    check(any(r["computer"] == "EX02" and r["value_id"] == "is-tcpip-port" and
              r["port"] == "6001" and r["severity"] == "error" for r in rows),
          "CSV: the conflicting port, marked error")
    wt = run_wine("--reg", *files)
    rc, ltext, _ = run_native("check", "--reg", *files)
    check(wt.out.replace("\r\n", "\n") == ltext.replace("\r\n", "\n"),
          "Linux and Windows text reports are equal")
    check("Port map" in ltext and "6001*" in ltext, "text: the port map")

    print("a hand-made REGEDIT4 file: Windows-1252, continued lines, deletions")
    svc = "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\"
    hand = ("REGEDIT4\r\n\r\n; made by hand\r\n" +
            svc + "MSExchangeIS\\ParametersSystem]\r\n"
            "\"TCP/IP Port\"=hex(4):89,\\\r\n  13,\\\r\n  00,00\r\n"
            "\"Rpc/HTTP Port\"=\"caf\xe9\"\r\n\r\n" +
            svc + "MSExchangeSA\\Parameters]\r\n"
            "\"TCP/IP Port\"=dword:00001389\r\n"
            "\"TCP/IP NSPI Port\"=dword:00001389\r\n"
            "\"TCP/IP NSPI Port\"=-\r\n" +
            svc + "MSExchangeSRS\\Parameters]\r\n\"TCP/IP\"=dword:00001389\r\n"
            "[-HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\MSExchangeSRS]\r\n"
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000002\r\n"
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\MSExchangeIS\\"
            "ParametersSystem]\r\n\"TCP/IP Port\"=dword:00000001\r\n")
    with open(os.path.join(TMP, "HAND.reg"), "wb") as f:
        f.write(hand.encode("cp1252"))
    w = run_wine("--reg", "HAND.reg", "--json", "--os", "5.2", "--name", "EX-HAND")
    rc, out, _ = run_native("check", "--reg", "HAND.reg", "--json", "--os", "5.2",
                            "--name", "EX-HAND")
    hw, hl = loads(w.out, "REGEDIT4 (Windows)"), loads(out, "REGEDIT4 (Linux)")
    check(hw == hl and w.rc == rc == 2, "REGEDIT4: equal JSON, exit 2 on both")
    rep = hw["computers"][0]["report"] if hw["computers"] else None
    require(rep is not None, "REGEDIT4: read")
    check(hw["computers"][0]["name"] == "EX-HAND", "--name names the computer")
    check(hw["computers"][0]["notes"] == [
        "HAND.reg: the keys were read from HKLM\\SYSTEM\\ControlSet002, named by "
        "HKLM\\SYSTEM\\Select\\Current"], "the report says which control set "
        "was read (%r)" % hw["computers"][0]["notes"])
    check(keyed(rep["findings"]) ==
          sorted([("conflict", ("sa-tcpip-port", "is-tcpip-port"), 5001),
                  ("invalid-value", ("is-rpchttp-port",), None)]),
          "REGEDIT4: Select\\Current picks ControlSet002; a continued hex(4) "
          "is 5001; deletions remove two would-be conflicts; (%r)" % rep["findings"])
    shown = [v["data"] for v in rep["values"] if v["id"] == "is-rpchttp-port"]
    check(shown == ['"caf\u00e9"'], "Windows-1252 text decoded (%r)" % shown)
    check(rep["os_version"] == "5.2" and rep["dynamic_range"]["source"] ==
          "legacy-default", "--os 5.2: the Windows 2003 range rule")

    print("a line that cannot be parsed inside a watched key")
    with open(os.path.join(TMP, "BROKEN.reg"), "wb") as f:
        f.write(("\ufeffWindows Registry Editor Version 5.00\r\n\r\n" + svc.replace(
            "ControlSet002", "CurrentControlSet") + "MSExchangeIS\\ParametersSystem]\r\n"
            "\"TCP/IP Port\"=dword:60O1\r\n").encode("utf-16-le"))
    w = run_wine("--reg", "BROKEN.reg")
    rc, out, _ = run_native("check", "--reg", "BROKEN.reg")
    check(w.rc == 3 and rc == 3, "the value is unreadable: exit 3 (%r, %r)" % (w.rc, rc))
    check("BROKEN.reg:4: dword data" in w.out and
          w.out.replace("\r\n", "\n") == out.replace("\r\n", "\n"),
          "the report names file and line, alike on both builds")

    print("files that are not exports, and files that are not there")
    with open(os.path.join(TMP, "NOTREG.reg"), "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01\x00 not a registry export\n")
    w = run_wine("--reg", "EX01.reg", "NOTREG.reg", "MISSING.reg", "--json")
    rc, out, _ = run_native("check", "--reg", "EX01.reg", "NOTREG.reg",
                            "MISSING.reg", "--json")
    d = loads(w.out, "bad files (Windows)")
    check(w.rc == 2 and rc == 2, "a conflict elsewhere still gives 2 (%r, %r)" % (w.rc, rc))
    st = {c["name"]: c for c in d["computers"]}
    check(st["NOTREG"]["exit_code"] == 3 and st["NOTREG"]["error"]["code"] == 13 and
          "not a registry export" in st["NOTREG"]["error"]["text"],
          "not an export: unreadable, error 13 and why")
    check(st["MISSING"]["exit_code"] == 3 and st["MISSING"]["error"]["code"] == 2,
          "a missing file: unreadable, error 2")
    ld = loads(out, "bad files (Linux)")
    # The system's own words for "file not found" differ; the code does not.
    for doc in (ld, d):
        for c in doc["computers"]:
            if c["name"] == "MISSING" and c["error"]:
                c["error"]["text"] = c["error"]["text"].split(":")[0]
    check(ld == d, "Linux and Windows agree on bad files (but for the "
          "system's error text)")
    w = run_wine("--reg", "NOTREG.reg")
    check(w.rc == 3 and "NOTREG" in w.out, "only unreadable files: exit 3")

    print("remote registry: RegConnectRegistryW")
    name = pfx.run("cmd", "/c", "echo %COMPUTERNAME%").out.strip()
    require(name != "" and "%" not in name, "the computer's name (%r)" % name)
    w = pfx.run_again_if_silent(EXE, "check", "--computer", name, "--json")
    d = loads(w.out, "--computer (local name)")
    c = d["computers"][0] if d["computers"] else {}
    check(w.rc == 2 and c.get("state") == "read" and c.get("read_from") ==
          "remote-registry", "--computer %s: read through the remote registry, "
          "exit 2 (%r)" % (name, w.rc))
    if c.get("report"):
        check(keyed(c["report"]["findings"]) == live_findings,
              "--computer: the same findings as the local check")
        check(c["report"]["os_version"] == live_doc["os_version"],
              "--computer: the OS version from its own CurrentVersion")
        if c["report"]["os_version"].split(".")[0] >= "6":
            check("remote computer" in (c["report"]["dynamic_range"]["notes"] or ""),
                  "--computer: netsh's range cannot be known remotely, said once")
    w = pfx.run_again_if_silent(EXE, "check", "--computer", name, "--computer",
                "NO-SUCH-EXCHANGE", "--json", "--parallel", "2")
    d = loads(w.out, "--computer (one unknown)")
    st = {c["name"]: c for c in d["computers"]}
    check(w.rc == 2, "one unknown computer does not hide the other's conflict "
          "(exit %r)" % w.rc)
    bad = st.get("NO-SUCH-EXCHANGE", {})
    check(bad.get("exit_code") == 3 and bad.get("error", {}).get("code") == 53 and
          bad.get("error", {}).get("text"),
          "unknown computer: exit 3 for it, Win32 error 53 with its text (%r)" %
          bad.get("error"))
    check(st.get(name, {}).get("state") == "read", "the known one is still reported")
    w = pfx.run_again_if_silent(EXE, "check", "--computer", "NO-SUCH-EXCHANGE")
    check(w.rc == 3 and "NO-SUCH-EXCHANGE" in w.out and "(error 53)" in w.out,
          "only an unknown computer: exit 3, the error in the report")
    with open(os.path.join(TMP, "servers.txt"), "w") as f:
        f.write("# all our servers\n%s\n\n  NO-SUCH-EXCHANGE   # retired\n" % name)
    w = pfx.run_again_if_silent(EXE, "check", "--computers-file", r"C:\epgtest\servers.txt", "--json")
    d = loads(w.out, "--computers-file")
    check(w.rc == 2 and [c["name"] for c in d["computers"]] == [name, "NO-SUCH-EXCHANGE"],
          "--computers-file: one name a line, comments skipped")
    w = pfx.run_again_if_silent(EXE, "check", "--computers-file", r"C:\epgtest\nothere.txt")
    check(w.rc == 3 and "nothere.txt" in w.err and "(error 2)" in w.err,
          "a --computers-file that cannot be opened: exit 3, the Win32 error (%r)" % w)
    w = pfx.run_again_if_silent(EXE, "check", "--json")
    check(loads(w.out, "plain check --json").get("schema") == "exchportguard-check/2",
          "plain check --json keeps its own schema")
    w = pfx.run_again_if_silent(EXE, "check", "--reg", "EX01.reg", "EX02.reg", "--name", "X")
    check(w.rc == 3 and "--name" in w.err, "--name with two files: usage error")
finally:
    pfx.kill()

finish("test_fleet")
