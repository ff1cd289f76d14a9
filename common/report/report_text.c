#include "report/report.h"

#include <string.h>

#include "events/events.h"
#include "report/wording.h"

/* The status of a value in the table: its state, then every finding
 * about it. */
static void value_status(const epg_evaluation *ev, size_t v, epg_buf *out)
{
    size_t i, n = 0;
    epg_rule last = EPG_RULE_COUNT;

    switch (ev->ports[v].status) {
    case EPG_PORT_ABSENT: epg_buf_puts(out, "not set (dynamic port)"); return;
    case EPG_PORT_DYNAMIC: epg_buf_puts(out, "0: dynamic port"); return;
    case EPG_PORT_INVALID: epg_buf_puts(out, "INVALID"); return;
    case EPG_PORT_UNREADABLE: epg_buf_puts(out, "UNREADABLE"); return;
    case EPG_PORT_DEFAULT:
    case EPG_PORT_OK:
        break;
    }
    /* Findings are sorted by rule, so a rule's repeats (two conflicts, two
     * holders) are neighbours and are named once. */
    for (i = 0; i < ev->findings.count; i++) {
        const epg_finding *f = &ev->findings.items[i];
        if (f->a != v && !(f->rule == EPG_RULE_CONFLICT && f->b == v))
            continue;
        if (f->rule == EPG_RULE_UNREADABLE || f->rule == last)
            continue;   /* unreadable: a is a key there */
        last = f->rule;
        epg_buf_puts(out, n++ ? ", " : "");
        epg_buf_puts(out, epg_rule_name(f->rule));
    }
    if (!n)
        epg_buf_puts(out, "ok");
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void cell(epg_buf *out, const char *s, size_t width)
{
    size_t n = utf8_len(s);

    epg_buf_puts(out, s);
    epg_buf_pad(out, n < width ? width - n : 0);
}

#define DATA_WIDTH 24

static void values_table(const epg_snapshot *snap, const epg_evaluation *ev,
                         epg_buf *out)
{
    size_t v, wpath = strlen("VALUE"), wtype = strlen("TYPE");
    epg_buf tmp;
    char tb[32];

    epg_buf_init(&tmp);
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        epg_buf_clear(&tmp);
        epg_value_short_path(v, &tmp);
        if (tmp.len > wpath)
            wpath = tmp.len;
        if (snap->values[v].presence == EPG_PRESENT &&
            strlen(epg_regtype_name(snap->values[v].type, tb)) > wtype)
            wtype = strlen(epg_regtype_name(snap->values[v].type, tb));
    }
    epg_buf_puts(out, "Watched values, under " EPG_DISPLAY_ROOT ":\n  ");
    cell(out, "VALUE", wpath + 2);
    cell(out, "TYPE", wtype + 2);
    cell(out, "DATA", DATA_WIDTH + 2);
    epg_buf_puts(out, "STATUS\n");
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        const epg_reading *r = &snap->values[v];
        epg_buf_puts(out, "  ");
        epg_buf_clear(&tmp);
        epg_value_short_path(v, &tmp);
        cell(out, epg_buf_str(&tmp), wpath + 2);
        cell(out, r->presence == EPG_PRESENT ? epg_regtype_name(r->type, tb) : "-",
             wtype + 2);
        epg_buf_clear(&tmp);
        if (ev->ports[v].status == EPG_PORT_DEFAULT)
            epg_value_effective(ev, v, &tmp);
        else
            epg_data_show(r, DATA_WIDTH, &tmp);
        cell(out, epg_buf_str(&tmp), DATA_WIDTH + 2);
        value_status(ev, v, out);
        epg_buf_putc(out, '\n');
    }
    epg_buf_free(&tmp);
}

static void keys_line(const epg_snapshot *snap, epg_buf *out)
{
    size_t k, n = 0;

    for (k = 0; k < epg_key_count(); k++) {
        if (snap->keys[k].state != EPG_KEY_MISSING || !epg_key_report_missing(k))
            continue;
        epg_buf_puts(out, n++ ? ", " : "Keys not present (component not "
                                       "installed): ");
        epg_buf_puts(out, epg_key_path(k));
    }
    if (n)
        epg_buf_putc(out, '\n');
}

static void range_line(const epg_snapshot *snap, const epg_evaluation *ev,
                       epg_buf *out)
{
    if (!ev->range_checked && snap->os_unknown) {
        epg_buf_puts(out, "Dynamic port range: not checked (" EPG_OS_UNKNOWN_TEXT
                     ")\n");
        return;
    }
    if (!ev->range_checked) {
        epg_buf_puts(out, "Dynamic port range: not checked (CheckDynamicRange "
                     "is 0)\n");
        return;
    }
    epg_buf_printf(out, "Dynamic port range: %u-%u, ", (unsigned)ev->range.start,
                   (unsigned)ev->range.end);
    epg_dynrange_describe(&ev->range, out);
    epg_buf_putc(out, '\n');
}

