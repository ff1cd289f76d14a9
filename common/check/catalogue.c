#include "check/catalogue.h"

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
    { "sa-http-port", EPG_K_SA, "HTTP Port",
      "System Attendant referral (DSReferral) port for RPC over HTTP",
      EPG_EXCHANGE_2003, EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2003, SA_SVC, "",
      EPG_TYPES_DWORD },
    { "sa-rpchttp-nspi-port", EPG_K_SA, "Rpc/HTTP NSPI Port",
      "System Attendant NSPI proxy (DSProxy) port for RPC over HTTP",
      EPG_EXCHANGE_2003, EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, SA_SVC,
      NSPI_IMAGES, EPG_TYPES_DWORD },
    { "is-rpchttp-port", EPG_K_IS, "Rpc/HTTP Port",
      "Information Store port for RPC over HTTP", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeIS", "", EPG_TYPES_DWORD },
    { "sa-tcpip-nspi-port", EPG_K_SA, "TCP/IP NSPI Port",
      "System Attendant NSPI proxy TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, SA_SVC, NSPI_IMAGES, EPG_TYPES_DWORD },
    { "sa-tcpip-port", EPG_K_SA, "TCP/IP Port",
      "System Attendant referral (RFR) TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2003, SA_SVC, "", EPG_TYPES_DWORD },
    { "srs-tcpip-port", EPG_K_SRS, "TCP/IP",
      "Site Replication Service TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeSRS", "", EPG_TYPES_DWORD },
    { "is-tcpip-port", EPG_K_IS, "TCP/IP Port",
      "Information Store TCP/IP port", EPG_EXCHANGE_2003,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_NONE, "MSExchangeIS", "", EPG_TYPES_DWORD },
    { "rpc-tcpip-port", EPG_K_RPC, "TCP/IP Port",
      "RPC Client Access TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010,
      EPG_TYPES_ANY, 0, 0, EPG_RANGE_RULE_EX2010, "MSExchangeRPC", "", EPG_TYPES_DWORD },
    { "ab-rpctcpport", EPG_K_AB, "RpcTcpPort",
      "Address Book service TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010,
      EPG_TYPES_ANY, 0, 1, EPG_RANGE_RULE_EX2010, "MSExchangeAB", "", EPG_TYPES_STRING },
    /* The Address Book service reads these as strings with defaults "6004"
     * and "6002" (docs/exchange-ports.md). */
    { "ab-nspihttpport", EPG_K_AB, "NspiHttpPort",
      "Address Book service NSPI port for RPC over HTTP (Exchange 2010)",
      EPG_EXCHANGE_2010, EPG_TYPES_ANY, 6004, 0, EPG_RANGE_RULE_NONE,
      "MSExchangeAB", NSPI_IMAGES, EPG_TYPES_STRING },
    { "ab-rfrhttpport", EPG_K_AB, "RfrHttpPort",
      "Address Book service referral (RFR) port for RPC over HTTP (Exchange 2010)",
      EPG_EXCHANGE_2010, EPG_TYPES_ANY, 6002, 0, EPG_RANGE_RULE_NONE,
      "MSExchangeAB", "", EPG_TYPES_STRING },
    /* Domain controller ports (KB 224196, KB 319553): REG_DWORD only, the
     * only type those services read. */
    { "ntds-tcpip-port", EPG_K_NTDS, "TCP/IP Port",
      "Active Directory replication and NSPI TCP/IP port", EPG_DOMAIN_CONTROLLER,
      EPG_TYPES_DWORD, 0, 0, EPG_RANGE_RULE_NONE, "NTDS;Netlogon", "lsass.exe",
      EPG_TYPES_DWORD },
    { "netlogon-dctcpipport", EPG_K_NETLOGON, "DCTcpipPort",
      "Netlogon TCP/IP port", EPG_DOMAIN_CONTROLLER, EPG_TYPES_DWORD, 0, 0,
      EPG_RANGE_RULE_NONE, "Netlogon;NTDS", "lsass.exe", EPG_TYPES_DWORD },
    { "ntfrs-rpc-port", EPG_K_NTFRS, "RPC TCP/IP Port Assignment",
      "File Replication Service RPC port", EPG_DOMAIN_CONTROLLER,
      EPG_TYPES_DWORD, 0, 0, EPG_RANGE_RULE_NONE, "NtFrs", "ntfrs.exe", EPG_TYPES_DWORD },
};

/* The watched keys, under EPG_SERVICES_ROOT, indexed by epg_key_id.  A
 * missing Exchange key is worth an event (the component is not installed);
 * the domain controller keys are compared only when present (most servers
 * are not domain controllers), and the service's own Parameters key is
 * optional (its absence means defaults). */
static const struct {
    const char *path;
    epg_key_role role;
    int report_missing;
} epg_keys[EPG_KEY_COUNT] = {
    [EPG_K_SA] = { "MSExchangeSA\\Parameters", EPG_KEY_EXCHANGE, 1 },
    [EPG_K_IS] = { "MSExchangeIS\\ParametersSystem", EPG_KEY_EXCHANGE, 1 },
    [EPG_K_SRS] = { "MSExchangeSRS\\Parameters", EPG_KEY_EXCHANGE, 1 },
    [EPG_K_RPC] = { "MSExchangeRPC\\ParametersSystem", EPG_KEY_EXCHANGE, 1 },
    [EPG_K_AB] = { "MSExchangeAB\\Parameters", EPG_KEY_EXCHANGE, 1 },
    [EPG_K_NTDS] = { "NTDS\\Parameters", EPG_KEY_EXCHANGE, 0 },
    [EPG_K_NETLOGON] = { "Netlogon\\Parameters", EPG_KEY_EXCHANGE, 0 },
    [EPG_K_NTFRS] = { "NtFrs\\Parameters", EPG_KEY_EXCHANGE, 0 },
    [EPG_K_TCPIP] = { EPG_TCPIP_KEY, EPG_KEY_TCPIP, 1 },
    [EPG_K_SETTINGS] = { EPG_SETTINGS_KEY, EPG_KEY_SETTINGS, 0 },
};

size_t epg_key_count(void)
{
    return EPG_KEY_COUNT;
}

size_t epg_value_key(size_t v)
{
    return (size_t)epg_values[v].key;
}

const char *epg_key_path(size_t k)
{
    return k < EPG_KEY_COUNT ? epg_keys[k].path : "";
}

epg_key_role epg_key_role_of(size_t k)
{
    return k < EPG_KEY_COUNT ? epg_keys[k].role : EPG_KEY_EXCHANGE;
}

size_t epg_key_of_role(epg_key_role role)
{
    return role == EPG_KEY_SETTINGS ? EPG_K_SETTINGS : EPG_K_TCPIP;
}

int epg_key_report_missing(size_t k)
{
    return k < EPG_KEY_COUNT && epg_keys[k].report_missing;
}

void epg_value_path(size_t v, epg_buf *out)
{
    epg_buf_printf(out, "%s\\%s\\%s", EPG_DISPLAY_ROOT, epg_key_path(epg_values[v].key),
                   epg_values[v].name);
}

void epg_value_short_path(size_t v, epg_buf *out)
{
    epg_buf_printf(out, "%s\\%s", epg_key_path(epg_values[v].key), epg_values[v].name);
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
