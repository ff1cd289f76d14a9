/* Who holds a pinned port: the decision on synthetic TCP tables (the right
 * service, another service, an unknown PID 0, the port free, IPv6 only, a
 * process gone, thousands of connections), the finding and its events, and
 * when the tables are read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "check/holders.h"
#include "events/events.h"
#include "report/report.h"
#include "report/wording.h"
#include "testdata.h"
#include "tinytest.h"

#define STORE_PID 1200u
#define OTHER_PID 3456u
#define LSASS_PID 640u

/* A store listening on 6001 (IPv4 and IPv6), the process list, and the
 * running services. */
static void base_view(epg_tcp_view *t)
{
    epg_tcp_view_init(t);
    t->collected = 1;
    CHECK_INT(epg_tcp_view_add(t, 6001, STORE_PID, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(epg_tcp_view_add(t, 6001, STORE_PID, EPG_TCP_LISTEN, 1), 0);
    CHECK_INT(epg_tcp_view_set_image(t, STORE_PID, "store.exe"), 0);
    CHECK_INT(epg_tcp_view_add_service(t, STORE_PID, "MSExchangeIS"), 0);
    CHECK_INT(epg_tcp_view_set_image(t, OTHER_PID, "svchost.exe"), 0);
    CHECK_INT(epg_tcp_view_add_service(t, OTHER_PID, "Dnscache"), 0);
    CHECK_INT(epg_tcp_view_add_service(t, OTHER_PID, "W32Time"), 0);
    CHECK_INT(epg_tcp_view_set_image(t, LSASS_PID, "LSASS.EXE"), 0);
    CHECK_INT(epg_tcp_view_add_service(t, LSASS_PID, "Netlogon"), 0);
}

static size_t intruders(const epg_tcp_view *t, const char *id, uint16_t port,
                        uint32_t *pids)
{
    return epg_port_intruders(t, td_value(id), port, pids, 8);
}

static void the_right_service_is_no_finding(void)
{
    epg_tcp_view t;
    uint32_t pids[8];

    base_view(&t);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6001, pids), 0);
    CHECK_INT(intruders(&t, "is-rpchttp-port", 6001, pids), 0);
    /* The same listener is an intruder for a System Attendant value. */
    CHECK_INT(intruders(&t, "sa-tcpip-port", 6001, pids), 1);
    CHECK_INT(pids[0], STORE_PID);
    epg_tcp_view_free(&t);
}

static void another_service_is_named(void)
{
    epg_tcp_view t;
    uint32_t pids[8];
    char how[96];

    base_view(&t);
    /* KB 194952: an outbound connection took the port first. */
    CHECK_INT(epg_tcp_view_add(&t, 6005, OTHER_PID, EPG_TCP_CONNECTION, 0), 0);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6005, pids), 1);
    CHECK_INT(pids[0], OTHER_PID);
    CHECK_STR(epg_tcp_view_proc(&t, OTHER_PID)->services, "Dnscache;W32Time");
    epg_holding_describe(&t, OTHER_PID, 6005, how, sizeof how);
    CHECK_STR(how, "as the local port of a connection (IPv4)");
    epg_holding_describe(&t, STORE_PID, 6001, how, sizeof how);
    CHECK_STR(how, "listening (IPv4, IPv6)");
    epg_tcp_view_free(&t);
}

