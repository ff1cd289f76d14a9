/* JSON rendering of a check.  The schema is documented in docs/check-json.md
 * and versioned by EPG_JSON_SCHEMA: fields may be added, never renamed or
 * removed without a new schema name.  Every member is always present (null
 * when it does not apply) so scripts need no existence tests. */
#include "report/report.h"

#include <stdio.h>
#include <string.h>

#include "events/events.h"
#include "report/wording.h"

static void jstr(epg_buf *out, const char *s)
{
    epg_buf_putc(out, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            epg_buf_putc(out, '\\');
            epg_buf_putc(out, (char)c);
        } else if (c == '\n') {
            epg_buf_puts(out, "\\n");
        } else if (c == '\r') {
            epg_buf_puts(out, "\\r");
        } else if (c == '\t') {
            epg_buf_puts(out, "\\t");
        } else if (c < 0x20 || c == 0x7F) {
            epg_buf_printf(out, "\\u%04x", c);
        } else {
            epg_buf_putc(out, (char)c);
        }
    }
    epg_buf_putc(out, '"');
}

void epg_json_string(epg_buf *out, const char *s)
{
    jstr(out, s);
}

/* "name": "text" from a buffer that is then emptied. */
static void jmember_buf(epg_buf *out, const char *name, epg_buf *text)
{
    epg_buf_printf(out, "\"%s\": ", name);
    jstr(out, epg_buf_str(text));
    epg_buf_clear(text);
}

static void jmember_str(epg_buf *out, const char *name, const char *text)
{
    epg_buf_printf(out, "\"%s\": ", name);
    if (text)
        jstr(out, text);
    else
        epg_buf_puts(out, "null");
}

static const char *verdict_name(int code)
{
    switch (code) {
    case EPG_EXIT_CLEAN: return "clean";
    case EPG_EXIT_WARNINGS: return "warnings";
    case EPG_EXIT_ERRORS: return "errors";
    default: return "unreadable";
    }
}

/* "name": [...] from ';'-separated lists. */
static void json_list(epg_buf *out, const char *name, const char *a, const char *b)
{
    const char *lists[2];
    size_t i, n = 0;

    lists[0] = a;
    lists[1] = b;
    epg_buf_printf(out, "\"%s\": [", name);
    for (i = 0; i < 2; i++) {
        const char *s = lists[i];
        while (s && *s) {
            const char *end = strchr(s, ';');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            epg_buf tmp;
            epg_buf_init(&tmp);
            epg_buf_putn(&tmp, s, len);
            epg_buf_puts(out, n++ ? ", " : "");
            jstr(out, epg_buf_str(&tmp));
            epg_buf_free(&tmp);
            s = end ? end + 1 : NULL;
        }
    }
    epg_buf_putc(out, ']');
}

static void json_values(const epg_snapshot *snap, const epg_evaluation *ev,
                        epg_buf *out)
{
    size_t v;
    epg_buf tmp;
    char tb[32];

    epg_buf_init(&tmp);
    epg_buf_puts(out, "  \"values\": [");
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        const epg_reading *r = &snap->values[v];
        const epg_port_value *p = &ev->ports[v];
        int present = r->presence == EPG_PRESENT;

        epg_buf_puts(out, v ? ",\n    {" : "\n    {");
        jmember_str(out, "id", epg_values[v].id);
        epg_buf_puts(out, ", ");
        epg_value_path(v, &tmp);
        jmember_buf(out, "path", &tmp);
        epg_buf_puts(out, ", ");
        jmember_str(out, "key", epg_key_path(epg_values[v].key));
        epg_buf_puts(out, ", ");
        jmember_str(out, "name", epg_values[v].name);
        epg_buf_puts(out, ", ");
        jmember_str(out, "component", epg_values[v].component);
        epg_buf_puts(out, ", ");
        jmember_str(out, "family", epg_family_name(epg_values[v].family));
        epg_buf_puts(out, ", ");
        jmember_str(out, "type", present ? epg_regtype_name(r->type, tb) : NULL);
        epg_buf_puts(out, ", \"type_code\": ");
        if (present)
            epg_buf_printf(out, "%lu", (unsigned long)r->type);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", \"size\": ");
        if (present)
            epg_buf_printf(out, "%llu", (unsigned long long)r->full_size);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", ");
        if (present) {
            epg_data_show(r, EPG_SHOW_MAX, &tmp);
            jmember_buf(out, "data", &tmp);
        } else {
            jmember_str(out, "data", NULL);
        }
        epg_buf_puts(out, ", ");
        jmember_str(out, "status", epg_port_status_token(p->status));
        epg_buf_puts(out, ", \"port\": ");
        if (epg_port_effective(p))
            epg_buf_printf(out, "%u", (unsigned)p->port);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", \"default_port\": ");
        if (epg_values[v].default_port)
            epg_buf_printf(out, "%u", (unsigned)epg_values[v].default_port);
        else
            epg_buf_puts(out, "null");
        epg_buf_printf(out, ", \"types\": [%s%s%s]",
                       (epg_values[v].types & EPG_TYPES_DWORD) ? "\"REG_DWORD\"" : "",
                       epg_values[v].types == EPG_TYPES_ANY ? ", " : "",
                       (epg_values[v].types & EPG_TYPES_STRING)
                           ? "\"REG_SZ\", \"REG_EXPAND_SZ\"" : "");
        epg_buf_puts(out, ", ");
        jmember_str(out, "range_rule", epg_range_rule_name(epg_values[v].range_rule));
        epg_buf_puts(out, ", ");
        json_list(out, "holders", epg_values[v].holder_services,
                  epg_values[v].holder_images);
        epg_buf_puts(out, ", ");
        if (p->status == EPG_PORT_INVALID) {
            epg_port_reason(p, &tmp);
            jmember_buf(out, "reason", &tmp);
        } else if (p->status == EPG_PORT_UNREADABLE) {
            epg_buf_printf(&tmp, "%s (error %lu)",
                           r->error_text ? r->error_text : "unknown error",
                           (unsigned long)r->error);
            jmember_buf(out, "reason", &tmp);
        } else {
            jmember_str(out, "reason", NULL);
        }
        epg_buf_putc(out, '}');
    }
    epg_buf_puts(out, "\n  ],\n");
    epg_buf_free(&tmp);
}

