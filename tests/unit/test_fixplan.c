/* The port chooser (fixplan.h): which value of a conflict changes, which
 * port it gets and why, the registry type it keeps, what it never proposes
 * (a port in use, held, excluded, dynamic, below 1024, outside the
 * recommended range), when it says no port qualifies, and the property
 * over 100,000 random snapshots (fixprop.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fixplan.h"
#include "fixprop.h"
#include "fleet/check_args.h"
#include "report/fix_report.h"
#include "testdata.h"
#include "tinytest.h"

/* netsh's exclusions are read only with its dynamic range (dynrange.c). */
static const char dynamic_default[] =
    "Protocol tcp Dynamic Port Range\r\n---------------------------------\r\n"
    "Start Port      : 49152\r\nNumber of Ports : 16384\r\n";

static void range_check(epg_snapshot *s, int on)
{
    td_dword(&s->settings[EPG_SET_CHECK_DYNAMIC_RANGE], (uint32_t)on);
}

static epg_fix_result plan_for(epg_snapshot *s, epg_evaluation *ev, epg_fix_plan *p)
{
    epg_evaluation_init(ev);
    epg_fix_plan_init(p);
    CHECK_INT(epg_evaluate(s, ev), 0);
    return epg_fix_plan_make(s, ev, p);
}

static void done(epg_snapshot *s, epg_evaluation *ev, epg_fix_plan *p)
{
    epg_fix_plan_free(p);
    epg_evaluation_free(ev);
    epg_snapshot_free(s);
}

static void conflict_changes_the_later_value(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    epg_buf d;
    uint8_t data[EPG_FIX_DATA_MAX];

    td_snapshot(&s);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-http-port", 5001);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].value, td_value("is-tcpip-port"));
    CHECK_INT(p.changes[0].other, td_value("is-rpchttp-port"));
    CHECK_INT(p.changes[0].rule, EPG_RULE_CONFLICT);
    CHECK_INT(p.changes[0].old_port, 6001);
    CHECK_INT(p.changes[0].old_status, EPG_PORT_OK);
    /* 5001 is taken by the SA HTTP port; the range (49152-65535) is far. */
    CHECK_INT(p.changes[0].new_port, 5002);
    CHECK_INT(p.changes[0].new_type, EPG_REG_DWORD);
    CHECK_INT(epg_fix_data(&p.changes[0], data), 4);
    CHECK(data[0] == 0x8A && data[1] == 0x13 && data[2] == 0 && data[3] == 0);
    epg_buf_init(&d);
    epg_fix_describe(&ev, &p.changes[0], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "shares port 6001 with HKLM\\System\\CurrentControlSet"
                   "\\Services\\MSExchangeIS\\ParametersSystem\\Rpc/HTTP Port");
    CHECK_CONTAINS(epg_buf_str(&d), "5002 is the lowest port above 5000");
    CHECK_CONTAINS(epg_buf_str(&d), "outside the dynamic port range 49152-65535");
    epg_buf_clear(&d);
    epg_fix_services_sentence(&p, &d);
    CHECK_STR(epg_buf_str(&d), "MSExchangeIS");
    epg_buf_free(&d);
    done(&s, &ev, &p);
}

static void string_type_is_kept(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    uint8_t data[EPG_FIX_DATA_MAX];
    static const uint8_t want[] = { '5', 0, '9', 0, '5', 0, '3', 0, '1', 0, 0, 0 };

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "rpc-tcpip-port", 59532);
    td_string(&s.values[td_value("ab-rpctcpport")], EPG_REG_SZ, "59532");
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].value, td_value("ab-rpctcpport"));
    CHECK_INT(p.changes[0].new_type, EPG_REG_SZ);
    CHECK_INT(p.changes[0].new_port, 59531);
    CHECK_INT(p.changes[0].basis, EPG_FIX_RECOMMENDED);
    CHECK_INT(epg_fix_data(&p.changes[0], data), sizeof want);
    CHECK(memcmp(data, want, sizeof want) == 0);
    done(&s, &ev, &p);

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "is-rpchttp-port", 6001);
    td_string(&s.values[td_value("is-tcpip-port")], EPG_REG_EXPAND_SZ, "6001");
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.changes[0].new_type, EPG_REG_EXPAND_SZ);
    done(&s, &ev, &p);
}

