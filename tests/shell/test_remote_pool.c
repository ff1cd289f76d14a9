/* The pool that reads remote computers (service/readers/remote_pool.c), with a
 * stand-in for remote_read: the parallel bound, a computer whose read never
 * ends reported as timed out without waiting for it, a failed connection
 * reported with its Win32 error, and every other computer still read; the
 * cap on threads when readers hang (docs/fleet.md): 1,000 computers that
 * never answer end within the documented bound, with the threads counted,
 * and the process ends with readers still inside the call.
 * Runs under Wine with the unit tests (RegConnectRegistryW itself is
 * exercised end to end by tests/wine/test_fleet.py). */
#include <windows.h>
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>

#include "readers/remote_pool.h"
#include "testdata.h"
#include "tinytest.h"

static volatile LONG now_reading, most_reading, slow_finished;

static void count_in(void)
{
    LONG n = InterlockedIncrement(&now_reading), m;

    while ((m = most_reading) < n)
        InterlockedCompareExchange(&most_reading, n, m);
}

static volatile LONG hung_inside, thread_peak;
static HANDLE never;    /* an event nobody sets: HANG* waits on it */

/* Threads of this process now (Toolhelp's thread list, which Windows and
 * Wine both fill), or -1. */
static LONG threads_now(void)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te;
    DWORD self = GetCurrentProcessId();
    LONG n = 0;
    BOOL ok;

    if (snap == INVALID_HANDLE_VALUE)
        return -1;
    memset(&te, 0, sizeof te);
    te.dwSize = sizeof te;
    for (ok = Thread32First(snap, &te); ok; ok = Thread32Next(snap, &te))
        n += te.th32OwnerProcessID == self;
    CloseHandle(snap);
    return n;
}

static void note_threads(void)
{
    LONG n = threads_now(), m;

    while ((m = thread_peak) < n)
        InterlockedCompareExchange(&thread_peak, n, m);
}

/* SLOW* never answers in time, HANG* never answers at all, LATE* answers
 * after 700 ms, BAD* is not found, others hold a conflict. */
static DWORD fake_read(const WCHAR *name, epg_snapshot *s)
{
    if (!wcsncmp(name, L"HANG", 4)) {
        InterlockedIncrement(&hung_inside);
        note_threads();
        WaitForSingleObject(never, INFINITE);
        return ERROR_SUCCESS;
    }
    if (!wcsncmp(name, L"LATE", 4)) {
        Sleep(700);
        return ERROR_BAD_NETPATH;
    }
    if (!wcsncmp(name, L"SLOW", 4)) {
        Sleep(20000);
        InterlockedIncrement(&slow_finished);
        return ERROR_SUCCESS;
    }
    count_in();
    Sleep(100);
    InterlockedDecrement(&now_reading);
    if (!wcsncmp(name, L"BAD", 3))
        return ERROR_BAD_NETPATH;
    td_snapshot(s);
    s->os_major = 5;
    s->os_minor = 2;
    td_port(s, "is-tcpip-port", 6001);
    td_port(s, "sa-tcpip-nspi-port", 6001);
    return ERROR_SUCCESS;
}

static size_t progress_calls, last_done;

static void progress(void *ctx, size_t done, size_t total, const epg_computer *c)
{
    (void)ctx;
    (void)total;
    if (getenv("EPG_TRACE_POOL"))
        fprintf(stderr, "%lu %s %s\n", (unsigned long)GetTickCount(), c->name,
                epg_computer_verdict_name(c));
    progress_calls++;
    last_done = done;
}

static void fleet_of(epg_fleet *f, const char *const *names)
{
    epg_fleet_init(f);
    for (; *names; names++)
        epg_fleet_add(f, *names, NULL);
    progress_calls = last_done = 0;
}

static void test_parallel_bound(void)
{
    static const char *const names[] = { "EX01", "EX02", "EX03", "EX04", "EX05",
                                         "EX06", NULL };
    epg_fleet f;
    size_t i;

    fleet_of(&f, names);
    most_reading = 0;
    remote_pool_run(&f, 0, 2, 30000, fake_read, progress, NULL, 0);
    CHECK_INT(most_reading, 2);
    CHECK_INT(progress_calls, 6);
    for (i = 0; i < f.count; i++) {
        CHECK_INT(f.items[i].state, EPG_COMPUTER_READ);
        CHECK_INT(epg_computer_verdict(&f.items[i]), 2);
    }
    CHECK_INT(epg_fleet_exit(&f), 2);
    epg_fleet_free(&f);
}

