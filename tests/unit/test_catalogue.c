/* The catalogue: the fourteen watched values, their semantics, and the keys
 * derived from them. */
#include <string.h>

#include "check/catalogue.h"
#include "events/events.h"
#include "testdata.h"
#include "tinytest.h"

static void values_and_keys(void)
{
    size_t v, k, j;
    epg_buf b;

    CHECK_INT(EPG_VALUE_COUNT, 14);
    /* Five Exchange keys, three domain-controller keys, then Tcpip and the
     * service's own Parameters. */
    CHECK_INT(epg_key_count(), 10);
    CHECK(epg_key_count() <= EPG_MAX_KEYS);
    CHECK_STR(epg_key_path(0), "MSExchangeSA\\Parameters");
    CHECK_STR(epg_key_path(1), "MSExchangeIS\\ParametersSystem");
    CHECK_STR(epg_key_path(2), "MSExchangeSRS\\Parameters");
    CHECK_STR(epg_key_path(3), "MSExchangeRPC\\ParametersSystem");
    CHECK_STR(epg_key_path(4), "MSExchangeAB\\Parameters");
    CHECK_STR(epg_key_path(5), "NTDS\\Parameters");
    CHECK_STR(epg_key_path(6), "Netlogon\\Parameters");
    CHECK_STR(epg_key_path(7), "NtFrs\\Parameters");
    CHECK_STR(epg_key_path(8), "Tcpip\\Parameters");
    CHECK_STR(epg_key_path(9), "ExchPortGuard\\Parameters");
    CHECK_INT(epg_key_of_role(EPG_KEY_TCPIP), 8);
    CHECK_INT(epg_key_of_role(EPG_KEY_SETTINGS), 9);
    CHECK(!epg_key_report_missing(9));
    CHECK(epg_key_report_missing(0));
    CHECK(epg_key_report_missing(4));
    /* Domain-controller keys are compared only when present. */
    CHECK(!epg_key_report_missing(5));
    CHECK(!epg_key_report_missing(6));
    CHECK(!epg_key_report_missing(7));
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        k = epg_value_key(v);
        CHECK_INT(k, epg_values[v].key);
        CHECK_INT(epg_key_role_of(k), EPG_KEY_EXCHANGE);
        for (j = v + 1; j < EPG_VALUE_COUNT; j++)
            CHECK(strcmp(epg_values[v].id, epg_values[j].id) != 0);
    }
    epg_buf_init(&b);
    epg_value_path(td_value("is-tcpip-port"), &b);
    CHECK_STR(epg_buf_str(&b), "HKLM\\System\\CurrentControlSet\\Services\\"
                               "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    epg_buf_free(&b);
    CHECK_INT(epg_values[td_value("ab-rpctcpport")].family, EPG_EXCHANGE_2010);
    CHECK_INT(epg_values[td_value("rpc-tcpip-port")].family, EPG_EXCHANGE_2010);
    CHECK_INT(epg_values[td_value("ntds-tcpip-port")].family, EPG_DOMAIN_CONTROLLER);
    CHECK_STR(epg_family_name(EPG_DOMAIN_CONTROLLER), "domain-controller");
    CHECK_INT(epg_values[td_value("ab-nspihttpport")].default_port, 6004);
    CHECK_INT(epg_values[td_value("ab-rfrhttpport")].default_port, 6002);
    CHECK(epg_values[td_value("ab-rpctcpport")].zero_is_dynamic);
    CHECK_INT(epg_values[td_value("netlogon-dctcpipport")].types, EPG_TYPES_DWORD);
    CHECK_INT(epg_values[td_value("rpc-tcpip-port")].range_rule, EPG_RANGE_RULE_EX2010);
    CHECK_INT(epg_values[td_value("sa-tcpip-port")].range_rule, EPG_RANGE_RULE_EX2003);
    CHECK_INT(epg_values[td_value("sa-http-port")].range_rule, EPG_RANGE_RULE_EX2003);
    CHECK_INT(epg_value_by_id("nope"), EPG_VALUE_COUNT);
    /* Every value says who may hold its port. */
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        CHECK(epg_values[v].holder_services[0] != '\0');
}

static void utc_format(void)
{
    epg_buf b;

    epg_buf_init(&b);
    epg_format_utc(0, &b);
    CHECK_STR(epg_buf_str(&b), "1970-01-01 00:00:00 UTC");
    epg_buf_clear(&b);
    epg_format_utc(951782400, &b);      /* leap day */
    CHECK_STR(epg_buf_str(&b), "2000-02-29 00:00:00 UTC");
    epg_buf_clear(&b);
    epg_format_utc(1795688736, &b);
    CHECK_STR(epg_buf_str(&b), "2026-11-26 10:25:36 UTC");
    epg_buf_free(&b);
}

int main(void)
{
    RUN(values_and_keys);
    RUN(utc_format);
    return tt_summary("test_catalogue");
}