static void json_error(epg_buf *out, uint32_t code, const char *text)
{
    epg_buf_printf(out, "{\"code\": %lu, ", (unsigned long)code);
    jmember_str(out, "text", text ? text : "unknown error");
    epg_buf_putc(out, '}');
}

static void json_keys(const epg_snapshot *snap, epg_buf *out)
{
    size_t k;
    epg_buf tmp;

    epg_buf_init(&tmp);
    epg_buf_puts(out, "  \"keys\": [");
    for (k = 0; k < epg_key_count(); k++) {
        const epg_key_status *ks = &snap->keys[k];
        epg_buf_puts(out, k ? ",\n    {" : "\n    {");
        epg_key_display_path(k, &tmp);
        jmember_buf(out, "path", &tmp);
        epg_buf_puts(out, ", ");
        jmember_str(out, "state", ks->state == EPG_KEY_PRESENT ? "present"
                                  : ks->state == EPG_KEY_MISSING ? "missing"
                                                                 : "unreadable");
        epg_buf_puts(out, ", \"error\": ");
        if (ks->state == EPG_KEY_ERROR)
            json_error(out, ks->error, ks->error_text);
        else
            epg_buf_puts(out, "null");
        epg_buf_putc(out, '}');
    }
    epg_buf_puts(out, "\n  ],\n");
    epg_buf_free(&tmp);
}

static void json_range(const epg_snapshot *snap, const epg_evaluation *ev,
                       epg_buf *out)
{
    const epg_dynrange *r = &ev->range;
    size_t i;
    epg_buf tmp;

    epg_buf_puts(out, "  \"dynamic_range\": {");
    if (!ev->range_checked && snap->os_unknown) {
        epg_buf_puts(out, "\"checked\": false, \"start\": null, \"end\": null, "
                     "\"source\": null, \"description\": null, \"excluded\": [], "
                     "\"excluded_source\": null, ");
        jmember_str(out, "notes", EPG_OS_UNKNOWN_TEXT);
        epg_buf_puts(out, "},\n");
        return;
    }
    if (!ev->range_checked) {
        epg_buf_puts(out, "\"checked\": false, \"start\": null, \"end\": null, "
                     "\"source\": null, \"description\": null, \"excluded\": [], "
                     "\"excluded_source\": null, \"notes\": null},\n");
        return;
    }
    epg_buf_init(&tmp);
    epg_buf_printf(out, "\"checked\": true, \"start\": %u, \"end\": %u, ",
                   (unsigned)r->start, (unsigned)r->end);
    jmember_str(out, "source", epg_range_source_token(r->source));
    epg_buf_puts(out, ", ");
    epg_dynrange_describe(r, &tmp);
    jmember_buf(out, "description", &tmp);
    epg_buf_puts(out, ", \"excluded\": [");
    for (i = 0; i < r->excluded_count; i++)
        epg_buf_printf(out, "%s{\"start\": %u, \"end\": %u, \"administered\": %s}",
                       i ? ", " : "", (unsigned)r->excluded[i].lo,
                       (unsigned)r->excluded[i].hi,
                       r->excluded[i].administered ? "true" : "false");
    epg_buf_puts(out, "], ");
    jmember_str(out, "excluded_source",
                r->excl_source == EPG_EXCL_RESERVED_PORTS ? "reserved-ports"
                : r->excl_source == EPG_EXCL_NETSH ? "netsh" : NULL);
    epg_buf_puts(out, ", ");
    jmember_str(out, "notes", r->notes.len ? epg_buf_str(&r->notes) : NULL);
    epg_buf_puts(out, "},\n");
    epg_buf_free(&tmp);
}

