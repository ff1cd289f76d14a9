/* Reports over many computers (`check --computer` / `--reg`): text for
 * people, JSON wrapping each computer's exchportguard-check/1 report
 * (docs/check-json.md, "Many computers"), CSV with one row per computer and
 * value, and one self-contained HTML page for a ticket. */
#ifndef EPG_FLEET_REPORT_H
#define EPG_FLEET_REPORT_H

#include "check_args.h"
#include "fleet.h"
#include "strbuf.h"

#define EPG_FLEET_JSON_SCHEMA "exchportguard-fleet/1"

void epg_fleet_report_text(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_json(const epg_fleet *f, epg_buf *out);
/* Computer c's exchportguard-check report as a member of an envelope
 * (no line break at its end), or null when c was not read. */
void epg_computer_json_report(const epg_computer *c, epg_buf *out);
/* The start of a computer's entry in an envelope: its name and source. */
void epg_computer_json_head(const epg_computer *c, epg_buf *out);
void epg_fleet_report_csv(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_html(const epg_fleet *f, epg_buf *out);

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

/* One cell of the port map: computer c, value v. */
typedef enum epg_cell_level {
    EPG_CELL_NONE = 0,      /* absent, or the computer was not read */
    EPG_CELL_OK,
    EPG_CELL_WARNING,       /* a warning finding names the value */
    EPG_CELL_ERROR          /* an error finding names the value */
} epg_cell_level;

epg_cell_level epg_cell_level_of(const epg_computer *c, size_t v);
/* "6001", "-" (not set), "(6004)" (not set; the component's effective
 * default), "0" (RpcTcpPort's dynamic port), "invalid", "unreadable", "?"
 * (computer not read). */
void epg_cell_text(const epg_computer *c, size_t v, epg_buf *out);
/* The values a finding is about: up to two indexes into epg_values. */
size_t epg_finding_values(const epg_finding *f, size_t out[2]);

#endif
