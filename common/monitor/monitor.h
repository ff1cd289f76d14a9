/* The monitor: the service's whole behaviour as one core object.
 *
 * The Windows shell waits, reads the registry into the monitor's snapshot
 * and hands over; the monitor decides everything else: which keys to re-read
 * after a change, when to check (coalescing), when netsh must be asked, what
 * is a finding and when it was first seen, which settings are in force, what
 * is written (the publisher and its flood limit), and when to wake next.
 * The unit tests and the fuzz target drive it with a fake clock and a
 * recording sink, exactly as the engine drives it with real ones.
 *
 * A session:
 *   read everything into epg_monitor_snapshot(), epg_monitor_started()
 *   loop:
 *     wait for a notification or epg_monitor_deadline()
 *     keys = epg_monitor_change(keys that fired, now)  or
 *     keys = epg_monitor_tick(now)
 *     if keys: read them; if epg_monitor_netsh_due(keys) ask netsh;
 *              epg_monitor_checked(wall clock, now)
 *   epg_monitor_stopping()
 *
 * Unreadable is unknown, not clear: a finding is raised only when the data
 * read proves it and cleared only when the data read proves it over.  While
 * a value cannot be read, a finding that involves it keeps its last known
 * state, unless the readable side proves it over (the partner left the
 * port).  1103 is written only when every key holding watched values was
 * read.  (`exchportguard check` says "unreadable" instead, exit code 3.) */
#ifndef EPG_MONITOR_H
#define EPG_MONITOR_H

#include <stdint.h>

#include "check/checks.h"
#include "check/snapshot.h"
#include "monitor/coalesce.h"
#include "monitor/publish.h"

/* Back-off for keys that cannot be read or watched: the only timer that
 * runs while anything is unreadable, none while everything is readable. */
#define EPG_RETRY_FIRST_MS 1000u
#define EPG_RETRY_MAX_MS (5u * 60u * 1000u)

typedef struct epg_monitor {
    epg_snapshot snap;
    epg_evaluation eval;
    epg_finding_set cur;        /* the newest known state */
    epg_finding_set prev;       /* the one before, for first-seen times */
    epg_publisher pub;
    epg_coalescer co;
    epg_emitter sink;
    uint32_t pending;           /* keys changed and not yet read */
    int netsh_asked;            /* netsh ran at least once */
    int netsh_wanted;           /* the last check wanted netsh */
    uint64_t retry_at;          /* EPG_NO_DEADLINE when nothing to retry */
    uint32_t retry_ms;
    uint64_t checks;            /* evaluations, for statistics */
    /* When the shell reads who holds which port (holders.h). */
    epg_listen_sched listen;
    int listen_wanted;          /* read once the registry is quiet */
} epg_monitor;

void epg_monitor_init(epg_monitor *m, const epg_emitter *sink);
void epg_monitor_free(epg_monitor *m);
/* Where the shell reads the registry to. */
epg_snapshot *epg_monitor_snapshot(epg_monitor *m);
/* Every key: what a session reads first. */
uint32_t epg_monitor_all_keys(void);

/* The snapshot holds everything, read just now: writes 1000 (outside the
 * flood limit), then checks.  Returns 0 or -1 (out of memory). */
int epg_monitor_started(epg_monitor *m, const char *version, int64_t wall,
                        uint64_t now);
/* Writes 1001 (outside the flood limit). */
void epg_monitor_stopping(epg_monitor *m);

/* Notifications fired for keys (bit k: key k).  Returns the keys to read
 * now, 0 when the check waits for the coalescing window.  A change of the
 * service's own Parameters key is read at once. */
uint32_t epg_monitor_change(epg_monitor *m, uint32_t keys, uint64_t now);
/* Time passed.  Writes what the flood limit and reminders have due, and
 * returns the keys to read now (the coalesced changes, and unreadable keys
 * whose retry is due; the shell re-opens their watches first). */
uint32_t epg_monitor_tick(epg_monitor *m, uint64_t now);
/* After reading keys: whether netsh must be asked before the check.  It
 * costs a process start, so only at the first check, when
 * Tcpip\Parameters changed, and when the range check is switched on. */
int epg_monitor_netsh_due(const epg_monitor *m, uint32_t keys);
/* The snapshot was read: evaluates, carries first-seen times, applies the
 * settings and publishes.  Returns 0 or -1 (out of memory: the reported
 * state stays and the next change retries). */
int epg_monitor_checked(epg_monitor *m, int64_t wall, uint64_t now);
/* When epg_monitor_tick must run next, or EPG_NO_DEADLINE. */
uint64_t epg_monitor_deadline(const epg_monitor *m);

/* Who holds the pinned ports (KB 194952, holders.h).  After every check, and when the
 * ListenerCheckMinutes period ends, the monitor wants the TCP table read,
 * but only once the registry is quiet, so neither a change's events nor a
 * storm of changes waits for it:
 *   wait with timeout 0 while epg_monitor_listeners_wanted();
 *   when the wait found nothing and epg_monitor_listeners_due(now): read
 *   the tables into the snapshot, then epg_monitor_listeners_read().
 * Due at most once a second; never with ListenerCheckMinutes 0, which
 * leaves no timer at all. */
int epg_monitor_listeners_wanted(const epg_monitor *m);
int epg_monitor_listeners_due(epg_monitor *m, uint64_t now);
/* The tables were read into the snapshot: evaluates and publishes again
 * (not counted as a check).  Returns 0 or -1 (out of memory). */
int epg_monitor_listeners_read(epg_monitor *m, int64_t wall, uint64_t now);

#endif
