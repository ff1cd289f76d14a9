/* exchportguard for Linux (and any POSIX system): `check --reg` over
 * registry exports, so an auditor can check exports collected from the
 * servers on any machine.  The portable core does all the work; this file
 * opens files and writes the reports.  The Windows build's `check --reg`
 * gives the same reports for the same files (tests/cli). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/check_args.h"
#include "fleet/fleet.h"
#include "report/fix_report.h"
#include "report/fleet_report.h"
#include "report/report.h"

#define EXIT_USAGE 3

static void usage(FILE *to)
{
    fprintf(to,
        "Usage: exchportguard check --reg FILE... [options]\n"
        "       exchportguard fix --reg FILE... [--json] [--plan FILE [--force]] [options]\n"
        "\n"
        "Checks registry exports of Exchange servers (reg export or regedit\n"
        "files of HKLM\\SYSTEM, of ...\\Services, or of the Exchange keys) for\n"
        "Exchange static RPC port conflicts. One computer per file, named\n"
        "after the file. Exit code: 2 if any computer has an error, else 3 if\n"
        "any could not be read, else 1 for warnings, else 0.\n"
        "\n"
        "Options:\n"
        "  --json | --csv       report format on stdout (default: text)\n"
        "  --html FILE          also write a self-contained HTML report\n"
        "  --name NAME          computer name of a single file\n"
        "  --os MAJOR.MINOR     Windows version, for exports that do not hold\n"
        "                       HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"
        "  --codepage N         code page of REGEDIT4 files (default 1252)\n"
        "  --version            show the version\n"
        "\n"
        "fix proposes, for each conflict and each error about a port, a new port\n"
        "for one value (docs/operations.md, \"Fixing a conflict\"); --plan FILE\n"
        "writes the changes of one computer as a .reg file (an existing file\n"
        "only with --force; none is left on exit code 3). This build plans\n"
        "only; --apply needs the Windows build. Exit code: 0 nothing to fix,\n"
        "1 changes proposed, 3 no plan (no port qualifies, unreadable).\n"
        "\n"
        "--computer and --computers-file need the Windows build.\n");
}

/* errno as the Win32 code the Windows build would report for the same
 * failure, so both builds' reports agree. */
static uint32_t win32_code(int e)
{
    switch (e) {
    case ENOENT: return 2;      /* ERROR_FILE_NOT_FOUND */
    case EACCES: return 5;      /* ERROR_ACCESS_DENIED */
    case ENOMEM: return 8;      /* ERROR_NOT_ENOUGH_MEMORY */
    case EISDIR: return 5;      /* CreateFileW on a directory: access denied */
    default: return 31;         /* ERROR_GEN_FAILURE */
    }
}

static long read_file(epg_byte_source *src, uint8_t *buf, size_t size)
{
    FILE *f = src->ctx;
    size_t got = fread(buf, 1, size, f);

    if (got == 0 && ferror(f)) {
        src->error = win32_code(errno);
        snprintf(src->error_text, sizeof src->error_text, "%s", strerror(errno));
        return -1;
    }
    return (long)got;
}

static void read_export(epg_computer *c, const char *path, const epg_check_args *a)
{
    epg_byte_source src;
    FILE *f = fopen(path, "rb");

    memset(&src, 0, sizeof src);
    if (!f) {
        char text[300];
        snprintf(text, sizeof text, "%s: %s", path, strerror(errno));
        epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, win32_code(errno), text);
        return;
    }
    src.read = read_file;
    src.ctx = f;
    epg_computer_read_export(c, &src, a->codepage, &a->os);
    fclose(f);
}

/* Writes b to path ("wbx": never over an existing file unless replace);
 * on failure says why and removes whatever part was written. */
static int write_file(const char *path, const epg_buf *b, int replace)
{
    FILE *f = fopen(path, replace ? "wb" : "wbx");
    int ok = f && fwrite(epg_buf_str(b), 1, b->len, f) == b->len;

    if (f && fclose(f))
        ok = 0;
    if (!ok) {
        fprintf(stderr, "exchportguard: cannot write \"%s\": %s\n", path, strerror(errno));
        if (f)
            remove(path);
    }
    return ok ? 0 : -1;
}

/* Whether something is at path (plain C: an open that fails for any
 * reason but "no such file" counts as something there). */
static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (f) {
        fclose(f);
        return 1;
    }
    return errno != ENOENT;
}

/* Parses the options of check (fix 0) or fix (fix 1) and reads every
 * export into fleet.  Returns 0, or an exit code (usage, out of memory). */
