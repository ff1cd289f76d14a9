#include "catalogue.h"

#include <string.h>

/* Sources: KB 270836 (Exchange 2000/2003 static port mappings), TechNet
 * aa998910 (RPC over HTTP ports), the Exchange Server Analyzer "Port
 * conflict" articles, the Exchange 2010 static port articles and gg191713,
 * KB 224196 and KB 319553 (domain controller ports); docs/exchange-ports.md
 * has them all.  The Information Store values are under ParametersSystem,
 * not Parameters.  Ids are stable: new values are appended. */
#define SA_SVC "MSExchangeSA"
/* On a global catalog lsass answers NSPI itself (docs/exchange-ports.md). */
#define NSPI_IMAGES "lsass.exe"
const epg_watched_value epg_values[EPG_VALUE_COUNT] = {
    { "sa-http-port", "MSExchangeSA\\Parameters", "HTTP Port",
      "System Attendant referral (DSReferral) port for RPC over HTTP",
      EPG_EXCHANGE_2003, EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2003, SA_SVC, "" },
    { "sa-rpchttp-nspi-port", "MSExchangeSA\\Parameters", "Rpc/HTTP NSPI Port",
      "System Attendant NSPI proxy (DSProxy) port for RPC over HTTP",
      EPG_EXCHANGE_2003, EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, SA_SVC,
      NSPI_IMAGES },
    { "is-rpchttp-port", "MSExchangeIS\\ParametersSystem", "Rpc/HTTP Port",
      "Information Store port for RPC over HTTP", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeIS", "" },
    { "sa-tcpip-nspi-port", "MSExchangeSA\\Parameters", "TCP/IP NSPI Port",
      "System Attendant NSPI proxy TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, SA_SVC, NSPI_IMAGES },
    { "sa-tcpip-port", "MSExchangeSA\\Parameters", "TCP/IP Port",
      "System Attendant referral (RFR) TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2003, SA_SVC, "" },
    { "srs-tcpip-port", "MSExchangeSRS\\Parameters", "TCP/IP",
      "Site Replication Service TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeSRS", "" },
    { "is-tcpip-port", "MSExchangeIS\\ParametersSystem", "TCP/IP Port",
      "Information Store TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeIS", "" },
    { "rpc-tcpip-port", "MSExchangeRPC\\ParametersSystem", "TCP/IP Port",
      "RPC Client Access TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2010, "MSExchangeRPC", "" },
    { "ab-rpctcpport", "MSExchangeAB\\Parameters", "RpcTcpPort",
      "Address Book service TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010,
      EPG_TYPES_ANY, 0, 1, EPG_RANGE_RULE_EX2010, "MSExchangeAB", "" },
    /* The Address Book service reads these as strings with defaults "6004"
     * and "6002" (docs/exchange-ports.md). */
    { "ab-nspihttpport", "MSExchangeAB\\Parameters", "NspiHttpPort",
      "Address Book service NSPI port for RPC over HTTP (Exchange 2010)",
      EPG_EXCHANGE_2010, EPG_TYPES_ANY, 6004, 0, EPG_RANGE_RULE_NONE,
      "MSExchangeAB", NSPI_IMAGES },
    { "ab-rfrhttpport", "MSExchangeAB\\Parameters", "RfrHttpPort",
      "Address Book service referral (RFR) port for RPC over HTTP (Exchange 2010)",
      EPG_EXCHANGE_2010, EPG_TYPES_ANY, 6002, 0, EPG_RANGE_RULE_NONE,
      "MSExchangeAB", "" },
    /* Domain controller ports (KB 224196, KB 319553): REG_DWORD only, the
     * only type those services read. */
    { "ntds-tcpip-port", "NTDS\\Parameters", "TCP/IP Port",
      "Active Directory replication and NSPI TCP/IP port", EPG_DOMAIN_CONTROLLER,
      EPG_TYPES_DWORD, 0, 0, EPG_RANGE_RULE_NONE, "NTDS;Netlogon", "lsass.exe" },
    { "netlogon-dctcpipport", "Netlogon\\Parameters", "DCTcpipPort",
      "Netlogon TCP/IP port", EPG_DOMAIN_CONTROLLER, EPG_TYPES_DWORD, 0, 0,
      EPG_RANGE_RULE_NONE, "Netlogon;NTDS", "lsass.exe" },
    { "ntfrs-rpc-port", "NtFrs\\Parameters", "RPC TCP/IP Port Assignment",
      "File Replication Service RPC port", EPG_DOMAIN_CONTROLLER,
      EPG_TYPES_DWORD, 0, 0, EPG_RANGE_RULE_NONE, "NtFrs", "ntfrs.exe" },
};

/* Index in epg_values of the first value using v's key: a key is "new" when
 * no earlier value uses it. */
static size_t first_value_with_key(size_t v)
{
    size_t i;

    for (i = 0; i < v; i++)
        if (strcmp(epg_values[i].key, epg_values[v].key) == 0)
            return i;
    return v;
}

static size_t exchange_key_count(void)
{
    size_t v, n = 0;

    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (first_value_with_key(v) == v)
            n++;
    return n;
}

size_t epg_key_count(void)
{
    return exchange_key_count() + 2;
}

size_t epg_value_key(size_t v)
{
    size_t i, k = 0, first = first_value_with_key(v);

    for (i = 0; i < first; i++)
        if (first_value_with_key(i) == i)
            k++;
    return k;
}

const char *epg_key_path(size_t k)
{
    size_t v, n = 0, ex = exchange_key_count();

    if (k == ex)
        return EPG_TCPIP_KEY;
    if (k == ex + 1)
        return EPG_SETTINGS_KEY;
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (first_value_with_key(v) == v && n++ == k)
            return epg_values[v].key;
    return "";
}

epg_key_role epg_key_role_of(size_t k)
{
    size_t ex = exchange_key_count();

    if (k == ex)
        return EPG_KEY_TCPIP;
    if (k == ex + 1)
        return EPG_KEY_SETTINGS;
    return EPG_KEY_EXCHANGE;
}

size_t epg_key_of_role(epg_key_role role)
{
    size_t ex = exchange_key_count();

    return role == EPG_KEY_SETTINGS ? ex + 1 : ex;
}

int epg_key_report_missing(size_t k)
{
    size_t v;

    if (epg_key_role_of(k) == EPG_KEY_SETTINGS)
        return 0;
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (epg_value_key(v) == k)
            return epg_values[v].family != EPG_DOMAIN_CONTROLLER;
    return 1;
}

void epg_value_path(size_t v, epg_buf *out)
{
    epg_buf_printf(out, "%s\\%s\\%s", EPG_DISPLAY_ROOT, epg_values[v].key,
                   epg_values[v].name);
}

void epg_value_short_path(size_t v, epg_buf *out)
{
    epg_buf_printf(out, "%s\\%s", epg_values[v].key, epg_values[v].name);
}

void epg_key_display_path(size_t k, epg_buf *out)
{
    epg_buf_printf(out, "%s\\%s", EPG_DISPLAY_ROOT, epg_key_path(k));
}

const char *epg_family_name(epg_family f)
{
    switch (f) {
    case EPG_EXCHANGE_2003: return "exchange-2003";
    case EPG_EXCHANGE_2010: return "exchange-2010";
    case EPG_DOMAIN_CONTROLLER: return "domain-controller";
    }
    return "exchange-2003";
}

const char *epg_range_rule_name(epg_range_rule r)
{
    switch (r) {
    case EPG_RANGE_RULE_EX2010: return "exchange-2010";
    case EPG_RANGE_RULE_EX2003: return "exchange-2003";
    case EPG_RANGE_RULE_NONE: break;
    }
    return NULL;
}

size_t epg_value_by_id(const char *id)
{
    size_t v;

    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (strcmp(epg_values[v].id, id) == 0)
            return v;
    return EPG_VALUE_COUNT;
}
