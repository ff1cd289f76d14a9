#include "catalogue.h"

#include <string.h>

/* Sources: KB 270836 (Exchange 2000/2003 static port mappings), TechNet
 * aa998910 (RPC over HTTP ports), the Exchange Server Analyzer "Port
 * conflict" articles, and the Exchange 2010 static port articles; see
 * docs/exchange-ports.md.  The Information Store values are under
 * ParametersSystem, not Parameters. */
const epg_watched_value epg_values[EPG_VALUE_COUNT] = {
    { "sa-http-port", EPG_K_SA, "HTTP Port",
      "System Attendant referral (DSReferral) port for RPC over HTTP",
      EPG_EXCHANGE_2003 },
    { "sa-rpchttp-nspi-port", EPG_K_SA, "Rpc/HTTP NSPI Port",
      "System Attendant NSPI proxy (DSProxy) port for RPC over HTTP",
      EPG_EXCHANGE_2003 },
    { "is-rpchttp-port", EPG_K_IS, "Rpc/HTTP Port",
      "Information Store port for RPC over HTTP", EPG_EXCHANGE_2003 },
    { "sa-tcpip-nspi-port", EPG_K_SA, "TCP/IP NSPI Port",
      "System Attendant NSPI proxy TCP/IP port", EPG_EXCHANGE_2003 },
    { "sa-tcpip-port", EPG_K_SA, "TCP/IP Port",
      "System Attendant referral (RFR) TCP/IP port", EPG_EXCHANGE_2003 },
    { "srs-tcpip-port", EPG_K_SRS, "TCP/IP",
      "Site Replication Service TCP/IP port", EPG_EXCHANGE_2003 },
    { "is-tcpip-port", EPG_K_IS, "TCP/IP Port",
      "Information Store TCP/IP port", EPG_EXCHANGE_2003 },
    { "rpc-tcpip-port", EPG_K_RPC, "TCP/IP Port",
      "RPC Client Access TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010 },
    { "ab-rpctcpport", EPG_K_AB, "RpcTcpPort",
      "Address Book service TCP/IP port (Exchange 2010)", EPG_EXCHANGE_2010 },
};

/* The watched keys, under EPG_SERVICES_ROOT, indexed by epg_key_id. */
static const struct {
    const char *path;
    epg_key_role role;
} epg_keys[EPG_KEY_COUNT] = {
    [EPG_K_SA] = { "MSExchangeSA\\Parameters", EPG_KEY_EXCHANGE },
    [EPG_K_IS] = { "MSExchangeIS\\ParametersSystem", EPG_KEY_EXCHANGE },
    [EPG_K_SRS] = { "MSExchangeSRS\\Parameters", EPG_KEY_EXCHANGE },
    [EPG_K_RPC] = { "MSExchangeRPC\\ParametersSystem", EPG_KEY_EXCHANGE },
    [EPG_K_AB] = { "MSExchangeAB\\Parameters", EPG_KEY_EXCHANGE },
    [EPG_K_TCPIP] = { EPG_TCPIP_KEY, EPG_KEY_TCPIP },
    [EPG_K_SETTINGS] = { EPG_SETTINGS_KEY, EPG_KEY_SETTINGS },
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
    return epg_key_role_of(k) != EPG_KEY_SETTINGS;
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
    return f == EPG_EXCHANGE_2010 ? "exchange-2010" : "exchange-2003";
}
