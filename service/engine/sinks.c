#include "engine/sinks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "perturb.h"
#include "winutil.h"

DWORD event_message_id(const epg_event_def *d)
{
    return ((DWORD)d->level << 30) | d->id;
}

static WORD event_type(epg_level l)
{
    return l == EPG_LEVEL_ERROR ? EVENTLOG_ERROR_TYPE
           : l == EPG_LEVEL_WARNING ? EVENTLOG_WARNING_TYPE
                                    : EVENTLOG_INFORMATION_TYPE;
}

/* Converts the event's strings; returns how many were converted. */
static size_t wide_strings(const epg_event *e, WCHAR *out[EPG_EVENT_MAX_STRINGS])
{
    size_t i;

    for (i = 0; i < e->nstrings; i++) {
        out[i] = wide_from_utf8(e->strings[i]);
        if (!out[i])
            break;
    }
    return i;
}

static void free_strings(WCHAR **w, size_t n)
{
    while (n)
        free(w[--n]);
}

static const eventlog_api system_api = {
    RegisterEventSourceW, ReportEventW, DeregisterEventSource
};

DWORD eventlog_open_with(eventlog_sink *s, const eventlog_api *api)
{
    memset(s, 0, sizeof *s);
    s->api = api;
    epg_loss_init(&s->loss);
    s->source = api->register_source(NULL, L"" EPG_SERVICE_NAME);
    return s->source ? 0 : GetLastError();
}

DWORD eventlog_open(eventlog_sink *s)
{
    return eventlog_open_with(s, &system_api);
}

void eventlog_close(eventlog_sink *s)
{
    if (s->source)
        s->api->deregister_source(s->source);
    s->source = NULL;
}

/* One event into the log, registering the source first if that failed
 * before; 0 or the Win32 error. */
static uint32_t write_event(void *ctx, const epg_event *e)
{
    eventlog_sink *s = ctx;
    WCHAR *w[EPG_EVENT_MAX_STRINGS];
    size_t n;
    DWORD err = 0;

    if (!s->source) {
        s->source = s->api->register_source(NULL, L"" EPG_SERVICE_NAME);
        if (!s->source)
            return GetLastError();
    }
    EPG_PERTURB_POINT("sink.event");
    n = wide_strings(e, w);
    if (n != e->nstrings)
        err = ERROR_NOT_ENOUGH_MEMORY;
    else if (!s->api->report(s->source, event_type(e->def->level), e->def->category,
                             event_message_id(e->def), NULL, (WORD)n, 0,
                             (LPCWSTR *)w, NULL))
        err = GetLastError();
    free_strings(w, n);
    return err;
}

static char *error_text(uint32_t code)
{
    return win32_error_text(code);
}

void eventlog_emit(void *ctx, const epg_event *e)
{
    eventlog_sink *s = ctx;
    epg_log_writer w;
    uint32_t err;

    w.write = write_event;
    w.ctx = s;
    w.error_text = error_text;
    err = epg_loss_emit(&s->loss, &w, e, wall_unix());
    if (err) {
        s->failures++;
        s->last_error = err;
    }
}

char *render_event_text(const epg_event *e, DWORD *err)
{
    WCHAR *w[EPG_EVENT_MAX_STRINGS], *msg = NULL;
    DWORD_PTR args[EPG_EVENT_MAX_STRINGS + 1];
    size_t n = wide_strings(e, w), i;
    DWORD len;
    char *text = NULL;

    *err = 0;
    if (n != e->nstrings) {
        free_strings(w, n);
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    for (i = 0; i < n; i++)
        args[i] = (DWORD_PTR)w[i];
    args[n] = 0;
    /* Language 0: the message table's only language, as Event Viewer
     * would pick it. */
    len = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY |
                             FORMAT_MESSAGE_ALLOCATE_BUFFER,
                         GetModuleHandleW(NULL), event_message_id(e->def), 0,
                         (LPWSTR)&msg, 0, (va_list *)args);
    if (!len)
        *err = GetLastError();
    else
        text = utf8_from_wide(msg);
    if (msg)
        LocalFree(msg);
    free_strings(w, n);
    return text;
}

/* The category's name from the message table (IDs 1..3). */
static char *category_text(WORD category)
{
    WCHAR *msg = NULL;
    DWORD len = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_IGNORE_INSERTS |
                                   FORMAT_MESSAGE_ALLOCATE_BUFFER,
                               GetModuleHandleW(NULL), category, 0, (LPWSTR)&msg, 0, NULL);
    char *text = NULL;

    if (len) {
        while (len && (msg[len - 1] == L'\r' || msg[len - 1] == L'\n'))
            msg[--len] = L'\0';
        text = utf8_from_wide(msg);
    }
    if (msg)
        LocalFree(msg);
    return text;
}

void console_emit(void *ctx, const epg_event *e)
{
    SYSTEMTIME t;
    DWORD err;
    char *text = render_event_text(e, &err);
    char *cat = category_text(e->def->category);

    (void)ctx;
    GetLocalTime(&t);
    say("%04u-%02u-%02u %02u:%02u:%02u %s %u (%s)\n", t.wYear, t.wMonth, t.wDay,
        t.wHour, t.wMinute, t.wSecond, epg_level_name(e->def->level),
        (unsigned)e->def->id, cat ? cat : "?");
    if (text) {
        size_t len = strlen(text);
        /* Messages end with a line break of their own. */
        say("%s%s\n", text, len && text[len - 1] == '\n' ? "" : "\n");
    } else {
        char *why = win32_error_text(err);
        size_t i;
        say("(message %u is not in this program's message table: %s)\n",
            (unsigned)e->def->id, why ? why : "");
        for (i = 0; i < e->nstrings; i++)
            say("  %%%u = %s\n", (unsigned)(i + 1), e->strings[i]);
        say("\n");
        free(why);
    }
    free(text);
    free(cat);
}

void tee_emit(void *ctx, const epg_event *e)
{
    tee_sink *t = ctx;

    t->a.fn(t->a.ctx, e);
    t->b.fn(t->b.ctx, e);
}
