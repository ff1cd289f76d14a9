/* The four reports over many computers, each in its own file
 * (fleet_report_<format>.c).  They use the port map's cells
 * (fleet_cells.h) and are chosen by the dispatcher (fleet_report.h): the
 * calls run dispatcher -> renderers -> cells, never back. */
#ifndef EPG_FLEET_RENDERERS_H
#define EPG_FLEET_RENDERERS_H

#include "fleet.h"
#include "strbuf.h"

#define EPG_FLEET_JSON_SCHEMA "exchportguard-fleet/1"

void epg_fleet_report_text(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_json(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_csv(const epg_fleet *f, epg_buf *out);
void epg_fleet_report_html(const epg_fleet *f, epg_buf *out);

#endif
