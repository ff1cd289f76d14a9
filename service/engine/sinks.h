/* Where events go.  Every sink is an epg_emitter (a function and its
 * context), so the engine writes through one interface whether the event
 * ends in the Application log, on the console of "exchportguard run", or in
 * a benchmark's recorder. */
#ifndef EPG_SINKS_H
#define EPG_SINKS_H

#include <windows.h>

#include "monitor/eventloss.h"
#include "monitor/publish.h"

/* The full message ID of an event: severity bits over the 16-bit event ID,
 * exactly as the message compiler numbers it. */
DWORD event_message_id(const epg_event_def *d);

/* --- the event log ---------------------------------------------------- */
/* The two event log calls, replaceable so that a test can make them fail
 * on demand (Wine's never fail: docs/windows-fidelity.md). */
typedef struct eventlog_api {
    HANDLE(WINAPI *register_source)(LPCWSTR server, LPCWSTR source);
    BOOL(WINAPI *report)(HANDLE log, WORD type, WORD category, DWORD id, PSID sid,
                         WORD nstrings, DWORD ndata, LPCWSTR *strings, LPVOID data);
    BOOL(WINAPI *deregister_source)(HANDLE log);
} eventlog_api;

typedef struct eventlog_sink {
    const eventlog_api *api;
    HANDLE source;      /* RegisterEventSourceW; NULL until it succeeds */
    DWORD failures;     /* events not written, all told */
    DWORD last_error;
    epg_event_loss loss;    /* those not yet reported by a 1003 */
} eventlog_sink;

/* Registers the event source.  Works even when the source's registry key is
 * missing (Event Viewer then cannot render the text, but the event and its
 * insertion strings are kept).  Returns 0 or the Win32 error; after a
 * failure the sink is still usable: each event tries to register the
 * source again, and the first one written is preceded by 1003, which says
 * what was lost (common/monitor/eventloss.h). */
DWORD eventlog_open(eventlog_sink *s);
/* The same through other calls than RegisterEventSourceW/ReportEventW. */
DWORD eventlog_open_with(eventlog_sink *s, const eventlog_api *api);
void eventlog_close(eventlog_sink *s);
void eventlog_emit(void *ctx, const epg_event *e);

/* --- the console ------------------------------------------------------ */
/* Prints "<local time> <level> <id> (<category>)" and the full text,
 * rendered with FormatMessageW from this exe's own message table. */
void console_emit(void *ctx, const epg_event *e);

/* Renders an event's text from the message table (malloc'd UTF-8), or NULL
 * with *err set when the table lacks it. */
char *render_event_text(const epg_event *e, DWORD *err);

/* --- both: "run --eventlog" --------------------------------------------- */
typedef struct tee_sink {
    epg_emitter a, b;
} tee_sink;
void tee_emit(void *ctx, const epg_event *e);

#endif
