/* exchportguard check --reg / --computer / --computers-file: many
 * computers in one report.  Exports are read here (CreateFileW, streamed
 * through the core's reader); remote computers each on their own thread
 * (at most --parallel at once) because RegConnectRegistryW has no timeout:
 * a thread past --timeout is abandoned and its computer reported as timed
 * out.  Everything else (options, rules, reports, exit code) is the core's,
 * shared with the Linux build (cli/main.c). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_args.h"
#include "commands.h"
#include "fleet_report.h"
#include "remote.h"
#include "report.h"
#include "winutil.h"

/* "<what>: <system text>" for computer c, with the code. */
static void fail_win32(epg_computer *c, epg_computer_state state, DWORD code,
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

static long read_handle(epg_byte_source *src, uint8_t *buf, size_t size)
{
    DWORD got = 0;

    if (!ReadFile((HANDLE)src->ctx, buf, (DWORD)size, &got, NULL)) {
        DWORD e = GetLastError();
        char *text = win32_error_text(e);
        src->error = e;
        snprintf(src->error_text, sizeof src->error_text, "%s",
                 text ? text : "unknown error");
        free(text);
        return -1;
    }
    return (long)got;
}

static void read_export(epg_computer *c, const char *path, const epg_check_args *a)
{
    WCHAR *wpath = wide_from_utf8(path);
    HANDLE h = INVALID_HANDLE_VALUE;
    epg_byte_source src;

    if (wpath)
        h = CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                        FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fail_win32(c, EPG_COMPUTER_UNREADABLE,
                   wpath ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY, path);
        free(wpath);
        return;
    }
    free(wpath);
    memset(&src, 0, sizeof src);
    src.read = read_handle;
    src.ctx = h;
    epg_computer_read_export(c, &src, a->codepage, &a->os);
    CloseHandle(h);
}

/* One remote computer's read, owned by its thread until it ends; a thread
 * abandoned after its timeout keeps (and leaks) its job, so nothing the
 * main thread frees is ever touched by it. */
typedef struct remote_job {
    WCHAR *name;
    epg_snapshot snap;
    DWORD error;
} remote_job;

static DWORD WINAPI remote_thread(LPVOID arg)
{
    remote_job *j = arg;

    j->error = remote_read(j->name, &j->snap);
    return 0;
}