static void unknown_owner_is_never_an_alarm(void)
{
    epg_tcp_view t;
    uint32_t pids[8];

    base_view(&t);
    /* TIME_WAIT belongs to nobody; Wine reports every PID as 0. */
    CHECK_INT(epg_tcp_view_add(&t, 6005, 0, EPG_TCP_TIME_WAIT, 0), 0);
    CHECK(!epg_port_unidentified(&t, 6005));    /* TIME_WAIT only: not in use */
    CHECK_INT(epg_tcp_view_add(&t, 6005, 0, EPG_TCP_LISTEN, 1), 0);
    /* A process that exited between the TCP table and the process list. */
    CHECK_INT(epg_tcp_view_add(&t, 6005, 99999, EPG_TCP_CONNECTION, 0), 0);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6005, pids), 0);
    CHECK(epg_port_unidentified(&t, 6005));
    CHECK(!epg_port_unidentified(&t, 6001));    /* the store: identified */
    CHECK(!epg_port_unidentified(&t, 6100));    /* free */
    /* A service whose process is known by no image (PID 0 service rows). */
    CHECK_INT(epg_tcp_view_add_service(&t, 777, "Stopped"), 0);
    CHECK_INT(epg_tcp_view_add(&t, 6005, 777, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6005, pids), 0);
    epg_tcp_view_free(&t);
}

static void free_port_and_ipv6_only(void)
{
    epg_tcp_view t;
    uint32_t pids[8];

    base_view(&t);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6010, pids), 0);     /* free */
    CHECK_INT(epg_tcp_view_add(&t, 6010, OTHER_PID, EPG_TCP_LISTEN, 1), 0);
    CHECK_INT(intruders(&t, "is-tcpip-port", 6010, pids), 1);
    CHECK_INT(pids[0], OTHER_PID);
    epg_tcp_view_free(&t);
    /* Not read at all: nothing is decided. */
    base_view(&t);
    CHECK_INT(epg_tcp_view_add(&t, 6010, OTHER_PID, EPG_TCP_LISTEN, 0), 0);
    t.collected = 0;
    CHECK_INT(intruders(&t, "is-tcpip-port", 6010, pids), 0);
    epg_tcp_view_free(&t);
}

static void lsass_holds_nspi_and_dc_ports(void)
{
    epg_tcp_view t;
    uint32_t pids[8];

    base_view(&t);
    CHECK_INT(epg_tcp_view_add(&t, 6004, LSASS_PID, EPG_TCP_LISTEN, 0), 0);
    /* On a global catalog lsass answers NSPI: legitimate (any case). */
    CHECK_INT(intruders(&t, "sa-rpchttp-nspi-port", 6004, pids), 0);
    CHECK_INT(intruders(&t, "ab-nspihttpport", 6004, pids), 0);
    CHECK_INT(intruders(&t, "ntds-tcpip-port", 6004, pids), 0);
    /* Not for the store's port, nor the FRS port. */
    CHECK_INT(intruders(&t, "is-tcpip-port", 6004, pids), 1);
    CHECK_INT(intruders(&t, "ntfrs-rpc-port", 6004, pids), 1);
    epg_tcp_view_free(&t);
}

