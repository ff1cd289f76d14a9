/* The pool that reads remote computers (service/remote_pool.c), with a
 * stand-in for remote_read: the parallel bound, a computer whose read never
 * ends reported as timed out without waiting for it, a failed connection
 * reported with its Win32 error, and every other computer still read.
 * Runs under Wine with the unit tests (RegConnectRegistryW itself is
 * exercised end to end by tests/wine/test_fleet.py). */
#include <windows.h>

#include <stdio.h>

#include "remote_pool.h"
#include "testdata.h"
#include "tinytest.h"

static volatile LONG now_reading, most_reading, slow_finished;

static void count_in(void)
{
    LONG n = InterlockedIncrement(&now_reading), m;

    while ((m = most_reading) < n)
        InterlockedCompareExchange(&most_reading, n, m);
}

/* SLOW* never answers in time, BAD* is not found, others hold a conflict. */
static DWORD fake_read(const WCHAR *name, epg_snapshot *s)
{
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
    (void)c;
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

int main(void)
{
    RUN(test_parallel_bound);
    RUN(test_timeout_and_failure);
    RUN(test_first_and_done);
    return tt_summary("test_remote_pool");
}