static void progress(size_t done, size_t total, const epg_computer *c)
{
    if (total > 1)
        complain("exchportguard: %lu/%lu %s: %s\n", (unsigned long)done,
                 (unsigned long)total, c->name, epg_computer_verdict_name(c));
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
        fail_win32(c, EPG_COMPUTER_UNREADABLE, j->error,
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

/* Reads computers first..fleet->count-1 remotely, bounded and timed. */
static void read_remote(epg_fleet *fleet, size_t first, const epg_check_args *a,
                        size_t *done, size_t total)
{
    HANDLE threads[EPG_PARALLEL_MAX];
    remote_job *jobs[EPG_PARALLEL_MAX];
    size_t which[EPG_PARALLEL_MAX];
    uint64_t deadline[EPG_PARALLEL_MAX];
    size_t running = 0, next = first, i;
    uint64_t timeout_ms = (uint64_t)a->timeout_s * 1000u;

    while (next < fleet->count || running) {
        DWORD wait, r;
        uint64_t now, soonest;

        while (running < a->parallel && next < fleet->count) {
            epg_computer *c = &fleet->items[next];
            remote_job *j = calloc(1, sizeof *j);
            HANDLE t = NULL;
            if (j)
                j->name = wide_from_utf8(c->name);
            if (!j || !j->name) {
                fail_win32(c, EPG_COMPUTER_UNREADABLE, ERROR_NOT_ENOUGH_MEMORY, NULL);
                if (j)
                    job_free(j);
                progress(++*done, total, c);
                next++;
                continue;
            }
            epg_snapshot_init(&j->snap);
            t = CreateThread(NULL, 0, remote_thread, j, 0, NULL);
            if (!t) {
                fail_win32(c, EPG_COMPUTER_UNREADABLE, GetLastError(),
                           "CreateThread failed");
                job_free(j);
                progress(++*done, total, c);
                next++;
                continue;
            }
            threads[running] = t;
            jobs[running] = j;
            which[running] = next++;
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
            CloseHandle(threads[i]);
            job_done(jobs[i], &fleet->items[which[i]]);
            progress(++*done, total, &fleet->items[which[i]]);
        } else if (r == WAIT_TIMEOUT) {
            now = clock_ms();
            for (i = 0; i < running; i++)
                if (deadline[i] <= now)
                    break;
            if (i == running)
                continue;
            /* Abandoned: the thread may still be inside RegConnectRegistryW;
             * it keeps its job, and ends with the process. */
            {
                epg_buf msg;
                epg_buf_init(&msg);
                epg_buf_printf(&msg, "no answer from the remote registry within "
                               "%u s", a->timeout_s);
                fail_win32(&fleet->items[which[i]], EPG_COMPUTER_TIMED_OUT,
                           ERROR_TIMEOUT, epg_buf_str(&msg));
                epg_buf_free(&msg);
            }
            CloseHandle(threads[i]);
            progress(++*done, total, &fleet->items[which[i]]);
        } else {
            DWORD e = GetLastError();
            report_error("WaitForMultipleObjects", e);
            for (i = 0; i < running; i++)
                fail_win32(&fleet->items[which[i]], EPG_COMPUTER_UNREADABLE, e,
                           "WaitForMultipleObjects failed");
            for (; next < fleet->count; next++)
                fail_win32(&fleet->items[next], EPG_COMPUTER_UNREADABLE, e,
                           "WaitForMultipleObjects failed");
            return;
        }
        /* Slot i is free: the last running one takes its place. */
        running--;
        threads[i] = threads[running];
        jobs[i] = jobs[running];
        which[i] = which[running];
        deadline[i] = deadline[running];
    }
}

/* Adds every name of every --computers-file to the fleet. */
static int add_computer_files(epg_fleet *fleet, const epg_check_args *a)
{
    size_t f, i;

    for (f = 0; f < a->computer_file_count; f++) {
        WCHAR *wpath = wide_from_utf8(a->computer_files[f]);
        HANDLE h = wpath ? CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ, NULL,
                                       OPEN_EXISTING, 0, NULL)
                         : INVALID_HANDLE_VALUE;
        epg_buf text;
        char chunk[4096], **names = NULL;
        size_t count = 0;
        DWORD got;
        int ok = 1;

        free(wpath);
        if (h == INVALID_HANDLE_VALUE) {
            char *err = win32_error_text(GetLastError());
            complain("exchportguard check: cannot open %s: %s (error %lu)\n",
                     a->computer_files[f], err ? err : "?",
                     (unsigned long)GetLastError());
            free(err);
            return -1;
        }
        epg_buf_init(&text);
        while ((ok = ReadFile(h, chunk, sizeof chunk, &got, NULL)) && got)
            epg_buf_putn(&text, chunk, got);
        if (!ok)
            report_error("ReadFile of the computers file", GetLastError());
        CloseHandle(h);
        if (ok && !text.oom && epg_computers_parse(epg_buf_str(&text), &names, &count))
            ok = 0;
        for (i = 0; i < count; i++) {
            if (ok && !epg_fleet_add(fleet, names[i], NULL))
                ok = 0;
            free(names[i]);
        }
        free(names);
        epg_buf_free(&text);
        if (!ok)
            return -1;
    }
    return 0;
}

static int write_html(const char *path, const epg_buf *b)
{
    WCHAR *wpath = wide_from_utf8(path);
    HANDLE h = wpath ? CreateFileW(wpath, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                                   FILE_ATTRIBUTE_NORMAL, NULL)
                     : INVALID_HANDLE_VALUE;
    DWORD put = 0;
    int ok;

    free(wpath);
    if (h == INVALID_HANDLE_VALUE) {
        report_error("CreateFileW of the HTML report", GetLastError());
        return -1;
    }
    ok = WriteFile(h, b->p ? b->p : "", (DWORD)b->len, &put, NULL) && put == b->len;
    if (!ok)
        report_error("WriteFile of the HTML report", GetLastError());
    if (!CloseHandle(h) && ok) {
        report_error("CloseHandle of the HTML report", GetLastError());
        ok = 0;
    }
    return ok ? 0 : -1;
}

int check_many(int argc, WCHAR **argv)
{
    char **args = calloc((size_t)argc + 1, sizeof *args);
    epg_check_args a;
    epg_fleet fleet;
    epg_buf err, out, html;
    size_t i, done = 0, first_remote;
    int code = EXIT_USAGE;

    memset(&a, 0, sizeof a);
    epg_fleet_init(&fleet);
    epg_buf_init(&err);
    epg_buf_init(&out);
    epg_buf_init(&html);
    for (i = 0; args && i < (size_t)argc; i++)
        if (!(args[i] = utf8_from_wide(argv[i])))
            break;
    if (!args || i < (size_t)argc) {
        complain("exchportguard check: out of memory\n");
        goto out;
    }
    if (epg_check_args_parse(argc, args, &a, &err) || !a.many) {
        complain("exchportguard check: %s\n\n", err.len ? epg_buf_str(&err)
                 : "unknown option");
        usage(1);
        goto out;
    }
    if (epg_fleet_add_exports(&fleet, &a)) {
        complain("exchportguard check: out of memory\n");
        goto out;
    }
    first_remote = fleet.count;
    for (i = 0; i < a.computer_count; i++)
        if (!epg_fleet_add(&fleet, a.computers[i], NULL)) {
            complain("exchportguard check: out of memory\n");
            goto out;
        }
    if (add_computer_files(&fleet, &a))
        goto out;
    for (i = 0; i < first_remote; i++) {
        read_export(&fleet.items[i], a.reg[i], &a);
        progress(++done, fleet.count, &fleet.items[i]);
    }
    read_remote(&fleet, first_remote, &a, &done, fleet.count);
    code = epg_fleet_render(&fleet, &a, &html, &out);
    if (a.html && write_html(a.html, &html))
        code = EXIT_USAGE;
    out_text(STD_OUTPUT_HANDLE, epg_buf_str(&out));
    if (code == EXIT_USAGE && out.oom)
        complain("exchportguard check: out of memory; the report is incomplete\n");
out:
    for (i = 0; args && i < (size_t)argc; i++)
        free(args[i]);
    free(args);
    epg_check_args_free(&a);
    epg_fleet_free(&fleet);
    epg_buf_free(&err);
    epg_buf_free(&out);
    epg_buf_free(&html);
    return code;
}