/* An absent value whose effective default is in the way is created with
 * the type its component reads: the Address Book reads NspiHttpPort as a
 * string (docs/exchange-ports.md), so REG_SZ. */
static void default_in_the_way(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "ab-rpctcpport", 6004);     /* ab-nspihttpport defaults to 6004 */
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].value, td_value("ab-nspihttpport"));
    CHECK_INT(p.changes[0].old_status, EPG_PORT_DEFAULT);
    CHECK_INT(p.changes[0].new_type, EPG_REG_SZ);
    CHECK_INT(p.changes[0].new_port, 5001);
    done(&s, &ev, &p);

    /* Every value that is absent is created with the catalogue's type. */
    {
        size_t v;
        for (v = 0; v < EPG_VALUE_COUNT; v++)
            CHECK(epg_values[v].native_type == EPG_TYPES_DWORD ||
                  epg_values[v].native_type == EPG_TYPES_STRING);
        CHECK_INT(epg_values[td_value("ab-rfrhttpport")].native_type, EPG_TYPES_STRING);
        CHECK_INT(epg_values[td_value("ab-rpctcpport")].native_type, EPG_TYPES_STRING);
        CHECK_INT(epg_values[td_value("is-tcpip-port")].native_type, EPG_TYPES_DWORD);
        CHECK_INT(epg_values[td_value("ntds-tcpip-port")].native_type, EPG_TYPES_DWORD);
    }
}

/* The IS pair on 6001 and the SA HTTP port on 5001, with the dynamic range
 * start..start+count-1 (the override), netsh's exclusion table excluded
 * and one listener on held. */
static void crowded(epg_snapshot *s, uint32_t start, uint32_t count, const char *excluded,
                    uint16_t held)
{
    td_snapshot(s);
    td_port(s, "sa-http-port", 5001);
    td_port(s, "is-rpchttp-port", 6001);
    td_port(s, "is-tcpip-port", 6001);
    td_dword(&s->settings[EPG_SET_DYNAMIC_PORT_START], start);
    td_dword(&s->settings[EPG_SET_DYNAMIC_PORT_COUNT], count);
    s->netsh_dynamic = epg_strdup(dynamic_default);
    s->netsh_excluded = epg_strdup(excluded);
    s->tcp.collected = 1;
    CHECK_INT(epg_tcp_view_add(&s->tcp, held, 0, EPG_TCP_LISTEN, 0), 0);
}

/* 5001 used by a value, 5002 held by a listener, 5003-5004 an exclusion
 * nobody else can bind, 5005-5009 the dynamic range (override): 5010. */
static void never_a_taken_port(void)
{
    static const char excluded[] =
        "Start Port    End Port\r\n----------    --------\r\n"
        "      5003        5004\r\n";
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    crowded(&s, 5005, 5, excluded, 5002);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(ev.range_checked, 1);
    CHECK_INT(ev.range.start, 5005);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].new_port, 5010);
    CHECK_INT(p.changes[0].reserved, 0);
    done(&s, &ev, &p);
}

/* An administered exclusion (netsh's '*') inside the dynamic range is where
 * a pinned port belongs: check calls its ports safe (no 1210, no 1230), so
 * fix chooses one, says so, and check agrees afterwards. */
