/* From findings to events: the publisher remembers what the event log has
 * been told (the reported set) and, after every check, writes one event per
 * difference between that and the newest conditions.
 *
 * Order: clears first, then raises, each in catalogue order (a key's 1311
 * before the findings under it).  At start, and whenever the flood limit
 * cannot take every transition at once, by the level of the event
 * instead: Error, then Warning, then Information, so the errors are read
 * first and 1103 last.
 *
 * The flood limit (MaxEventsPerMinute): a transition the limit refuses
 * leaves the reported set as it was and is owed.  What is owed is always
 * the difference between the reported set and the newest conditions, so a
 * raise and a later clear of the same finding cancel out and nothing stale
 * is ever written.  The first refusal opens an episode; while it lasts,
 * nothing more is written; when it ends one 1400 says how many transitions
 * were held back, then the owed ones follow, Errors first, as many as the
 * sliding window allows, the rest at the next moment it has room.  A
 * transition already counted in an episode opens no new one, so one episode
 * writes one 1400 however many windows its backlog takes. */
#ifndef EPG_PUBLISH_H
#define EPG_PUBLISH_H

#include <stdint.h>

#include "check/findings.h"
#include "check/settings.h"
#include "events/events.h"
#include "monitor/ratelimit.h"

typedef void (*epg_emit_fn)(void *ctx, const epg_event *e);

typedef struct epg_emitter {
    epg_emit_fn fn;
    void *ctx;
} epg_emitter;

typedef struct epg_publisher {
    epg_finding_set reported;
    epg_ratelimit rl;
    uint32_t reminder_ms;       /* 0: no reminders */
    uint64_t next_reminder;     /* EPG_NO_DEADLINE when none is due */
    epg_finding_set cleared, raised;
    /* Transitions refused and counted, still owed. */
    epg_finding_set owed_clear, owed_raise;
    int published;              /* epg_publish ran at least once */
    uint64_t written;           /* events handed to the emitter */
    uint64_t suppressed_total;
} epg_publisher;

void epg_publisher_init(epg_publisher *p);
void epg_publisher_free(epg_publisher *p);
/* Applies MaxEventsPerMinute and ReminderMinutes. */
void epg_publisher_configure(epg_publisher *p, const epg_settings *s, uint64_t now);
/* Writes the transitions from the reported set to cur (sorted).  Returns 0,
 * or -1 when memory ran out (the reported set stays consistent). */
int epg_publish(epg_publisher *p, const epg_finding_set *cur,
                const epg_event_ctx *ctx, uint64_t now, const epg_emitter *out);
/* Writes an event outside the flood limit (start, stop). */
void epg_publish_always(epg_publisher *p, const epg_event *e, const epg_emitter *out);
/* When epg_publisher_tick must next run, or EPG_NO_DEADLINE. */
uint64_t epg_publisher_deadline(const epg_publisher *p);
/* Ends a suppression episode (1400, then the state still owed), writes
 * owed transitions the window has room for, and due reminders (1102). */
int epg_publisher_tick(epg_publisher *p, const epg_finding_set *cur,
                       const epg_event_ctx *ctx, uint64_t now,
                       const epg_emitter *out);

#endif
