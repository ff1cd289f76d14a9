/* The HTML report over many computers: one self-contained page (inline
 * style, no script, nothing fetched) with the verdicts, the port map
 * coloured by finding severity, every finding with its remedy, and the
 * notes: what an auditor attaches to a ticket.  It is well-formed XML as
 * well as HTML, and every text from a registry, a file name or a computer
 * name goes through esc(). */
#include "report/fleet_renderers.h"

#include "report/fleet_cells.h"
#include "report/report.h"
#include "report/wording.h"

/* HTML-escapes s: & < > " ' are the characters that can end text or an
 * attribute value (HTML Living Standard, "Escaping a string"). */
static void esc(epg_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': epg_buf_puts(out, "&amp;"); break;
        case '<': epg_buf_puts(out, "&lt;"); break;
        case '>': epg_buf_puts(out, "&gt;"); break;
        case '"': epg_buf_puts(out, "&quot;"); break;
        case '\'': epg_buf_puts(out, "&#39;"); break;
        default:
            /* Control characters are not allowed in XML 1.0 text. */
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                epg_buf_puts(out, "&#xFFFD;");
            else
                epg_buf_putc(out, *s);
            break;
        }
    }
}

static void esc_buf(epg_buf *out, epg_buf *text)
{
    esc(out, epg_buf_str(text));
    epg_buf_clear(text);
}

static const char STYLE[] =
    "body{font-family:Segoe UI,Arial,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "th,td{border:1px solid #bbb;padding:0.25em 0.6em;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}"
    ".error{background:#f4c7c3}.warning{background:#fce8b2}"
    ".ok{background:#d9ead3}.none{color:#888}"
    ".remedy{color:#444;font-style:italic}";

static const char *level_class(epg_cell_level l)
{
    switch (l) {
    case EPG_CELL_ERROR: return "error";
    case EPG_CELL_WARNING: return "warning";
    case EPG_CELL_OK: return "ok";
    default: return "none";
    }
}

static const char *verdict_class(const epg_computer *c)
{
    switch (epg_computer_verdict(c)) {
    case EPG_EXIT_CLEAN: return "ok";
    case EPG_EXIT_WARNINGS: return "warning";
    default: return "error";
    }
}

static void verdicts(const epg_fleet *f, epg_buf *out)
{
    size_t i;

    epg_buf_puts(out, "<h2>Verdicts</h2>\n<table>\n<tr><th>Computer</th>"
                 "<th>Verdict</th><th>Read from</th><th>Details</th></tr>\n");
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        epg_buf_puts(out, "<tr><td>");
        esc(out, c->name);
        epg_buf_printf(out, "</td><td class=\"%s\">%s</td><td>", verdict_class(c),
                       epg_computer_verdict_name(c));
        esc(out, c->source ? c->source : "remote registry");
        epg_buf_puts(out, "</td><td>");
        if (c->state != EPG_COMPUTER_READ) {
            esc(out, c->error_text ? c->error_text : "unknown error");
            epg_buf_printf(out, " (error %lu)", (unsigned long)c->error);
        } else {
            epg_buf_printf(out, "%lu finding(s)",
                           (unsigned long)c->ev.findings.count);
        }
        epg_buf_puts(out, "</td></tr>\n");
    }
    epg_buf_puts(out, "</table>\n");
}

static void port_map(const epg_fleet *f, epg_buf *out)
{
    size_t i, v;
    epg_buf tmp;

    epg_buf_init(&tmp);
    epg_buf_puts(out, "<h2>Port map</h2>\n<table>\n<tr><th>Computer</th>");
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        epg_buf_puts(out, "<th title=\"");
        epg_value_path(v, &tmp);
        esc_buf(out, &tmp);
        epg_buf_puts(out, "\">");
        epg_value_short_path(v, &tmp);
        esc_buf(out, &tmp);
        epg_buf_puts(out, "</th>");
    }
    epg_buf_puts(out, "</tr>\n");
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        epg_buf_puts(out, "<tr><td>");
        esc(out, c->name);
        epg_buf_puts(out, "</td>");
        for (v = 0; v < EPG_VALUE_COUNT; v++) {
            epg_buf_printf(out, "<td class=\"%s\">",
                           level_class(epg_cell_level_of(c, v)));
            epg_cell_text(c, v, &tmp);
            esc_buf(out, &tmp);
            epg_buf_puts(out, "</td>");
        }
        epg_buf_puts(out, "</tr>\n");
    }
    epg_buf_puts(out, "</table>\n<p>Red: an error names the value; yellow: a "
                 "warning; green: a port with nothing wrong; - not set "
                 "(dynamic port); ? the computer was not read.</p>\n");
    epg_buf_free(&tmp);
}

