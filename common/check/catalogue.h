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
#include <stdint.h>

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

/* Which product reads a value.  Decides which effective defaults a value is
 * compared with, which remedy a conflict gets, and whether a missing key is
 * worth an event (docs/exchange-ports.md). */
typedef enum epg_family {
    EPG_EXCHANGE_2003 = 0,  /* Exchange 2000/2003, still read by 2007 tools */
    EPG_EXCHANGE_2010,
    EPG_DOMAIN_CONTROLLER   /* Active Directory, Netlogon, FRS */
} epg_family;

/* The watched keys, in this order: the Exchange keys, the domain
 * controller keys, then EPG_TCPIP_KEY, then EPG_SETTINGS_KEY.  epg_keys in
 * catalogue.c is their table. */
typedef enum epg_key_id {
    EPG_K_SA = 0,           /* MSExchangeSA\Parameters */
    EPG_K_IS,               /* MSExchangeIS\ParametersSystem */
    EPG_K_SRS,              /* MSExchangeSRS\Parameters */
    EPG_K_RPC,              /* MSExchangeRPC\ParametersSystem */
    EPG_K_AB,               /* MSExchangeAB\Parameters */
    EPG_K_NTDS,             /* NTDS\Parameters */
    EPG_K_NETLOGON,         /* Netlogon\Parameters */
    EPG_K_NTFRS,            /* NtFrs\Parameters */
    EPG_K_TCPIP,
    EPG_K_SETTINGS,
    EPG_KEY_COUNT
} epg_key_id;

/* Registry types a value may hold (a mask). */
#define EPG_TYPES_DWORD 1u
#define EPG_TYPES_STRING 2u     /* REG_SZ or REG_EXPAND_SZ of decimal digits */
#define EPG_TYPES_ANY (EPG_TYPES_DWORD | EPG_TYPES_STRING)

/* The analyzers' range rules (docs/exchange-ports.md, "Range rules"). */
typedef enum epg_range_rule {
    EPG_RANGE_RULE_NONE = 0,
    EPG_RANGE_RULE_EX2010,  /* 1-1023 error; outside 59531-60554 a notice */
    EPG_RANGE_RULE_EX2003   /* below 5000 a warning (KB 155831) */
} epg_range_rule;

/* Exchange 2010 analyzer (gg191713) and KB 155831. */
#define EPG_EX2010_MIN_PORT 1024
#define EPG_EX2010_RECOMMENDED_LO 59531
#define EPG_EX2010_RECOMMENDED_HI 60554
#define EPG_EX2003_MIN_PORT 5000

typedef struct epg_watched_value {
    const char *id;         /* stable short name for scripts and JSON */
    epg_key_id key;         /* which watched key holds it */
    const char *name;       /* registry value name */
    const char *component;  /* what listens on the port, for messages */
    epg_family family;
    unsigned types;         /* EPG_TYPES_*: what the component reads */
    /* The port the component uses when the value is absent but its key
     * exists; 0 when absent means a dynamic port. */
    uint16_t default_port;
    int zero_is_dynamic;    /* the data 0 means "dynamic", not a mistake */
    epg_range_rule range_rule;
    /* Who may legitimately hold the port: service names and process image
     * names, ';'-separated (see holders.h). */
    const char *holder_services;
    const char *holder_images;
    /* The type the component's documentation gives the value
     * (EPG_TYPES_DWORD or EPG_TYPES_STRING): what fix creates an absent
     * value as (docs/exchange-ports.md, "created as"). */
    unsigned native_type;
} epg_watched_value;

#define EPG_VALUE_COUNT 14
extern const epg_watched_value epg_values[EPG_VALUE_COUNT];

typedef enum epg_key_role {
    EPG_KEY_EXCHANGE = 0,   /* holds watched values */
    EPG_KEY_TCPIP,
    EPG_KEY_SETTINGS
} epg_key_role;

/* Upper bound on epg_key_count(), for arrays indexed by key. */
#define EPG_MAX_KEYS EPG_KEY_COUNT

/* The watched keys, indexed by epg_key_id. */
size_t epg_key_count(void);
const char *epg_key_path(size_t k);             /* under EPG_SERVICES_ROOT */
epg_key_role epg_key_role_of(size_t k);
size_t epg_key_of_role(epg_key_role role);      /* TCPIP or SETTINGS */
size_t epg_value_key(size_t v);                 /* key index of a value */

/* Whether a missing key is worth an event: an Exchange key is missing when
 * its component is not installed, which operators want to know; the
 * domain-controller keys are compared only when present (most servers are
 * not domain controllers), and the service's own Parameters key is optional
 * and its absence means defaults. */
int epg_key_report_missing(size_t k);

/* "HKLM\System\CurrentControlSet\Services\<key>\<value>" */
void epg_value_path(size_t v, epg_buf *out);
/* "<key>\<value>", relative to EPG_DISPLAY_ROOT, for narrow tables. */
void epg_value_short_path(size_t v, epg_buf *out);
void epg_key_display_path(size_t k, epg_buf *out);
const char *epg_family_name(epg_family f);      /* "exchange-2003" ... */
const char *epg_range_rule_name(epg_range_rule r); /* null-able token */

/* Index of a value by its id, or EPG_VALUE_COUNT when there is none. */
size_t epg_value_by_id(const char *id);

#endif
