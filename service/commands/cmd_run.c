/* exchportguard run: the service's engine in a console.  Every event is
 * printed with its full text from this exe's message table, which is also
 * how the tests prove the message table is in the exe. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "engine/engine.h"
#include "engine/sinks.h"
#include "report/report.h"
#include "winutil.h"

static HANDLE g_stop;

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        SetEvent(g_stop);
        return TRUE;    /* the engine writes 1001 and returns */
    default:
        return FALSE;
    }
}

int cmd_run(int argc, WCHAR **argv)
{
    int to_log = 0, i;
    eventlog_sink log;
    tee_sink tee;
    engine_config cfg;
    HANDLE thread;
    DWORD err, code = 0;

    for (i = 0; i < argc; i++) {
        if (!wcscmp(argv[i], L"--eventlog")) {
            to_log = 1;
        } else {
            return bad_option("run", argv[i]);
        }
    }
    g_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!g_stop) {
        report_error("CreateEvent", GetLastError());
        return 1;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.stop = g_stop;
    cfg.version = EPG_VERSION;
    cfg.sink.fn = console_emit;
    cfg.sink.ctx = NULL;
    if (to_log) {
        /* A failure is said, and each event tries again
         * (service/engine/sinks.h). */
        err = eventlog_open(&log);
        if (err)
            report_error("RegisterEventSource(ExchPortGuard)", err);
        tee.a = cfg.sink;
        tee.b.fn = eventlog_emit;
        tee.b.ctx = &log;
        cfg.sink.fn = tee_emit;
        cfg.sink.ctx = &tee;
    }
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
    complain("exchportguard: watching; press Ctrl+C to stop\n");
    thread = engine_start(&cfg);
    if (!thread) {
        report_error("CreateThread", GetLastError());
        return 1;
    }
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    if (code)
        report_error("watching the registry", code);
    if (to_log) {
        if (log.failures)
            complain("exchportguard: %lu event(s) could not be written to the "
                     "event log (last error %lu)\n", (unsigned long)log.failures,
                     (unsigned long)log.last_error);
        eventlog_close(&log);
    }
    CloseHandle(g_stop);
    return code ? 1 : 0;
}
