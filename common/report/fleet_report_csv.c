/* CSV over many computers: one row per computer and watched value (RFC 4180:
 * every field quoted, quotes doubled, CRLF line ends), so a spreadsheet or a
 * firewall team's script gets the port map and what is wrong with it. */
#include "report/fleet_renderers.h"

#include "report/fleet_cells.h"
#include "report/report.h"

static void field(epg_buf *out, const char *s, int last)
{
    epg_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            epg_buf_putc(out, '"');
        epg_buf_putc(out, *s);
    }
    epg_buf_puts(out, last ? "\"\r\n" : "\",");
}

static void field_buf(epg_buf *out, epg_buf *text, int last)
{
    field(out, epg_buf_str(text), last);
    epg_buf_clear(text);
}

static const char *status_name(const epg_computer *c, size_t v)
{
    if (c->state != EPG_COMPUTER_READ)
        return "not-read";
    return epg_port_status_token(c->ev.ports[v].status);
}

/* The rules of the findings naming value v, "; "-separated. */
static void rules_of(const epg_computer *c, size_t v, epg_buf *out)
{
    size_t i, j, n, vals[2], count = 0;

    if (c->state != EPG_COMPUTER_READ)
        return;
    for (i = 0; i < c->ev.findings.count; i++) {
        const epg_finding *f = &c->ev.findings.items[i];
        n = epg_finding_values(f, vals);
        for (j = 0; j < n; j++)
            if (vals[j] == v) {
                epg_buf_printf(out, "%s%s", count++ ? "; " : "",
                               epg_rule_name(f->rule));
                break;
            }
    }
}

void epg_fleet_report_csv(const epg_fleet *f, epg_buf *out)
{
    static const char *const level_names[] = { "", "", "warning", "error" };
    size_t i, v;
    epg_buf tmp;
    char tb[32];

    epg_buf_init(&tmp);
    epg_buf_puts(out, "computer,computer_verdict,value_id,path,status,type,"
                 "data,port,severity,findings,error\r\n");
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        for (v = 0; v < EPG_VALUE_COUNT; v++) {
            const epg_reading *r = &c->snap.values[v];
            int read = c->state == EPG_COMPUTER_READ;
            field(out, c->name, 0);
            field(out, epg_computer_verdict_name(c), 0);
            field(out, epg_values[v].id, 0);
            epg_value_path(v, &tmp);
            field_buf(out, &tmp, 0);
            field(out, status_name(c, v), 0);
            field(out, read && r->presence == EPG_PRESENT
                       ? epg_regtype_name(r->type, tb) : "", 0);
            if (read && r->presence == EPG_PRESENT)
                epg_data_show(r, EPG_SHOW_MAX, &tmp);
            field_buf(out, &tmp, 0);
            if (read && epg_port_effective(&c->ev.ports[v]))
                epg_buf_printf(&tmp, "%u", (unsigned)c->ev.ports[v].port);
            field_buf(out, &tmp, 0);
            field(out, level_names[epg_cell_level_of(c, v)], 0);
            rules_of(c, v, &tmp);
            field_buf(out, &tmp, 0);
            if (!read)
                epg_buf_printf(&tmp, "%s (error %lu)",
                               c->error_text ? c->error_text : "unknown error",
                               (unsigned long)c->error);
            else if (r->presence == EPG_UNREADABLE)
                epg_buf_printf(&tmp, "%s (error %lu)",
                               r->error_text ? r->error_text : "unknown error",
                               (unsigned long)r->error);
            field_buf(out, &tmp, 1);
        }
    }
    epg_buf_free(&tmp);
}
