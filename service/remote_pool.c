#include "remote_pool.h"

#include <stdlib.h>

#include "check_args.h"
#include "winutil.h"

void computer_fail_win32(epg_computer *c, epg_computer_state state, DWORD code,
                         const char *what)
{
    char *text = win32_error_text(code);
    epg_buf msg;

    epg_buf_init(&msg);
    if (what)
        epg_buf_printf(&msg, "%s: ", what);
    epg_buf_puts(&msg, text ? text : "unknown error");
    epg_computer_fail(c, state, code, epg_buf_str(&msg));
    epg_buf_free(&msg);
    free(text);
}

/* One computer's read, owned by its thread until the thread ends. */
typedef struct remote_job {
    remote_reader read;
    WCHAR *name;
    epg_snapshot snap;
    DWORD error;
} remote_job;

static DWORD WINAPI job_thread(LPVOID arg)
{
    remote_job *j = arg;

    j->error = j->read(j->name, &j->snap);
    return 0;
}

static void job_free(remote_job *j)
{
    free(j->name);
    epg_snapshot_free(&j->snap);
    free(j);
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
    job_free(j);
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

void remote_pool_run(epg_fleet *fleet, size_t first, unsigned parallel,
                     DWORD timeout_ms, remote_reader read,
                     remote_progress progress, void *ctx, size_t done)
{
    HANDLE threads[EPG_PARALLEL_MAX];
    remote_job *jobs[EPG_PARALLEL_MAX];
    size_t which[EPG_PARALLEL_MAX];
    uint64_t deadline[EPG_PARALLEL_MAX];
    size_t running = 0, next = first, i;

    if (parallel == 0 || parallel > EPG_PARALLEL_MAX)
        parallel = EPG_PARALLEL_MAX;    /* WaitForMultipleObjects' limit */
    while (next < fleet->count || running) {
        DWORD wait, r;
        uint64_t now, soonest;

        while (running < parallel && next < fleet->count) {
            epg_computer *c = &fleet->items[next++];
            HANDLE t = job_start(c, read, &jobs[running]);
            if (!t) {
                progress(ctx, ++done, fleet->count, c);
                continue;
            }
            threads[running] = t;
            which[running] = (size_t)(c - fleet->items);
            deadline[running] = clock_ms() + timeout_ms;
            running++;
        }
        if (!running)
            break;
        now = clock_ms();
        soonest = deadline[0];
        for (i = 1; i < running; i++)
            if (deadline[i] < soonest)
                soonest = deadline[i];
        wait = soonest > now ? (DWORD)(soonest - now) : 0;
        r = WaitForMultipleObjects((DWORD)running, threads, FALSE, wait);
        if (r < WAIT_OBJECT_0 + running) {
            i = r - WAIT_OBJECT_0;
            job_done(jobs[i], &fleet->items[which[i]]);
        } else if (r == WAIT_TIMEOUT) {
            epg_buf msg;
            now = clock_ms();
            for (i = 0; i < running && deadline[i] > now; i++)
                ;
            if (i == running)
                continue;
            /* Abandoned: the thread may be inside RegConnectRegistryW for a
             * long while yet; it keeps its job and ends with the process. */
            epg_buf_init(&msg);
            epg_buf_printf(&msg, "no answer from the remote registry within "
                           "%lu ms", (unsigned long)timeout_ms);
            computer_fail_win32(&fleet->items[which[i]], EPG_COMPUTER_TIMED_OUT,
                                ERROR_TIMEOUT, epg_buf_str(&msg));
            epg_buf_free(&msg);
        } else {
            DWORD e = GetLastError();
            report_error("WaitForMultipleObjects", e);
            for (i = 0; i < running; i++) {
                computer_fail_win32(&fleet->items[which[i]], EPG_COMPUTER_UNREADABLE,
                                    e, "WaitForMultipleObjects failed");
                CloseHandle(threads[i]);
            }
            for (; next < fleet->count; next++)
                computer_fail_win32(&fleet->items[next], EPG_COMPUTER_UNREADABLE,
                                    e, "WaitForMultipleObjects failed");
            return;
        }
        CloseHandle(threads[i]);
        progress(ctx, ++done, fleet->count, &fleet->items[which[i]]);
        /* Slot i is free: the last running one takes its place. */
        running--;
        threads[i] = threads[running];
        jobs[i] = jobs[running];
        which[i] = which[running];
        deadline[i] = deadline[running];
    }
}