static void administered_exclusion_netsh(void)
{
    static const char excluded[] =
        "Start Port    End Port\r\n----------    --------\r\n"
        "      5003        5004     *\r\n";
    epg_snapshot s;
    epg_evaluation ev, after;
    epg_fix_plan p;
    epg_buf d;

    crowded(&s, 5001, 100, excluded, 5003);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    /* 5003 is held by a listener: a reserved port someone holds is still
     * no port to move a service to. */
    CHECK_INT(p.changes[0].new_port, 5004);
    CHECK_INT(p.changes[0].reserved, 1);
    epg_buf_init(&d);
    epg_fix_describe(&ev, &p.changes[0], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "inside the administered exclusion 5003-5004 (netsh, "
                   "marked '*'), which the dynamic port range 5001-5100 never hands out");
    epg_buf_free(&d);
    epg_evaluation_init(&after);
    CHECK_INT(epg_fix_apply_snapshot(&s, &p), 0);
    CHECK_INT(epg_evaluate(&s, &after), 0);
    CHECK_INT(epg_set_count_rule(&after.findings, EPG_RULE_DYNAMIC_RANGE), 1);  /* 5001 */
    CHECK_INT(epg_set_count_rule(&after.findings, EPG_RULE_PORT_EXCLUDED), 0);
    CHECK_INT(epg_set_count_rule(&after.findings, EPG_RULE_CONFLICT), 0);
    epg_evaluation_free(&after);
    done(&s, &ev, &p);
}

/* Windows Server 2003 with the common MaxUserPort 65534 tuning: the whole
 * of 5001-65535 but 65535 is dynamic.  Without ReservedPorts fix finds no
 * port and gives the cure check's 1210 gives there (MaxUserPort,
 * ReservedPorts), not netsh, which Windows 2003 lacks; with a ReservedPorts
 * line, fix chooses a port inside it. */
static void windows_2003(void)
{
    static const char *const reserved[] = { "6100-6199", NULL };
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    epg_buf d;

    td_snapshot(&s);
    s.os_major = 5;
    s.os_minor = 2;
    td_dword(&s.max_user_port, 65534);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    s.tcp.collected = 1;
    CHECK_INT(epg_tcp_view_add(&s.tcp, 65535, 0, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_NO_PORT);
    CHECK_CONTAINS(epg_buf_str(&p.reason), "in the dynamic port range 1025-65534");
    CHECK_CONTAINS(epg_buf_str(&p.reason), "lower Tcpip\\Parameters\\MaxUserPort (the "
                   "range ends there, now 65534) below 5001, or add the line 5001-5001 "
                   "to the REG_MULTI_SZ value HKLM\\System\\CurrentControlSet\\Services"
                   "\\Tcpip\\Parameters\\ReservedPorts and restart the computer, then run "
                   "fix again");
    CHECK(strstr(epg_buf_str(&p.reason), "netsh") == NULL);
    done(&s, &ev, &p);

    td_snapshot(&s);
    s.os_major = 5;
    s.os_minor = 2;
    td_dword(&s.max_user_port, 65534);
    td_multi_sz(&s.reserved_ports, reserved);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].new_port, 6100);
    CHECK_INT(p.changes[0].reserved, 1);
    epg_buf_init(&d);
    epg_fix_describe(&ev, &p.changes[0], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "inside the administered exclusion 6100-6199 "
                   "(Tcpip\\Parameters\\ReservedPorts)");
    epg_buf_free(&d);
    done(&s, &ev, &p);

    /* Windows 6.1 and later: netsh's range, and an exclusion as the cure. */
    td_snapshot(&s);
    td_port(&s, "rpc-tcpip-port", 59532);
    td_port(&s, "ab-rpctcpport", 59532);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_NO_PORT);
    CHECK_CONTAINS(epg_buf_str(&p.reason), "or reserve a port for it (netsh int ipv4 add "
                   "excludedportrange protocol=tcp startport=59531 numberofports=1 "
                   "store=persistent) and run fix again");
    done(&s, &ev, &p);
}

/* The values ids names (NULL-ended) all on port 6001, the range unchecked;
 * planned into ev and p. */
