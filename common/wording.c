#include "wording.h"

#include <string.h>

#include "dynrange.h"
#include "portvalue.h"

void epg_conflict_sentence(const epg_finding *f, epg_buf *out)
{
    epg_buf_printf(out, "Port %u is held by both ", (unsigned)f->port);
    epg_value_path(f->a, out);
    epg_buf_printf(out, " (%s) and ", epg_values[f->a].component);
    epg_value_path(f->b, out);
    epg_buf_printf(out, " (%s).", epg_values[f->b].component);
}

/* Index of the value the Analyzer's remedy singles out. */
static int is_is_tcpip(size_t v)
{
    return strcmp(epg_values[v].id, "is-tcpip-port") == 0;
}

void epg_conflict_remedy(const epg_finding *f, epg_buf *out)
{
    epg_buf_puts(out, "Change one of the two values, or the conflicting "
                 "value, to a port no other value uses");
    if (is_is_tcpip(f->a) || is_is_tcpip(f->b))
        epg_buf_puts(out, " (for the Information Store TCP/IP Port, a unique "
                     "value just above 5000, in decimal)");
    if (epg_values[f->a].family == EPG_EXCHANGE_2010 ||
        epg_values[f->b].family == EPG_EXCHANGE_2010)
        epg_buf_puts(out, " (for Exchange 2010 ports, 59531-60554 is the "
                     "recommended range)");
    epg_buf_puts(out, ", then restart the computer for the setting to take "
                 "effect.");
}

void epg_finding_sentence(const epg_finding *f, const epg_snapshot *snap,
                          const epg_evaluation *ev, epg_buf *out)
{
    char tb[32];

    switch (f->rule) {
    case EPG_RULE_CONFLICT:
        epg_conflict_sentence(f, out);
        break;
    case EPG_RULE_INVALID_VALUE:
        epg_value_path(f->a, out);
        epg_buf_puts(out, " = ");
        epg_data_show(&snap->values[f->a], EPG_SHOW_MAX, out);
        epg_buf_printf(out, " (%s) is not a usable port: ",
                       epg_regtype_name(snap->values[f->a].type, tb));
        epg_port_reason(&ev->ports[f->a], out);
        epg_buf_puts(out, ". It takes part in no comparison.");
        break;
    case EPG_RULE_DYNAMIC_RANGE:
        epg_value_path(f->a, out);
        epg_buf_printf(out, " holds port %u, inside the dynamic port range "
                       "%u-%u and not excluded from it (range ",
                       (unsigned)f->port, (unsigned)ev->range.start,
                       (unsigned)ev->range.end);
        epg_dynrange_describe(&ev->range, out);
        epg_buf_puts(out, "). Another program's outbound connection can take "
                     "the port before Exchange starts.");
        break;
    case EPG_RULE_UNREADABLE: {
        uint32_t code;
        const char *text;
        epg_unreadable_error(snap, f, &code, &text);
        epg_unreadable_path(snap, f, out);
        epg_buf_printf(out, " could not be read: %s (error %lu).",
                       text ? text : "unknown error", (unsigned long)code);
        epg_buf_puts(out, " The verdict is incomplete.");
        break;
    }
    default:
        epg_buf_puts(out, epg_rule_name(f->rule));
        break;
    }
}