static void test_timeout_and_failure(void)
{
    static const char *const names[] = { "SLOW1", "EX01", "BAD1", "EX02", NULL };
    epg_fleet f;
    DWORD start = GetTickCount();

    fleet_of(&f, names);
    /* One at a time: the computers after the one that hangs are still read,
     * once it is abandoned. */
    remote_pool_run(&f, 0, 1, 500, fake_read, progress, NULL, 0);
    CHECK(GetTickCount() - start < 15000);      /* the 20 s read was not waited for */
    CHECK_INT(slow_finished, 0);
    CHECK_INT(f.items[0].state, EPG_COMPUTER_TIMED_OUT);
    CHECK_INT(f.items[0].error, ERROR_TIMEOUT);
    CHECK_CONTAINS(f.items[0].error_text, "within 500 ms");
    CHECK_STR(epg_computer_verdict_name(&f.items[0]), "timed-out");
    CHECK_INT(f.items[1].state, EPG_COMPUTER_READ);
    CHECK_INT(f.items[2].state, EPG_COMPUTER_UNREADABLE);
    CHECK_INT(f.items[2].error, ERROR_BAD_NETPATH);
    CHECK_CONTAINS(f.items[2].error_text, "RegConnectRegistryW failed: ");
    CHECK_INT(f.items[3].state, EPG_COMPUTER_READ);
    CHECK_INT(progress_calls, 4);
    CHECK_INT(last_done, 4);
    /* Conflicts on two, two not read: the conflicts decide. */
    CHECK_INT(epg_fleet_exit(&f), 2);
    epg_fleet_free(&f);
}

static void test_first_and_done(void)
{
    static const char *const names[] = { "EXPORT", "EX01", NULL };
    epg_fleet f;

    fleet_of(&f, names);
    /* Computer 0 stands for an export already read: the pool leaves it. */
    remote_pool_run(&f, 1, 8, 30000, fake_read, progress, NULL, 1);
    CHECK_INT(f.items[0].state, EPG_COMPUTER_READ);
    CHECK_INT(f.items[0].snap.values[td_value("is-tcpip-port")].presence, EPG_ABSENT);
    CHECK_INT(f.items[1].ev.findings.count, 1);
    CHECK_INT(progress_calls, 1);
    CHECK_INT(last_done, 2);
    epg_fleet_free(&f);
}

/* docs/fleet.md: at most 2 x --parallel reader threads; when every one of
 * them is stuck, the computers left are not attempted.  With every computer
 * hanging, two rounds of --parallel time out, so the check ends after
 * ceil(cap / parallel) x timeout = 2 x timeout. */
