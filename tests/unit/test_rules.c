/* The rules beyond the seven Exchange 2003 values: effective defaults and product families, RpcTcpPort "0"
 * as a dynamic port, the domain-controller values, the analyzers' range
 * rules, their three severities and the exit code each gives. */
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "events/events.h"
#include "report/report.h"
#include "report/wording.h"
#include "testdata.h"
#include "tinytest.h"

static void evaluate(epg_snapshot *s, epg_evaluation *ev)
{
    epg_evaluation_init(ev);
    td_dword(&s->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(epg_evaluate(s, ev), 0);
}

static const epg_finding *find(const epg_evaluation *ev, epg_rule rule, const char *id)
{
    size_t i, v = td_value(id);

    for (i = 0; i < ev->findings.count; i++)
        if (ev->findings.items[i].rule == rule &&
            (ev->findings.items[i].a == v ||
             (rule == EPG_RULE_CONFLICT && ev->findings.items[i].b == v)))
            return &ev->findings.items[i];
    return NULL;
}

static void ab_defaults_only_where_the_key_exists(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    size_t nspi = td_value("ab-nspihttpport"), rfr = td_value("ab-rfrhttpport");
    epg_buf b;

    td_snapshot(&s);
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[nspi].status, EPG_PORT_DEFAULT);
    CHECK_INT(ev.ports[nspi].port, 6004);
    CHECK_INT(ev.ports[rfr].status, EPG_PORT_DEFAULT);
    CHECK_INT(ev.ports[rfr].port, 6002);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(ev.usable, 0);    /* defaults are not "configured" ports */
    epg_buf_init(&b);
    epg_value_effective(&ev, nspi, &b);
    CHECK_STR(epg_buf_str(&b), "absent, default 6004");
    epg_buf_free(&b);
    epg_evaluation_free(&ev);

    /* No MSExchangeAB\Parameters key: the service is not installed. */
    s.keys[epg_value_key(nspi)].state = EPG_KEY_MISSING;
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[nspi].status, EPG_PORT_ABSENT);
    CHECK_INT(ev.ports[rfr].status, EPG_PORT_ABSENT);
    epg_evaluation_free(&ev);
    /* Nor when the key cannot be read. */
    s.keys[epg_value_key(nspi)].state = EPG_KEY_ERROR;
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[nspi].status, EPG_PORT_ABSENT);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void default_conflicts_only_within_its_family(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    const epg_finding *f;

    /* The example of docs/exchange-ports.md: RpcTcpPort "6004" against absent NspiHttpPort. */
    td_snapshot(&s);
    td_sz(&s.values[td_value("ab-rpctcpport")], "6004");
    /* A leftover Exchange 2003 value on the same port does not conflict
     * with the 2010 default, but does with the 2010 value that is set. */
    td_port(&s, "sa-rpchttp-nspi-port", 6004);
    evaluate(&s, &ev);
    CHECK_INT(epg_set_count_rule(&ev.findings, EPG_RULE_CONFLICT), 2);
    f = find(&ev, EPG_RULE_CONFLICT, "ab-nspihttpport");
    CHECK(f && f->port == 6004 && f->a == td_value("ab-rpctcpport"));
    f = find(&ev, EPG_RULE_CONFLICT, "sa-rpchttp-nspi-port");
    CHECK(f && f->b == td_value("ab-rpctcpport"));
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_ERRORS);
    epg_evaluation_free(&ev);

    /* Only the 2003 value: no conflict against the default. */
    epg_reading_free(&s.values[td_value("ab-rpctcpport")]);
    evaluate(&s, &ev);
    CHECK_INT(epg_set_count_rule(&ev.findings, EPG_RULE_CONFLICT), 0);
    epg_evaluation_free(&ev);

    /* Set explicitly, NspiHttpPort is compared with everything. */
    td_sz(&s.values[td_value("ab-nspihttpport")], "6004");
    evaluate(&s, &ev);
    CHECK_INT(epg_set_count_rule(&ev.findings, EPG_RULE_CONFLICT), 1);
    CHECK(find(&ev, EPG_RULE_CONFLICT, "sa-rpchttp-nspi-port") != NULL);
    epg_evaluation_free(&ev);

    /* MSExchangeRPC on the RFR default is a 2010 conflict. */
    epg_reading_free(&s.values[td_value("ab-nspihttpport")]);
    td_port(&s, "rpc-tcpip-port", 6002);
    evaluate(&s, &ev);
    f = find(&ev, EPG_RULE_CONFLICT, "ab-rfrhttpport");
    CHECK(f && f->a == td_value("rpc-tcpip-port") && f->port == 6002);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void rpctcpport_zero_is_dynamic(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    size_t ab = td_value("ab-rpctcpport"), rpc = td_value("rpc-tcpip-port");

    td_snapshot(&s);
    td_sz(&s.values[ab], "0");
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[ab].status, EPG_PORT_DYNAMIC);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    epg_evaluation_free(&ev);
    td_dword(&s.values[ab], 0);     /* a REG_DWORD 0 reads the same */
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[ab].status, EPG_PORT_DYNAMIC);
    epg_evaluation_free(&ev);
    /* Other values keep 0 as a mistake (1200). */
    td_port(&s, "rpc-tcpip-port", 0);
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[rpc].status, EPG_PORT_INVALID);
    CHECK(find(&ev, EPG_RULE_INVALID_VALUE, "rpc-tcpip-port") != NULL);
    CHECK(find(&ev, EPG_RULE_INVALID_VALUE, "ab-rpctcpport") == NULL);
    epg_evaluation_free(&ev);
    /* "00" is 0 with a leading zero, read as decimal (docs/check-json.md):
     * dynamic too.  "" is no number at all: unusable. */
    td_sz(&s.values[ab], "00");
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[ab].status, EPG_PORT_DYNAMIC);
    epg_evaluation_free(&ev);
    td_sz(&s.values[ab], "");
    evaluate(&s, &ev);
    CHECK_INT(ev.ports[ab].status, EPG_PORT_INVALID);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void domain_controller_values(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    const epg_finding *f;
    epg_event_ctx ctx;
    epg_event e;
    epg_buf b;

    td_snapshot(&s);
    td_port(&s, "ntds-tcpip-port", 50000);
    td_port(&s, "netlogon-dctcpipport", 50000);    /* KB 224196: error 5809 */
    td_port(&s, "ntfrs-rpc-port", 50001);
    evaluate(&s, &ev);
    CHECK_INT(epg_set_count_rule(&ev.findings, EPG_RULE_CONFLICT), 1);
    f = find(&ev, EPG_RULE_CONFLICT, "ntds-tcpip-port");
    CHECK(f != NULL);
    if (f) {
        CHECK(epg_conflict_is_dc(f));
        ctx.snap = &s;
        ctx.eval = &ev;
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_DC_CONFLICT);
        CHECK_STR(e.strings[0], "50000");
        epg_event_free(&e);
        CHECK_INT(epg_event_for(f, 0, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_DC_CONFLICT_CLEARED);
        epg_event_free(&e);
        CHECK_INT(epg_event_reminder(f, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_DC_CONFLICT_REMINDER);
        epg_event_free(&e);
        epg_buf_init(&b);
        epg_conflict_remedy(f, &b);
        CHECK_CONTAINS(epg_buf_str(&b), "KB 224196");
        CHECK(strstr(epg_buf_str(&b), "Information Store") == NULL);
        CHECK(strstr(epg_buf_str(&b), "Exchange") == NULL);
        epg_buf_free(&b);
    }
    epg_evaluation_free(&ev);

    /* Small Business Server: an Exchange value on the NTDS port is an
     * Exchange conflict (1100), with the Exchange remedy. */
    td_port(&s, "netlogon-dctcpipport", 50002);
    td_port(&s, "is-tcpip-port", 50000);
    evaluate(&s, &ev);
    f = find(&ev, EPG_RULE_CONFLICT, "ntds-tcpip-port");
    CHECK(f && !epg_conflict_is_dc(f));
    if (f) {
        ctx.snap = &s;
        ctx.eval = &ev;
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_CONFLICT);
        epg_event_free(&e);
    }
    epg_evaluation_free(&ev);

    /* Domain-controller values are read only as REG_DWORD. */
    td_sz(&s.values[td_value("ntfrs-rpc-port")], "50000");
    evaluate(&s, &ev);
    f = find(&ev, EPG_RULE_INVALID_VALUE, "ntfrs-rpc-port");
    CHECK(f != NULL);
    CHECK_INT(ev.ports[td_value("ntfrs-rpc-port")].bad, EPG_BAD_TYPE_FOR_VALUE);
    epg_buf_init(&b);
    epg_port_reason(&ev.ports[td_value("ntfrs-rpc-port")], &b);
    CHECK_CONTAINS(epg_buf_str(&b), "only as a REG_DWORD");
    epg_buf_free(&b);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void exchange_2010_range_rule(void)
{
    static const struct {
        uint32_t port;
        epg_rule rule;      /* EPG_RULE_COUNT: none */
    } cases[] = {
        { 1, EPG_RULE_PORT_BELOW_1024 },
        { 135, EPG_RULE_PORT_BELOW_1024 },
        { 1023, EPG_RULE_PORT_BELOW_1024 },
        { 1024, EPG_RULE_PORT_NOT_RECOMMENDED },
        { 59530, EPG_RULE_PORT_NOT_RECOMMENDED },
        { 59531, EPG_RULE_COUNT },
        { 60554, EPG_RULE_COUNT },
        { 60555, EPG_RULE_PORT_NOT_RECOMMENDED },
        { 65535, EPG_RULE_PORT_NOT_RECOMMENDED },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        epg_snapshot s;
        epg_evaluation ev;

        td_snapshot(&s);
        td_port(&s, "rpc-tcpip-port", cases[i].port);
        evaluate(&s, &ev);
        if (cases[i].rule == EPG_RULE_COUNT) {
            CHECK_INT(ev.findings.count, 0);
            CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
        } else {
            const epg_finding *f = find(&ev, cases[i].rule, "rpc-tcpip-port");
            CHECK(f && f->port == cases[i].port);
            CHECK_INT(ev.findings.count, 1);
            /* An error gives 2; the best-practice notice leaves 0. */
            CHECK_INT(epg_verdict(&ev), cases[i].rule == EPG_RULE_PORT_BELOW_1024
                                            ? EPG_EXIT_ERRORS : EPG_EXIT_CLEAN);
        }
        epg_evaluation_free(&ev);
        epg_snapshot_free(&s);
    }
    CHECK_INT(epg_rule_severity(EPG_RULE_PORT_NOT_RECOMMENDED), EPG_SEV_INFO);
    CHECK_STR(epg_severity_name(EPG_SEV_INFO), "info");
}

static void exchange_2010_range_rule_on_strings_and_out_of_range(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_sz(&s.values[td_value("ab-rpctcpport")], "443");
    evaluate(&s, &ev);
    CHECK(find(&ev, EPG_RULE_PORT_BELOW_1024, "ab-rpctcpport") != NULL);
    epg_evaluation_free(&ev);
    /* Above 65535 stays what it was: an unusable value, no range finding. */
    td_sz(&s.values[td_value("ab-rpctcpport")], "70000");
    evaluate(&s, &ev);
    CHECK(find(&ev, EPG_RULE_INVALID_VALUE, "ab-rpctcpport") != NULL);
    CHECK_INT(ev.findings.count, 1);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void exchange_2003_sa_below_5000(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "sa-tcpip-port", 4999);
    td_port(&s, "sa-http-port", 1025);
    td_port(&s, "is-tcpip-port", 1026);     /* no range rule for the store */
    evaluate(&s, &ev);
    CHECK(find(&ev, EPG_RULE_PORT_BELOW_5000, "sa-tcpip-port") != NULL);
    CHECK(find(&ev, EPG_RULE_PORT_BELOW_5000, "sa-http-port") != NULL);
    CHECK(find(&ev, EPG_RULE_PORT_BELOW_5000, "is-tcpip-port") == NULL);
    CHECK_INT(ev.findings.count, 2);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    epg_evaluation_free(&ev);
    td_port(&s, "sa-tcpip-port", 5000);
    td_port(&s, "sa-http-port", 6002);
    evaluate(&s, &ev);
    CHECK_INT(ev.findings.count, 0);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void events_for_range_rules(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    const epg_finding *f;
    epg_event_ctx ctx;
    epg_event e;

    td_snapshot(&s);
    td_port(&s, "rpc-tcpip-port", 135);
    td_port(&s, "sa-tcpip-port", 4000);
    td_sz(&s.values[td_value("ab-rpctcpport")], "6100");
    evaluate(&s, &ev);
    ctx.snap = &s;
    ctx.eval = &ev;
    f = find(&ev, EPG_RULE_PORT_BELOW_1024, "rpc-tcpip-port");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, 1220);
        CHECK_INT(e.def->level, EPG_LEVEL_ERROR);
        CHECK_CONTAINS(e.strings[0], "MSExchangeRPC\\ParametersSystem\\TCP/IP Port");
        CHECK_STR(e.strings[1], "135");
        epg_event_free(&e);
        CHECK_INT(epg_event_for(f, 0, &ctx, &e), 1);
        CHECK_INT(e.def->id, 1221);
        epg_event_free(&e);
    }
    f = find(&ev, EPG_RULE_PORT_BELOW_5000, "sa-tcpip-port");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, 1222);
        CHECK_INT(e.def->level, EPG_LEVEL_WARNING);
        epg_event_free(&e);
    }
    f = find(&ev, EPG_RULE_PORT_NOT_RECOMMENDED, "ab-rpctcpport");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, 1224);
        CHECK_INT(e.def->level, EPG_LEVEL_INFORMATION);
        CHECK_STR(e.strings[1], "6100");
        epg_event_free(&e);
    }
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void verdict_by_severity(void)
{
    epg_evaluation ev;
    epg_finding f = { 0 };

    epg_evaluation_init(&ev);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    f.rule = EPG_RULE_PORT_NOT_RECOMMENDED;
    epg_set_add(&ev.findings, &f);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    f.rule = EPG_RULE_PORT_HELD;
    epg_set_add(&ev.findings, &f);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    f.rule = EPG_RULE_PORT_EXCLUDED;    /* an error that is not a conflict */
    epg_set_add(&ev.findings, &f);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_ERRORS);
    f.rule = EPG_RULE_UNREADABLE;
    epg_set_add(&ev.findings, &f);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_UNREADABLE);
    CHECK_INT(epg_count_severity(&ev, EPG_SEV_ERROR), 2);
    CHECK_INT(epg_count_severity(&ev, EPG_SEV_INFO), 1);
    epg_evaluation_free(&ev);
}