static void listeners_line(const epg_snapshot *snap, const epg_evaluation *ev,
                           epg_buf *out)
{
    size_t v;

    if (!ev->settings.value[EPG_SET_LISTENER_CHECK_MINUTES]) {
        epg_buf_puts(out, "Port holders: not checked (ListenerCheckMinutes is 0)\n");
        return;
    }
    if (!snap->tcp.collected) {
        epg_buf_printf(out, "Port holders: not checked (%s)\n",
                       snap->tcp.note ? snap->tcp.note : "the TCP table was not read");
        return;
    }
    epg_buf_printf(out, "Port holders: %lu TCP endpoint(s) read",
                   (unsigned long)snap->tcp.count);
    if (snap->tcp.note)
        epg_buf_printf(out, " (%s)", snap->tcp.note);
    epg_buf_puts(out, "; an owner that cannot be identified is never reported\n");
    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (epg_port_effective(&ev->ports[v]) &&
            epg_port_unidentified(&snap->tcp, ev->ports[v].port))
            epg_buf_printf(out, "  port %u (%s) is in use by an owner that "
                           "cannot be identified\n", (unsigned)ev->ports[v].port,
                           epg_values[v].id);
}

static void settings_lines(const epg_snapshot *snap, const epg_evaluation *ev,
                           epg_buf *out)
{
    size_t i;

    for (i = 0; i < EPG_SETTING_COUNT; i++) {
        if (ev->settings.state[i] != EPG_SETTING_INVALID)
            continue;
        epg_buf_printf(out, "Setting %s\\%s\\%s is not used: ", EPG_DISPLAY_ROOT,
                       EPG_SETTINGS_KEY, epg_setting_defs[i].name);
        epg_setting_reason(&ev->settings, i, &snap->settings[i], out);
        epg_buf_printf(out, "; the default %s applies.\n",
                       epg_setting_defs[i].default_text);
    }
}

static void findings_list(const epg_snapshot *snap, const epg_evaluation *ev,
                          epg_buf *out)
{
    size_t i;

    if (ev->findings.count == 0) {
        epg_buf_printf(out, "\nNo findings: the %lu configured port(s) are "
                       "unique.\n", (unsigned long)ev->usable);
        return;
    }
    epg_buf_puts(out, "\nFindings:\n");
    for (i = 0; i < ev->findings.count; i++) {
        const epg_finding *f = &ev->findings.items[i];
        epg_severity sev = epg_rule_severity(f->rule);
        epg_buf_printf(out, "  %-8s %s: ",
                       sev == EPG_SEV_ERROR ? "ERROR"
                       : sev == EPG_SEV_WARNING ? "WARNING" : "INFO",
                       epg_rule_name(f->rule));
        epg_finding_sentence(f, snap, ev, out);
        epg_buf_putc(out, '\n');
        epg_buf_puts(out, "           Remedy: ");
        epg_finding_remedy(f, snap, ev, out);
        epg_buf_putc(out, '\n');
    }
}

void epg_report_text(const epg_snapshot *snap, const epg_evaluation *ev,
                     epg_buf *out)
{
    size_t conflicts = epg_set_count_rule(&ev->findings, EPG_RULE_CONFLICT);
    size_t unreadable = epg_set_count_rule(&ev->findings, EPG_RULE_UNREADABLE);
    size_t errors = epg_count_severity(ev, EPG_SEV_ERROR) - conflicts - unreadable;
    size_t warnings = epg_count_severity(ev, EPG_SEV_WARNING);
    size_t notices = epg_count_severity(ev, EPG_SEV_INFO);
    int code = epg_verdict(ev);

    epg_buf_printf(out, "ExchPortGuard %s check: %lu conflict(s), %lu other "
                   "error(s), %lu warning(s), %lu notice(s)", EPG_VERSION,
                   (unsigned long)conflicts, (unsigned long)errors,
                   (unsigned long)warnings, (unsigned long)notices);
    if (unreadable)
        epg_buf_printf(out, ", %lu unreadable", (unsigned long)unreadable);
    epg_buf_printf(out, " (exit code %d)\n\n", code);
    values_table(snap, ev, out);
    keys_line(snap, out);
    range_line(snap, ev, out);
    listeners_line(snap, ev, out);
    settings_lines(snap, ev, out);
    findings_list(snap, ev, out);
}
