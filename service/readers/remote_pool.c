#include "readers/remote_pool.h"

#include <stdlib.h>

#include "fleet/check_args.h"
#include "winutil.h"

/* "<what>: <system text for code>", or NULL when memory ran out. */
static char *fail_text(DWORD code, const char *what)
{
    char *text = win32_error_text(code), *out;
    epg_buf msg;

    epg_buf_init(&msg);
    if (what)
        epg_buf_printf(&msg, "%s: ", what);
    epg_buf_puts(&msg, text ? text : "unknown error");
    free(text);
    out = msg.oom ? NULL : epg_buf_detach(&msg);
    epg_buf_free(&msg);
    return out;
}

void computer_fail_win32(epg_computer *c, epg_computer_state state, DWORD code,
                         const char *what)
{
    char *text = fail_text(code, what);

    epg_computer_fail(c, state, code, text ? text : "out of memory");
    free(text);
}

/* One computer's read.  Two owners: the pool, until it takes the result or
 * gives up waiting, and the thread, until the reader returns.  Whichever
 * lets go last frees it, so a thread abandoned inside RegConnectRegistryW
 * frees its own job if the call ever returns, and nothing is freed under
 * it if it does not. */
typedef struct remote_job {
    remote_reader read;
    WCHAR *name;
    epg_snapshot snap;
    DWORD error;
    volatile LONG owners;
} remote_job;

static void job_free(remote_job *j)
{
    free(j->name);
    epg_snapshot_free(&j->snap);
    free(j);
}

static void job_release(remote_job *j)
{
    if (InterlockedDecrement(&j->owners) == 0)
        job_free(j);
}

static DWORD WINAPI job_thread(LPVOID arg)
{
    remote_job *j = arg;

    j->error = j->read(j->name, &j->snap);
    job_release(j);
    return 0;
}

/* Takes a finished job's result into c. */
static void job_done(remote_job *j, epg_computer *c)
{
    if (j->error) {
        computer_fail_win32(c, EPG_COMPUTER_UNREADABLE, j->error,
                            "RegConnectRegistryW failed");
    } else {
        epg_snapshot_free(&c->snap);
        c->snap = j->snap;
        epg_snapshot_init(&j->snap);
        if (c->snap.os_unknown)
            epg_computer_note(c, "the Windows version could not be read "
                              "(HKLM\\SOFTWARE\\Microsoft\\Windows NT\\"
                              "CurrentVersion): the dynamic-range rule is not "
                              "checked");
        epg_computer_finish_remote(c);
    }
    job_release(j);
}

/* Starts computer c's job; returns the thread, or NULL with c failed. */
static HANDLE job_start(epg_computer *c, remote_reader read, remote_job **out)
{
    remote_job *j = calloc(1, sizeof *j);
    HANDLE t;

    if (j)
        j->name = wide_from_utf8(c->name);
    if (!j || !j->name) {
        computer_fail_win32(c, EPG_COMPUTER_UNREADABLE, ERROR_NOT_ENOUGH_MEMORY, NULL);
        if (j)
            free(j->name);
        free(j);
        return NULL;
    }
    j->read = read;
    j->owners = 2;
    epg_snapshot_init(&j->snap);
    t = CreateThread(NULL, 0, job_thread, j, 0, NULL);
    if (!t) {
        computer_fail_win32(c, EPG_COMPUTER_UNREADABLE, GetLastError(),
                            "CreateThread failed");
        job_free(j);
        return NULL;
    }
    *out = j;
    return t;
}

/* The pool's state: the threads it waits for (at most parallel, each with
 * its computer and deadline) and the abandoned ones still alive. */
typedef struct pool {
    HANDLE threads[EPG_PARALLEL_MAX];
    remote_job *jobs[EPG_PARALLEL_MAX];
    size_t which[EPG_PARALLEL_MAX];
    uint64_t deadline[EPG_PARALLEL_MAX];
    size_t running;
    HANDLE hung[EPG_REMOTE_THREAD_CAP(EPG_PARALLEL_MAX)];
    size_t hung_count;
} pool;

/* Forgets the threads among the abandoned ones that have ended: a reader
 * that returned late frees its place under the cap. */
static void reap_hung(pool *p)
{
    size_t i = 0;

    while (i < p->hung_count) {
        if (WaitForSingleObject(p->hung[i], 0) == WAIT_OBJECT_0) {
            CloseHandle(p->hung[i]);
            p->hung[i] = p->hung[--p->hung_count];
        } else {
            i++;
        }
    }
}

/* Slot i is free: the last running one takes its place. */
static void slot_free(pool *p, size_t i)
{
    p->running--;
    p->threads[i] = p->threads[p->running];
    p->jobs[i] = p->jobs[p->running];
    p->which[i] = p->which[p->running];
    p->deadline[i] = p->deadline[p->running];
}

/* Marks computers from next on as not attempted: every thread allowed is
 * taken by a reader that did not return in time. */
