/* The port map's cells, shared by every report over many computers
 * (fleet_report_<format>.c): which values a finding names, how severe a
 * computer's value is, and its text in the map. */
#ifndef EPG_FLEET_CELLS_H
#define EPG_FLEET_CELLS_H

#include <stddef.h>

#include "fleet/fleet.h"
#include "strbuf.h"

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
