/* The check report: the text table and the JSON (well-formed, every
 * documented member present, findings named). */
#include <stdlib.h>
#include <string.h>

#include "jsoncheck.h"
#include "report/report.h"
#include "testdata.h"
#include "tinytest.h"

static void render(epg_snapshot *s, int json, epg_buf *out)
{
    epg_evaluation ev;

    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(s, &ev), 0);
    epg_buf_init(out);
    if (json)
        epg_report_json(s, &ev, out);
    else
        epg_report_text(s, &ev, out);
    epg_evaluation_free(&ev);
}

static void busy_snapshot(epg_snapshot *s)
{
    static const uint8_t three[3] = { 1, 2, 3 };

    td_snapshot(s);
    td_port(s, "is-tcpip-port", 6001);
    td_port(s, "sa-tcpip-nspi-port", 6001);
    td_port(s, "sa-http-port", 50000);
    td_sz(&s->values[td_value("srs-tcpip-port")], "say \"hi\"\\\x01");
    td_bytes(&s->values[td_value("sa-tcpip-port")], EPG_REG_DWORD, three, 3);
    s->keys[epg_value_key(td_value("ab-rpctcpport"))].state = EPG_KEY_MISSING;
    td_dword(&s->settings[EPG_SET_COALESCE_MS], 70000);
}

static void text_report(void)
{
    epg_snapshot s;
    epg_buf out;
    const char *t;

    busy_snapshot(&s);
    render(&s, 0, &out);
    t = epg_buf_str(&out);
    CHECK_CONTAINS(t, "1 conflict(s), 0 other error(s), 3 warning(s), 0 "
                      "notice(s) (exit code 2)");
    CHECK_CONTAINS(t, "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    CHECK_CONTAINS(t, "6001                      conflict\n");
    CHECK_CONTAINS(t, "INVALID");
    CHECK_CONTAINS(t, "50000                     dynamic-range\n");
    CHECK_CONTAINS(t, "not set (dynamic port)");
    CHECK_CONTAINS(t, "Keys not present (component not installed): "
                      "MSExchangeAB\\Parameters");
    CHECK_CONTAINS(t, "Dynamic port range: 49152-65535, assumed");
    CHECK_CONTAINS(t, "ERROR    conflict: Port 6001 is held by both "
                      "HKLM\\System\\CurrentControlSet\\Services\\MSExchangeSA\\"
                      "Parameters\\TCP/IP NSPI Port");
    CHECK_CONTAINS(t, "Remedy: ");
    CHECK_CONTAINS(t, "just above 5000");
    CHECK_CONTAINS(t, "WARNING  invalid-value: ");
    CHECK_CONTAINS(t, "WARNING  dynamic-range: ");
    CHECK_CONTAINS(t, "Setting HKLM\\System\\CurrentControlSet\\Services\\"
                      "ExchPortGuard\\Parameters\\CoalesceMilliseconds is not used");
    epg_buf_free(&out);
    epg_snapshot_free(&s);

    /* Each value's row names every finding about it, each rule once, and
     * an effective default shows as such. */
    td_snapshot(&s);
    td_port(&s, "is-tcpip-port", 6001);
    td_port(&s, "is-rpchttp-port", 6001);
    td_port(&s, "sa-tcpip-port", 6001);
    td_port(&s, "sa-http-port", 4000);
    td_dword(&s.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    render(&s, 0, &out);
    t = epg_buf_str(&out);
    CHECK_CONTAINS(t, "6001                      conflict\n");
    CHECK(strstr(t, "conflict, conflict") == NULL);
    CHECK_CONTAINS(t, "4000                      port-below-5000\n");
    CHECK_CONTAINS(t, "absent, default 6004      ok\n");
    CHECK_CONTAINS(t, "3 conflict(s), 0 other error(s), 1 warning(s), 0 notice(s) "
                      "(exit code 2)");
    CHECK_CONTAINS(t, "WARNING  port-below-5000: ");
    CHECK_CONTAINS(t, "Remedy: Set it to a port of 5000 or above");
    epg_buf_free(&out);
    epg_snapshot_free(&s);

    td_snapshot(&s);
    td_port(&s, "is-rpchttp-port", 6001);
    render(&s, 0, &out);
    CHECK_CONTAINS(epg_buf_str(&out), "No findings: the 1 configured port(s) "
                                      "are unique.");
    CHECK_CONTAINS(epg_buf_str(&out), "(exit code 0)");
    epg_buf_free(&out);
    epg_snapshot_free(&s);
}

static void json_report(void)
{
    epg_snapshot s;
    epg_buf out;
    const char *j;
    static const char *const members[] = {
        "\"schema\": \"exchportguard-check/2\"", "\"product_version\": ",
        "\"exit_code\": 2", "\"verdict\": \"errors\"", "\"summary\": ",
        "\"errors\": 1, \"warnings\": 3, \"information\": 0, \"conflicts\": 1",
        "\"configured_ports\": 3", "\"values\": [", "\"keys\": [",
        "\"dynamic_range\": {\"checked\": true, \"start\": 49152",
        "\"source\": \"default\"", "\"settings\": [", "\"findings\": [",
        "\"rule\": \"conflict\"", "\"rule\": \"invalid-value\"",
        "\"rule\": \"dynamic-range\"", "\"port\": 6001",
        "\"values\": [\"sa-tcpip-nspi-port\", \"is-tcpip-port\"]",
        "\"state\": \"missing\"", "\"state\": \"invalid\"",
        /* the data's backslash is shown \x5C (docs/events.md) */
        "\"data\": \"\\\"say \\\"hi\\\"\\\\x5C\\\\x01\\\"\"", NULL
    };
    size_t i;

    busy_snapshot(&s);
    render(&s, 1, &out);
    j = epg_buf_str(&out);
    CHECK(json_ok(j));
    for (i = 0; members[i]; i++)
        CHECK_CONTAINS(j, members[i]);
    epg_buf_free(&out);
    epg_snapshot_free(&s);

    /* Clean and unreadable configurations are well-formed too. */
    td_snapshot(&s);
    render(&s, 1, &out);
    CHECK(json_ok(epg_buf_str(&out)));
    CHECK_CONTAINS(epg_buf_str(&out), "\"verdict\": \"clean\"");
    CHECK_CONTAINS(epg_buf_str(&out), "\"findings\": []");
    epg_buf_free(&out);
    epg_key_status_set(&s.keys[0], EPG_KEY_ERROR, 5, "Access is denied.");
    render(&s, 1, &out);
    CHECK(json_ok(epg_buf_str(&out)));
    CHECK_CONTAINS(epg_buf_str(&out), "\"verdict\": \"unreadable\"");
    CHECK_CONTAINS(epg_buf_str(&out), "\"error\": {\"code\": 5, \"text\": "
                                      "\"Access is denied.\"}");
    epg_buf_free(&out);
    epg_snapshot_free(&s);
}

static void json_checker_rejects_garbage(void)
{
    /* The checker above must be able to fail, or the test proves nothing. */
    CHECK(!json_ok("{\"a\": }"));
    CHECK(!json_ok("{\"a\": 1,}"));
    CHECK(!json_ok("[\"x\ty\"]"));
    CHECK(!json_ok("{\"a\": 1} x"));
    CHECK(json_ok("{\"a\": [1, -2, null, true, \"\\u00e9\"]}"));
}

int main(void)
{
    RUN(text_report);
    RUN(json_report);
    RUN(json_checker_rejects_garbage);
    return tt_summary("test_report");
}
