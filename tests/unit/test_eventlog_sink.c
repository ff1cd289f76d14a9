/* The event log sink (service/engine/sinks.c) through event log calls that
 * fail on demand: RegisterEventSourceW failing at start and retried when
 * the next event is due, ReportEventW failing, and the 1003 written first
 * once writing works again, with its insertion strings.  Wine's own calls
 * never fail (docs/windows-fidelity.md), so this is the only way to see it
 * here.  Windows builds only. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "engine/sinks.h"
#include "tinytest.h"
#include "winutil.h"

#define FAKE_SOURCE ((HANDLE)(INT_PTR)0x4242)
#define MAXW 8

static struct {
    DWORD register_error;   /* 0: RegisterEventSourceW works */
    DWORD report_error;     /* 0: ReportEventW works */
    int registers, deregisters;
    size_t n;
    DWORD ids[MAXW];
    WORD nstrings[MAXW];
    char *strings[MAXW][EPG_EVENT_MAX_STRINGS];
} fake;

static HANDLE WINAPI fake_register(LPCWSTR server, LPCWSTR source)
{
    (void)server;
    fake.registers++;
    if (wcscmp(source, L"ExchPortGuard") != 0)
        return NULL;
    if (fake.register_error) {
        SetLastError(fake.register_error);
        return NULL;
    }
    return FAKE_SOURCE;
}

static BOOL WINAPI fake_report(HANDLE log, WORD type, WORD category, DWORD id, PSID sid,
                               WORD nstrings, DWORD ndata, LPCWSTR *strings, LPVOID data)
{
    WORD i;

    (void)type;
    (void)category;
    (void)sid;
    (void)ndata;
    (void)data;
    if (log != FAKE_SOURCE) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (fake.report_error) {
        SetLastError(fake.report_error);
        return FALSE;
    }
    if (fake.n < MAXW) {
        fake.ids[fake.n] = id;
        fake.nstrings[fake.n] = nstrings;
        for (i = 0; i < nstrings && i < EPG_EVENT_MAX_STRINGS; i++)
            fake.strings[fake.n][i] = utf8_from_wide(strings[i]);
        fake.n++;
    }
    return TRUE;
}

static BOOL WINAPI fake_deregister(HANDLE log)
{
    fake.deregisters++;
    return log == FAKE_SOURCE;
}

static const eventlog_api fake_api = { fake_register, fake_report, fake_deregister };

static void stopped_event(epg_event *e)
{
    memset(e, 0, sizeof *e);
    e->def = epg_event_def_find(EPG_EV_STOPPED);
}

static void lost_while_unregistered(void)
{
    eventlog_sink log;
    epg_event e;
    char *denied = win32_error_text(ERROR_ACCESS_DENIED);

    memset(&fake, 0, sizeof fake);
    fake.register_error = ERROR_ACCESS_DENIED;
    CHECK_INT(eventlog_open_with(&log, &fake_api), ERROR_ACCESS_DENIED);
    stopped_event(&e);
    /* Two events due while the source cannot be registered: each tries
     * again (no timer), both are lost and counted. */
    eventlog_emit(&log, &e);
    eventlog_emit(&log, &e);
    CHECK_INT(fake.registers, 3);
    CHECK_INT(fake.n, 0);
    CHECK_INT(log.failures, 2);
    CHECK_INT(log.last_error, ERROR_ACCESS_DENIED);
    /* Registering works again: 1003 first, then the event itself. */
    fake.register_error = 0;
    eventlog_emit(&log, &e);
    CHECK_INT(fake.registers, 4);
    CHECK_INT(fake.n, 2);
    CHECK_INT(fake.ids[0], 0x800003EB);     /* Warning | 1003 */
    CHECK_INT(fake.nstrings[0], 5);
    CHECK_STR(fake.strings[0][0], "2");
    CHECK_CONTAINS(fake.strings[0][1], " UTC");
    CHECK_STR(fake.strings[0][3], "5");
    CHECK_STR(fake.strings[0][4], denied);
    CHECK_INT(fake.ids[1], 0x400003E9);     /* Informational | 1001 */
    /* And the next event goes straight through. */
    eventlog_emit(&log, &e);
    CHECK_INT(fake.n, 3);
    CHECK_INT(fake.registers, 4);
    eventlog_close(&log);
    CHECK_INT(fake.deregisters, 1);
    free(denied);
}

static void lost_while_log_full(void)
{
    eventlog_sink log;
    epg_event e;

    memset(&fake, 0, sizeof fake);
    CHECK_INT(eventlog_open_with(&log, &fake_api), 0);
    stopped_event(&e);
    fake.report_error = ERROR_LOG_FILE_FULL;
    eventlog_emit(&log, &e);
    CHECK_INT(log.failures, 1);
    CHECK_INT(log.last_error, ERROR_LOG_FILE_FULL);
    fake.report_error = 0;
    eventlog_emit(&log, &e);
    CHECK_INT(fake.n, 2);
    CHECK_INT(fake.ids[0], 0x800003EB);
    CHECK_STR(fake.strings[0][0], "1");
    CHECK_STR(fake.strings[0][3], "1502");
    CHECK_INT(fake.registers, 1);       /* the handle was kept */
    eventlog_close(&log);
}

int main(void)
{
    size_t i, j;

    RUN(lost_while_unregistered);
    RUN(lost_while_log_full);
    for (i = 0; i < fake.n; i++)
        for (j = 0; j < fake.nstrings[i] && j < EPG_EVENT_MAX_STRINGS; j++)
            free(fake.strings[i][j]);
    return tt_summary("test_eventlog_sink");
}
