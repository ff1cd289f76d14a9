"""The scenarios the service must handle, written once and run twice: by
the service under Wine's SCM (events read from Wine's eventlog channel) and
by "exchportguard run" (events read as the text FormatMessageW rendered
from the exe's own message table)."""
import time

from winetest import (AB, IS, NETLOGON, NTDS, OWN, RPC, SA, SRS, check, exact, has,  # noqa: F401
                      path, settle, wait_for)

IS_TCP = path(r"MSExchangeIS\ParametersSystem", "TCP/IP Port")
IS_HTTP = path(r"MSExchangeIS\ParametersSystem", "Rpc/HTTP Port")
SA_HTTP = path(r"MSExchangeSA\Parameters", "HTTP Port")
SA_TCP = path(r"MSExchangeSA\Parameters", "TCP/IP Port")
SRS_TCP = path(r"MSExchangeSRS\Parameters", "TCP/IP")
RPC_TCP = path(r"MSExchangeRPC\ParametersSystem", "TCP/IP Port")
AB_TCP = path(r"MSExchangeAB\Parameters", "RpcTcpPort")
NTDS_TCP = path(r"NTDS\Parameters", "TCP/IP Port")
NETLOGON_TCP = path(r"Netlogon\Parameters", "DCTcpipPort")

COMP = {
    IS_TCP: "Information Store TCP/IP port",
    IS_HTTP: "Information Store port for RPC over HTTP",
    SA_HTTP: "System Attendant referral (DSReferral) port for RPC over HTTP",
    SRS_TCP: "Site Replication Service TCP/IP port",
    RPC_TCP: "RPC Client Access TCP/IP port (Exchange 2010)",
    AB_TCP: "Address Book service TCP/IP port (Exchange 2010)",
}

# The budget from a registry write to its event.
REACTION = 1.0


def pair(port, first, second):
    """The five strings of 1100/1101, first and second in catalogue order."""
    return [str(port), first, COMP[first], second, COMP[second]]


def event(rendered, eid, strings):
    """Service mode (strings known): exactly these strings by position.
    Rendered mode: the text contains each of them."""
    return has(eid, *strings) if rendered else exact(eid, strings)


def all_clears(log, mark, want, what):
    """After a clear: exactly `want` 1103 (1 when the last conflict went, 0
    while another stands)."""
    settle(log)
    n = sum(1 for e in log.events()[mark:] if e.id == 1103)
    check(n == want, "%s: %d 1103 after it (%d)" % (what, want, n))


def plant_baseline(pfx):
    """RPC over HTTP as usually configured; SRS, RPC and AB not installed."""
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6002)
    pfx.reg_add(SA, "Rpc/HTTP NSPI Port", "REG_DWORD", 6004)
    pfx.reg_add(IS, "Rpc/HTTP Port", "REG_DWORD", 6001)


def ids(evs):
    return [e.id for e in evs]


def expect(log, mark, pred, what, timeout=REACTION):
    ev, took = wait_for(log, pred, timeout=timeout, after=mark)
    check(ev is not None, "%s within %.1f s (%s)" % (what, timeout,
          "%.3f s" % took if ev else "not seen; got %s" % ids(log.events()[mark:])))
    return ev


def expect_startup(log, rendered):
    evs = log.events()
    check(len(evs) > 0 and evs[0].id == 1000, "1000 is the first event")
    if evs and evs[0].id == 1000:
        ev = evs[0]
        check("14" in ev.blob() and SA_HTTP in ev.blob(), "1000 lists the watched values")
        if rendered:
            check("started. It watches 14 Exchange and domain controller static port values"
                  in ev.text, "1000 rendered from the message table")
        else:
            check(ev.strings[1] == "14" and ev.level == "Information",
                  "1000: 14 watched values, Information")
    for key in (r"MSExchangeSRS\Parameters", r"MSExchangeRPC\ParametersSystem",
                r"MSExchangeAB\Parameters"):
        check(any(e.id == 1310 and path(key) in e.blob() for e in evs),
              "1310 for %s, absent at start" % key)
    check(sum(1 for e in evs if e.id == 1310) == 3, "exactly three 1310 at start")
    no = [e for e in evs if e.id == 1103]
    check(len(no) == 1, "1103 at start: no conflicts")
    if no and not rendered:
        check(no[0].strings == ["3"], "1103 counts the 3 configured ports")
    if no and rendered:
        check("No port conflicts: the 3 configured" in no[0].text, "1103 rendered")
    check(not any(e.id == 1100 for e in evs), "no conflict at start")
    # The holder check is on by default; under Wine the TCP table
    # is read (no 1004) and every owner reads as PID 0 (no 1240).
    check(not any(e.id in (1004, 1240) for e in evs), "no 1004 and no 1240 at start (%s)"
          % [e.id for e in evs if e.id in (1004, 1240)])


