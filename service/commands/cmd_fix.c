/* exchportguard fix: for each conflict and each error about a port, the
 * core's proposed change (common/fix/fixplan.c), printed, written as a .reg
 * file (--plan), or applied to this computer's registry (--apply,
 * fix_apply.c).  The computers are read exactly as check reads them:
 * this one (read_local), exports and remote computers (check_many.c), each
 * planned from its own snapshot alone. */
#include <windows.h>

#include <stdlib.h>

#include "commands/commands.h"
#include "commands/fix_apply.h"
#include "readers/remote_pool.h"
#include "report/fix_report.h"
#include "winutil.h"

/* --plan FILE at the end: the changes of the one computer (never over an
 * existing file without --force), or, with no plan (exit code 3), no file
 * at all.  Returns 0 or -1. */
static int write_plan(const epg_check_args *a, const epg_computer *c, const epg_fix_plan *p)
{
    epg_buf text, file;
    WCHAR *w;
    int rc;

    if (p->result != EPG_FIX_OK) {
        if (!a->force || !file_exists(a->plan_file)) {
            complain(EPG_FIX_PLAN_NONE);
            return 0;
        }
        w = wide_from_utf8(a->plan_file);
        rc = w && DeleteFileW(w) ? 0 : -1;
        free(w);
        if (rc)
            report_error("DeleteFileW of the earlier plan file", GetLastError());
        else
            complain(EPG_FIX_PLAN_REMOVED, a->plan_file);
        return rc;
    }
    epg_buf_init(&text);
    epg_buf_init(&file);
    epg_fix_reg_text(&c->snap, p, 0, &text);
    epg_reg_file_utf16(epg_buf_str(&text), &file);
    rc = write_whole_file(a->plan_file, &file, a->force ? CREATE_ALWAYS : CREATE_NEW,
                          "the plan file");
    if (rc == 0)
        complain(EPG_FIX_PLAN_WRITTEN, a->plan_file, a->plan_file);
    epg_buf_free(&text);
    epg_buf_free(&file);
    return rc;
}

int cmd_fix(int argc, WCHAR **argv)
{
    many_set m;
    epg_fix_plan *plans = NULL;
    epg_buf out;
    size_t i, readers_left;
    int code, j;

    for (j = 0; j < argc; j++)
        if (!wcscmp(argv[j], L"--help") || !wcscmp(argv[j], L"-h")) {
            usage(0);
            return 0;
        }
    epg_buf_init(&out);
    code = many_read(argc, argv, 1, &m);
    if (code)
        goto out;
    if (!m.a.many) {
        epg_computer *c = epg_fleet_add(&m.fleet, "this computer", NULL);
        if (!c) {
            complain("exchportguard fix: out of memory\n");
            code = EXIT_USAGE;
            goto out;
        }
        read_local(&c->snap);
        epg_computer_evaluate(c);
    }
    if (m.a.plan_file && m.fleet.count != 1) {
        complain("exchportguard fix: --plan writes one computer's changes; the "
                 "computers file named %lu\n", (unsigned long)m.fleet.count);
        code = EXIT_USAGE;
        goto out;
    }
    plans = calloc(m.fleet.count, sizeof *plans);
    if (!plans) {
        complain("exchportguard fix: out of memory\n");
        code = EXIT_USAGE;
        goto out;
    }
    for (i = 0; i < m.fleet.count; i++) {
        epg_fix_plan_init(&plans[i]);
        epg_fix_plan_computer(&m.fleet.items[i], &plans[i]);
        code = epg_fix_exit_worst(code, epg_fix_exit(&plans[i]));
        if (m.a.format != EPG_OUT_JSON)
            epg_fix_report_text(&m.fleet.items[i], &plans[i], &out);
    }
    if (m.a.format == EPG_OUT_JSON)
        epg_fix_report_json(&m.fleet, plans, &out);
    /* A plan nobody could read is not applied: the exit code 3 below keeps
     * --apply from running. */
    if (out_report("fix", epg_buf_str(&out)))
        code = EXIT_USAGE;
    if (out.oom) {
        complain("exchportguard fix: out of memory; the plan is incomplete\n");
        code = EXIT_USAGE;
    }
    if (m.a.plan_file && write_plan(&m.a, &m.fleet.items[0], &plans[0]))
        code = EXIT_USAGE;
    if (m.a.apply && code == EPG_FIX_EXIT_PLANNED)
        code = fix_apply(&m.fleet.items[0], &plans[0], m.a.undo_file, m.a.yes);
    else if (code == EPG_FIX_EXIT_PLANNED && !m.a.plan_file && m.a.format != EPG_OUT_JSON)
        say("Nothing was changed: fix --apply --undo FILE writes these changes.\n");
out:
    for (i = 0; plans && i < m.fleet.count; i++)
        epg_fix_plan_free(&plans[i]);
    free(plans);
    readers_left = m.readers_left;
    many_free(&m);
    epg_buf_free(&out);
    remote_pool_exit(readers_left, code);
    return code;
}
