/* The text report over many computers: a verdict line per computer, the
 * port map (computers by value, the table a firewall team needs), then
 * every finding of every computer with its remedy, and the notes. */
#include "report/fleet_renderers.h"

#include <string.h>

#include "report/fleet_cells.h"
#include "report/report.h"
#include "report/wording.h"

static size_t name_width(const epg_fleet *f)
{
    size_t i, w = strlen("COMPUTER");

    for (i = 0; i < f->count; i++)
        if (strlen(f->items[i].name) > w)
            w = strlen(f->items[i].name);
    return w;
}

static void verdict_lines(const epg_fleet *f, size_t w, epg_buf *out)
{
    size_t i;

    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        const epg_finding_set *s = &c->ev.findings;

        epg_buf_printf(out, "  %-*s  %-10s  ", (int)w, c->name,
                       epg_computer_verdict_name(c));
        if (c->state != EPG_COMPUTER_READ) {
            epg_buf_printf(out, "not read: %s (error %lu)",
                           c->error_text ? c->error_text : "unknown error",
                           (unsigned long)c->error);
        } else {
            size_t conflicts = epg_set_count_rule(s, EPG_RULE_CONFLICT);
            size_t unreadable = epg_set_count_rule(s, EPG_RULE_UNREADABLE);
            epg_buf_printf(out, "%lu conflict(s), %lu warning(s)",
                           (unsigned long)conflicts,
                           (unsigned long)(s->count - conflicts - unreadable));
            if (unreadable)
                epg_buf_printf(out, ", %lu unreadable", (unsigned long)unreadable);
        }
        if (c->source)
            epg_buf_printf(out, "  [%s]", c->source);
        epg_buf_putc(out, '\n');
    }
}

#define CELL_WIDTH 8

static void port_map(const epg_fleet *f, size_t w, epg_buf *out)
{
    size_t i, v;
    epg_buf cell;

    epg_buf_init(&cell);
    epg_buf_puts(out, "\nPort map (value numbers below; * an error and ! a "
                 "warning name that value, - not set, ? not read):\n");
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        epg_buf_printf(out, "  %2lu  ", (unsigned long)(v + 1));
        epg_value_path(v, out);
        epg_buf_putc(out, '\n');
    }
    epg_buf_printf(out, "\n  %-*s", (int)w, "COMPUTER");
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        epg_buf_printf(out, "  %*lu", CELL_WIDTH, (unsigned long)(v + 1));
    epg_buf_putc(out, '\n');
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        epg_buf_printf(out, "  %-*s", (int)w, c->name);
        for (v = 0; v < EPG_VALUE_COUNT; v++) {
            epg_cell_level level = epg_cell_level_of(c, v);
            epg_buf_clear(&cell);
            epg_cell_text(c, v, &cell);
            if (level == EPG_CELL_ERROR)
                epg_buf_putc(&cell, '*');
            else if (level == EPG_CELL_WARNING)
                epg_buf_putc(&cell, '!');
            epg_buf_printf(out, "  %*s", CELL_WIDTH, epg_buf_str(&cell));
        }
        epg_buf_putc(out, '\n');
    }
    epg_buf_free(&cell);
}

static void findings(const epg_fleet *f, epg_buf *out)
{
    size_t i, j, shown = 0;

    epg_buf_puts(out, "\nFindings:\n");
    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        if (c->state != EPG_COMPUTER_READ) {
            epg_buf_printf(out, "  %s: ERROR    unreadable: the computer %s: "
                           "%s (error %lu). It has no verdict.\n", c->name,
                           c->state == EPG_COMPUTER_TIMED_OUT
                           ? "could not be read in time"
                           : c->state == EPG_COMPUTER_NOT_ATTEMPTED
                           ? "was not attempted" : "could not be read",
                           c->error_text ? c->error_text : "unknown error",
                           (unsigned long)c->error);
            shown++;
            continue;
        }
        for (j = 0; j < c->ev.findings.count; j++) {
            const epg_finding *fd = &c->ev.findings.items[j];
            epg_severity sev = epg_rule_severity(fd->rule);
            epg_buf_printf(out, "  %s: %-8s %s: ", c->name,
                           sev == EPG_SEV_ERROR ? "ERROR"
                           : sev == EPG_SEV_WARNING ? "WARNING" : "INFO",
                           epg_rule_name(fd->rule));
            epg_finding_sentence(fd, &c->snap, &c->ev, out);
            epg_buf_puts(out, "\n      Remedy: ");
            epg_finding_remedy(fd, &c->snap, &c->ev, out);
            epg_buf_putc(out, '\n');
            shown++;
        }
    }
    if (!shown)
        epg_buf_puts(out, "  none\n");
}

static void notes(const epg_fleet *f, epg_buf *out)
{
    size_t i, n = 0;

    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        const char *p = epg_buf_str(&c->notes);
        if (c->state == EPG_COMPUTER_READ && c->ev.range_checked &&
            c->ev.range.notes.len) {
            epg_buf_puts(out, n++ ? "" : "\nNotes:\n");
            epg_buf_printf(out, "  %s: dynamic port range %u-%u: %s\n", c->name,
                           (unsigned)c->ev.range.start, (unsigned)c->ev.range.end,
                           epg_buf_str(&c->ev.range.notes));
        } else if (c->state == EPG_COMPUTER_READ && c->snap.os_unknown) {
            epg_buf_puts(out, n++ ? "" : "\nNotes:\n");
            epg_buf_printf(out, "  %s: dynamic port range not checked: %s\n",
                           c->name, EPG_OS_UNKNOWN_TEXT);
        }
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            epg_buf_puts(out, n++ ? "" : "\nNotes:\n");
            epg_buf_printf(out, "  %s: ", c->name);
            epg_buf_putn(out, p, len);
            epg_buf_putc(out, '\n');
            p += len + (nl ? 1 : 0);
        }
    }
}

void epg_fleet_report_text(const epg_fleet *f, epg_buf *out)
{
    epg_fleet_counts n;
    size_t w = name_width(f);

    epg_fleet_count(f, &n);
    epg_buf_printf(out, "ExchPortGuard %s check of %lu computer(s): %lu with "
                   "conflicts, %lu with warnings, %lu unreadable, %lu clean "
                   "(exit code %d)\n\n", EPG_VERSION, (unsigned long)n.computers,
                   (unsigned long)n.conflict, (unsigned long)n.warnings,
                   (unsigned long)n.unreadable, (unsigned long)n.clean,
                   epg_fleet_exit(f));
    verdict_lines(f, w, out);
    port_map(f, w, out);
    findings(f, out);
    notes(f, out);
}