static void json_settings(const epg_snapshot *snap, const epg_evaluation *ev,
                          epg_buf *out)
{
    size_t i;
    epg_buf tmp;
    const epg_settings *s = &ev->settings;

    epg_buf_init(&tmp);
    epg_buf_puts(out, "  \"settings\": [");
    for (i = 0; i < EPG_SETTING_COUNT; i++) {
        int used = s->state[i] == EPG_SETTING_SET ||
                   epg_setting_defs[i].has_default;
        epg_buf_puts(out, i ? ",\n    {" : "\n    {");
        jmember_str(out, "name", epg_setting_defs[i].name);
        epg_buf_puts(out, ", ");
        jmember_str(out, "state", s->state[i] == EPG_SETTING_SET ? "set"
                                  : s->state[i] == EPG_SETTING_INVALID ? "invalid"
                                                                       : "default");
        epg_buf_puts(out, ", \"value\": ");
        if (used)
            epg_buf_printf(out, "%lu", (unsigned long)s->value[i]);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", ");
        if (s->state[i] == EPG_SETTING_INVALID) {
            epg_setting_reason(s, i, &snap->settings[i], &tmp);
            jmember_buf(out, "reason", &tmp);
        } else {
            jmember_str(out, "reason", NULL);
        }
        epg_buf_putc(out, '}');
    }
    epg_buf_puts(out, "\n  ],\n");
    epg_buf_free(&tmp);
}

static void json_value_list(epg_buf *out, const epg_finding *f, int paths)
{
    size_t vals[2], n = 0, i;
    epg_buf tmp;

    if (f->rule == EPG_RULE_CONFLICT) {
        vals[n++] = f->a;
        vals[n++] = f->b;
    } else if (f->rule != EPG_RULE_UNREADABLE && f->a < EPG_VALUE_COUNT) {
        vals[n++] = f->a;
    } else if (f->rule == EPG_RULE_UNREADABLE && f->b < EPG_VALUE_COUNT) {
        vals[n++] = f->b;   /* read-plan index: values come first */
    }
    epg_buf_init(&tmp);
    epg_buf_putc(out, '[');
    for (i = 0; i < n; i++) {
        if (i)
            epg_buf_puts(out, ", ");
        if (paths) {
            epg_value_path(vals[i], &tmp);
            jstr(out, epg_buf_str(&tmp));
            epg_buf_clear(&tmp);
        } else {
            jstr(out, epg_values[vals[i]].id);
        }
    }
    epg_buf_putc(out, ']');
    epg_buf_free(&tmp);
}

static void json_holder(epg_buf *out, const epg_snapshot *snap, const epg_finding *f)
{
    const epg_proc_info *p = epg_tcp_view_proc(&snap->tcp, f->data_hash);
    char how[96];

    epg_holding_describe(&snap->tcp, f->data_hash, f->port, how, sizeof how);
    epg_buf_printf(out, "{\"pid\": %lu, ", (unsigned long)f->data_hash);
    jmember_str(out, "image", p ? p->image : NULL);
    epg_buf_puts(out, ", ");
    json_list(out, "services", p ? p->services : NULL, NULL);
    epg_buf_puts(out, ", ");
    jmember_str(out, "how", how);
    epg_buf_putc(out, '}');
}

static void json_listeners(const epg_snapshot *snap, const epg_evaluation *ev,
                           epg_buf *out)
{
    size_t v, n = 0;

    epg_buf_printf(out, "  \"listeners\": {\"checked\": %s, \"endpoints\": ",
                   ev->listeners_checked ? "true" : "false");
    if (ev->listeners_checked)
        epg_buf_printf(out, "%lu", (unsigned long)snap->tcp.count);
    else
        epg_buf_puts(out, "null");
    epg_buf_puts(out, ", ");
    if (!ev->settings.value[EPG_SET_LISTENER_CHECK_MINUTES])
        jmember_str(out, "note", "ListenerCheckMinutes is 0");
    else
        jmember_str(out, "note", snap->tcp.note ? snap->tcp.note
                                 : ev->listeners_checked ? NULL
                                 : "the TCP table was not read");
    epg_buf_puts(out, ", \"unidentified\": [");
    for (v = 0; ev->listeners_checked && v < EPG_VALUE_COUNT; v++) {
        if (!epg_port_effective(&ev->ports[v]) ||
            !epg_port_unidentified(&snap->tcp, ev->ports[v].port))
            continue;
        epg_buf_printf(out, "%s{\"value\": \"%s\", \"port\": %u}", n++ ? ", " : "",
                       epg_values[v].id, (unsigned)ev->ports[v].port);
    }
    epg_buf_puts(out, "]},\n");
}

