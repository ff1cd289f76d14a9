/* The event contract: IDs, levels, categories and insertion strings of every
 * event ExchPortGuard writes.  Once released these never change; they are
 * what Event Viewer shows and what SCOM and Windows Event Forwarding match.
 * messages/exchportguard.mc holds the wording; tests/contract checks that it,
 * docs/events.md, the SCOM management pack and the WEF subscription agree
 * with this table. */
#ifndef EPG_EVENTS_H
#define EPG_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "check/checks.h"
#include "check/findings.h"
#include "check/snapshot.h"

enum {
    EPG_EV_STARTED = 1000,
    EPG_EV_STOPPED = 1001,
    EPG_EV_SETTING_INVALID = 1002,
    EPG_EV_EVENTS_LOST = 1003,
    EPG_EV_LISTENERS_UNREADABLE = 1004,
    EPG_EV_LISTENERS_READ = 1005,
    EPG_EV_CONFLICT = 1100,
    EPG_EV_CONFLICT_CLEARED = 1101,
    EPG_EV_CONFLICT_REMINDER = 1102,
    EPG_EV_NO_CONFLICTS = 1103,
    EPG_EV_DC_CONFLICT = 1104,
    EPG_EV_DC_CONFLICT_CLEARED = 1105,
    EPG_EV_DC_CONFLICT_REMINDER = 1106,
    EPG_EV_VALUE_UNUSABLE = 1200,
    EPG_EV_VALUE_USABLE = 1201,
    EPG_EV_IN_DYNAMIC_RANGE = 1210,
    EPG_EV_OUT_OF_DYNAMIC_RANGE = 1211,
    EPG_EV_BELOW_1024 = 1220,
    EPG_EV_BELOW_1024_CLEARED = 1221,
    EPG_EV_BELOW_5000 = 1222,
    EPG_EV_BELOW_5000_CLEARED = 1223,
    EPG_EV_NOT_RECOMMENDED = 1224,
    EPG_EV_NOT_RECOMMENDED_CLEARED = 1225,
    EPG_EV_PORT_EXCLUDED = 1230,
    EPG_EV_PORT_EXCLUDED_CLEARED = 1231,
    EPG_EV_PORT_HELD = 1240,
    EPG_EV_PORT_RELEASED = 1241,
    EPG_EV_KEY_UNWATCHABLE = 1300,
    EPG_EV_KEY_WATCHED = 1301,
    EPG_EV_KEY_MISSING = 1310,
    EPG_EV_KEY_CREATED = 1311,
    EPG_EV_SUPPRESSED = 1400
};

typedef enum epg_level {
    EPG_LEVEL_INFORMATION = 1,  /* the .mc Severity values, so that the */
    EPG_LEVEL_WARNING = 2,      /* full message ID is (level << 30) | id */
    EPG_LEVEL_ERROR = 3
} epg_level;

/* Categories: message IDs 1..3 of the message table. */
enum {
    EPG_CAT_SERVICE = 1,
    EPG_CAT_CONFLICT = 2,
    EPG_CAT_CONFIGURATION = 3,
    EPG_CATEGORY_COUNT = 3
};

typedef struct epg_event_def {
    uint16_t id;
    epg_level level;
    uint16_t category;
    uint16_t nstrings;
    const char *symbol;     /* SymbolicName in the .mc file */
    /* A short name per insertion string, by position, space-separated:
     * what %1..%n mean.  docs/events.md, the .mc file and the SCOM pack
     * are checked against these (tests/contract/check_contract.py). */
    const char *params;
} epg_event_def;

extern const epg_event_def epg_event_defs[];
extern const size_t epg_event_def_count;
const epg_event_def *epg_event_def_find(uint16_t id);
const char *epg_level_name(epg_level l);        /* Information, Warning, Error */
const char *epg_category_name(uint16_t cat);    /* Service, ... */

#define EPG_EVENT_MAX_STRINGS 6

/* One event ready to be written. */
typedef struct epg_event {
    const epg_event_def *def;
    size_t nstrings;
    char *strings[EPG_EVENT_MAX_STRINGS];   /* UTF-8, owned */
} epg_event;

void epg_event_free(epg_event *e);

/* Context for wording: the newest snapshot and its evaluation. */
typedef struct epg_event_ctx {
    const epg_snapshot *snap;
    const epg_evaluation *eval;
} epg_event_ctx;

/* The event a finding's appearance (raise) or disappearance (clear) writes.
 * Returns 1 and fills e, 0 when that transition writes nothing (clearing a
 * bad setting or the all-clear), -1 when memory ran out. */
int epg_event_for(const epg_finding *f, int raise, const epg_event_ctx *ctx,
                  epg_event *e);
/* The event ID a rule's raise or clear writes, 0 when it writes nothing. */
uint16_t epg_rule_event(epg_rule r, int raise);
int epg_event_started(const epg_event_ctx *ctx, const char *version, epg_event *e);
int epg_event_stopped(epg_event *e);
int epg_event_reminder(const epg_finding *f, const epg_event_ctx *ctx, epg_event *e);
int epg_event_suppressed(uint32_t count, uint32_t seconds, uint32_t limit,
                         epg_event *e);
/* 1003: count events not written between first and last (Unix seconds),
 * the last Win32 error and its text (common/monitor/eventloss.h). */
int epg_event_lost(uint32_t count, int64_t first, int64_t last, uint32_t error,
                   const char *error_text, epg_event *e);

/* A conflict between two domain-controller values gets their own events
 * and remedy (KB 224196), not the Exchange/Outlook ones. */
int epg_conflict_is_dc(const epg_finding *f);
/* "YYYY-MM-DD hh:mm:ss UTC" */
void epg_format_utc(int64_t unix_seconds, epg_buf *out);

#endif
