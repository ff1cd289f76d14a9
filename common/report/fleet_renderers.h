/* The four reports over many computers, each in its own file
 * (fleet_report_<format>.c).  They use the port map's cells
 * (fleet_cells.h) and are chosen by the dispatcher (fleet_report.h): the
 * calls run dispatcher -> renderers -> cells, never back. */
#ifndef EPG_FLEET_RENDERERS_H
#define EPG_FLEET_RENDERERS_H

#include "fleet/fleet.h"
#include "strbuf.h"

#define EPG_FLEET_JSON_SCHEMA "exchportguard-fleet/1"

void epg_fleet_report_text(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_json(const epg_fleet *f, epg_buf *out);
/* Computer c's exchportguard-check report as a member of an envelope
 * (no line break at its end), or null when c was not read; and the start
 * of a computer's entry in an envelope (its name and source).  The plan of
 * fix (fix_report.c) is such an envelope too. */
void epg_computer_json_report(const epg_computer *c, epg_buf *out);
void epg_computer_json_head(const epg_computer *c, epg_buf *out);
void epg_fleet_report_csv(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_html(const epg_fleet *f, epg_buf *out);

#endif