static void json_findings(const epg_snapshot *snap, const epg_evaluation *ev,
                          epg_buf *out)
{
    size_t i;
    epg_buf tmp;

    epg_buf_init(&tmp);
    epg_buf_puts(out, "  \"findings\": [");
    for (i = 0; i < ev->findings.count; i++) {
        const epg_finding *f = &ev->findings.items[i];
        epg_buf_puts(out, i ? ",\n    {" : "\n    {");
        jmember_str(out, "rule", epg_rule_name(f->rule));
        epg_buf_puts(out, ", ");
        jmember_str(out, "severity", epg_severity_name(epg_rule_severity(f->rule)));
        epg_buf_puts(out, ", \"port\": ");
        if (f->rule != EPG_RULE_INVALID_VALUE && f->rule != EPG_RULE_UNREADABLE)
            epg_buf_printf(out, "%u", (unsigned)f->port);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", \"values\": ");
        json_value_list(out, f, 0);
        epg_buf_puts(out, ", \"paths\": ");
        json_value_list(out, f, 1);
        epg_buf_puts(out, ", ");
        if (f->rule == EPG_RULE_INVALID_VALUE) {
            epg_port_reason(&ev->ports[f->a], &tmp);
            jmember_buf(out, "reason", &tmp);
        } else {
            jmember_str(out, "reason", NULL);
        }
        epg_buf_puts(out, ", ");
        epg_finding_remedy(f, snap, ev, &tmp);
        jmember_buf(out, "remedy", &tmp);
        epg_buf_puts(out, ", \"exclusion\": ");
        if (f->rule == EPG_RULE_PORT_EXCLUDED) {
            epg_span x = epg_dynrange_blocking_span(&ev->range, f->port);
            epg_buf_printf(out, "{\"start\": %u, \"end\": %u}", (unsigned)x.lo,
                           (unsigned)x.hi);
        } else {
            epg_buf_puts(out, "null");
        }
        epg_buf_puts(out, ", \"holder\": ");
        if (f->rule == EPG_RULE_PORT_HELD)
            json_holder(out, snap, f);
        else
            epg_buf_puts(out, "null");
        epg_buf_puts(out, ", \"error\": ");
        if (f->rule == EPG_RULE_UNREADABLE) {
            uint32_t code;
            const char *text;
            epg_unreadable_error(snap, f, &code, &text);
            json_error(out, code, text);
        } else {
            epg_buf_puts(out, "null");
        }
        epg_buf_puts(out, ", ");
        epg_finding_sentence(f, snap, ev, &tmp);
        jmember_buf(out, "message", &tmp);
        epg_buf_putc(out, '}');
    }
    epg_buf_puts(out, ev->findings.count ? "\n  ]\n" : "]\n");
    epg_buf_free(&tmp);
}

void epg_report_json(const epg_snapshot *snap, const epg_evaluation *ev,
                     epg_buf *out)
{
    size_t conflicts = epg_set_count_rule(&ev->findings, EPG_RULE_CONFLICT);
    size_t unreadable = epg_set_count_rule(&ev->findings, EPG_RULE_UNREADABLE);
    int code = epg_verdict(ev);

    epg_buf_puts(out, "{\n  \"schema\": \"" EPG_JSON_SCHEMA "\",\n");
    epg_buf_puts(out, "  \"product_version\": ");
    jstr(out, EPG_VERSION);
    epg_buf_printf(out, ",\n  \"exit_code\": %d,\n  \"verdict\": \"%s\",\n",
                   code, verdict_name(code));
    epg_buf_printf(out, "  \"summary\": {\"errors\": %lu, \"warnings\": %lu, "
                   "\"information\": %lu, \"conflicts\": %lu, "
                   "\"unreadable\": %lu, \"configured_ports\": %lu},\n",
                   (unsigned long)epg_count_severity(ev, EPG_SEV_ERROR),
                   (unsigned long)epg_count_severity(ev, EPG_SEV_WARNING),
                   (unsigned long)epg_count_severity(ev, EPG_SEV_INFO),
                   (unsigned long)conflicts,
                   (unsigned long)unreadable, (unsigned long)ev->usable);
    if (snap->os_unknown)
        epg_buf_puts(out, "  \"os_version\": null,\n");
    else
        epg_buf_printf(out, "  \"os_version\": \"%lu.%lu\",\n",
                       (unsigned long)snap->os_major, (unsigned long)snap->os_minor);
    json_values(snap, ev, out);
    json_keys(snap, out);
    json_range(snap, ev, out);
    json_listeners(snap, ev, out);
    json_settings(snap, ev, out);
    json_findings(snap, ev, out);
    epg_buf_puts(out, "}\n");
}
