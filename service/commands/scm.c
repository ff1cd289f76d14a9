/* The Service Control Manager plumbing, and nothing else: the dispatcher,
 * ServiceMain, the control handler, and the one helper that reports status
 * and owns the checkpoint counter.  The work is engine_run's.
 *
 * Status timing (see nssm and the SetServiceStatus documentation):
 *  - START_PENDING with a wait hint and a checkpoint that rises at each
 *    milestone the engine passes (keys armed, values read, first check
 *    made), never on a timer; only then RUNNING, so a service reported
 *    running has already said what it found.  The whole start is bounded
 *    (START_LIMIT_MS): past it the service stops with ERROR_TIMEOUT.
 *  - STOP is acknowledged at once from the handler (STOP_PENDING, no
 *    controls accepted) and the teardown happens on the engine's thread.
 *    The engine sees the stop event before anything else it waits on, so
 *    it stops well within the 2-second wait hint even in a change storm.
 *  - Every SetServiceStatus result is checked, and nothing is reported
 *    after STOPPED. */
#include <windows.h>

#include <string.h>

#include "check/catalogue.h"
#include "commands/commands.h"
#include "engine/engine.h"
#include "engine/sinks.h"
#include "monitor/startwatch.h"
#include "report/report.h"
#include "winutil.h"

/* The longest step between two start milestones is the first check, which
 * may run netsh twice (dynamic range, then exclusions: NETSH_TIMEOUT_MS,
 * 10 s, each; service/readers/netsh.c) besides reading the keys; the hint
 * covers that with room to spare. */
#define START_WAIT_HINT_MS 25000
/* The whole start, however it progresses: the other milestones take
 * milliseconds, so this is the first check's worst case and a margin. */
#define START_LIMIT_MS 60000
#define STOP_WAIT_HINT_MS 2000
/* How often a starting service looks at the engine's milestone count. */
#define PROGRESS_POLL_MS 250

/* What ServiceMain and the control handler share.  The handler gets it
 * through its context argument (RegisterServiceCtrlHandlerExW), and every
 * function here through a parameter, never a global. */
typedef struct scm_state {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    CRITICAL_SECTION lock;
    HANDLE stop;
    /* STOPPED has been reported: SetServiceStatus's documentation says the
     * handle must not be used after that (the process may be ended at
     * once), so nothing, not even a late STOP from the handler, is
     * reported again. */
    int stopped;
} scm_state;

