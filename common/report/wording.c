#include "report/wording.h"

#include <string.h>

#include "check/dynrange.h"
#include "check/holders.h"
#include "check/portvalue.h"
#include "events/events.h"

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

