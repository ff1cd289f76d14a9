/* exchportguard check: the service's verdict, on demand. */
#include <windows.h>

#include <stdlib.h>

#include "check/checks.h"
#include "commands/commands.h"
#include "readers/netsh.h"
#include "readers/regread.h"
#include "readers/tcptable.h"
#include "report/report.h"
#include "winutil.h"

void read_local(epg_snapshot *snap)
{
    regread_snapshot(snap);
    /* The same settings the service uses decide whether, and how, the
     * dynamic range is checked, so both give the same verdict. */
    if (epg_needs_netsh(snap))
        netsh_query(snap, NULL);
    if (epg_needs_listeners(snap))
        tcptable_collect(&snap->tcp);
}

int cmd_check(int argc, WCHAR **argv)
{
    int json = 0, i, code;
    epg_snapshot snap;
    epg_evaluation ev;
    epg_buf out;

    for (i = 0; i < argc; i++) {
        if (!wcscmp(argv[i], L"--json")) {
            json = 1;
        } else if (!wcscmp(argv[i], L"--help") || !wcscmp(argv[i], L"-h")) {
            usage(0);
            return 0;
        } else {
            /* --reg, --computer, --computers-file: check_many.c. */
            return check_many(argc, argv);
        }
    }

    epg_snapshot_init(&snap);
    epg_evaluation_init(&ev);
    epg_buf_init(&out);
    read_local(&snap);
    if (epg_evaluate(&snap, &ev)) {
        complain("exchportguard check: out of memory; no verdict\n");
        code = EPG_EXIT_UNREADABLE;
    } else {
        if (json)
            epg_report_json(&snap, &ev, &out);
        else
            epg_report_text(&snap, &ev, &out);
        code = out.oom || out_report("check", epg_buf_str(&out)) ? EPG_EXIT_UNREADABLE
                                                                 : epg_verdict(&ev);
    }
    epg_buf_free(&out);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&snap);
    return code;
}
