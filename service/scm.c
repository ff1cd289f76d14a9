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

static SERVICE_STATUS_HANDLE g_handle;
static SERVICE_STATUS g_status;
static CRITICAL_SECTION g_status_lock;
static HANDLE g_stop;

static void report_status(DWORD state, DWORD exit_code, DWORD wait_hint)
{
    EnterCriticalSection(&g_status_lock);
    /* Never go back from stopping to starting. */
    if (!(g_status.dwCurrentState == SERVICE_STOP_PENDING &&
          state == SERVICE_START_PENDING)) {
        g_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        g_status.dwCurrentState = state;
        g_status.dwWin32ExitCode = exit_code;
        g_status.dwServiceSpecificExitCode = 0;
        g_status.dwWaitHint = wait_hint;
        g_status.dwControlsAccepted =
            state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
        if (state == SERVICE_RUNNING || state == SERVICE_STOPPED)
            g_status.dwCheckPoint = 0;
        else
            g_status.dwCheckPoint++;
        SetServiceStatus(g_handle, &g_status);
    }
    LeaveCriticalSection(&g_status_lock);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data,
                                   LPVOID context)
{
    (void)type;
    (void)data;
    (void)context;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        report_status(SERVICE_STOP_PENDING, NO_ERROR, STOP_WAIT_HINT_MS);
        SetEvent(g_stop);
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
static DWORD wait_reporting(HANDLE *h, DWORD n)
{
    for (;;) {
        DWORD r = WaitForMultipleObjects(n, h, FALSE, PROGRESS_MS), state;
        if (r != WAIT_TIMEOUT)
            return r - WAIT_OBJECT_0;
        EnterCriticalSection(&g_status_lock);
        state = g_status.dwCurrentState;
        LeaveCriticalSection(&g_status_lock);
        if (state == SERVICE_START_PENDING)
            report_status(state, NO_ERROR, START_WAIT_HINT_MS);
        else if (state == SERVICE_STOP_PENDING)
            report_status(state, NO_ERROR, STOP_WAIT_HINT_MS);
    }
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    eventlog_sink log;
    engine_config cfg;
    HANDLE ready = NULL, thread = NULL, waits[2];
    DWORD err = 0, code = 0;

    (void)argc;
    (void)argv;
    g_handle = RegisterServiceCtrlHandlerExW(L"" EPG_SERVICE_NAME, control_handler, NULL);
    if (!g_handle)
        return;     /* nobody to tell; the SCM logs the failed start */
    report_status(SERVICE_START_PENDING, NO_ERROR, START_WAIT_HINT_MS);

    g_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!g_stop || !ready) {
        err = GetLastError();
        goto out;
    }
    /* Without the event source key Windows still logs the event and its
     * strings; so a missing source is no reason not to watch. */
    if (eventlog_open(&log) != 0)
        log.source = NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.stop = g_stop;
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
    if (wait_reporting(waits, 2) == 0) {
        report_status(SERVICE_RUNNING, NO_ERROR, 0);
        wait_reporting(&thread, 1);
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
    report_status(SERVICE_STOPPED, err, 0);
}

int cmd_service(int argc, WCHAR **argv)
{
    static SERVICE_TABLE_ENTRYW table[] = {
        { L"" EPG_SERVICE_NAME, service_main },
        { NULL, NULL }
    };

    (void)argc;
    (void)argv;
    InitializeCriticalSection(&g_status_lock);
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
