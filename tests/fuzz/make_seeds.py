#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_core (tests/fuzz/corpus); run it after
changing the input format in fuzz_core.c.  The seeds are small structured
inputs the fuzzer mutates from: the example conflict of docs/exchange-ports.md, the Exchange
2010 values, every kind of bad data, a Windows 2003 range with
ReservedPorts, netsh output, bad settings, and the effective defaults,
domain-controller values, range rules, exclusions and TCP tables."""
import os
import struct

KEYS = 10
SLOTS = 14 + 2 + 7      # values, MaxUserPort, ReservedPorts, settings
VALUES = ["sa-http", "sa-rpchttp-nspi", "is-rpchttp", "sa-tcpip-nspi", "sa-tcpip",
          "srs-tcpip", "is-tcpip", "rpc-tcpip", "ab-rpctcpport", "ab-nspihttpport",
          "ab-rfrhttpport", "ntds-tcpip", "netlogon-dctcpipport", "ntfrs-rpc"]


def dword(v):
    return (2, 4, struct.pack("<I", v))


def sz(s, typ=1, nul=True):
    return (2, typ, s.encode("utf-16-le") + (b"\0\0" if nul else b""))


def multi(*lines):
    return (2, 7, b"".join(l.encode("utf-16-le") + b"\0\0" for l in lines) + b"\0\0")


def seed(slots, keys=None, os_major=10, dyn=b"", excl=b"", os_minor=0, tcp=()):
    out = bytes(keys or [0] * KEYS)
    for i in range(SLOTS):
        rec = slots.get(i)
        if rec is None:
            out += b"\0"
        elif rec == "unreadable":
            out += b"\1"
        else:
            tag, typ, data = rec
            out += bytes([tag, typ]) + struct.pack("<H", len(data)) + data
    out += bytes([os_major]) + struct.pack("<H", len(dyn)) + dyn + struct.pack("<H", len(excl)) + excl
    # TCP table: count, then (port big-endian, pid, state) per entry.
    out += bytes([os_minor, len(tcp)])
    for port, pid, state in tcp:
        out += struct.pack(">H", port) + bytes([pid, state])
    return out


V = {name: i for i, name in enumerate(VALUES)}
MUP, RES = 14, 15
S = {n: 16 + i for i, n in enumerate(["coalesce", "reminder", "checkrange", "start",
                                       "count", "maxevents", "listener"])}
seeds = {
    "issue-example": seed({V["is-tcpip"]: dword(6001), V["sa-tcpip-nspi"]: dword(6001)}),
    "rpc-over-http": seed({V["sa-http"]: dword(6002), V["sa-rpchttp-nspi"]: dword(6004),
                           V["is-rpchttp"]: dword(6001)}),
    "exchange-2010": seed({V["ab-rpctcpport"]: sz("59532"), V["rpc-tcpip"]: dword(59532)}),
    "bad-data": seed({V["srs-tcpip"]: sz("0x1771"), V["sa-tcpip"]: (2, 4, b"\x71\x17\x00"),
                      V["is-tcpip"]: (2, 11, struct.pack("<Q", 6001)),
                      V["ab-rpctcpport"]: multi("6001"), V["rpc-tcpip"]: sz("6001", nul=False),
                      V["sa-http"]: (3, 1, b"6\0")}),
    "windows-2003": seed({MUP: dword(60000), RES: multi("1433-1434", "5990-6010", "abc"),
                          V["is-tcpip"]: dword(6001), V["sa-tcpip"]: dword(50000)},
                         os_major=5),
    "netsh": seed({V["is-tcpip"]: dword(50000)},
                  dyn=b"Protocol tcp Dynamic Port Range\r\n------\r\nStart Port : 10000\r\n"
                      b"Number of Ports : 50000\r\n",
                  excl=b"Start Port    End Port\r\n     50000       50059     *\r\n"),
    "settings": seed({S["coalesce"]: sz("fast"), S["start"]: dword(5000),
                      S["count"]: dword(70000), S["maxevents"]: dword(1),
                      S["reminder"]: dword(5), V["is-tcpip"]: dword(6001),
                      V["sa-tcpip"]: dword(6001)}),
    "keys": seed({V["is-tcpip"]: dword(6001), V["sa-tcpip"]: "unreadable"},
                 keys=[0, 2, 1, 1, 0x80, 0, 1, 1, 0, 1]),
    "issue-11": seed({V["ab-rpctcpport"]: sz("6004"), V["sa-rpchttp-nspi"]: dword(6004),
                      V["ntds-tcpip"]: dword(50000), V["netlogon-dctcpipport"]: dword(50000),
                      V["ntfrs-rpc"]: sz("50001"), V["rpc-tcpip"]: dword(135),
                      V["sa-tcpip"]: dword(4000), V["is-tcpip"]: dword(49710)},
                     dyn=b"Start Port : 49152\r\nNumber of Ports : 16384\r\n",
                     excl=b"Start Port    End Port\r\n----------    --------\r\n"
                          b"     49709       49808\r\n     59531       59531     *\r\n",
                     os_minor=1,
                     tcp=[(6004, 7, 0), (6004, 0, 2), (50000, 9, 1), (4000, 3, 4)]),
}
d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(d, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
print("wrote %d seeds to %s" % (len(seeds), d))
