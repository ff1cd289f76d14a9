/* The dynamic port range: before Windows 6.0 from MaxUserPort and
 * ReservedPorts (including malformed lines), from 6.0 on from the override,
 * netsh or the documented default; and netsh's localized output. */
#include <stdlib.h>

#include "check/dynrange.h"
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
    CHECK_STR(epg_buf_str(&r.notes), EPG_NOTE_NO_EXCLUSION_RANGES);
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
    CHECK_STR(epg_buf_str(&r.notes), EPG_NOTE_NO_EXCLUSION_RANGES);
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
    CHECK_STR(epg_buf_str(&r.notes), EPG_NOTE_NO_EXCLUSION_RANGES);
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
    /* Said once, also about the exclusions, which were not asked for. */
    CHECK_CONTAINS(epg_buf_str(&r.notes), "port exclusion ranges: not checked (netsh "
                                          "gave no dynamic port range");
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

/* German and Japanese (UTF-8 here; netsh writes the OEM code page, and only
 * the digits matter) shapes of the exclusion table, with a Hyper-V range. */
static const char excluded_de[] =
    "\nProtokoll tcp Portausschlussbereiche\n\n"
    "Startport    Endport\n"
    "----------    --------\n"
    "      5357        5357\n"
    "     49709       49808\n"
    "     59531       59531     *\n\n"
    "* - Verwaltete Portausschl\xc3\xbcsse.\n";
static const char excluded_ja[] =
    "\r\n\xe3\x83\x97\xe3\x83\xad\xe3\x83\x88\xe3\x82\xb3\xe3\x83\xab tcp\r\n\r\n"
    "\xe9\x96\x8b\xe5\xa7\x8b\xe3\x83\x9d\xe3\x83\xbc\xe3\x83\x88    \xe7\xb5\x82\xe4\xba\x86\r\n"
    "----------    --------\r\n"
    "\t49709\t49808\r\n"
    "     50000       50059     *\r\n";
/* French, as netsh writes it in the OEM code page 850 ("d\x82but"), from a
 * public paste of real output. */
static const char excluded_fr[] =
    "\r\nProtocole tcp Plages d'exclusion de ports\r\n\r\n"
    "Port de d\x82" "but    Port de fin\r\n"
    "-------------    -----------\r\n"
    "      5357        5357\r\n"
    "     50000       50059     *\r\n\r\n"
    "* - Exclusions de ports administr\x82s.\r\n";
static const char excluded_none[] =
    "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\n"
    "Start Port    End Port\r\n"
    "----------    --------\r\n\r\n"
    "* - Administered port exclusions.\r\n";

static void exclusions_two_kinds(void)
{
    epg_dynrange_input in = { 0 };
    epg_dynrange r;
    epg_span spans[8];
    epg_buf b;

    CHECK_INT(epg_netsh_parse_excluded(excluded_en, spans, 8), 2);
    CHECK_INT(spans[0].administered, 0);
    CHECK_INT(spans[1].administered, 1);
    CHECK_INT(epg_netsh_parse_excluded(excluded_de, spans, 8), 3);
    CHECK_INT(spans[1].lo, 49709);
    CHECK_INT(spans[1].hi, 49808);
    CHECK_INT(spans[1].administered, 0);
    CHECK_INT(spans[2].administered, 1);
    CHECK_INT(epg_netsh_parse_excluded(excluded_fr, spans, 8), 2);
    CHECK(epg_netsh_excluded_understood(excluded_fr));
    CHECK_INT(spans[0].lo, 5357);
    CHECK_INT(spans[0].administered, 0);
    CHECK_INT(spans[1].administered, 1);
    CHECK_INT(epg_netsh_parse_excluded(excluded_ja, spans, 8), 2);
    CHECK_INT(spans[0].lo, 49709);
    CHECK_INT(spans[1].administered, 1);

    in.os_major = 10;
    in.netsh_dynamic = netsh_de;
    in.netsh_excluded = excluded_de;
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NETSH);
    /* Reserved by the system: nobody else binds it, and it is no longer
     * handed out either, so it is not "in the dynamic range". */
    CHECK(epg_dynrange_blocking(&r, 49709) != NULL);
    CHECK(epg_dynrange_blocking(&r, 49808) != NULL);
    CHECK(epg_dynrange_blocking(&r, 49810) == NULL);
    CHECK(!epg_dynrange_holds(&r, 49750));
    /* Administered: the cure for the dynamic-range warning, and bindable. */
    CHECK(epg_dynrange_blocking(&r, 59531) == NULL);
    CHECK(!epg_dynrange_holds(&r, 59531));
    CHECK(epg_dynrange_holds(&r, 59532));
    epg_buf_init(&b);
    epg_dynrange_remedy(&r, 59532, &b);
    CHECK_STR(epg_buf_str(&b), "netsh int ipv4 add excludedportrange protocol=tcp "
                               "startport=59532 numberofports=1 store=persistent");
    epg_buf_free(&b);
    epg_dynrange_free(&r);

    /* No exclusions at all: understood, nothing excluded. */
    in.netsh_excluded = excluded_none;
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NETSH);
    CHECK_INT(r.excluded_count, 0);
    CHECK_INT(r.notes.len, 0);
    epg_dynrange_free(&r);
}

static void exclusions_not_checked_said_once(void)
{
    epg_dynrange_input in = { 0 };
    epg_dynrange r;

    /* Windows 6.0 has no exclusion ranges. */
    in.os_major = 6;
    in.os_minor = 0;
    in.netsh_dynamic = netsh_en;
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NONE);
    CHECK_STR(epg_buf_str(&r.notes),
              "port exclusion ranges: not checked (Windows 6.0 has none)");
    epg_dynrange_free(&r);
    /* 2008 R2 without hotfix 2665809: netsh fails; the reason is kept. */
    in.os_minor = 1;
    in.netsh_excluded_note = "netsh ended with exit code 1";
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NONE);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "port exclusion ranges: not checked "
                                          "(netsh ended with exit code 1");
    CHECK_CONTAINS(epg_buf_str(&r.notes), "2665809");
    epg_dynrange_free(&r);
    /* Output that is not the table (Wine prints nothing; garbage; a table
     * of numbers without the rule of dashes) proves nothing. */
    in.netsh_excluded = "";
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NONE);
    CHECK_CONTAINS(epg_buf_str(&r.notes), "printed no table that could be read");
    epg_dynrange_free(&r);
    in.netsh_excluded = "1 2\n3 4\n";
    compute(&in, &r);
    CHECK_INT(r.excl_source, EPG_EXCL_NONE);
    CHECK_INT(r.excluded_count, 0);
    epg_dynrange_free(&r);
    CHECK(!epg_netsh_excluded_understood("- a\n"));
    CHECK(!epg_netsh_excluded_understood("Start - End\n"));
    CHECK(epg_netsh_excluded_understood("x\n  --  ---\r\n"));
    /* Before 6.0 the remedy is ReservedPorts. */
    in.os_major = 5;
    in.os_minor = 2;
    compute(&in, &r);
    {
        epg_buf b;
        epg_buf_init(&b);
        epg_dynrange_remedy(&r, 4000, &b);
        CHECK_CONTAINS(epg_buf_str(&b), "add the line 4000-4000 to the REG_MULTI_SZ "
                                        "value HKLM\\System\\CurrentControlSet\\"
                                        "Services\\Tcpip\\Parameters\\ReservedPorts");
        epg_buf_free(&b);
    }
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
    RUN(exclusions_two_kinds);
    RUN(exclusions_not_checked_said_once);
    return tt_summary("test_dynrange");
}