static void report_status(scm_state *sc, DWORD state, DWORD exit_code, DWORD wait_hint)
{
    SERVICE_STATUS *st = &sc->status;
    DWORD err = 0;

    EnterCriticalSection(&sc->lock);
    /* Never go back from stopping to starting, never speak after STOPPED. */
    if (!sc->stopped && !(st->dwCurrentState == SERVICE_STOP_PENDING &&
                          state == SERVICE_START_PENDING)) {
        st->dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        st->dwCurrentState = state;
        st->dwWin32ExitCode = exit_code;
        st->dwServiceSpecificExitCode = 0;
        st->dwWaitHint = wait_hint;
        st->dwControlsAccepted =
            state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
        if (state == SERVICE_RUNNING || state == SERVICE_STOPPED)
            st->dwCheckPoint = 0;
        else
            st->dwCheckPoint++;
        if (!SetServiceStatus(sc->handle, st))
            err = GetLastError();
        if (state == SERVICE_STOPPED)
            sc->stopped = 1;
    }
    LeaveCriticalSection(&sc->lock);
    /* A service's stderr reaches no console on Windows; under Wine it is
     * the session's log.  The SCM itself logs a start that never reports
     * RUNNING (event 7009/7000), which is what an operator sees. */
    if (err)
        report_error("SetServiceStatus", err);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data,
                                   LPVOID context)
{
    scm_state *sc = context;

    (void)type;
    (void)data;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report_status(sc, SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
        SetEvent(sc->stop);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* Waits for the engine to be ready (index 0) or to end (index 1) while
 * the service is START_PENDING: the checkpoint rises when the engine has
 * passed a milestone, not on a timer (common/monitor/startwatch.h).
 * Returns the WaitForMultipleObjects result, or WAIT_TIMEOUT when the start
 * took longer than START_LIMIT_MS. */
static DWORD wait_started(scm_state *sc, HANDLE *h, volatile LONG *progress)
{
    epg_start_watch w;

    epg_start_watch_init(&w, clock_ms(), START_LIMIT_MS);
    for (;;) {
        DWORD r = WaitForMultipleObjects(2, h, FALSE, PROGRESS_POLL_MS);
        if (r != WAIT_TIMEOUT)
            return r;
        switch (epg_start_watch_tick(&w, (uint32_t)InterlockedCompareExchange(progress, 0, 0),
                                     clock_ms())) {
        case EPG_START_PROGRESS:
            report_status(sc, SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);
            break;
        case EPG_START_GIVE_UP:
            return WAIT_TIMEOUT;
        default:
            break;
        }
    }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    eventlog_sink log;
    engine_config cfg;
    HANDLE ready = NULL, thread = NULL, waits[2];
    DWORD err = 0, code = 0, r;
    volatile LONG progress = 0;
    /* Static: the SCM may call the handler until the process ends. */
    static scm_state state;
    scm_state *sc = &state;

    (void)argc;
    (void)argv;
    InitializeCriticalSection(&sc->lock);
    sc->handle = RegisterServiceCtrlHandlerExW(L"" EPG_SERVICE_NAME, control_handler, sc);
    if (!sc->handle) {
        /* Nobody to tell but stderr; the SCM logs the failed start. */
        report_error("RegisterServiceCtrlHandlerExW", GetLastError());
        return;
    }
    report_status(sc, SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);

    sc->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!sc->stop || !ready) {
        err = GetLastError();
        goto out;
    }
    /* A failed RegisterEventSourceW is retried when the next event is due
     * (service/engine/sinks.c), so the service watches either way. */
    eventlog_open(&log);
    memset(&cfg, 0, sizeof cfg);
    cfg.stop = sc->stop;
    cfg.ready = ready;
    cfg.version = EPG_VERSION;
    cfg.sink.fn = eventlog_emit;
    cfg.sink.ctx = &log;
    cfg.progress = &progress;
    thread = engine_start(&cfg);
    if (!thread) {
        err = GetLastError();
        eventlog_close(&log);
        goto out;
    }
    waits[0] = ready;
    waits[1] = thread;
    r = wait_started(sc, waits, &progress);
    if (r == WAIT_OBJECT_0) {
        report_status(sc, SERVICE_RUNNING, NO_ERROR, 0);
        r = WaitForSingleObject(thread, INFINITE);
    } else if (r == WAIT_TIMEOUT) {
        /* The start took too long: stop the engine (it sees the stop event
         * before anything else, netsh included) and say why. */
        report_status(sc, SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
        SetEvent(sc->stop);
        r = WaitForSingleObject(thread, INFINITE);
        err = ERROR_TIMEOUT;
    }
    if (r == WAIT_FAILED) {
        /* Cannot tell when the engine ends: ask it to stop and end the
         * process with STOPPED carrying the reason.  The engine may still
         * be writing, so its sink stays open (the process ends anyway). */
        err = report_error("waiting for the engine", GetLastError());
        SetEvent(sc->stop);
        goto out;
    }
    if (!err) {
        /* The engine has returned: stopped on request, or failed to start. */
        if (!GetExitCodeThread(thread, &code))
            code = report_error("GetExitCodeThread", GetLastError());
        err = code;
    }
    eventlog_close(&log);
out:
    if (thread)
        CloseHandle(thread);
    if (ready)
        CloseHandle(ready);
    /* The SCM records a non-zero exit code and logs it (event 7023/7024
     * with the error's text); with the failure actions flag set
     * (service/commands/install.c) it also runs the failure actions. */
    report_status(sc, SERVICE_STOPPED, err, 0);
}

int cmd_service(int argc, WCHAR **argv)
{
    static SERVICE_TABLE_ENTRYW table[] = {
        { L"" EPG_SERVICE_NAME, service_main },
        { NULL, NULL }
    };

    (void)argc;
    (void)argv;
    if (!StartServiceCtrlDispatcherW(table)) {
        DWORD e = GetLastError();
        if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            complain("exchportguard service: this is the entry point the Service "
                     "Control Manager starts; to watch in a console use "
                     "\"exchportguard run\"\n");
            return EXIT_USAGE;
        }
        report_error("StartServiceCtrlDispatcher", e);
        return 1;
    }
    return 0;
}