static void exclusion_ranges_in_the_check(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    const epg_finding *f;
    epg_event_ctx ctx;
    epg_event e;
    epg_buf b;

    td_snapshot(&s);
    s.netsh_dynamic = epg_strdup("Start Port : 49152\nNumber of Ports : 16384\n");
    s.netsh_excluded = epg_strdup("Start Port    End Port\n----------    --------\n"
                                  "     49709       49808\n"
                                  "     59531       59531     *\n");
    td_port(&s, "rpc-tcpip-port", 59531);           /* cured: administered */
    td_sz(&s.values[td_value("ab-rpctcpport")], "59532");  /* not cured */
    td_port(&s, "is-tcpip-port", 49710);            /* Hyper-V's range */
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK(find(&ev, EPG_RULE_DYNAMIC_RANGE, "rpc-tcpip-port") == NULL);
    CHECK(find(&ev, EPG_RULE_PORT_EXCLUDED, "rpc-tcpip-port") == NULL);
    CHECK(find(&ev, EPG_RULE_DYNAMIC_RANGE, "ab-rpctcpport") != NULL);
    CHECK(find(&ev, EPG_RULE_DYNAMIC_RANGE, "is-tcpip-port") == NULL);
    f = find(&ev, EPG_RULE_PORT_EXCLUDED, "is-tcpip-port");
    CHECK(f != NULL);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_ERRORS);
    ctx.snap = &s;
    ctx.eval = &ev;
    if (f) {
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.def->id, EPG_EV_PORT_EXCLUDED);
        CHECK_STR(e.strings[1], "49710");
        CHECK_STR(e.strings[2], "49709");
        CHECK_STR(e.strings[3], "49808");
        epg_event_free(&e);
        epg_buf_init(&b);
        epg_finding_remedy(f, &s, &ev, &b);
        CHECK_CONTAINS(epg_buf_str(&b), "Pick a port outside the exclusion range "
                                        "49709-49808");
        epg_buf_free(&b);
    }
    f = find(&ev, EPG_RULE_DYNAMIC_RANGE, "ab-rpctcpport");
    if (f) {
        CHECK_INT(epg_event_for(f, 1, &ctx, &e), 1);
        CHECK_INT(e.nstrings, 6);
        CHECK_STR(e.strings[5], "netsh int ipv4 add excludedportrange protocol=tcp "
                                "startport=59532 numberofports=1 store=persistent");
        epg_event_free(&e);
        epg_buf_init(&b);
        epg_finding_remedy(f, &s, &ev, &b);
        CHECK_CONTAINS(epg_buf_str(&b), "startport=59532 numberofports=1 "
                                        "store=persistent");
        epg_buf_free(&b);
    }
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

int main(void)
{
    RUN(ab_defaults_only_where_the_key_exists);
    RUN(default_conflicts_only_within_its_family);
    RUN(rpctcpport_zero_is_dynamic);
    RUN(domain_controller_values);
    RUN(exchange_2010_range_rule);
    RUN(exchange_2010_range_rule_on_strings_and_out_of_range);
    RUN(exchange_2003_sa_below_5000);
    RUN(events_for_range_rules);
    RUN(verdict_by_severity);
    RUN(exclusion_ranges_in_the_check);
    return tt_summary("test_rules");
}