static void all_on_6001(epg_snapshot *s, epg_evaluation *ev, epg_fix_plan *p,
                        const char *const *ids)
{
    td_snapshot(s);
    range_check(s, 0);
    for (; *ids; ids++)
        td_port(s, *ids, 6001);
    CHECK_INT(plan_for(s, ev, p), EPG_FIX_OK);
}

/* With an Exchange value and a domain controller value on one port, the
 * Exchange value moves, whatever the catalogue's order; of two domain
 * controller values, the later; the plan says why. */
static void domain_controller_moves_last(void)
{
    static const char *const one_each[] = { "ntds-tcpip-port", "is-tcpip-port", NULL };
    static const char *const two_dc[] = { "ntds-tcpip-port", "ntfrs-rpc-port",
                                          "sa-tcpip-port", NULL };
    static const char *const three_dc[] = { "ntds-tcpip-port", "netlogon-dctcpipport",
                                            "ntfrs-rpc-port", NULL };
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    epg_buf d;

    all_on_6001(&s, &ev, &p, one_each);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].value, td_value("is-tcpip-port"));
    CHECK_INT(p.changes[0].other, td_value("ntds-tcpip-port"));
    epg_buf_init(&d);
    epg_fix_describe(&ev, &p.changes[0], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "the Exchange value changes, not the domain "
                   "controller's: domain controller ports are pinned domain-wide");
    done(&s, &ev, &p);

    /* Two DC values and an Exchange value on one port: the Exchange value
     * and the later DC value move. */
    all_on_6001(&s, &ev, &p, two_dc);
    CHECK_INT(p.count, 2);
    CHECK(p.changes[0].value == td_value("sa-tcpip-port") ||
          p.changes[1].value == td_value("sa-tcpip-port"));
    CHECK(p.changes[0].value == td_value("ntfrs-rpc-port") ||
          p.changes[1].value == td_value("ntfrs-rpc-port"));
    epg_buf_clear(&d);
    epg_fix_services_sentence(&p, &d);
    CHECK_STR(epg_buf_str(&d), "MSExchangeSA and NtFrs");
    epg_buf_clear(&d);
    epg_fix_describe(&ev, p.changes[0].value == td_value("ntfrs-rpc-port") ? &p.changes[0]
                                                                          : &p.changes[1], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "both are domain controller values, and of the two the "
                   "value later in the catalogue's order changes");
    done(&s, &ev, &p);

    /* Of three DC values, two move: NTDS keeps its port; services named
     * as a sentence. */
    all_on_6001(&s, &ev, &p, three_dc);
    CHECK_INT(p.count, 2);
    epg_buf_clear(&d);
    epg_fix_services_sentence(&p, &d);
    CHECK_STR(epg_buf_str(&d), "Netlogon and NtFrs");
    epg_buf_free(&d);
    done(&s, &ev, &p);

    CHECK_INT(epg_fix_conflict_mover(td_value("ntds-tcpip-port"), td_value("sa-http-port")),
              td_value("sa-http-port"));
    CHECK_INT(epg_fix_conflict_mover(td_value("sa-http-port"), td_value("is-tcpip-port")),
              td_value("is-tcpip-port"));
    CHECK_INT(epg_fix_conflict_mover(td_value("ntfrs-rpc-port"), td_value("ntds-tcpip-port")),
              td_value("ntfrs-rpc-port"));
}

/* " 5001" and "5002 " are invalid to check but 5001 and 5002 to the
 * services' own parsers: fix avoids them. */
