/* Events the Application log did not take, and the one event that says so
 * once writing works again.
 *
 * RegisterEventSourceW can fail at start (the event log service not yet
 * running, memory), and ReportEventW can fail later (the log full and set
 * not to overwrite, RPC errors).  Without this the service would run its
 * whole life without a log, or drop events where nobody looks.  So every
 * event goes through epg_loss_emit: the writer (the shell's, opening the
 * source again if it is not open: no timer, just when the next event is
 * due) either takes it or answers a Win32 error; failures are counted with
 * their first and last time and the last error; and before the next event
 * that can be written, event 1003 says how many were lost, between when and
 * when, and why.  Tested natively through a writer that fails on demand
 * (tests/unit/test_eventloss.c). */
#ifndef EPG_EVENTLOSS_H
#define EPG_EVENTLOSS_H

#include <stdint.h>

#include "events/events.h"

typedef struct epg_event_loss {
    uint32_t lost;          /* events not written since the last 1003 */
    int64_t first, last;    /* their wall times, Unix seconds */
    uint32_t error;         /* the Win32 error of the last failure */
} epg_event_loss;

/* Where events are written: returns 0, or the Win32 error that kept it
 * from writing e. */
typedef uint32_t (*epg_log_write_fn)(void *ctx, const epg_event *e);

typedef struct epg_log_writer {
    epg_log_write_fn write;
    void *ctx;
    /* The system's text for a Win32 error, malloc'd (NULL: none). */
    char *(*error_text)(uint32_t code);
} epg_log_writer;

void epg_loss_init(epg_event_loss *l);

/* Writes e; first, when earlier events were lost, the 1003 that says so.
 * If 1003 itself cannot be written, e is counted as lost too and nothing
 * else is tried.  now: wall time, Unix seconds.  Returns 0 or the error. */
uint32_t epg_loss_emit(epg_event_loss *l, const epg_log_writer *w,
                       const epg_event *e, int64_t now);

#endif
