/* What ExchPortGuard watches.
 *
 * epg_values is the one table of watched port values: every other list of
 * values in the product (the lines of event 1000, the rows of the check
 * report, the JSON) is derived from it.  Each names its key from the small
 * table of watched keys (epg_key_id), which also holds the two keys the
 * service reads besides: the TCP/IP parameters and its own settings. */
#ifndef EPG_CATALOGUE_H
#define EPG_CATALOGUE_H

#include <stddef.h>

#include "strbuf.h"

#define EPG_PRODUCT "ExchPortGuard"
/* Name of the Windows service and of its event source. */
#define EPG_SERVICE_NAME "ExchPortGuard"

/* Every watched key lives under this key of HKEY_LOCAL_MACHINE. */
#define EPG_SERVICES_ROOT "System\\CurrentControlSet\\Services"
/* How paths are shown to people and in events. */
#define EPG_DISPLAY_ROOT "HKLM\\System\\CurrentControlSet\\Services"

/* The other two keys the service reads: the TCP/IP stack's parameters (the
 * dynamic port range before Windows 6.0) and the service's own settings. */
#define EPG_TCPIP_KEY "Tcpip\\Parameters"
#define EPG_SETTINGS_KEY EPG_SERVICE_NAME "\\Parameters"

typedef enum epg_family {
    EPG_EXCHANGE_2003 = 0,  /* Exchange 2000/2003, still read by 2007 tools */
    EPG_EXCHANGE_2010
} epg_family;

/* The watched keys, in this order: the Exchange keys, then EPG_TCPIP_KEY,
 * then EPG_SETTINGS_KEY.  epg_keys in catalogue.c is their table. */
typedef enum epg_key_id {
    EPG_K_SA = 0,           /* MSExchangeSA\Parameters */
    EPG_K_IS,               /* MSExchangeIS\ParametersSystem */
    EPG_K_SRS,              /* MSExchangeSRS\Parameters */
    EPG_K_RPC,              /* MSExchangeRPC\ParametersSystem */
    EPG_K_AB,               /* MSExchangeAB\Parameters */
    EPG_K_TCPIP,
    EPG_K_SETTINGS,
    EPG_KEY_COUNT
} epg_key_id;

typedef struct epg_watched_value {
    const char *id;         /* stable short name for scripts and JSON */
    epg_key_id key;         /* which watched key holds it */
    const char *name;       /* registry value name */
    const char *component;  /* what listens on the port, for messages */
    epg_family family;
} epg_watched_value;

#define EPG_VALUE_COUNT 9
extern const epg_watched_value epg_values[EPG_VALUE_COUNT];

typedef enum epg_key_role {
    EPG_KEY_EXCHANGE = 0,   /* holds watched values */
    EPG_KEY_TCPIP,
    EPG_KEY_SETTINGS
} epg_key_role;

/* Upper bound on epg_key_count(), for arrays indexed by key. */
#define EPG_MAX_KEYS EPG_KEY_COUNT

/* The watched keys: the distinct keys of epg_values in table order, then
 * EPG_TCPIP_KEY, then EPG_SETTINGS_KEY. */
size_t epg_key_count(void);
const char *epg_key_path(size_t k);             /* under EPG_SERVICES_ROOT */
epg_key_role epg_key_role_of(size_t k);
size_t epg_key_of_role(epg_key_role role);      /* TCPIP or SETTINGS */
size_t epg_value_key(size_t v);                 /* key index of a value */

/* Whether a missing key is worth an event: an Exchange key is missing when
 * its component is not installed, which operators want to know; the
 * service's own Parameters key is optional and its absence means defaults. */
int epg_key_report_missing(size_t k);

/* "HKLM\System\CurrentControlSet\Services\<key>\<value>" */
void epg_value_path(size_t v, epg_buf *out);
/* "<key>\<value>", relative to EPG_DISPLAY_ROOT, for narrow tables. */
void epg_value_short_path(size_t v, epg_buf *out);
void epg_key_display_path(size_t k, epg_buf *out);
const char *epg_family_name(epg_family f);      /* "exchange-2003" ... */

#endif
