/* What "exchportguard fix" shows and writes, for one computer or many:
 * the plan as text or JSON (schema exchportguard-fix/1, docs/check-json.md),
 * and a plan or undo file as a registry file (REGEDIT5, UTF-16LE with a
 * byte order mark, what "reg import" and regedit read).  Both command lines
 * (service/commands/cmd_fix.c, cli/main.c) use these; the Windows one also
 * writes. */
#ifndef EPG_FIX_REPORT_H
#define EPG_FIX_REPORT_H

#include "fix/fixplan.h"
#include "fleet/fleet.h"
#include "strbuf.h"

#define EPG_FIX_JSON_SCHEMA "exchportguard-fix/1"

/* Exit codes of "exchportguard fix" (docs/operations.md): */
enum {
    EPG_FIX_EXIT_DONE = 0,      /* nothing to change, or --apply wrote it all */
    EPG_FIX_EXIT_PLANNED = 1,   /* changes proposed, nothing written */
    EPG_FIX_EXIT_FAILED = 3     /* no port qualifies, a computer or value
                                   could not be read, a value changed since
                                   the plan, a write failed, a usage error */
};

/* The plan for computer c: none when it was not read (the reason says
 * why).  Returns p->result. */
epg_fix_result epg_fix_plan_computer(const epg_computer *c, epg_fix_plan *p);
/* A plan's exit code before anything is written. */
int epg_fix_exit(const epg_fix_plan *p);
/* The worst over many plans: 3 wins, then 1, then 0. */
int epg_fix_exit_worst(int a, int b);

/* "6001 (REG_DWORD)" or "absent (its default 6004 applies)". */
void epg_fix_old_text(const epg_snapshot *snap, const epg_fix_change *c, epg_buf *out);

/* The plan of one computer as text: each change, the port, why, and what
 * to restart. */
void epg_fix_report_text(const epg_computer *c, const epg_fix_plan *p, epg_buf *out);
/* The plans of every computer in the JSON envelope. */
/* What changed between the reading a plan was made from (was) and the
 * reading taken again just before fix --apply writes (now), one line each,
 * indented by two spaces: the watched values, the keys, the dynamic port
 * range and its exclusions, and the ports in the TCP table (at most eight
 * each way).  Says nothing when none of those changed. */
void epg_fix_what_changed(const epg_computer *was, const epg_computer *now, epg_buf *out);

/* What both builds say of --plan FILE (stderr; stdout may be JSON).  An
 * existing FILE is refused before anything is read, unless --force; on
 * exit code 3 no plan file is left: with --force an earlier one is
 * removed, since a stale plan beside a failed fix invites its import. */
#define EPG_FIX_PLAN_EXISTS "exchportguard fix: the plan file \"%s\" already exists; " \
    "give --force to replace it, or another name\n"
#define EPG_FIX_PLAN_WRITTEN "The plan was written to \"%s\" (reg import \"%s\" " \
    "applies it).\n"
#define EPG_FIX_PLAN_REMOVED "exchportguard fix: no plan, so the earlier plan file " \
    "\"%s\" was removed (--force)\n"
#define EPG_FIX_PLAN_NONE "exchportguard fix: no plan, so no plan file was written\n"

void epg_fix_report_json(const epg_fleet *f, const epg_fix_plan *plans, epg_buf *out);

/* A registry file of p's changes: the new data (undo 0), or the data every
 * changed value had before, with its exact type, and a deletion line for a
 * value that was absent (undo 1).  UTF-8 text; epg_reg_file_utf16 makes
 * the file's bytes. */
void epg_fix_reg_text(const epg_snapshot *snap, const epg_fix_plan *p, int undo,
                      epg_buf *out);
/* Text (ASCII) as UTF-16LE with a byte order mark, line ends CR LF. */
void epg_reg_file_utf16(const char *text, epg_buf *out);

#endif
