/* The operating system's dynamic (ephemeral) TCP port range, and which ports
 * are excluded from it.  A static Exchange port inside the range can be taken
 * by another program's outbound connection before Exchange starts (KB 194952).
 *
 * Where the range comes from (docs/exchange-ports.md):
 *   before Windows 6.0   1025..MaxUserPort (default 5000) minus ReservedPorts
 *   Windows 6.0 and on   the operator's override under our Parameters key,
 *                        else what netsh reports, else 49152-65535 (KB 929851)
 * Every result names its source, so an operator can tell a measured range
 * from an assumed one. */
#ifndef EPG_DYNRANGE_H
#define EPG_DYNRANGE_H

#include <stddef.h>
#include <stdint.h>

#include "check/regdata.h"
#include "strbuf.h"

typedef enum epg_range_source {
    EPG_RANGE_MAXUSERPORT = 0,  /* Tcpip\Parameters\MaxUserPort */
    EPG_RANGE_LEGACY_DEFAULT,   /* before 6.0, MaxUserPort absent or unusable */
    EPG_RANGE_OVERRIDE,         /* DynamicPortStart/DynamicPortCount */
    EPG_RANGE_NETSH,            /* netsh int ipv4 show dynamicport tcp */
    EPG_RANGE_DEFAULT           /* 6.0 and later, nothing better known */
} epg_range_source;

typedef struct epg_span {
    uint16_t lo, hi;
    /* An administered exclusion (netsh marks it '*'; every ReservedPorts
     * line is one): the system no longer hands its ports out as ephemeral
     * ports, but a program that asks for one may still bind it.  The other
     * kind (Hyper-V, WinNAT, the persistent port reservation API) cannot be
     * bound by anyone else: binding fails with WSAEACCES (10013).  See
     * docs/exchange-ports.md "Ports that cannot be bound". */
    uint8_t administered;
} epg_span;

/* Hyper-V hosts show dozens of ranges; more are noted, not read. */
#define EPG_MAX_EXCLUSIONS 256

typedef enum epg_excl_source {
    EPG_EXCL_NONE = 0,          /* nothing is known to be excluded */
    EPG_EXCL_RESERVED_PORTS,    /* Tcpip\Parameters\ReservedPorts */
    EPG_EXCL_NETSH              /* netsh int ipv4 show excludedportrange */
} epg_excl_source;

typedef struct epg_dynrange {
    epg_range_source source;
    uint16_t start, end;
    epg_excl_source excl_source;
    epg_span excluded[EPG_MAX_EXCLUSIONS];
    size_t excluded_count;
    epg_buf notes;              /* problems met, "; "-separated */
    uint32_t os_major, os_minor;
} epg_dynrange;

typedef struct epg_dynrange_input {
    uint32_t os_major, os_minor;
    const epg_reading *max_user_port;
    const epg_reading *reserved_ports;
    int override;               /* override_start/count are valid */
    uint32_t override_start, override_count;
    const char *netsh_dynamic;  /* output of the command, NULL if not run */
    const char *netsh_excluded;
    const char *netsh_note;     /* why netsh gave nothing, or NULL */
    const char *netsh_excluded_note;    /* why the exclusions are missing */
} epg_dynrange_input;

void epg_dynrange_compute(const epg_dynrange_input *in, epg_dynrange *out);
void epg_dynrange_free(epg_dynrange *r);
/* Inside the range and not excluded from it. */
int epg_dynrange_holds(const epg_dynrange *r, uint16_t port);
/* Whether exclusion x of r keeps every other program from binding its
 * ports: a netsh range not marked '*'. */
int epg_span_blocks(const epg_dynrange *r, const epg_span *x);
/* The exclusion range that keeps every other program from binding port,
 * or NULL. */
const epg_span *epg_dynrange_blocking(const epg_dynrange *r, uint16_t port);
/* The same as a span for wording: port-port when there is none (a cleared
 * finding's range may be gone). */
epg_span epg_dynrange_blocking_span(const epg_dynrange *r, uint16_t port);
/* What makes a port inside the range safe, as a person types it: on
 * Windows 6.1 and later the exact netsh command that adds an administered
 * exclusion for it; before 6.0 the ReservedPorts line (KB 812873); on 6.0,
 * which has neither, a port outside the range.  This is event 1210's last
 * insertion string. */
void epg_dynrange_remedy(const epg_dynrange *r, uint16_t port, epg_buf *out);

/* Stable token for JSON: maxuserport, legacy-default, override, netsh,
 * default. */
const char *epg_range_source_token(epg_range_source s);
/* The full "where the range came from" text of event 1210. */
void epg_dynrange_describe(const epg_dynrange *r, epg_buf *out);
/* The same without the notes, for the report's findings: the report's
 * range line says the notes once. */
void epg_dynrange_describe_source(const epg_dynrange *r, epg_buf *out);

/* Parsers, exposed for tests.  netsh's text is localized, so only numbers
 * are read: the dynamic port output has exactly two "label : number" lines
 * (start port, number of ports); the exclusion output has lines of two
 * numbers (start, end) optionally followed by '*'. */
int epg_netsh_parse_dynamic(const char *text, uint32_t *start, uint32_t *count);
size_t epg_netsh_parse_excluded(const char *text, epg_span *out, size_t max);
/* Whether text looks like the exclusion table at all: it has the rule of
 * dashes under the (localized) column heads.  Without it an empty result
 * would be read as "no exclusions" from output that is something else. */
int epg_netsh_excluded_understood(const char *text);

/* Said once on Windows before 6.0, which has no exclusion ranges (the
 * issue: absent support is "not checked"). */
#define EPG_NOTE_NO_EXCLUSION_RANGES "port exclusion ranges: not checked " \
    "(Windows before 6.0 has none; ReservedPorts is read instead)"

/* Windows before 6.0 (Windows 2000, XP, Server 2003). */
#define EPG_LEGACY_START 1025
#define EPG_LEGACY_DEFAULT_MAXUSERPORT 5000
#define EPG_MAXUSERPORT_MIN 5000
#define EPG_MAXUSERPORT_MAX 65534
/* Windows 6.0 and later (KB 929851). */
#define EPG_DEFAULT_START 49152
#define EPG_DEFAULT_END 65535

#endif