static void lenient_strings_avoided(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    uint16_t port = 0;
    epg_reading r;

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    td_string(&s.values[td_value("sa-http-port")], EPG_REG_SZ, " 5001");
    td_string(&s.values[td_value("srs-tcpip-port")], EPG_REG_SZ, "5002 ");
    td_string(&s.values[td_value("sa-tcpip-port")], EPG_REG_SZ, "+5003");
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(ev.ports[td_value("sa-http-port")].status, EPG_PORT_INVALID);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].new_port, 5004);
    done(&s, &ev, &p);

    memset(&r, 0, sizeof r);
    td_string(&r, EPG_REG_SZ, "\t 6001x");
    CHECK_INT(epg_port_lenient(&r, &port), 1);
    CHECK_INT(port, 6001);
    td_string(&r, EPG_REG_EXPAND_SZ, "70000");
    CHECK_INT(epg_port_lenient(&r, &port), 0);
    td_string(&r, EPG_REG_SZ, "-5001");
    CHECK_INT(epg_port_lenient(&r, &port), 0);
    td_string(&r, EPG_REG_SZ, "   ");
    CHECK_INT(epg_port_lenient(&r, &port), 0);
    td_string(&r, EPG_REG_SZ, "0");
    CHECK_INT(epg_port_lenient(&r, &port), 0);
    td_dword(&r, 5001);
    CHECK_INT(epg_port_lenient(&r, &port), 0);
    epg_reading_free(&r);
}

/* fix --apply plans again before it writes, and writes only an equal plan;
 * what changed is named. */
static void plans_compared_and_changes_named(void)
{
    epg_fleet f;
    epg_computer *was, *now;
    epg_fix_plan a, b;
    epg_buf t;

    epg_fleet_init(&f);
    was = epg_fleet_add(&f, "this computer", NULL);
    now = epg_fleet_add(&f, "this computer", NULL);
    CHECK(was && now);
    was = &f.items[0];
    now = &f.items[1];
    td_snapshot(&was->snap);
    td_snapshot(&now->snap);
    td_port(&was->snap, "sa-tcpip-port", 6001);
    td_port(&was->snap, "is-tcpip-port", 6001);
    td_port(&now->snap, "sa-tcpip-port", 6001);
    td_port(&now->snap, "is-tcpip-port", 6001);
    epg_computer_evaluate(was);
    epg_computer_evaluate(now);
    epg_fix_plan_init(&a);
    epg_fix_plan_init(&b);
    epg_buf_init(&t);
    CHECK_INT(epg_fix_plan_computer(was, &a), EPG_FIX_OK);
    CHECK_INT(epg_fix_plan_computer(now, &b), EPG_FIX_OK);
    CHECK_INT(epg_fix_plan_equal(&a, &b), 1);
    epg_fix_what_changed(was, now, &t);
    CHECK_STR(epg_buf_str(&t), "");

    /* The race of the issue: SA's TCP/IP Port moved onto the planned port
     * while the question waited. */
    CHECK_INT(a.changes[0].value, td_value("is-tcpip-port"));
    CHECK_INT(a.changes[0].new_port, 5001);
    td_port(&now->snap, "sa-tcpip-port", 5001);
    epg_computer_evaluate(now);
    CHECK_INT(epg_fix_plan_computer(now, &b), EPG_FIX_OK);
    CHECK_INT(epg_fix_plan_equal(&a, &b), 0);
    epg_fix_what_changed(was, now, &t);
    CHECK_CONTAINS(epg_buf_str(&t), "  HKLM\\System\\CurrentControlSet\\Services\\"
                   "MSExchangeSA\\Parameters\\TCP/IP Port: was 6001, is now 5001\n");

    /* A listener on the planned port. */
    td_port(&now->snap, "sa-tcpip-port", 6001);
    now->snap.tcp.collected = 1;
    was->snap.tcp.collected = 1;
    CHECK_INT(epg_tcp_view_add(&now->snap.tcp, 5001, 0, EPG_TCP_LISTEN, 0), 0);
    epg_computer_evaluate(now);
    CHECK_INT(epg_fix_plan_computer(now, &b), EPG_FIX_OK);
    CHECK_INT(epg_fix_plan_equal(&a, &b), 0);
    epg_buf_clear(&t);
    epg_fix_what_changed(was, now, &t);
    CHECK_STR(epg_buf_str(&t), "  ports now held in the TCP table: 5001\n");

    /* The dynamic range moved over the planned port. */
    epg_tcp_view_free(&now->snap.tcp);
    epg_tcp_view_init(&now->snap.tcp);
    now->snap.tcp.collected = 1;
    td_dword(&now->snap.settings[EPG_SET_DYNAMIC_PORT_START], 5000);
    td_dword(&now->snap.settings[EPG_SET_DYNAMIC_PORT_COUNT], 100);
    epg_computer_evaluate(now);
    CHECK_INT(epg_fix_plan_computer(now, &b), EPG_FIX_OK);
    CHECK_INT(epg_fix_plan_equal(&a, &b), 0);
    epg_buf_clear(&t);
    epg_fix_what_changed(was, now, &t);
    CHECK_CONTAINS(epg_buf_str(&t), "the dynamic port range: was 49152-65535, is now "
                   "5000-5099\n");
    CHECK_CONTAINS(epg_buf_str(&t), "ExchPortGuard\\Parameters\\DynamicPortStart: changed");

    epg_buf_free(&t);
    epg_fix_plan_free(&a);
    epg_fix_plan_free(&b);
    epg_fleet_free(&f);
}

