/* The JSON report over many computers: an envelope (schema
 * exchportguard-fleet/1, docs/check-json.md "Many computers") holding each
 * computer's exchportguard-check/1 report unchanged. */
#include "report/fleet_renderers.h"

#include "report/report.h"

static void json_notes(const epg_computer *c, epg_buf *out)
{
    const char *p = epg_buf_str(&c->notes);
    epg_buf line;
    int first = 1;

    epg_buf_init(&line);
    epg_buf_putc(out, '[');
    while (*p) {
        const char *nl = p;
        while (*nl && *nl != '\n')
            nl++;
        epg_buf_clear(&line);
        epg_buf_putn(&line, p, (size_t)(nl - p));
        if (line.len) {
            epg_buf_puts(out, first ? "" : ", ");
            epg_json_string(out, epg_buf_str(&line));
            first = 0;
        }
        p = *nl ? nl + 1 : nl;
    }
    epg_buf_putc(out, ']');
    epg_buf_free(&line);
}

void epg_computer_json_report(const epg_computer *c, epg_buf *out)
{
    size_t before = out->len;

    if (c->state != EPG_COMPUTER_READ) {
        epg_buf_puts(out, "null");
        return;
    }
    epg_report_json(&c->snap, &c->ev, out);
    /* The report ends with a line break; the envelope goes on. */
    if (out->len > before && out->p[out->len - 1] == '\n')
        out->p[--out->len] = '\0';
}

void epg_computer_json_head(const epg_computer *c, epg_buf *out)
{
    epg_buf_puts(out, "    {\"name\": ");
    epg_json_string(out, c->name);
    epg_buf_puts(out, ", \"source\": ");
    if (c->source)
        epg_json_string(out, c->source);
    else
        epg_buf_puts(out, "null");
}

static void json_computer(const epg_computer *c, epg_buf *out)
{
    epg_computer_json_head(c, out);
    epg_buf_printf(out, ", \"read_from\": \"%s\", \"state\": \"%s\", "
                   "\"exit_code\": %d, \"verdict\": \"%s\", \"error\": ",
                   c->source ? "export" : "remote-registry",
                   epg_computer_state_name(c),
                   epg_computer_verdict(c), epg_computer_verdict_name(c));
    if (c->state == EPG_COMPUTER_READ) {
        epg_buf_puts(out, "null");
    } else {
        epg_buf_printf(out, "{\"code\": %lu, \"text\": ", (unsigned long)c->error);
        epg_json_string(out, c->error_text ? c->error_text : "unknown error");
        epg_buf_putc(out, '}');
    }
    epg_buf_puts(out, ", \"notes\": ");
    json_notes(c, out);
    epg_buf_puts(out, ",\n     \"report\": ");
    epg_computer_json_report(c, out);
    epg_buf_putc(out, '}');
}

void epg_fleet_report_json(const epg_fleet *f, epg_buf *out)
{
    epg_fleet_counts n;
    size_t i;
    int code = epg_fleet_exit(f);

    epg_fleet_count(f, &n);
    epg_buf_puts(out, "{\n  \"schema\": \"" EPG_FLEET_JSON_SCHEMA "\",\n"
                 "  \"product_version\": ");
    epg_json_string(out, EPG_VERSION);
    epg_buf_printf(out, ",\n  \"exit_code\": %d,\n  \"verdict\": \"%s\",\n", code,
                   code == EPG_EXIT_CLEAN ? "clean"
                   : code == EPG_EXIT_WARNINGS ? "warnings"
                   : code == EPG_EXIT_CONFLICT ? "conflict" : "unreadable");
    epg_buf_printf(out, "  \"summary\": {\"computers\": %lu, \"clean\": %lu, "
                   "\"warnings\": %lu, \"conflict\": %lu, \"unreadable\": %lu},\n",
                   (unsigned long)n.computers, (unsigned long)n.clean,
                   (unsigned long)n.warnings, (unsigned long)n.conflict,
                   (unsigned long)n.unreadable);
    epg_buf_puts(out, "  \"computers\": [");
    for (i = 0; i < f->count; i++) {
        epg_buf_puts(out, i ? ",\n" : "\n");
        json_computer(&f->items[i], out);
    }
    epg_buf_puts(out, f->count ? "\n  ]\n}\n" : "]\n}\n");
}
