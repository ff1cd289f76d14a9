/* The dynamic port range: before Windows 6.0 from MaxUserPort and
 * ReservedPorts (including malformed lines), from 6.0 on from the override,
 * netsh or the documented default; and netsh's localized output. */
#include <stdlib.h>

#include "dynrange.h"
#include "testdata.h"
#include "tinytest.h"

static void compute(epg_dynrange_input *in, epg_dynrange *r)
{
    epg_dynrange_compute(in, r);
}

static epg_dynrange_input legacy(const epg_reading *mup, const epg_reading *rp)
{
    epg_dynrange_input in = { 0 };

    in.os_major = 5;
    in.max_user_port = mup;
    in.reserved_ports = rp;
    return in;
}

static void legacy_without_max_user_port(void)
{
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;

    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_LEGACY_DEFAULT);
    CHECK_INT(r.start, 1025);
    CHECK_INT(r.end, 5000);
    CHECK(epg_dynrange_holds(&r, 1025));
    CHECK(epg_dynrange_holds(&r, 5000));
    CHECK(!epg_dynrange_holds(&r, 5001));
    CHECK(!epg_dynrange_holds(&r, 1024));
    CHECK_INT(r.notes.len, 0);
    epg_dynrange_free(&r);
}

static void legacy_with_max_user_port(void)
{
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;
    epg_buf d;

    /* Exchange 2003 setup often sets 60000. */
    td_dword(&mup, 60000);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_MAXUSERPORT);
    CHECK_INT(r.end, 60000);
    CHECK(epg_dynrange_holds(&r, 6001));
    CHECK(!epg_dynrange_holds(&r, 60001));
    epg_buf_init(&d);
    epg_dynrange_describe(&r, &d);
    CHECK_CONTAINS(epg_buf_str(&d), "MaxUserPort (60000)");
    CHECK_CONTAINS(epg_buf_str(&d), "configured");
    epg_buf_free(&d);
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
}

static void legacy_max_user_port_unusable(void)
{
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;

    td_dword(&mup, 70000);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_LEGACY_DEFAULT);
    CHECK_INT(r.end, 5000);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "70000 is outside 5000-65534");
    epg_dynrange_free(&r);

    td_sz(&mup, "60000");
    compute(&in, &r);
    CHECK_INT(r.end, 5000);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "REG_SZ");
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
}

/* Both ends of the documented 5000-65534 are values Windows takes: each is
 * a configured range, not a fallback to the default. */
static void legacy_max_user_port_bounds(void)
{
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;

    td_dword(&mup, 5000);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_MAXUSERPORT);
    CHECK_INT(r.end, 5000);
    CHECK_INT(r.notes.len, 0);
    epg_dynrange_free(&r);

    td_dword(&mup, 65534);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_MAXUSERPORT);
    CHECK_INT(r.end, 65534);
    epg_dynrange_free(&r);

    td_dword(&mup, 4999);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_LEGACY_DEFAULT);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "4999 is outside 5000-65534");
    epg_dynrange_free(&r);

    td_dword(&mup, 65535);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_LEGACY_DEFAULT);
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
}

static void legacy_reserved_ports(void)
{
    static const char *const lines[] = { "1433-1434", "5990-6010", NULL };
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;

    td_dword(&mup, 60000);
    td_multi_sz(&rp, lines);
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_RESERVED_PORTS);
    CHECK_INT(r.excluded_count, 2);
    CHECK(!epg_dynrange_holds(&r, 1433));
    CHECK(!epg_dynrange_holds(&r, 6001));
    CHECK(!epg_dynrange_holds(&r, 5990));
    CHECK(!epg_dynrange_holds(&r, 6010));
    CHECK(epg_dynrange_holds(&r, 6011));
    CHECK(epg_dynrange_holds(&r, 1435));
    CHECK_INT(r.notes.len, 0);
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
    epg_reading_free(&rp);
}

static void legacy_malformed_reserved_ports(void)
{
    static const char *const lines[] = {
        "6001-6002", "abc", "7000", "8000-7000", "0-10", "9000-70000",
        " 6100-6101", "6200-6201-6202", "6300--6301", NULL
    };
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;
    const char *n;

    td_dword(&mup, 60000);
    td_multi_sz(&rp, lines);
    compute(&in, &r);
    /* Only the good line counts; every bad one is named in the notes. */
    CHECK_INT(r.excluded_count, 1);
    CHECK(!epg_dynrange_holds(&r, 6001));
    CHECK(epg_dynrange_holds(&r, 7000));
    CHECK(epg_dynrange_holds(&r, 6100));
    n = epg_buf_str(&r.notes);
    CHECK_CONTAINS(n, "\"abc\" is not low-high");
    CHECK_CONTAINS(n, "\"7000\" is not low-high");
    CHECK_CONTAINS(n, "\"8000-7000\"");
    CHECK_CONTAINS(n, "\"0-10\"");
    CHECK_CONTAINS(n, "\"9000-70000\"");
    CHECK_CONTAINS(n, "\" 6100-6101\"");
    CHECK_CONTAINS(n, "\"6200-6201-6202\"");
    CHECK_CONTAINS(n, "\"6300--6301\"");
    epg_dynrange_free(&r);

    /* The wrong type is ignored, and said so. */
    td_sz(&rp, "6001-6002");
    compute(&in, &r);
    CHECK_INT(r.excluded_count, 0);
    CHECK(epg_dynrange_holds(&r, 6001));
    CHECK_CONTAINS(epg_buf_str(&r.notes), "not a REG_MULTI_SZ list");
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
    epg_reading_free(&rp);
}

