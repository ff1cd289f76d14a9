/* The catalogue: the nine watched values and the keys derived from them. */
#include <string.h>

#include "catalogue.h"
#include "events.h"
#include "testdata.h"
#include "tinytest.h"

static void values_and_keys(void)
{
    size_t v, k, j;
    epg_buf b;

    CHECK_INT(EPG_VALUE_COUNT, 9);
    /* Five Exchange keys, then Tcpip and the service's own Parameters. */
    CHECK_INT(epg_key_count(), 7);
    CHECK(epg_key_count() <= EPG_MAX_KEYS);
    CHECK_STR(epg_key_path(0), "MSExchangeSA\\Parameters");
    CHECK_STR(epg_key_path(1), "MSExchangeIS\\ParametersSystem");
    CHECK_STR(epg_key_path(2), "MSExchangeSRS\\Parameters");
    CHECK_STR(epg_key_path(3), "MSExchangeRPC\\ParametersSystem");
    CHECK_STR(epg_key_path(4), "MSExchangeAB\\Parameters");
    CHECK_STR(epg_key_path(5), "Tcpip\\Parameters");
    CHECK_STR(epg_key_path(6), "ExchPortGuard\\Parameters");
    CHECK_INT(epg_key_of_role(EPG_KEY_TCPIP), 5);
    CHECK_INT(epg_key_of_role(EPG_KEY_SETTINGS), 6);
    CHECK(!epg_key_report_missing(6));
    CHECK(epg_key_report_missing(0));
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