static void not_attempted(epg_fleet *fleet, size_t next, size_t cap,
                          remote_progress progress, void *ctx, size_t *done)
{
    epg_buf why;
    char *text;

    epg_buf_init(&why);
    epg_buf_printf(&why, "not attempted: all %lu reader threads allowed "
                   "(2 x --parallel) are still inside RegConnectRegistryW for "
                   "computers that did not answer in time", (unsigned long)cap);
    /* One text for them all: a thousand computers are marked at once. */
    text = fail_text(ERROR_MAX_THRDS_REACHED, epg_buf_str(&why));
    for (; next < fleet->count; next++) {
        epg_computer_fail(&fleet->items[next], EPG_COMPUTER_NOT_ATTEMPTED,
                          ERROR_MAX_THRDS_REACHED, text ? text : "out of memory");
        progress(ctx, ++*done, fleet->count, &fleet->items[next]);
    }
    free(text);
    epg_buf_free(&why);
}

size_t remote_pool_run(epg_fleet *fleet, size_t first, unsigned parallel,
                       DWORD timeout_ms, remote_reader read,
                       remote_progress progress, void *ctx, size_t done)
{
    pool *p = calloc(1, sizeof *p);
    size_t next = first, i, cap, left;

    if (!p) {
        for (; next < fleet->count; next++)
            computer_fail_win32(&fleet->items[next], EPG_COMPUTER_UNREADABLE,
                                ERROR_NOT_ENOUGH_MEMORY, NULL);
        return 0;
    }
    if (parallel == 0 || parallel > EPG_PARALLEL_MAX)
        parallel = EPG_PARALLEL_MAX;    /* WaitForMultipleObjects' limit */
    cap = EPG_REMOTE_THREAD_CAP(parallel);
    while (next < fleet->count || p->running) {
        DWORD wait, r;
        uint64_t now, soonest;

        reap_hung(p);
        while (p->running < parallel && p->running + p->hung_count < cap &&
               next < fleet->count) {
            epg_computer *c = &fleet->items[next++];
            HANDLE t = job_start(c, read, &p->jobs[p->running]);
            if (!t) {
                progress(ctx, ++done, fleet->count, c);
                continue;
            }
            p->threads[p->running] = t;
            p->which[p->running] = (size_t)(c - fleet->items);
            p->deadline[p->running] = clock_ms() + timeout_ms;
            p->running++;
        }
        if (!p->running) {
            /* Nothing to wait for and no thread may be started: the rest
             * would wait for readers that may never return. */
            not_attempted(fleet, next, cap, progress, ctx, &done);
            break;
        }
        now = clock_ms();
        soonest = p->deadline[0];
        for (i = 1; i < p->running; i++)
            if (p->deadline[i] < soonest)
                soonest = p->deadline[i];
        wait = soonest > now ? (DWORD)(soonest - now) : 0;
        r = WaitForMultipleObjects((DWORD)p->running, p->threads, FALSE, wait);
        if (r < WAIT_OBJECT_0 + p->running) {
            i = r - WAIT_OBJECT_0;
            job_done(p->jobs[i], &fleet->items[p->which[i]]);
            CloseHandle(p->threads[i]);
        } else if (r == WAIT_TIMEOUT) {
            epg_buf msg;
            now = clock_ms();
            for (i = 0; i < p->running && p->deadline[i] > now; i++)
                ;
            if (i == p->running)
                continue;
            /* Abandoned: the thread may be inside RegConnectRegistryW for a
             * long while yet.  It keeps its place under the cap until it
             * ends, and frees its job then. */
            epg_buf_init(&msg);
            epg_buf_printf(&msg, "no answer from the remote registry within "
                           "%lu ms", (unsigned long)timeout_ms);
            computer_fail_win32(&fleet->items[p->which[i]], EPG_COMPUTER_TIMED_OUT,
                                ERROR_TIMEOUT, epg_buf_str(&msg));
            epg_buf_free(&msg);
            job_release(p->jobs[i]);
            p->hung[p->hung_count++] = p->threads[i];
        } else {
            DWORD e = GetLastError();
            report_error("WaitForMultipleObjects", e);
            for (i = 0; i < p->running; i++) {
                computer_fail_win32(&fleet->items[p->which[i]], EPG_COMPUTER_UNREADABLE,
                                    e, "WaitForMultipleObjects failed");
                job_release(p->jobs[i]);
                p->hung[p->hung_count++] = p->threads[i];
            }
            for (; next < fleet->count; next++)
                computer_fail_win32(&fleet->items[next], EPG_COMPUTER_UNREADABLE,
                                    e, "WaitForMultipleObjects failed");
            break;
        }
        progress(ctx, ++done, fleet->count, &fleet->items[p->which[i]]);
        slot_free(p, i);
    }
    reap_hung(p);
    left = p->hung_count;
    for (i = 0; i < p->hung_count; i++)
        CloseHandle(p->hung[i]);    /* the thread runs on; only the handle goes */
    free(p);
    return left;
}

void remote_pool_exit(size_t left, int code)
{
    if (!left)
        return;
    /* ExitProcess would run every DLL's detach code after ending the other
     * threads; a thread ended inside RegConnectRegistryW may hold a lock of
     * advapi32 or the RPC runtime that this code then waits for forever
     * (ExitProcess, Remarks, learn.microsoft.com).  TerminateProcess runs
     * no DLL code.  Everything this command writes has been written
     * through WriteFile and closed by now, so nothing is lost. */
    TerminateProcess(GetCurrentProcess(), (UINT)code);
}