static int read_exports(int argc, char **argv, int fix, epg_check_args *a, epg_fleet *fleet)
{
    const char *cmd = fix ? "fix" : "check";
    epg_buf err;
    size_t i;
    int bad;

    epg_buf_init(&err);
    bad = fix ? epg_fix_args_parse(argc, argv, a, &err)
              : epg_check_args_parse(argc, argv, a, &err);
    if (bad || !a->reg_count || a->computer_count || a->computer_file_count || a->apply) {
        fprintf(stderr, "exchportguard %s: %s\n\n", cmd,
                err.len ? epg_buf_str(&err)
                : a->apply ? "--apply needs the Windows build: this build plans only"
                : a->reg_count ? "--computer and --computers-file need the "
                                "Windows build (the remote registry)"
                              : "give --reg FILE...: this build reads registry "
                                "exports only");
        usage(stderr);
        epg_buf_free(&err);
        return EXIT_USAGE;
    }
    epg_buf_free(&err);
    if (epg_fleet_add_exports(fleet, a)) {
        fprintf(stderr, "exchportguard %s: out of memory\n", cmd);
        return EXIT_USAGE;
    }
    for (i = 0; i < fleet->count; i++) {
        read_export(&fleet->items[i], a->reg[i], a);
        if (fleet->count > 1)
            fprintf(stderr, "exchportguard: %lu/%lu %s: %s\n",
                    (unsigned long)(i + 1), (unsigned long)fleet->count,
                    fleet->items[i].name, epg_computer_verdict_name(&fleet->items[i]));
    }
    return 0;
}

static int check(int argc, char **argv)
{
    epg_check_args a;
    epg_fleet fleet;
    epg_buf out, html;
    int code;

    memset(&a, 0, sizeof a);
    epg_fleet_init(&fleet);
    epg_buf_init(&out);
    epg_buf_init(&html);
    code = read_exports(argc, argv, 0, &a, &fleet);
    if (code)
        goto out;
    code = epg_fleet_render(&fleet, &a, &html, &out);
    if (a.html && write_file(a.html, &html, 1))
        code = EXIT_USAGE;
    fwrite(epg_buf_str(&out), 1, out.len, stdout);
    if (out.oom || fflush(stdout)) {
        fprintf(stderr, "exchportguard check: the report could not be written\n");
        code = EXIT_USAGE;
    }
out:
    epg_buf_free(&out);
    epg_buf_free(&html);
    epg_fleet_free(&fleet);
    epg_check_args_free(&a);
    return code;
}

/* fix --reg: the plan of every export; a port chosen for one computer is
 * chosen from that computer's snapshot alone. */
static int fix(int argc, char **argv)
{
    epg_check_args a;
    epg_fleet fleet;
    epg_fix_plan *plans = NULL;
    epg_buf out, reg, file;
    size_t i;
    int code;

    memset(&a, 0, sizeof a);
    epg_fleet_init(&fleet);
    epg_buf_init(&out);
    epg_buf_init(&reg);
    epg_buf_init(&file);
    code = read_exports(argc, argv, 1, &a, &fleet);
    if (code)
        goto out;
    if (a.plan_file && !a.force && file_exists(a.plan_file)) {
        fprintf(stderr, EPG_FIX_PLAN_EXISTS, a.plan_file);
        code = EXIT_USAGE;
        goto out;
    }
    plans = calloc(fleet.count ? fleet.count : 1, sizeof *plans);
    if (!plans) {
        fprintf(stderr, "exchportguard fix: out of memory\n");
        code = EXIT_USAGE;
        goto out;
    }
    for (i = 0; i < fleet.count; i++) {
        epg_fix_plan_init(&plans[i]);
        epg_fix_plan_computer(&fleet.items[i], &plans[i]);
        code = epg_fix_exit_worst(code, epg_fix_exit(&plans[i]));
        if (a.format != EPG_OUT_JSON)
            epg_fix_report_text(&fleet.items[i], &plans[i], &out);
    }
    if (a.format == EPG_OUT_JSON)
        epg_fix_report_json(&fleet, plans, &out);
    if (a.plan_file && plans[0].result == EPG_FIX_OK) {
        epg_fix_reg_text(&fleet.items[0].snap, &plans[0], 0, &reg);
        epg_reg_file_utf16(epg_buf_str(&reg), &file);
        if (reg.oom || file.oom || write_file(a.plan_file, &file, a.force))
            code = EXIT_USAGE;
        else
            fprintf(stderr, EPG_FIX_PLAN_WRITTEN, a.plan_file, a.plan_file);
    } else if (a.plan_file && a.force && file_exists(a.plan_file)) {
        if (remove(a.plan_file)) {
            fprintf(stderr, "exchportguard fix: cannot remove \"%s\": %s\n", a.plan_file,
                    strerror(errno));
            code = EXIT_USAGE;
        } else {
            fprintf(stderr, EPG_FIX_PLAN_REMOVED, a.plan_file);
        }
    } else if (a.plan_file) {
        fprintf(stderr, EPG_FIX_PLAN_NONE);
    }
    fwrite(epg_buf_str(&out), 1, out.len, stdout);
    if (out.oom || reg.oom || file.oom || fflush(stdout)) {
        fprintf(stderr, "exchportguard fix: the plan could not be written\n");
        code = EXIT_USAGE;
    }
out:
    for (i = 0; plans && i < fleet.count; i++)
        epg_fix_plan_free(&plans[i]);
    free(plans);
    epg_buf_free(&out);
    epg_buf_free(&reg);
    epg_buf_free(&file);
    epg_fleet_free(&fleet);
    epg_check_args_free(&a);
    return code;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!strcmp(cmd, "check"))
        return check(argc - 2, argv + 2);
    if (!strcmp(cmd, "fix"))
        return fix(argc - 2, argv + 2);
    if (!strcmp(cmd, "--version")) {
        printf("ExchPortGuard %s\n", EPG_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (argc > 1)
        fprintf(stderr, "exchportguard: unknown command \"%s\"\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
