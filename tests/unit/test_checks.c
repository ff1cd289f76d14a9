/* The checks: conflicts among two, three and all values, absent values never
 * compared, the Exchange 2010 values, unusable values, unreadable keys, and
 * the verdict (exit code) each gives. */
#include <stdlib.h>

#include "check/checks.h"
#include "testdata.h"
#include "tinytest.h"

static size_t count_rule(const epg_evaluation *ev, epg_rule r)
{
    return epg_set_count_rule(&ev->findings, r);
}

static int has_conflict(const epg_evaluation *ev, const char *x, const char *y,
                        unsigned port)
{
    epg_finding f = { 0 };
    size_t a = td_value(x), b = td_value(y);

    f.rule = EPG_RULE_CONFLICT;
    f.a = (uint16_t)(a < b ? a : b);
    f.b = (uint16_t)(a < b ? b : a);
    f.port = (uint16_t)port;
    return epg_set_find(&ev->findings, &f) != NULL;
}

static void evaluate(epg_snapshot *s, epg_evaluation *ev)
{
    epg_evaluation_init(ev);
    /* These tests are about ports; the range has its own tests. */
    td_dword(&s->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(epg_evaluate(s, ev), 0);
}

static void nothing_set_is_clean(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    evaluate(&s, &ev);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(ev.usable, 0);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void usual_ports_are_clean(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "sa-http-port", 6002);
    td_port(&s, "sa-rpchttp-nspi-port", 6004);
    td_port(&s, "is-rpchttp-port", 6001);
    evaluate(&s, &ev);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(ev.usable, 3);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CLEAN);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void two_values_conflict(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-tcpip-nspi-port", 6001);
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 1);
    CHECK(has_conflict(&ev, "is-tcpip-port", "sa-tcpip-nspi-port", 6001));
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CONFLICT);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void conflict_not_only_against_the_store(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    /* Neither value is the Information Store's: still a conflict. */
    td_snapshot(&s);
    td_port(&s, "sa-tcpip-port", 6010);
    td_port(&s, "srs-tcpip-port", 6010);
    td_port(&s, "is-tcpip-port", 6011);
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 1);
    CHECK(has_conflict(&ev, "sa-tcpip-port", "srs-tcpip-port", 6010));
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void three_values_make_three_pairs(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "sa-http-port", 6001);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-tcpip-port", 6005);   /* unique: no part in it */
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 3);
    CHECK(has_conflict(&ev, "sa-http-port", "is-rpchttp-port", 6001));
    CHECK(has_conflict(&ev, "sa-http-port", "is-tcpip-port", 6001));
    CHECK(has_conflict(&ev, "is-rpchttp-port", "is-tcpip-port", 6001));
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void all_values_on_one_port(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    size_t v;

    td_snapshot(&s);
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        td_dword(&s.values[v], 5000);
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT),
              EPG_VALUE_COUNT * (EPG_VALUE_COUNT - 1) / 2);
    CHECK_INT(ev.usable, EPG_VALUE_COUNT);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void two_separate_conflicts(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "sa-http-port", 6002);
    td_port(&s, "srs-tcpip-port", 6002);
    td_port(&s, "is-tcpip-port", 6005);
    td_port(&s, "sa-tcpip-port", 6005);
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 2);
    CHECK(has_conflict(&ev, "sa-http-port", "srs-tcpip-port", 6002));
    CHECK(has_conflict(&ev, "is-tcpip-port", "sa-tcpip-port", 6005));
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void exchange_2010_values(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    /* RpcTcpPort is a REG_SZ of digits; it conflicts with the RPC Client
     * Access DWORD, and the 2010 values are compared with the 2003 ones. */
    td_snapshot(&s);
    td_sz(&s.values[td_value("ab-rpctcpport")], "59532");
    td_port(&s, "rpc-tcpip-port", 59532);
    evaluate(&s, &ev);
    CHECK(has_conflict(&ev, "rpc-tcpip-port", "ab-rpctcpport", 59532));
    epg_evaluation_free(&ev);

    epg_reading_free(&s.values[td_value("rpc-tcpip-port")]);
    td_sz(&s.values[td_value("rpc-tcpip-port")], "59531");  /* REG_SZ too */
    evaluate(&s, &ev);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(ev.usable, 2);
    epg_evaluation_free(&ev);

    td_port(&s, "is-tcpip-port", 59531);
    evaluate(&s, &ev);
    CHECK(has_conflict(&ev, "is-tcpip-port", "rpc-tcpip-port", 59531));
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void absent_values_are_never_compared(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    /* Missing keys: the values are absent, and absent is not "0". */
    s.keys[epg_value_key(td_value("srs-tcpip-port"))].state = EPG_KEY_MISSING;
    evaluate(&s, &ev);
    CHECK_INT(ev.findings.count, 0);
    CHECK_INT(ev.ports[td_value("srs-tcpip-port")].status, EPG_PORT_ABSENT);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void unusable_values_warn_and_are_not_compared(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_finding f = { 0 };

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    td_sz(&s.values[td_value("sa-tcpip-nspi-port")], "0x1771");  /* 6001 in hex */
    td_sz(&s.values[td_value("srs-tcpip-port")], " 6001");
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 0);
    CHECK_INT(count_rule(&ev, EPG_RULE_INVALID_VALUE), 2);
    f.rule = EPG_RULE_INVALID_VALUE;
    f.a = (uint16_t)td_value("srs-tcpip-port");
    f.b = EPG_NONE;
    CHECK(epg_set_find(&ev.findings, &f) != NULL);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

/* Unusable values hold no port, so two of them can never conflict, whatever
 * their data (both 0, both above 65535, both the same bad text). */
static void unusable_values_never_conflict_with_each_other(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_dword(&s.values[td_value("is-tcpip-port")], 0);
    td_dword(&s.values[td_value("sa-tcpip-port")], 0);
    td_dword(&s.values[td_value("srs-tcpip-port")], 70000);
    td_dword(&s.values[td_value("sa-tcpip-nspi-port")], 70000);
    td_sz(&s.values[td_value("ab-rpctcpport")], "abc");
    td_sz(&s.values[td_value("sa-http-port")], "abc");
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 0);
    CHECK_INT(count_rule(&ev, EPG_RULE_INVALID_VALUE), 6);
    CHECK_INT(ev.usable, 0);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

/* netsh is asked on Windows 6.0 and later while the range check is on, and
 * never before 6.0 (no such netsh context) or with the check off. */
static void netsh_is_needed_on_6x_only(void)
{
    epg_snapshot s;

    td_snapshot(&s);
    s.os_major = 6;
    CHECK_INT(epg_needs_netsh(&s), 1);
    s.os_major = 10;
    CHECK_INT(epg_needs_netsh(&s), 1);
    s.os_major = 5;
    CHECK_INT(epg_needs_netsh(&s), 0);
    s.os_major = 10;
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(epg_needs_netsh(&s), 0);
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 1);
    CHECK_INT(epg_needs_netsh(&s), 1);
    epg_snapshot_free(&s);
}

static void a_conflict_outranks_warnings(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-tcpip-port", 6001);
    td_dword(&s.values[td_value("srs-tcpip-port")], 0);
    evaluate(&s, &ev);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_CONFLICT);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void unreadable_key_outranks_everything(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    size_t k = epg_value_key(td_value("srs-tcpip-port")), v;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-tcpip-port", 6001);
    epg_key_status_set(&s.keys[k], EPG_KEY_ERROR, 5, "Access is denied.");
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (epg_value_key(v) == k)
            epg_reading_set_error(&s.values[v], 5, "Access is denied.");
    evaluate(&s, &ev);
    /* One finding for the key, not one per value in it. */
    CHECK_INT(count_rule(&ev, EPG_RULE_UNREADABLE), 1);
    CHECK_INT(count_rule(&ev, EPG_RULE_CONFLICT), 1);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_UNREADABLE);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void unreadable_single_value(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    size_t v = td_value("ab-rpctcpport");

    td_snapshot(&s);
    epg_reading_set_error(&s.values[v], 14, "Not enough memory");
    evaluate(&s, &ev);
    CHECK_INT(count_rule(&ev, EPG_RULE_UNREADABLE), 1);
    CHECK_INT(ev.findings.items[0].b, v);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_UNREADABLE);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void dynamic_range_findings(void)
{
    epg_snapshot s;
    epg_evaluation ev;

    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 50000);   /* inside 49152-65535 */
    td_port(&s, "sa-tcpip-port", 6001);    /* outside */
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK(ev.range_checked);
    CHECK_INT(count_rule(&ev, EPG_RULE_DYNAMIC_RANGE), 1);
    CHECK_INT(ev.findings.items[0].a, td_value("is-tcpip-port"));
    CHECK_INT(ev.findings.items[0].port, 50000);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_WARNINGS);
    epg_evaluation_free(&ev);

    /* CheckDynamicRange = 0 switches it off. */
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK(!ev.range_checked);
    CHECK_INT(ev.findings.count, 0);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void service_conditions(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_finding_set c;
    size_t ab = epg_value_key(td_value("ab-rpctcpport"));
    size_t own = epg_key_of_role(EPG_KEY_SETTINGS);
    size_t is = epg_value_key(td_value("is-tcpip-port"));

    td_snapshot(&s);
    epg_set_init(&c);
    s.keys[ab].state = EPG_KEY_MISSING;
    s.keys[own].state = EPG_KEY_MISSING;    /* optional: not reported */
    s.keys[is].watch_error = 5;
    td_dword(&s.settings[EPG_SET_COALESCE_MS], 70000);
    evaluate(&s, &ev);
    CHECK_INT(epg_conditions(&s, &ev, &c), 0);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_KEY_MISSING), 1);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_UNREADABLE), 1);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_SETTING_INVALID), 1);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_NO_CONFLICT), 1);
    /* Sorted in event order: settings, watch problems, keys, ..., all-clear. */
    CHECK_INT(c.items[0].rule, EPG_RULE_SETTING_INVALID);
    CHECK_INT(c.items[c.count - 1].rule, EPG_RULE_NO_CONFLICT);
    epg_evaluation_free(&ev);

    /* A conflict removes the all-clear. */
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "sa-tcpip-port", 6001);
    evaluate(&s, &ev);
    CHECK_INT(epg_conditions(&s, &ev, &c), 0);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_NO_CONFLICT), 0);
    CHECK_INT(epg_set_count_rule(&c, EPG_RULE_CONFLICT), 1);
    epg_evaluation_free(&ev);
    epg_set_free(&c);
    epg_snapshot_free(&s);
}

int main(void)
{
    RUN(nothing_set_is_clean);
    RUN(usual_ports_are_clean);
    RUN(two_values_conflict);
    RUN(conflict_not_only_against_the_store);
    RUN(three_values_make_three_pairs);
    RUN(all_values_on_one_port);
    RUN(two_separate_conflicts);
    RUN(exchange_2010_values);
    RUN(absent_values_are_never_compared);
    RUN(unusable_values_warn_and_are_not_compared);
    RUN(unusable_values_never_conflict_with_each_other);
    RUN(netsh_is_needed_on_6x_only);
    RUN(a_conflict_outranks_warnings);
    RUN(unreadable_key_outranks_everything);
    RUN(unreadable_single_value);
    RUN(dynamic_range_findings);
    RUN(service_conditions);
    return tt_summary("test_checks");
}