static void three_on_one_port(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    td_snapshot(&s);
    td_port(&s, "sa-http-port", 6001);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 2);
    CHECK_INT(p.changes[0].value, td_value("is-rpchttp-port"));
    CHECK_INT(p.changes[0].new_port, 5001);
    CHECK_INT(p.changes[1].value, td_value("is-tcpip-port"));
    CHECK_INT(p.changes[1].new_port, 5002);
    done(&s, &ev, &p);
}

static void range_findings(void)
{
    static const char excluded[] =
        "Start Port    End Port\r\n----------    --------\r\n"
        "      6001        6001\r\n";
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    epg_buf d;

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "rpc-tcpip-port", 135);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].rule, EPG_RULE_PORT_BELOW_1024);
    CHECK_INT(p.changes[0].new_port, 59531);
    epg_buf_init(&d);
    epg_fix_describe(&ev, &p.changes[0], &d);
    CHECK_CONTAINS(epg_buf_str(&d), "port 135 is below 1024");
    CHECK_CONTAINS(epg_buf_str(&d), "recommended range 59531-60554");
    epg_buf_free(&d);
    done(&s, &ev, &p);

    /* A blocking exclusion (netsh, not '*') holding the IS HTTP port; a
     * warning-level finding (below 5000) asks for nothing. */
    td_snapshot(&s);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "sa-tcpip-port", 4000);
    s.netsh_dynamic = epg_strdup(dynamic_default);
    s.netsh_excluded = epg_strdup(excluded);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 1);
    CHECK_INT(p.changes[0].rule, EPG_RULE_PORT_EXCLUDED);
    CHECK_INT(p.changes[0].value, td_value("is-rpchttp-port"));
    CHECK_INT(p.changes[0].new_port, 5001);
    done(&s, &ev, &p);
}

/* Exchange 2010 on Windows 6.0 and later: the recommended range lies inside
 * the default dynamic range, so no port qualifies and the plan says why. */
static void no_port_qualifies(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    td_snapshot(&s);
    td_port(&s, "rpc-tcpip-port", 59532);
    td_port(&s, "ab-rpctcpport", 59532);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_NO_PORT);
    CHECK_INT(p.count, 0);
    CHECK_CONTAINS(epg_buf_str(&p.reason), "no port qualifies for HKLM\\System\\"
                   "CurrentControlSet\\Services\\MSExchangeAB\\Parameters\\RpcTcpPort: "
                   "of 59531-60554, 1 used by a watched value, 1023 in the dynamic port "
                   "range 49152-65535");
    CHECK_CONTAINS(epg_buf_str(&p.reason), "move the dynamic port range off 59531-60554");
    done(&s, &ev, &p);

    /* With the range moved off (the override stands for netsh's answer). */
    td_snapshot(&s);
    td_port(&s, "rpc-tcpip-port", 59532);
    td_port(&s, "ab-rpctcpport", 59532);
    td_dword(&s.settings[EPG_SET_DYNAMIC_PORT_START], 49152);
    td_dword(&s.settings[EPG_SET_DYNAMIC_PORT_COUNT], 10379);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.changes[0].new_port, 59531);
    done(&s, &ev, &p);
}