def run_all(pfx, log, rendered, mark_start=0):
    """Every scenario of the event contract (docs/events.md), in order; the engine is
    running and has written its start events."""

    print("conflict planted with reg.exe")
    mark = log.count()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    ev = expect(log, mark, event(rendered, 1100, pair(6001, IS_HTTP, IS_TCP)),
                "1100 naming both values")
    if ev and rendered:
        check("Port conflict on TCP port 6001: the registry value " + IS_HTTP in ev.text and
              "just above 5000" in ev.text and "Outlook Anywhere" in ev.text,
              "1100 text: both paths, components and the remedy")
        check(ev.level == "Error" and ev.category == "Port conflict",
              "1100 is an Error in category Port conflict")
    if ev and not rendered:
        check(ev.strings == ["6001", IS_HTTP, "Information Store port for RPC over HTTP",
                             IS_TCP, "Information Store TCP/IP port"],
              "1100 insertion strings: port, path, component, path, component")
        check(ev.level == "Error" and ev.category == 2, "1100 is an Error in category 2")
    settle(log)
    check(ids(log.events()[mark:]).count(1100) == 1, "one 1100, not repeated")

    print("an unchanged state writes nothing")
    mark = log.count()
    pfx.reg_add(IS, "TCP/IP Port", "REG_DWORD", 6001)
    pfx.reg_add(SA, "HTTP Port", "REG_DWORD", 6002)
    settle(log)
    check(log.count() == mark, "no event for rewriting the same data (%s)"
          % ids(log.events()[mark:]))

    print("removing the conflict")
    mark = log.count()
    pfx.reg_delete_value(IS, "TCP/IP Port")
    expect(log, mark, event(rendered, 1101, pair(6001, IS_HTTP, IS_TCP)), "1101")
    ev = expect(log, mark, has(1103), "1103")
    settle(log)
    got = ids(log.events()[mark:])
    check(got == [1101, 1103], "exactly 1101 then 1103 (%s)" % got)
    all_clears(log, mark, 1, "the last conflict cleared")

    print("an unusable value")
    mark = log.count()
    pfx.reg_add(SA, "TCP/IP Port", "REG_SZ", "60 01")
    ev = expect(log, mark, has(1200, SA_TCP, "REG_SZ", '"60 01"', "white space"),
                "1200 naming the value, type, data and reason")
    if ev and rendered:
        check("is present but does not hold a usable TCP port" in ev.text, "1200 rendered")
    mark = log.count()
    pfx.reg_add(SA, "TCP/IP Port", "REG_DWORD", 6010)
    expect(log, mark, event(rendered, 1201, [SA_TCP, "6010"]), "1201 once usable again")

    print("a key deleted while its value conflicts, then re-created")
    mark = log.count()
    pfx.reg_add(SRS, "TCP/IP", "REG_DWORD", 6002)
    expect(log, mark, event(rendered, 1311, [path(r"MSExchangeSRS\Parameters")]),
           "1311: SRS key created")
    expect(log, mark, event(rendered, 1100, pair(6002, SA_HTTP, SRS_TCP)), "1100 SRS/SA on 6002")
    settle(log)
    mark = log.count()
    pfx.reg_delete_key(SRS)
    expect(log, mark, event(rendered, 1101, pair(6002, SA_HTTP, SRS_TCP)),
           "1101 when the key is deleted")
    expect(log, mark, event(rendered, 1310, [path(r"MSExchangeSRS\Parameters")]), "1310: key gone")
    expect(log, mark, has(1103), "1103: no conflicts left")
    all_clears(log, mark, 1, "the key with the conflict deleted")
    mark = log.count()
    pfx.reg_add(SRS, "TCP/IP", "REG_DWORD", 6002)
    expect(log, mark, event(rendered, 1311, [path(r"MSExchangeSRS\Parameters")]),
           "1311 on re-creation")
    expect(log, mark, event(rendered, 1100, pair(6002, SA_HTTP, SRS_TCP)),
           "1100 again after re-creation")
    settle(log)
    mark = log.count()
    pfx.reg_delete_value(SRS, "TCP/IP")
    expect(log, mark, event(rendered, 1101, pair(6002, SA_HTTP, SRS_TCP)), "1101")
    all_clears(log, mark, 1, "the value with the conflict deleted")

    print("keys absent at start, created later")
    mark = log.count()
    pfx.reg_add(AB, "RpcTcpPort", "REG_SZ", "59532")
    expect(log, mark, has(1311, path(r"MSExchangeAB\Parameters")), "1311: AB key created")
    ev = expect(log, mark, has(1210, AB_TCP, "59532", "49152", "65535"),
                "then its finding: 1210, 59532 in the dynamic range")
    if ev and not rendered:
        check(len(ev.strings) == 6 and ev.strings[4].startswith(("measured", "assumed")),
              "1210 says where the range came from (%r)" % (ev.strings[4:] or None))
        # The cure as the last string (Wine reports Windows 10).
        check(ev.strings[-1] == "netsh int ipv4 add excludedportrange protocol=tcp "
              "startport=59532 numberofports=1 store=persistent",
              "1210 ends with the exact netsh command (%r)" % ev.strings[-1:])
    settle(log)
    seq = ids(log.events()[mark:])
    check(1311 in seq and 1210 in seq and seq.index(1311) < seq.index(1210),
          "1311 before the findings (%s)" % seq)
    mark = log.count()
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59532)
    expect(log, mark, has(1311, path(r"MSExchangeRPC\ParametersSystem")), "1311: RPC key")
    expect(log, mark, event(rendered, 1100, pair(59532, RPC_TCP, AB_TCP)),
           "1100 between the 2010 values")
    settle(log)

    print("a Parameters change applies without restart")
    mark = log.count()
    pfx.reg_add(OWN, "CheckDynamicRange", "REG_DWORD", 0)
    expect(log, mark, event(rendered, 1211, [AB_TCP, "59532"]),
           "1211: range check switched off live")
    expect(log, mark, event(rendered, 1211, [RPC_TCP, "59532"]), "1211 for the RPC value too")
    mark = log.count()
    pfx.reg_add(OWN, "CoalesceMilliseconds", "REG_SZ", "fast")
    ev = expect(log, mark, has(1002, "CoalesceMilliseconds", '"fast"', "REG_DWORD", "200"),
                "1002 for a setting of the wrong type, default named")
    if ev and rendered:
        check("cannot be used" in ev.text and "uses the default, 200" in ev.text,
              "1002 rendered")
    mark = log.count()
    pfx.reg_add(OWN, "MaxEventsPerMinute", "REG_DWORD", 999999)
    expect(log, mark, has(1002, "MaxEventsPerMinute", "999999", "outside"), "1002 out of range")
    settle(log)
    mark = log.count()
    pfx.reg_delete_value(RPC, "TCP/IP Port")
    expect(log, mark, event(rendered, 1101, pair(59532, RPC_TCP, AB_TCP)),
           "still watching after bad settings")
    all_clears(log, mark, 1, "the 2010 conflict cleared")

    print("a domain controller conflict and a range rule, raised and cleared")
    if not pfx.is_wine:     # tests/wine/native.py plants no domain controller keys
        print("  (skipped on real Windows)")
        return
    mark = log.count()
    pfx.reg_add(NTDS, "TCP/IP Port", "REG_DWORD", 50000)
    pfx.reg_add(NETLOGON, "DCTcpipPort", "REG_DWORD", 50000)
    ev = expect(log, mark, has(1104, NTDS_TCP, NETLOGON_TCP, "50000"),
                "1104: two domain controller values on one port")
    if ev and rendered:
        check("KB 224196" in ev.text and "Outlook" not in ev.text,
              "1104 text: the domain controller remedy, not the Exchange one")
    if ev and not rendered:
        check(ev.level == "Error" and ev.category == 2 and len(ev.strings) == 5 and
              ev.strings[0] == "50000", "1104: Error, category 2, port first of 5 strings")
    settle(log)
    got = ids(log.events()[mark:])
    check(1100 not in got and 1311 not in got,
          "no 1100, and no 1311 for domain controller keys (%s)" % got)
    mark = log.count()
    pfx.reg_delete_value(NETLOGON, "DCTcpipPort")
    expect(log, mark, has(1105, NTDS_TCP, NETLOGON_TCP, "50000"), "1105 when it ends")
    settle(log)
    mark = log.count()
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 135)
    ev = expect(log, mark, has(1220, RPC_TCP, "135"), "1220: an Exchange 2010 port below 1024")
    if ev and not rendered:
        check(ev.level == "Error" and ev.category == 3, "1220: Error, category 3")
    settle(log)
    mark = log.count()
    pfx.reg_add(RPC, "TCP/IP Port", "REG_DWORD", 59533)
    expect(log, mark, has(1221, RPC_TCP, "135"), "1221 once it is 59533")
    settle(log)
    pfx.reg_delete_value(RPC, "TCP/IP Port")
    pfx.reg_delete_value(NTDS, "TCP/IP Port")
    settle(log)