static void test_hung_readers_capped(void)
{
    enum { COMPUTERS = 1000, PARALLEL = 16, TIMEOUT_MS = 1000 };
    epg_fleet f;
    size_t i, left, timed_out = 0, not_attempted = 0;
    LONG before = threads_now();
    DWORD start, took;
    char name[16];

    CHECK(before > 0);
    epg_fleet_init(&f);
    for (i = 0; i < COMPUTERS; i++) {
        snprintf(name, sizeof name, "HANG%04u", (unsigned)i);
        epg_fleet_add(&f, name, NULL);
    }
    progress_calls = last_done = 0;
    hung_inside = thread_peak = 0;
    start = GetTickCount();
    left = remote_pool_run(&f, 0, PARALLEL, TIMEOUT_MS, fake_read, progress, NULL, 0);
    took = GetTickCount() - start;
    printf("test_remote_pool: %u hanging computers, --parallel %u, --timeout 1: "
           "%lu ms, %ld threads before, peak %ld, %ld readers stuck\n",
           (unsigned)COMPUTERS, (unsigned)PARALLEL, (unsigned long)took,
           (long)before, (long)thread_peak, (long)hung_inside);
    /* The documented bound, 2 x timeout plus the time to start the 32
     * threads (each deadline counts from its own thread's start; about
     * 250 ms under Wine, 1.5 s allowed on a busy machine); and not less
     * than two rounds. */
    CHECK(took >= 2 * TIMEOUT_MS - 100);
    CHECK(took < 2 * TIMEOUT_MS + 1500);
    CHECK_INT(left, EPG_REMOTE_THREAD_CAP(PARALLEL));
    CHECK_INT(hung_inside, EPG_REMOTE_THREAD_CAP(PARALLEL));
    /* Measured from the thread list: the stuck readers and nothing more. */
    CHECK(thread_peak > before);
    CHECK(thread_peak <= before + (LONG)EPG_REMOTE_THREAD_CAP(PARALLEL));
    for (i = 0; i < f.count; i++) {
        if (f.items[i].state == EPG_COMPUTER_TIMED_OUT)
            timed_out++;
        else if (f.items[i].state == EPG_COMPUTER_NOT_ATTEMPTED)
            not_attempted++;
    }
    CHECK_INT(timed_out, 32);
    CHECK_INT(not_attempted, COMPUTERS - 32);
    CHECK_INT(progress_calls, COMPUTERS);
    CHECK_INT(last_done, COMPUTERS);
    CHECK_INT(f.items[COMPUTERS - 1].state, EPG_COMPUTER_NOT_ATTEMPTED);
    CHECK_INT(f.items[COMPUTERS - 1].error, ERROR_MAX_THRDS_REACHED);
    CHECK_CONTAINS(f.items[COMPUTERS - 1].error_text,
                   "not attempted: all 32 reader threads allowed (2 x --parallel)");
    CHECK_STR(epg_computer_verdict_name(&f.items[COMPUTERS - 1]), "not-attempted");
    CHECK_INT(epg_computer_verdict(&f.items[COMPUTERS - 1]), 3);
    /* Could not be read: the fleet's exit code for unread computers. */
    CHECK_INT(epg_fleet_exit(&f), 3);
    epg_fleet_free(&f);
}

/* A reader that returns after its computer timed out gives its place
 * back: with --parallel 1 (cap 2), EX01 is read once LATE1's thread ended,
 * although HANG1 never ends. */
static void test_late_reader_frees_its_place(void)
{
    static const char *const names[] = { "LATE1", "HANG1", "EX01", NULL };
    epg_fleet f;
    size_t left;

    fleet_of(&f, names);
    left = remote_pool_run(&f, 0, 1, 500, fake_read, progress, NULL, 0);
    CHECK_INT(f.items[0].state, EPG_COMPUTER_TIMED_OUT);
    CHECK_INT(f.items[1].state, EPG_COMPUTER_TIMED_OUT);
    CHECK_INT(f.items[2].state, EPG_COMPUTER_READ);
    CHECK_INT(left, 1);
    epg_fleet_free(&f);
}

/* The child: readers stuck inside the call when the command ends. */
static int exit_child(void)
{
    static const char *const names[] = { "HANG1", "HANG2", "HANG3", NULL };
    epg_fleet f;
    size_t left;

    fleet_of(&f, names);
    left = remote_pool_run(&f, 0, 1, 200, fake_read, progress, NULL, 0);
    epg_fleet_free(&f);
    remote_pool_exit(left, 7);
    return 99;      /* remote_pool_exit returned with readers left */
}

/* The process ends, with the command's exit code, while two readers are
 * still inside the call. */
static void test_exit_with_readers_inside(void)
{
    WCHAR self[MAX_PATH], cmd[MAX_PATH + 32];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 0, start = GetTickCount();

    CHECK(GetModuleFileNameW(NULL, self, MAX_PATH) > 0);
    _snwprintf(cmd, sizeof cmd / sizeof cmd[0], L"\"%ls\" exit-child", self);
    cmd[sizeof cmd / sizeof cmd[0] - 1] = L'\0';
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CHECK(!"CreateProcessW of the child");
        return;
    }
    CHECK_INT(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_INT(code, 7);
    CHECK(GetTickCount() - start < 10000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
}

int main(int argc, char **argv)
{
    never = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (argc > 1 && !strcmp(argv[1], "exit-child"))
        return exit_child();
    RUN(test_parallel_bound);
    RUN(test_timeout_and_failure);
    RUN(test_first_and_done);
    RUN(test_hung_readers_capped);
    RUN(test_late_reader_frees_its_place);
    RUN(test_exit_with_readers_inside);
    return tt_summary("test_remote_pool");
}
