/* The port map's cells (fleet_cells.h): below every renderer, calling
 * none of them. */
#include "report/fleet_cells.h"

size_t epg_finding_values(const epg_finding *f, size_t out[2])
{
    switch (f->rule) {
    case EPG_RULE_CONFLICT:
        out[0] = f->a;
        out[1] = f->b;
        return 2;
    case EPG_RULE_INVALID_VALUE:
    case EPG_RULE_DYNAMIC_RANGE:
    case EPG_RULE_PORT_BELOW_1024:
    case EPG_RULE_PORT_BELOW_5000:
    case EPG_RULE_PORT_NOT_RECOMMENDED:
    case EPG_RULE_PORT_EXCLUDED:
    case EPG_RULE_PORT_HELD:
        out[0] = f->a;
        return 1;
    case EPG_RULE_UNREADABLE:
        if (f->b < EPG_VALUE_COUNT) {   /* read-plan index: values first */
            out[0] = f->b;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

epg_cell_level epg_cell_level_of(const epg_computer *c, size_t v)
{
    epg_cell_level level = EPG_CELL_NONE;
    size_t i, j, n, vals[2];

    if (c->state != EPG_COMPUTER_READ)
        return EPG_CELL_NONE;
    if (epg_port_effective(&c->ev.ports[v]))
        level = EPG_CELL_OK;
    for (i = 0; i < c->ev.findings.count; i++) {
        const epg_finding *f = &c->ev.findings.items[i];
        n = epg_finding_values(f, vals);
        for (j = 0; j < n; j++) {
            if (vals[j] != v)
                continue;
            if (epg_rule_severity(f->rule) == EPG_SEV_ERROR)
                level = EPG_CELL_ERROR;
            else if (level != EPG_CELL_ERROR &&
                     epg_rule_severity(f->rule) == EPG_SEV_WARNING)
                level = EPG_CELL_WARNING;
        }
    }
    return level;
}

void epg_cell_text(const epg_computer *c, size_t v, epg_buf *out)
{
    if (c->state != EPG_COMPUTER_READ) {
        epg_buf_putc(out, '?');
        return;
    }
    switch (c->ev.ports[v].status) {
    case EPG_PORT_OK:
        epg_buf_printf(out, "%u", (unsigned)c->ev.ports[v].port);
        break;
    case EPG_PORT_ABSENT:
        epg_buf_putc(out, '-');
        break;
    case EPG_PORT_INVALID:
        epg_buf_puts(out, "invalid");
        break;
    case EPG_PORT_UNREADABLE:
        epg_buf_puts(out, "unreadable");
        break;
    case EPG_PORT_DEFAULT:      /* absent; the component uses its default */
        epg_buf_printf(out, "(%u)", (unsigned)c->ev.ports[v].port);
        break;
    case EPG_PORT_DYNAMIC:      /* RpcTcpPort 0 */
        epg_buf_puts(out, "0");
        break;
    }
}