static void thousands_of_connections(void)
{
    epg_tcp_view t;
    uint32_t pids[8];
    uint32_t i;

    base_view(&t);
    for (i = 0; i < 20000; i++)
        CHECK(epg_tcp_view_add(&t, (uint16_t)(1024 + i % 60000), 5000 + i % 50,
                               EPG_TCP_CONNECTION, i & 1) == 0);
    for (i = 0; i < 50; i++) {
        char img[32];
        snprintf(img, sizeof img, "p%u.exe", (unsigned)i);
        CHECK_INT(epg_tcp_view_set_image(&t, 5000 + i, img), 0);
    }
    /* Port 1024 + 0 is used by PIDs 5000 (i = 0) only; distinct, sorted,
     * capped at max. */
    CHECK_INT(intruders(&t, "is-tcpip-port", 1024, pids), 1);
    CHECK_INT(epg_tcp_view_add(&t, 1024, 5003, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(epg_tcp_view_add(&t, 1024, 5001, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(intruders(&t, "is-tcpip-port", 1024, pids), 3);
    CHECK_INT(pids[0], 5000);
    CHECK_INT(pids[1], 5001);
    CHECK_INT(pids[2], 5003);
    CHECK_INT(epg_port_intruders(&t, td_value("is-tcpip-port"), 1024, pids, 2), 2);
    epg_tcp_view_free(&t);
}

static void finding_and_events(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_event_ctx ctx;
    epg_event e;
    const epg_finding *f;
    epg_buf b;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6005);
    epg_tcp_view_free(&s.tcp);
    base_view(&s.tcp);
    CHECK_INT(epg_tcp_view_add(&s.tcp, 6005, OTHER_PID, EPG_TCP_LISTEN, 0), 0);
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK(ev.listeners_checked);
    CHECK_INT(ev.findings.count, 1);
    f = &ev.findings.items[0];
    CHECK_INT(f->rule, EPG_RULE_PORT_HELD);
    CHECK_INT(f->port, 6005);
    CHECK_INT(f->data_hash, OTHER_PID);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    ctx.snap = &s;
    ctx.eval = &ev;
    CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
    CHECK_INT(e.def->id, EPG_EV_PORT_HELD);
    CHECK_STR(e.strings[0], "6005");
    CHECK_CONTAINS(e.strings[1], "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    CHECK_STR(e.strings[2], "3456");
    CHECK_STR(e.strings[3], "svchost.exe");
    CHECK_STR(e.strings[4], "Dnscache;W32Time");
    CHECK_STR(e.strings[5], "listening (IPv4)");
    epg_event_free(&e);
    CHECK_INT(epg_event_for(f, 0, &ctx, &e), 1);
    CHECK_INT(e.def->id, EPG_EV_PORT_RELEASED);
    CHECK_STR(e.strings[2], "3456");
    epg_event_free(&e);
    epg_buf_init(&b);
    epg_finding_remedy(f, &s, &ev, &b);
    CHECK_CONTAINS(epg_buf_str(&b), "Stop or reconfigure the process holding port 6005");
    CHECK_CONTAINS(epg_buf_str(&b), "restart the Exchange service");
    epg_buf_clear(&b);
    epg_report_json(&s, &ev, &b);
    CHECK_CONTAINS(epg_buf_str(&b), "\"holder\": {\"pid\": 3456, \"image\": "
                                    "\"svchost.exe\", \"services\": [\"Dnscache\", "
                                    "\"W32Time\"], \"how\": \"listening (IPv4)\"}");
    epg_buf_free(&b);
    epg_evaluation_free(&ev);

    /* The holder lets go: the finding clears. */
    s.tcp.count = 2;    /* only the store's two listeners remain */
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(ev.findings.count, 0);
    epg_evaluation_free(&ev);

    /* ListenerCheckMinutes 0: no finding, whatever the table says. */
    CHECK_INT(epg_tcp_view_add(&s.tcp, 6005, OTHER_PID, EPG_TCP_LISTEN, 0), 0);
    td_dword(&s.settings[EPG_SET_LISTENER_CHECK_MINUTES], 0);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(ev.findings.count, 0);
    CHECK(!ev.listeners_checked);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

/* A shared service process none of whose services the service list names
 * (under LocalService, EnumServicesStatusExW leaves out services that do
 * not grant it SERVICE_QUERY_STATUS): the holder text says the service is
 * not known, in the event, the sentence of check's report, and only there;
 * a process of its own with no service is "none". */
static void shared_process_without_services_is_said(void)
{
    enum { HOST_PID = 4000, TOOL_PID = 4100 };
    epg_snapshot s;
    epg_evaluation ev;
    epg_event_ctx ctx;
    epg_event e;
    epg_buf b;
    size_t i;

    CHECK(epg_image_hosts_services("svchost.exe"));
    CHECK(epg_image_hosts_services("SvcHost.EXE"));
    CHECK(epg_image_hosts_services("lsass.exe"));
    CHECK(epg_image_hosts_services("services.exe"));
    CHECK(!epg_image_hosts_services("svchost.exe.old"));
    CHECK(!epg_image_hosts_services("store.exe"));
    CHECK(!epg_image_hosts_services(NULL));

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6005);
    td_port(&s, "sa-tcpip-port", 6007);
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    epg_tcp_view_free(&s.tcp);
    base_view(&s.tcp);
    CHECK_INT(epg_tcp_view_set_image(&s.tcp, HOST_PID, "svchost.exe"), 0);
    CHECK_INT(epg_tcp_view_add(&s.tcp, 6005, HOST_PID, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(epg_tcp_view_set_image(&s.tcp, TOOL_PID, "portscan.exe"), 0);
    CHECK_INT(epg_tcp_view_add(&s.tcp, 6007, TOOL_PID, EPG_TCP_LISTEN, 0), 0);
    CHECK_STR(epg_proc_services(&s.tcp, HOST_PID), EPG_SERVICES_UNTIED);
    CHECK_STR(epg_proc_services(&s.tcp, TOOL_PID), "none");
    CHECK_STR(epg_proc_services(&s.tcp, OTHER_PID), "Dnscache;W32Time");
    CHECK_STR(epg_proc_services(&s.tcp, 9999), "none");     /* no such process */
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(ev.findings.count, 2);
    ctx.snap = &s;
    ctx.eval = &ev;
    epg_buf_init(&b);
    for (i = 0; i < ev.findings.count; i++) {
        const epg_finding *f = &ev.findings.items[i];
        int host = f->data_hash == HOST_PID;
        CHECK_INT(f->rule, EPG_RULE_PORT_HELD);
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_PORT_HELD);
        CHECK_STR(e.strings[2], host ? "4000" : "4100");
        CHECK_STR(e.strings[3], host ? "svchost.exe" : "portscan.exe");
        CHECK_STR(e.strings[4], host ? EPG_SERVICES_UNTIED : "none");
        epg_event_free(&e);
        epg_buf_clear(&b);
        epg_finding_sentence(f, &s, &ev, &b);
        CHECK_CONTAINS(epg_buf_str(&b), host
                       ? "is held by process 4000 (svchost.exe, services: not known: "
                         "a process shared by several services, none of which is in "
                         "the service list this account may read"
                       : "is held by process 4100 (portscan.exe, services: none)");
    }
    epg_buf_free(&b);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void effective_default_is_watched_too(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    epg_tcp_view_free(&s.tcp);
    base_view(&s.tcp);
    CHECK_INT(epg_tcp_view_add(&s.tcp, 6004, OTHER_PID, EPG_TCP_LISTEN, 0), 0);
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(epg_set_count_rule(&ev.findings, EPG_RULE_PORT_HELD), 1);
    CHECK_INT(ev.findings.items[0].a, td_value("ab-nspihttpport"));
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void unreadable_table_is_said(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_finding_set cur;
    epg_event_ctx ctx;
    epg_event e;

    td_snapshot(&s);
    epg_tcp_view_note(&s.tcp, "GetExtendedTcpTable (IPv4) failed: Access is "
                              "denied. (error 5)");
    epg_evaluation_init(&ev);
    epg_set_init(&cur);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(ev.findings.count, 0);        /* blind is not a finding ... */
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    CHECK_INT(epg_conditions(&s, &ev, &cur), 0);
    CHECK_INT(epg_set_count_rule(&cur, EPG_RULE_LISTENERS_UNREADABLE), 1);
    ctx.snap = &s;
    ctx.eval = &ev;
    if (cur.count) {
        const epg_finding *f = NULL;
        size_t i;
        for (i = 0; i < cur.count; i++)
            if (cur.items[i].rule == EPG_RULE_LISTENERS_UNREADABLE)
                f = &cur.items[i];
        CHECK(f != NULL);
        if (f) {    /* ... but the service says so: 1004, cleared by 1005 */
            CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
            CHECK_INT(e.def->id, EPG_EV_LISTENERS_UNREADABLE);
            CHECK_STR(e.strings[0], "GetExtendedTcpTable (IPv4) failed: Access "
                                    "is denied. (error 5)");
            epg_event_free(&e);
            CHECK_INT(epg_event_for(f, 0, &ctx, &e), 1);
            CHECK_INT(e.def->id, EPG_EV_LISTENERS_READ);
            CHECK_INT(e.nstrings, 0);
            epg_event_free(&e);
        }
    }
    /* Switched off: nothing to say. */
    td_dword(&s.settings[EPG_SET_LISTENER_CHECK_MINUTES], 0);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(epg_conditions(&s, &ev, &cur), 0);
    CHECK_INT(epg_set_count_rule(&cur, EPG_RULE_LISTENERS_UNREADABLE), 0);
    epg_set_free(&cur);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

/* The note holds system texts: "%1" (error 193) and "%%" go into 1004
 * escaped as registry data is (docs/events.md). */
static void unreadable_table_text_escaped(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_finding_set cur;
    epg_event_ctx ctx;
    epg_event e;
    size_t i;

    td_snapshot(&s);
    epg_tcp_view_note(&s.tcp, "loading iphlpapi.dll failed: %1 is not a valid "
                              "Win32 application. (error 193)");
    epg_tcp_view_note(&s.tcp, "EnumServicesStatusExW failed: 100%% (error 9999)");
    epg_evaluation_init(&ev);
    epg_set_init(&cur);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(epg_conditions(&s, &ev, &cur), 0);
    ctx.snap = &s;
    ctx.eval = &ev;
    for (i = 0; i < cur.count; i++) {
        if (cur.items[i].rule != EPG_RULE_LISTENERS_UNREADABLE)
            continue;
        CHECK_INT(epg_event_for(&cur.items[i], 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_LISTENERS_UNREADABLE);
        CHECK_INT(e.nstrings, 1);
        CHECK_STR(e.strings[0], "loading iphlpapi.dll failed: \\x251 is not a valid "
                                "Win32 application. (error 193); "
                                "EnumServicesStatusExW failed: 100\\x25\\x25 (error 9999)");
        epg_event_free(&e);
    }
    CHECK_INT(epg_set_count_rule(&cur, EPG_RULE_LISTENERS_UNREADABLE), 1);
    epg_set_free(&cur);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void schedule(void)
{
    epg_listen_sched s;

    epg_listen_sched_init(&s);
    epg_listen_sched_configure(&s, 5);
    CHECK_INT(epg_listen_deadline(&s), UINT64_MAX);
    CHECK(epg_listen_due(&s, 100));            /* the first check */
    epg_listen_done(&s, 100);
    CHECK(!epg_listen_due(&s, 600));           /* within a second */
    CHECK(!epg_listen_due(&s, 1099));
    CHECK(epg_listen_due(&s, 1100));
    CHECK(epg_listen_deadline(&s) == 100 + 5 * 60000u);
    epg_listen_done(&s, 2000);
    CHECK(epg_listen_deadline(&s) == 2000 + 5 * 60000u);
    /* 0: off, and no periodic wake-up at all. */
    epg_listen_sched_configure(&s, 0);
    CHECK(!epg_listen_due(&s, 1000000));
    CHECK(epg_listen_deadline(&s) == UINT64_MAX);
}

int main(void)
{
    RUN(the_right_service_is_no_finding);
    RUN(another_service_is_named);
    RUN(unknown_owner_is_never_an_alarm);
    RUN(free_port_and_ipv6_only);
    RUN(lsass_holds_nspi_and_dc_ports);
    RUN(thousands_of_connections);
    RUN(finding_and_events);
    RUN(effective_default_is_watched_too);
    RUN(unreadable_table_is_said);
    RUN(unreadable_table_text_escaped);
    RUN(shared_process_without_services_is_said);
    RUN(schedule);
    return tt_summary("test_holders");
}
