#include "report.h"

#include <string.h>

#include "events.h"

/* Index of the value the Analyzer's remedy singles out. */
static int is_is_tcpip(size_t v)
{
    return strcmp(epg_values[v].id, "is-tcpip-port") == 0;
}

void epg_conflict_remedy(const epg_finding *f, epg_buf *out)
{
    if (epg_conflict_is_dc(f)) {
        epg_buf_puts(out, "Give NTDS\\Parameters\\TCP/IP Port, Netlogon\\"
                     "Parameters\\DCTcpipPort and NtFrs\\Parameters\\RPC "
                     "TCP/IP Port Assignment different ports (KB 224196: with "
                     "DCTcpipPort equal to the NTDS port Netlogon logs error "
                     "5809), then restart the domain controller.");
        return;
    }
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

void epg_finding_remedy(const epg_finding *f, const epg_snapshot *snap,
                        const epg_evaluation *ev, epg_buf *out)
{
    switch (f->rule) {
    case EPG_RULE_CONFLICT:
        epg_conflict_remedy(f, out);
        break;
    case EPG_RULE_INVALID_VALUE:
        epg_buf_puts(out, (epg_values[f->a].types & EPG_TYPES_STRING)
                              ? "Set it to a port between 1 and 65535 (a "
                                "REG_DWORD, or a REG_SZ of decimal digits)"
                              : "Set it to a REG_DWORD between 1 and 65535");
        epg_buf_puts(out, ", or delete it so that the component uses a dynamic "
                     "port.");
        break;
    case EPG_RULE_PORT_BELOW_1024:
    case EPG_RULE_PORT_NOT_RECOMMENDED:
        epg_buf_printf(out, "%s a port in %u-%u, the range the Exchange 2010 "
                       "analyzer recommends, then restart the Exchange service "
                       "that reads it.",
                       f->rule == EPG_RULE_PORT_BELOW_1024 ? "Set it to"
                                                           : "Consider",
                       EPG_EX2010_RECOMMENDED_LO, EPG_EX2010_RECOMMENDED_HI);
        break;
    case EPG_RULE_PORT_BELOW_5000:
        epg_buf_puts(out, "Set it to a port of 5000 or above (KB 155831 "
                     "recommends 5000-65535, in decimal), then restart the "
                     "computer.");
        break;
    case EPG_RULE_PORT_EXCLUDED: {
        epg_span x = epg_dynrange_blocking_span(&ev->range, f->port);
        epg_buf_printf(out, "Pick a port outside the exclusion range %u-%u (netsh "
                       "int ipv4 show excludedportrange protocol=tcp lists them "
                       "all), then restart the Exchange service that reads it.",
                       (unsigned)x.lo, (unsigned)x.hi);
        break;
    }
    case EPG_RULE_DYNAMIC_RANGE:
        if (ev->range.os_major > 6 || (ev->range.os_major == 6 && ev->range.os_minor > 0)) {
            epg_buf_puts(out, "With the service that uses the port stopped, run: ");
            epg_dynrange_remedy(&ev->range, f->port, out);
            epg_buf_puts(out, " ; then start the service again (the port stays "
                         "bindable by the service, but the system no longer "
                         "hands it out). Or choose a port outside the range.");
        } else {
            epg_buf_puts(out, "To keep the port out of the range, ");
            epg_dynrange_remedy(&ev->range, f->port, out);
            epg_buf_puts(out, "; or choose a port outside the range.");
        }
        break;
    case EPG_RULE_PORT_HELD:
        epg_buf_printf(out, "Stop or reconfigure the process holding port %u "
                       "(process ID %lu, image %s), then restart the Exchange "
                       "service that reads the value so that it can listen on "
                       "its port.", (unsigned)f->port, (unsigned long)f->data_hash,
                       epg_proc_image(&snap->tcp, f->data_hash));
        break;
    case EPG_RULE_UNREADABLE:
        epg_buf_puts(out, "Make the data readable (permissions on the key, "
                     "the Remote Registry service, a complete export) and "
                     "check again: the verdict is incomplete.");
        break;
    default:
        break;
    }
}

void epg_value_effective(const epg_evaluation *ev, size_t v, epg_buf *out)
{
    const epg_port_value *p = &ev->ports[v];

    switch (p->status) {
    case EPG_PORT_OK:
        epg_buf_printf(out, "%u", (unsigned)p->port);
        break;
    case EPG_PORT_DEFAULT:
        epg_buf_printf(out, "absent, default %u", (unsigned)p->port);
        break;
    case EPG_PORT_DYNAMIC:
        epg_buf_puts(out, "0 (dynamic)");
        break;
    case EPG_PORT_ABSENT:
        epg_buf_puts(out, "absent (dynamic)");
        break;
    case EPG_PORT_INVALID:
    case EPG_PORT_UNREADABLE:
        break;
    }
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
        epg_dynrange_describe_source(&ev->range, out);
        epg_buf_puts(out, "). Another program's outbound connection can take "
                     "the port before the service that reads the value "
                     "starts.");
        break;
    case EPG_RULE_PORT_BELOW_1024:
        epg_value_path(f->a, out);
        epg_buf_printf(out, " holds port %u, below 1024: the Exchange 2010 "
                       "analyzer reports this as an error.", (unsigned)f->port);
        break;
    case EPG_RULE_PORT_BELOW_5000:
        epg_value_path(f->a, out);
        epg_buf_printf(out, " holds port %u, below 5000: the Exchange Server "
                       "Analyzer warns, and KB 155831 recommends 5000-65535.",
                       (unsigned)f->port);
        break;
    case EPG_RULE_PORT_NOT_RECOMMENDED:
        epg_value_path(f->a, out);
        epg_buf_printf(out, " holds port %u, outside %u-%u, the range the "
                       "Exchange 2010 analyzer recommends (a best-practice "
                       "notice).", (unsigned)f->port, EPG_EX2010_RECOMMENDED_LO,
                       EPG_EX2010_RECOMMENDED_HI);
        break;
    case EPG_RULE_PORT_EXCLUDED: {
        epg_span x = epg_dynrange_blocking_span(&ev->range, f->port);
        epg_value_path(f->a, out);
        epg_buf_printf(out, " holds port %u, inside the port exclusion range "
                       "%u-%u that netsh reports (not an administered one): "
                       "binding it fails with WSAEACCES (10013) although "
                       "nothing listens on it.", (unsigned)f->port,
                       (unsigned)x.lo, (unsigned)x.hi);
        break;
    }
    case EPG_RULE_PORT_HELD: {
        char how[96];
        epg_holding_describe(&snap->tcp, f->data_hash, f->port, how, sizeof how);
        epg_buf_printf(out, "Port %u of ", (unsigned)f->port);
        epg_value_path(f->a, out);
        epg_buf_printf(out, " is held by process %lu (%s, services: %s), %s; "
                       "the component that reads the value cannot listen on it.",
                       (unsigned long)f->data_hash,
                       epg_proc_image(&snap->tcp, f->data_hash),
                       epg_proc_services(&snap->tcp, f->data_hash), how);
        break;
    }
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