static void modern_ignores_max_user_port(void)
{
    epg_reading mup = { 0 }, rp = { 0 };
    epg_dynrange_input in = legacy(&mup, &rp);
    epg_dynrange r;
    epg_buf d;

    in.os_major = 6;
    td_dword(&mup, 60000);
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_DEFAULT);
    CHECK_INT(r.start, 49152);
    CHECK_INT(r.end, 65535);
    CHECK(!epg_dynrange_holds(&r, 6001));
    epg_buf_init(&d);
    epg_dynrange_describe(&r, &d);
    CHECK_CONTAINS(epg_buf_str(&d), "assumed");
    epg_buf_free(&d);
    epg_dynrange_free(&r);
    epg_reading_free(&mup);
}

static const char netsh_en[] =
    "\r\nProtocol tcp Dynamic Port Range\r\n"
    "---------------------------------\r\n"
    "Start Port      : 10000\r\n"
    "Number of Ports : 1000\r\n\r\n";

/* German output: only the numbers matter. */
static const char netsh_de[] =
    "\nProtokoll tcp Dynamischer Portbereich\n"
    "---------------------------------\n"
    "Startport       : 49152\n"
    "Anzahl Ports    : 16384\n";

static const char excluded_en[] =
    "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\n"
    "Start Port    End Port\r\n"
    "----------    --------\r\n"
    "      1433        1433\r\n"
    "     50000       50059     *\r\n\r\n"
    "* - Administered port exclusions.\r\n";

static void modern_from_netsh(void)
{
    epg_dynrange_input in = { 0 };
    epg_dynrange r;
    epg_buf d;

    in.os_major = 10;
    in.netsh_dynamic = netsh_en;
    in.netsh_excluded = excluded_en;
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_NETSH);
    CHECK_INT(r.start, 10000);
    CHECK_INT(r.end, 10999);
    CHECK_INT(r.excl_source, EPG_EXCL_NETSH);
    CHECK_INT(r.excluded_count, 2);
    epg_buf_init(&d);
    epg_dynrange_describe(&r, &d);
    CHECK_CONTAINS(epg_buf_str(&d), "measured: netsh int ipv4 show dynamicport tcp");
    epg_buf_free(&d);
    epg_dynrange_free(&r);

    in.netsh_dynamic = netsh_de;
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_NETSH);
    CHECK_INT(r.start, 49152);
    CHECK_INT(r.end, 65535);
    CHECK(!epg_dynrange_holds(&r, 50000));  /* administered exclusion */
    CHECK(!epg_dynrange_holds(&r, 50059));
    CHECK(epg_dynrange_holds(&r, 50060));
    epg_dynrange_free(&r);
}

static void modern_netsh_unusable_falls_back(void)
{
    epg_dynrange_input in = { 0 };
    epg_dynrange r;

    in.os_major = 10;
    in.netsh_dynamic = "";      /* Wine's netsh prints nothing */
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_DEFAULT);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "reported no range that could be read");
    epg_dynrange_free(&r);

    in.netsh_dynamic = NULL;
    in.netsh_note = "netsh could not be started: file not found (error 2)";
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_DEFAULT);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "netsh could not be started");
    epg_dynrange_free(&r);
}

static void modern_override_wins(void)
{
    epg_dynrange_input in = { 0 };
    epg_dynrange r;

    in.os_major = 6;
    in.netsh_dynamic = netsh_en;
    in.override = 1;
    in.override_start = 5000;
    in.override_count = 2000;
    compute(&in, &r);
    CHECK_INT(r.source, EPG_RANGE_OVERRIDE);
    CHECK_INT(r.start, 5000);
    CHECK_INT(r.end, 6999);
    CHECK(epg_dynrange_holds(&r, 6001));
    epg_dynrange_free(&r);
}

static void netsh_parsers(void)
{
    uint32_t start = 0, count = 0;
    epg_span spans[4];

    CHECK_INT(epg_netsh_parse_dynamic(netsh_en, &start, &count), 0);
    CHECK_INT(start, 10000);
    CHECK_INT(count, 1000);
    CHECK_INT(epg_netsh_parse_dynamic("Start : 1\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_dynamic("a : 1\nb : 2\nc : 3\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_dynamic("a : 65000\nb : 1000\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_dynamic("a : 0\nb : 10\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_dynamic("a : 1x\nb : 10\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_dynamic("a : 1234567\nb : 10\n", &start, &count), -1);
    CHECK_INT(epg_netsh_parse_excluded(excluded_en, spans, 4), 2);
    CHECK_INT(spans[1].lo, 50000);
    CHECK_INT(spans[1].hi, 50059);
    CHECK_INT(epg_netsh_parse_excluded("10 5\n1 2 3\n70000 70001\nx\n", spans, 4), 0);
    CHECK_INT(epg_netsh_parse_excluded("1 1\n2 2\n3 3\n", spans, 2), 2);
}

int main(void)
{
    RUN(legacy_without_max_user_port);
    RUN(legacy_with_max_user_port);
    RUN(legacy_max_user_port_unusable);
    RUN(legacy_max_user_port_bounds);
    RUN(legacy_reserved_ports);
    RUN(legacy_malformed_reserved_ports);
    RUN(modern_ignores_max_user_port);
    RUN(modern_from_netsh);
    RUN(modern_netsh_unusable_falls_back);
    RUN(modern_override_wins);
    RUN(netsh_parsers);
    return tt_summary("test_dynrange");
}