static void unreadable_plans_nothing(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    td_snapshot(&s);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    epg_reading_set_error(&s.values[td_value("srs-tcpip-port")], 5, "Access is denied.");
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_INCOMPLETE);
    CHECK_INT(p.count, 0);
    CHECK_CONTAINS(epg_buf_str(&p.reason), "could not be read");
    done(&s, &ev, &p);
}

static void nothing_to_fix(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;

    td_snapshot(&s);
    td_port(&s, "sa-tcpip-port", 4000);     /* a warning only */
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 0);
    done(&s, &ev, &p);
}

static int parse_fix(int argc, char **argv, epg_check_args *a, epg_buf *err)
{
    epg_buf_clear(err);
    epg_check_args_free(a);
    return epg_fix_args_parse(argc, argv, a, err);
}

static void fix_arguments(void)
{
    char *apply[] = { "--apply", "--undo", "u.reg", "--yes" };
    char *plan[] = { "--reg", "a.reg", "--plan", "p.reg", "--json" };
    char *no_undo[] = { "--apply" };
    char *remote_apply[] = { "--apply", "--undo", "u.reg", "--reg", "a.reg" };
    char *plan_many[] = { "--reg", "a.reg", "b.reg", "--plan", "p.reg" };
    char *csv[] = { "--reg", "a.reg", "--csv" };
    char *check_apply[] = { "--apply" };
    char *yes_alone[] = { "--yes" };
    char *plan_force[] = { "--reg", "a.reg", "--plan", "p.reg", "--force", "--json" };
    char *force_alone[] = { "--force" };
    epg_check_args a;
    epg_buf err;

    memset(&a, 0, sizeof a);
    epg_buf_init(&err);
    CHECK_INT(parse_fix(4, apply, &a, &err), 0);
    CHECK(a.apply && a.yes && !a.many);
    CHECK_STR(a.undo_file, "u.reg");
    CHECK_INT(parse_fix(5, plan, &a, &err), 0);
    CHECK_STR(a.plan_file, "p.reg");
    CHECK(a.many && !a.apply && a.format == EPG_OUT_JSON);
    CHECK_INT(parse_fix(1, no_undo, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "--apply needs --undo FILE");
    CHECK_INT(parse_fix(5, remote_apply, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "--apply changes this computer's registry");
    CHECK_INT(parse_fix(5, plan_many, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "--plan writes one computer's changes");
    CHECK_INT(parse_fix(3, csv, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "unknown option \"--csv\"");
    CHECK_INT(parse_fix(1, yes_alone, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "--yes goes with --apply");
    CHECK_INT(parse_fix(6, plan_force, &a, &err), 0);
    CHECK(a.force && a.plan_file);
    CHECK_INT(parse_fix(1, force_alone, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "--force goes with --plan");
    /* check takes none of fix's options. */
    epg_buf_clear(&err);
    epg_check_args_free(&a);
    CHECK_INT(epg_check_args_parse(1, check_apply, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "unknown option \"--apply\"");
    epg_check_args_free(&a);
    epg_buf_free(&err);
}

/* The plan and undo files: REGEDIT5 text, the new data with the value's
 * type, the old data exactly, a deletion line for an absent value, and
 * UTF-16LE with a byte order mark. */
static void registry_files(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_fix_plan p;
    epg_buf t, b;

    td_snapshot(&s);
    range_check(&s, 0);
    td_port(&s, "is-rpchttp-port", 6001);
    td_string(&s.values[td_value("is-tcpip-port")], EPG_REG_EXPAND_SZ, "6001");
    td_port(&s, "ab-rpctcpport", 6004);
    CHECK_INT(plan_for(&s, &ev, &p), EPG_FIX_OK);
    CHECK_INT(p.count, 2);
    epg_buf_init(&t);
    epg_buf_init(&b);
    epg_fix_reg_text(&s, &p, 0, &t);
    CHECK_STR(epg_buf_str(&t), "Windows Registry Editor Version 5.00\n\n"
              "; ExchPortGuard fix: the proposed changes\n\n"
              "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\MSExchangeIS"
              "\\ParametersSystem]\n\"TCP/IP Port\"=hex(2):35,00,30,00,30,00,31,00,00,00\n\n"
              "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\MSExchangeAB"
              "\\Parameters]\n\"NspiHttpPort\"=\"5002\"\n\n");
    epg_buf_clear(&t);
    epg_fix_reg_text(&s, &p, 1, &t);
    CHECK_CONTAINS(epg_buf_str(&t), "\"TCP/IP Port\"=hex(2):36,00,30,00,30,00,31,00,00,00\n");
    CHECK_CONTAINS(epg_buf_str(&t), "\"NspiHttpPort\"=-\n");
    epg_reg_file_utf16("W\n", &b);
    CHECK_INT(b.len, 8);
    CHECK(memcmp(b.p, "\xFF\xFEW\0\r\0\n\0", 8) == 0);
    epg_buf_free(&t);
    epg_buf_free(&b);
    done(&s, &ev, &p);
}

/* xorshift64*: the same 100,000 snapshots on every run and platform. */
static unsigned next_byte(void *ctx)
{
    uint64_t *x = ctx;

    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return (unsigned)((*x * 2685821657736338717ull) >> 56);
}

#define PROPERTY_RUNS 100000

static void property_random_snapshots(void)
{
    uint64_t seed = 0x18E1F1A7ull;
    unsigned long runs = 0, planned = 0, no_port = 0, incomplete = 0, failures = 0;
    char why[256];

    for (runs = 0; runs < PROPERTY_RUNS; runs++) {
        epg_snapshot s;
        epg_fix_result r;

        epg_snapshot_init(&s);
        fp_random_snapshot(&s, next_byte, &seed);
        if (fp_check_property(&s, &r, why, sizeof why)) {
            if (failures++ < 5)
                fprintf(stderr, "snapshot %lu: %s\n", runs, why);
        }
        planned += r == EPG_FIX_OK;
        no_port += r == EPG_FIX_NO_PORT;
        incomplete += r == EPG_FIX_INCOMPLETE;
        epg_snapshot_free(&s);
    }
    printf("fix property: %lu random snapshots, %lu planned, %lu no port, "
           "%lu unreadable, %lu failures\n", runs, planned, no_port, incomplete, failures);
    CHECK_INT(runs, PROPERTY_RUNS);
    CHECK_INT(failures, 0);
    /* The generator reaches every outcome. */
    CHECK(planned > 1000 && no_port > 100 && incomplete > 100);
}

int main(void)
{
    RUN(conflict_changes_the_later_value);
    RUN(string_type_is_kept);
    RUN(default_in_the_way);
    RUN(never_a_taken_port);
    RUN(administered_exclusion_netsh);
    RUN(windows_2003);
    RUN(domain_controller_moves_last);
    RUN(lenient_strings_avoided);
    RUN(plans_compared_and_changes_named);
    RUN(three_on_one_port);
    RUN(range_findings);
    RUN(no_port_qualifies);
    RUN(unreadable_plans_nothing);
    RUN(nothing_to_fix);
    RUN(fix_arguments);
    RUN(registry_files);
    RUN(property_random_snapshots);
    return tt_summary("test_fixplan");
}