static void findings(const epg_fleet *f, epg_buf *out)
{
    size_t i, j;
    epg_buf tmp;

    epg_buf_init(&tmp);
    epg_buf_puts(out, "<h2>Findings</h2>\n<table>\n<tr><th>Computer</th>"
                 "<th>Severity</th><th>Rule</th><th>Finding and remedy</th>"
                 "</tr>\n");
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        if (c->state != EPG_COMPUTER_READ) {
            epg_buf_puts(out, "<tr class=\"finding\"><td>");
            esc(out, c->name);
            epg_buf_puts(out, "</td><td class=\"error\">error</td><td>unreadable"
                         "</td><td>The computer could not be read: ");
            esc(out, c->error_text ? c->error_text : "unknown error");
            epg_buf_printf(out, " (error %lu). It has no verdict.</td></tr>\n",
                           (unsigned long)c->error);
            continue;
        }
        for (j = 0; j < c->ev.findings.count; j++) {
            const epg_finding *fd = &c->ev.findings.items[j];
            const char *sev = epg_severity_name(epg_rule_severity(fd->rule));
            epg_buf_puts(out, "<tr class=\"finding\"><td>");
            esc(out, c->name);
            epg_buf_printf(out, "</td><td class=\"%s\">%s</td><td>%s</td><td>",
                           sev, sev, epg_rule_name(fd->rule));
            epg_finding_sentence(fd, &c->snap, &c->ev, &tmp);
            esc_buf(out, &tmp);
            epg_buf_puts(out, "<br/><span class=\"remedy\">Remedy: ");
            epg_finding_remedy(fd, &c->snap, &c->ev, &tmp);
            esc_buf(out, &tmp);
            epg_buf_puts(out, "</span></td></tr>\n");
        }
    }
    epg_buf_puts(out, "</table>\n");
    epg_buf_free(&tmp);
}

static void notes(const epg_fleet *f, epg_buf *out)
{
    size_t i;
    int any = 0;

    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        const char *range = NULL;
        if (c->state == EPG_COMPUTER_READ && c->snap.os_unknown)
            range = EPG_OS_UNKNOWN_TEXT;
        else if (c->state == EPG_COMPUTER_READ && c->ev.range_checked &&
                 c->ev.range.notes.len)
            range = epg_buf_str(&c->ev.range.notes);
        if (!range && !c->notes.len)
            continue;
        if (!any++)
            epg_buf_puts(out, "<h2>Notes</h2>\n<ul>\n");
        epg_buf_puts(out, "<li>");
        esc(out, c->name);
        epg_buf_puts(out, ": <pre>");
        if (range) {
            epg_buf_puts(out, "dynamic port range: ");
            esc(out, range);
            epg_buf_putc(out, '\n');
        }
        esc(out, epg_buf_str(&c->notes));
        epg_buf_puts(out, "</pre></li>\n");
    }
    if (any)
        epg_buf_puts(out, "</ul>\n");
}

void epg_fleet_report_html(const epg_fleet *f, epg_buf *out)
{
    epg_fleet_counts n;

    epg_fleet_count(f, &n);
    epg_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                   "<meta charset=\"utf-8\"/>\n<title>ExchPortGuard check of "
                   "%lu computer(s)</title>\n<style>%s</style>\n</head>\n<body>\n",
                   (unsigned long)n.computers, STYLE);
    epg_buf_printf(out, "<h1>ExchPortGuard %s: Exchange static RPC ports</h1>\n"
                   "<p>%lu computer(s): %lu with conflicts, %lu with warnings, "
                   "%lu unreadable, %lu clean. Exit code %d.</p>\n", EPG_VERSION,
                   (unsigned long)n.computers, (unsigned long)n.conflict,
                   (unsigned long)n.warnings, (unsigned long)n.unreadable,
                   (unsigned long)n.clean, epg_fleet_exit(f));
    verdicts(f, out);
    port_map(f, out);
    findings(f, out);
    notes(f, out);
    epg_buf_puts(out, "</body>\n</html>\n");
}
