/* Findings and finding sets.  A finding is an identity (rule, what it is
 * about, the port); its wording is derived from the evaluation it came from,
 * so the same identity in two checks is the same finding, whatever changed
 * around it.  The service diffs the set it last reported against the set of
 * the newest check and writes one event per transition. */
#ifndef EPG_FINDINGS_H
#define EPG_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

/* The order here is the order events are written in at start: settings and
 * watch problems first (they qualify what follows), then the findings, and
 * "no conflicts" last. */
typedef enum epg_rule {
    EPG_RULE_SETTING_INVALID = 0,   /* service only: a bad setting (1002) */
    EPG_RULE_UNREADABLE,            /* a key or value cannot be read (1300) */
    EPG_RULE_LISTENERS_UNREADABLE,  /* service only: TCP table unread (1004) */
    EPG_RULE_KEY_MISSING,           /* service only: key absent (1310) */
    EPG_RULE_CONFLICT,              /* two values share a port (1100) */
    EPG_RULE_INVALID_VALUE,         /* a value is not a usable port (1200) */
    EPG_RULE_PORT_BELOW_1024,       /* Exchange 2010 port 1-1023 (1220) */
    EPG_RULE_PORT_EXCLUDED,         /* in a system exclusion range (1230) */
    EPG_RULE_PORT_HELD,             /* held by another process (1240) */
    EPG_RULE_PORT_BELOW_5000,       /* Exchange 2003 SA port < 5000 (1222) */
    EPG_RULE_DYNAMIC_RANGE,         /* a port in the dynamic range (1210) */
    EPG_RULE_PORT_NOT_RECOMMENDED,  /* 2010 port outside 59531-60554 (1224) */
    EPG_RULE_NO_CONFLICT,           /* service only: the all-clear (1103) */
    EPG_RULE_COUNT
} epg_rule;

typedef enum epg_severity {
    EPG_SEV_INFO = 0,
    EPG_SEV_WARNING,
    EPG_SEV_ERROR
} epg_severity;

/* Stable names: conflict, invalid-value, dynamic-range, unreadable,
 * key-missing, setting-invalid, no-conflict, port-below-1024,
 * port-below-5000, port-not-recommended, port-excluded, port-held,
 * listeners-unreadable. */
const char *epg_rule_name(epg_rule r);
epg_severity epg_rule_severity(epg_rule r);
const char *epg_severity_name(epg_severity s);  /* info, warning, error */

#define EPG_NONE 0xFFFFu

typedef struct epg_finding {
    epg_rule rule;
    /* conflict: the two values, a < b (catalogue order)
     * invalid-value, dynamic-range, port-below-*, port-not-recommended,
     * port-excluded, port-held: a = value (port-held: data_hash = the
     * holder's process ID)
     * unreadable: a = key, b = value, or EPG_NONE for the whole key
     * key-missing: a = key;  setting-invalid: a = setting */
    uint16_t a, b;
    uint16_t port;          /* conflict and every rule about one port */
    uint32_t data_hash;     /* setting-invalid: which exact data was bad */
    int64_t first_seen;     /* Unix time; not part of the identity */
} epg_finding;

typedef struct epg_finding_set {
    epg_finding *items;
    size_t count, cap;
} epg_finding_set;

void epg_set_init(epg_finding_set *s);
void epg_set_free(epg_finding_set *s);
void epg_set_clear(epg_finding_set *s);
/* Returns 0, or -1 when memory ran out. */
int epg_set_add(epg_finding_set *s, const epg_finding *f);
int epg_set_copy(epg_finding_set *dst, const epg_finding_set *src);
/* Sorts by identity; the diff and lookups need sorted sets. */
void epg_set_sort(epg_finding_set *s);
int epg_finding_cmp(const epg_finding *x, const epg_finding *y);
epg_finding *epg_set_find(const epg_finding_set *s, const epg_finding *f);
int epg_set_remove(epg_finding_set *s, const epg_finding *f);
/* Inserts keeping the set sorted; no duplicate identities. */
int epg_set_insert(epg_finding_set *s, const epg_finding *f);
size_t epg_set_count_rule(const epg_finding_set *s, epg_rule r);

/* Of two sorted sets: what old has and cur lacks (cleared) and what cur has
 * and old lacks (raised), both sorted.  Returns 0 or -1 (out of memory). */
int epg_findings_diff(const epg_finding_set *old, const epg_finding_set *cur,
                      epg_finding_set *cleared, epg_finding_set *raised);
/* Gives every finding of cur that old also holds old's first_seen. */
void epg_findings_carry(const epg_finding_set *old, epg_finding_set *cur);

#endif
