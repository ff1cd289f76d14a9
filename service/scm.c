/* The Service Control Manager plumbing, and nothing else: the dispatcher,
 * ServiceMain, the control handler, and the one helper that reports status
 * and owns the checkpoint counter.  The work is engine_run's.
 *
 * Status timing (see nssm and the SetServiceStatus documentation):
 *  - START_PENDING with a wait hint and a rising checkpoint until the first
 *    check has been made and its events written; only then RUNNING, so a
 *    service reported running has already said what it found.
 *  - STOP is acknowledged at once from the handler (STOP_PENDING, no
 *    controls accepted) and the teardown happens on the engine's thread;
 *    while it runs the checkpoint keeps rising.  The engine sees the stop
 *    event before anything else it waits on, so it stops well within the
 *    2-second wait hint even in a change storm. */
#include <windows.h>

#include <string.h>

#include "catalogue.h"
#include "commands.h"
#include "engine.h"
#include "report.h"
#include "sinks.h"
#include "winutil.h"

#define START_WAIT_HINT_MS 5000
#define STOP_WAIT_HINT_MS 2000
#define PROGRESS_MS 500

/* What the handler and ServiceMain share; the handler gets it through its
 * context argument (RegisterServiceCtrlHandlerExW), not through globals. */
typedef struct scm_state {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    CRITICAL_SECTION lock;
    HANDLE stop;
} scm_state;

static void report_status(scm_state *sc, DWORD state, DWORD exit_code, DWORD wait_hint)
{
    SERVICE_STATUS *st = &sc->status;

    EnterCriticalSection(&sc->lock);
    /* Never go back from stopping to starting. */
    if (!(st->dwCurrentState == SERVICE_STOP_PENDING &&
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
        /* Nobody reads a service's stderr; the SCM's own log then shows
         * the service as hung, which is the best that can be done. */
        if (!SetServiceStatus(sc->handle, st))
            report_error("SetServiceStatus", GetLastError());
    }
    LeaveCriticalSection(&sc->lock);
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

/* Waits for one of h while keeping the SCM informed: while the service is
 * in a pending state, each PROGRESS_MS raises that state's checkpoint.
 * Returns the index of the handle that was signalled. */
static DWORD wait_reporting(scm_state *sc, HANDLE *h, DWORD n)
{
    for (;;) {
        DWORD r = WaitForMultipleObjects(n, h, FALSE, PROGRESS_MS), state;
        if (r != WAIT_TIMEOUT)
            return r - WAIT_OBJECT_0;
        EnterCriticalSection(&sc->lock);
        state = sc->status.dwCurrentState;
        LeaveCriticalSection(&sc->lock);
        if (state == SERVICE_START_PENDING)
            report_status(sc, state, NO_ERROR, START_WAIT_HINT_MS);
        else if (state == SERVICE_STOP_PENDING)
            report_status(sc, state, NO_ERROR, STOP_WAIT_HINT_MS);
    }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    eventlog_sink log;
    engine_config cfg;
    HANDLE ready = NULL, thread = NULL, waits[2];
    DWORD err = 0, code = 0;
    /* Lives until the process ends: the SCM may call the handler until
     * SERVICE_STOPPED is reported, and the dispatcher returns after it. */
    static scm_state state;
    scm_state *sc = &state;

    (void)argc;
    (void)argv;
    memset(sc, 0, sizeof *sc);
    InitializeCriticalSection(&sc->lock);
    sc->handle = RegisterServiceCtrlHandlerExW(L"" EPG_SERVICE_NAME, control_handler, sc);
    if (!sc->handle) {
        report_error("RegisterServiceCtrlHandlerEx", GetLastError());
        return;     /* nobody to tell; the SCM logs the failed start */
    }
    report_status(sc, SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);

    sc->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!sc->stop || !ready) {
        err = GetLastError();
        goto out;
    }
    /* Without the event source key Windows still logs the event and its
     * strings; so a missing source is no reason not to watch. */
    if (eventlog_open(&log) != 0)
        log.source = NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.stop = sc->stop;
    cfg.ready = ready;
    cfg.version = EPG_VERSION;
    cfg.sink.fn = eventlog_emit;
    cfg.sink.ctx = &log;
    thread = engine_start(&cfg);
    if (!thread) {
        err = GetLastError();
        eventlog_close(&log);
        goto out;
    }
    waits[0] = ready;
    waits[1] = thread;
    if (wait_reporting(sc, waits, 2) == 0) {
        report_status(sc, SERVICE_RUNNING, NO_ERROR, 0);
        wait_reporting(sc, &thread, 1);
    }
    /* The engine has returned: stopped on request, or failed to start. */
    GetExitCodeThread(thread, &code);
    err = code;
    eventlog_close(&log);
out:
    if (thread)
        CloseHandle(thread);
    if (ready)
        CloseHandle(ready);
    /* The SCM records a non-zero exit code and logs it (event 7023/7024
     * with the error's text). */
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
