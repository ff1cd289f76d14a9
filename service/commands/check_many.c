/* exchportguard check --reg / --computer / --computers-file: many
 * computers in one report.  Exports are read here (CreateFileW, streamed
 * through the core's reader); remote computers through remote_pool.c.
 * Everything else (options, rules, reports, exit code) is the core's,
 * shared with the Linux build (cli/main.c). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "fleet/check_args.h"
#include "readers/remote.h"
#include "readers/remote_pool.h"
#include "report/fix_report.h"
#include "report/fleet_report.h"
#include "report/report.h"
#include "winutil.h"

/* "<what>: <system text>" for computer c, with the code. */
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
        computer_fail_win32(c, EPG_COMPUTER_UNREADABLE,
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

static void progress(void *ctx, size_t done, size_t total, const epg_computer *c)
{
    (void)ctx;
    if (total > 1)
        complain("exchportguard: %lu/%lu %s: %s\n", (unsigned long)done,
                 (unsigned long)total, c->name, epg_computer_verdict_name(c));
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
        DWORD e = !wpath ? ERROR_NOT_ENOUGH_MEMORY
                  : h == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
        epg_buf text;
        char chunk[4096], **names = NULL;
        size_t count = 0;
        DWORD got;
        int ok = 1;

        free(wpath);
        if (h == INVALID_HANDLE_VALUE) {
            char *err = win32_error_text(e);
            complain("exchportguard check: cannot open %s: %s (error %lu)\n",
                     a->computer_files[f], err ? err : "?", (unsigned long)e);
            free(err);
            return -1;
        }
        epg_buf_init(&text);
        for (;;) {
            ok = ReadFile(h, chunk, sizeof chunk, &got, NULL);
            if (!ok || !got)
                break;
            epg_buf_putn(&text, chunk, got);
        }
        if (!ok)
            report_error("ReadFile of the computers file", GetLastError());
        CloseHandle(h);
        if (ok && (text.oom || epg_computers_parse(epg_buf_str(&text), &names, &count))) {
            complain("exchportguard check: out of memory reading %s\n",
                     a->computer_files[f]);
            ok = 0;
        }
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

int file_exists(const char *path)
{
    WCHAR *w = wide_from_utf8(path);
    int yes = w && GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;

    free(w);
    return yes;
}

int write_whole_file(const char *path, const epg_buf *b, DWORD disposition,
                     const char *what)
{
    WCHAR *wpath = wide_from_utf8(path);
    HANDLE h = wpath ? CreateFileW(wpath, GENERIC_WRITE, 0, NULL, disposition,
                                   FILE_ATTRIBUTE_NORMAL, NULL)
                     : INVALID_HANDLE_VALUE;
    DWORD put = 0, e = wpath ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    epg_buf msg;
    int ok;

    epg_buf_init(&msg);
    if (h == INVALID_HANDLE_VALUE) {
        e = e ? e : GetLastError();
        epg_buf_printf(&msg, "CreateFileW of %s \"%s\"", what, path);
        report_error(epg_buf_str(&msg), e);
        epg_buf_free(&msg);
        free(wpath);
        return -1;
    }
    ok = !b->oom && WriteFile(h, b->p ? b->p : "", (DWORD)b->len, &put, NULL) &&
         put == b->len;
    if (!ok) {
        epg_buf_printf(&msg, "WriteFile of %s \"%s\"", what, path);
        report_error(epg_buf_str(&msg), b->oom ? ERROR_NOT_ENOUGH_MEMORY : GetLastError());
    } else if (!FlushFileBuffers(h)) {
        /* A file that later tells someone what to import must be on disk
         * whole before anything relies on it (the undo file is written
         * before the first registry write). */
        epg_buf_printf(&msg, "FlushFileBuffers of %s \"%s\"", what, path);
        report_error(epg_buf_str(&msg), GetLastError());
        ok = 0;
    }
    if (!CloseHandle(h) && ok) {
        epg_buf_clear(&msg);
        epg_buf_printf(&msg, "CloseHandle of %s \"%s\"", what, path);
        report_error(epg_buf_str(&msg), GetLastError());
        ok = 0;
    }
    /* A short .reg file would still import: never leave one behind. */
    if (!ok) {
        if (DeleteFileW(wpath))
            complain("exchportguard: the incomplete %s \"%s\" was deleted\n", what, path);
        else
            complain("exchportguard: the incomplete %s \"%s\" could not be deleted "
                     "(error %lu): delete it before anyone imports it\n", what, path,
                     (unsigned long)GetLastError());
    }
    epg_buf_free(&msg);
    free(wpath);
    return ok ? 0 : -1;
}

static int write_html(const char *path, const epg_buf *b)
{
    return write_whole_file(path, b, CREATE_ALWAYS, "the HTML report");
}

static int by_name(const void *a, const void *b)
{
    return _stricmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the files pattern matches (dir\name, sorted) to names, or the
 * pattern itself when it matches nothing, so that the report says the file
 * was not found.  Returns 0, or -1 when memory ran out. */
static int add_matches(const char *pattern, char ***names, size_t *count)
{
    const char *base = pattern, *p;
    WCHAR *wpattern = wide_from_utf8(pattern);
    WIN32_FIND_DATAW fd;
    HANDLE h;
    size_t first = *count;

    for (p = pattern; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            base = p + 1;
    h = wpattern ? FindFirstFileW(wpattern, &fd) : INVALID_HANDLE_VALUE;
    free(wpattern);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            char *leaf, *full, **grown;
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            leaf = utf8_from_wide(fd.cFileName);
            full = leaf ? malloc((size_t)(base - pattern) + strlen(leaf) + 1) : NULL;
            grown = full ? realloc(*names, (*count + 1) * sizeof *grown) : NULL;
            if (!grown) {
                free(leaf);
                free(full);
                FindClose(h);
                return -1;
            }
            memcpy(full, pattern, (size_t)(base - pattern));
            strcpy(full + (base - pattern), leaf);
            free(leaf);
            *names = grown;
            (*names)[(*count)++] = full;
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    if (*count == first) {
        char **grown = realloc(*names, (*count + 1) * sizeof *grown);
        char *copy = epg_strdup(pattern);
        if (!grown || !copy) {
            free(copy);
            if (grown)
                *names = grown;
            return -1;
        }
        *names = grown;
        (*names)[(*count)++] = copy;
    }
    qsort(*names + first, *count - first, sizeof **names, by_name);
    return 0;
}

/* cmd.exe passes wildcards on, and neither the mingw-w64 nor the MSVC
 * runtime expands them by default: --reg exports\*.reg is expanded here,
 * as a Unix shell would.  a->reg then points into names. */
static int expand_reg(epg_check_args *a, char ***names, size_t *count)
{
    const char **list;
    size_t i;

    for (i = 0; i < a->reg_count; i++) {
        if (!strpbrk(a->reg[i], "*?")) {
            char **grown = realloc(*names, (*count + 1) * sizeof *grown);
            if (!grown)
                return -1;
            *names = grown;
            if (!((*names)[*count] = epg_strdup(a->reg[i])))
                return -1;
            (*count)++;
        } else if (add_matches(a->reg[i], names, count)) {
            return -1;
        }
    }
    list = realloc((void *)a->reg, (*count ? *count : 1) * sizeof *list);
    if (!list)
        return -1;
    for (i = 0; i < *count; i++)
        list[i] = (*names)[i];
    a->reg = list;
    a->reg_count = *count;
    if (a->name && a->reg_count != 1) {
        complain("exchportguard check: --name names the computer of a single "
                 "--reg file; the pattern matched %lu\n", (unsigned long)a->reg_count);
        return -2;
    }
    return 0;
}

void many_free(many_set *m)
{
    size_t i;

    for (i = 0; m->args && i < (size_t)m->argc; i++)
        free(m->args[i]);
    free(m->args);
    for (i = 0; i < m->file_count; i++)
        free(m->files[i]);
    free(m->files);
    epg_check_args_free(&m->a);
    epg_fleet_free(&m->fleet);
    memset(m, 0, sizeof *m);
}

int many_read(int argc, WCHAR **argv, int fix, many_set *m)
{
    const char *cmd = fix ? "fix" : "check";
    epg_buf err;
    size_t i, done = 0, first_remote;
    int rc, bad;

    memset(m, 0, sizeof *m);
    epg_fleet_init(&m->fleet);
    epg_buf_init(&err);
    m->argc = argc;
    m->args = calloc((size_t)argc + 1, sizeof *m->args);
    for (i = 0; m->args && i < (size_t)argc; i++)
        if (!(m->args[i] = utf8_from_wide(argv[i])))
            break;
    if (!m->args || i < (size_t)argc) {
        complain("exchportguard %s: out of memory\n", cmd);
        goto fail;
    }
    bad = fix ? epg_fix_args_parse(argc, m->args, &m->a, &err)
              : epg_check_args_parse(argc, m->args, &m->a, &err);
    if (bad || (!fix && !m->a.many)) {
        complain("exchportguard %s: %s\n\n", cmd, err.len ? epg_buf_str(&err)
                 : "unknown option");
        usage(1);
        goto fail;
    }
    /* Before anything is read: reading a hundred computers and then
     * refusing to write would waste the administrator's time. */
    if (fix && m->a.plan_file && !m->a.force && file_exists(m->a.plan_file)) {
        complain(EPG_FIX_PLAN_EXISTS, m->a.plan_file);
        goto fail;
    }
    rc = expand_reg(&m->a, &m->files, &m->file_count);
    if (rc || epg_fleet_add_exports(&m->fleet, &m->a)) {
        if (rc != -2)
            complain("exchportguard %s: out of memory\n", cmd);
        goto fail;
    }
    first_remote = m->fleet.count;
    for (i = 0; i < m->a.computer_count; i++)
        if (!epg_fleet_add(&m->fleet, m->a.computers[i], NULL)) {
            complain("exchportguard %s: out of memory\n", cmd);
            goto fail;
        }
    if (add_computer_files(&m->fleet, &m->a))
        goto fail;
    for (i = 0; i < first_remote; i++) {
        read_export(&m->fleet.items[i], m->a.reg[i], &m->a);
        progress(NULL, ++done, m->fleet.count, &m->fleet.items[i]);
    }
    m->readers_left = remote_pool_run(&m->fleet, first_remote, m->a.parallel,
                                      m->a.timeout_s * 1000u, remote_read, progress,
                                      NULL, done);
    epg_buf_free(&err);
    return 0;
fail:
    epg_buf_free(&err);
    return EXIT_USAGE;
}

int check_many(int argc, WCHAR **argv)
{
    many_set m;
    epg_buf out, html;
    size_t readers_left;
    int code;

    epg_buf_init(&out);
    epg_buf_init(&html);
    code = many_read(argc, argv, 0, &m);
    if (code)
        goto out;
    code = epg_fleet_render(&m.fleet, &m.a, &html, &out);
    if (m.a.html && write_html(m.a.html, &html))
        code = EXIT_USAGE;
    if (out_report("check", epg_buf_str(&out)))
        code = EXIT_USAGE;
    if (code == EXIT_USAGE && out.oom)
        complain("exchportguard check: out of memory; the report is incomplete\n");
out:
    readers_left = m.readers_left;
    many_free(&m);
    epg_buf_free(&out);
    epg_buf_free(&html);
    remote_pool_exit(readers_left, code);
    return code;
}
