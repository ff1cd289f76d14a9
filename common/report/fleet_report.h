/* Reports over many computers (`check --computer` / `--reg`) as a command
 * line prints them: the one chosen for stdout, the HTML page, the exit
 * code.  The renderers themselves (text for people, JSON wrapping each
 * computer's exchportguard-check/1 report, docs/check-json.md "Many
 * computers", CSV with one row per computer and value, one self-contained
 * HTML page for a ticket) are in fleet_renderers.h. */
#ifndef EPG_FLEET_REPORT_H
#define EPG_FLEET_REPORT_H

#include "fleet/check_args.h"
#include "fleet/fleet.h"
#include "report/fleet_renderers.h"
#include "strbuf.h"

/* The report chosen for stdout. */
void epg_fleet_report(const epg_fleet *f, epg_out_format format, epg_buf *out);
/* Everything a command line prints for a.  Renders the HTML page into
 * html when a->html is set and the stdout report into out; returns the
 * exit code (epg_fleet_exit), or 3 when memory ran out. */
int epg_fleet_render(const epg_fleet *f, const epg_check_args *a, epg_buf *html,
                     epg_buf *out);
/* Adds one computer per --reg file, named after the file (or --name).
 * Returns 0, or -1 when memory ran out. */
int epg_fleet_add_exports(epg_fleet *f, const epg_check_args *a);

#endif
