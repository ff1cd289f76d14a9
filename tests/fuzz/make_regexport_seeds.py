#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_regexport (tests/fuzz/corpus-regexport)
from real exports made with Wine's own `reg export`, in a private prefix:

  tests/fuzz/make_regexport_seeds.py EXE TEMPLATE WORK

(EXE: the win64 exchportguard.exe, only to find nothing is missing;
TEMPLATE: the win64 build's template prefix, build/win64/wine/template).
Each seed is two bytes for the target (chunk size, code page; see
fuzz_regexport.c) and the export file.  Planted first: the example conflict (IS TCP/IP Port and SA TCP/IP NSPI Port both 6001),
every registry type through reg import, a Windows 2003 MaxUserPort and
ReservedPorts, a second control set, and a REGEDIT4 file made by hand."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "wine"))
from winetest import IS, SA, Prefix  # noqa: E402

CORPUS = os.path.join(HERE, "corpus-regexport")
template, work = sys.argv[2], sys.argv[3]
os.makedirs(CORPUS, exist_ok=True)
pfx = Prefix(os.path.join(work, "seedprefix"), template)


def seed(name, data, chunk=7, cp=0):
    with open(os.path.join(CORPUS, name), "wb") as f:
        f.write(bytes([chunk, cp]) + data)


def export(key, name, chunk=7):
    r = pfx.run("reg", "export", key, "C:\\epgtest\\" + name, "/y")
    if r.rc != 0:
        sys.exit("reg export %s failed: %r" % (key, r))
    seed(name, open(os.path.join(pfx.tmp, name), "rb").read(), chunk)


HKLM = "HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\"
try:
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "TCP/IP NSPI Port", "REG_DWORD", 6001)
    pfx.reg_import(
        "[" + HKLM + "MSExchangeSA\\Parameters]\n"
        '"HTTP Port"=hex(b):72,17,00,00,00,00,00,00\n'
        '"Rpc/HTTP NSPI Port"="6004 \\"quoted\\" \\\\ back"\n'
        '"TCP/IP Port"=hex(7):36,00,30,00,30,00,31,00,00,00,00,00\n'
        '"other"=hex(2):25,00,53,00,79,00,73,00,00,00\n'
        '"none"=hex(0):\n'
        '"big"=hex:' + ",".join("%02x" % (i & 0xFF) for i in range(300)) + "\n"
        "[" + HKLM + "MSExchangeAB\\Parameters]\n"
        '"RpcTcpPort"="59532"\n'
        "[" + HKLM + "Tcpip\\Parameters]\n"
        '"MaxUserPort"=dword:0000ea60\n'
        '"ReservedPorts"=hex(7):36,00,30,00,30,00,30,00,2d,00,36,00,30,00,31,00,\\\n'
        '  30,00,00,00,00,00\n')
    export(HKLM.rstrip("\\").replace("HKEY_LOCAL_MACHINE", "HKLM") + "\\MSExchangeIS",
           "wine-is.reg")
    export(HKLM.replace("HKEY_LOCAL_MACHINE", "HKLM") + "MSExchangeSA", "wine-sa.reg", 1)
    export(HKLM.replace("HKEY_LOCAL_MACHINE", "HKLM") + "MSExchangeAB", "wine-ab.reg", 64)
    export(HKLM.replace("HKEY_LOCAL_MACHINE", "HKLM") + "Tcpip\\Parameters",
           "wine-tcpip.reg", 3)
    export(r"HKLM\System\Select", "wine-select.reg", 0)
finally:
    pfx.kill()

seed("regedit4-hand.reg", (
    "REGEDIT4\r\n\r\n; by hand\r\n"
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\MSExchangeIS\\ParametersSystem]\r\n"
    "\"TCP/IP Port\"=hex(4):89,\\\r\n  13,\\\r\n  00,00\r\n"
    "\"Rpc/HTTP Port\"=\"caf\xe9\"\r\n"
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\MSExchangeSA\\Parameters]\r\n"
    "\"TCP/IP Port\"=dword:00001389\r\n\"TCP/IP NSPI Port\"=-\r\n"
    "[-HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\MSExchangeSRS]\r\n"
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000002\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
    "\"CurrentVersion\"=\"5.2\"\r\n").encode("cp1252"), 5, 1)
print("seeds written to %s" % CORPUS)
