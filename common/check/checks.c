#include "check/checks.h"

#include <string.h>

void epg_evaluation_init(epg_evaluation *ev)
{
    memset(ev, 0, sizeof *ev);
    epg_set_init(&ev->findings);
    epg_buf_init(&ev->range.notes);
}

void epg_evaluation_free(epg_evaluation *ev)
{
    epg_set_free(&ev->findings);
    epg_dynrange_free(&ev->range);
    epg_evaluation_init(ev);
}

static int add(epg_finding_set *s, epg_rule rule, size_t a, size_t b,
               uint16_t port, uint32_t hash)
{
    epg_finding f;

    memset(&f, 0, sizeof f);
    f.rule = rule;
    f.a = (uint16_t)a;
    f.b = (uint16_t)b;
    f.port = port;
    f.data_hash = hash;
    return epg_set_add(s, &f);
}

static int check_unreadable(const epg_snapshot *snap, epg_evaluation *ev)
{
    size_t k, i, key;
    const char *name;
    const epg_reading *r;

    for (k = 0; k < epg_key_count(); k++)
        if (snap->keys[k].state == EPG_KEY_ERROR &&
            add(&ev->findings, EPG_RULE_UNREADABLE, k, EPG_NONE, 0, 0))
            return -1;
    /* A value that failed on its own, in a key that opened. */
    for (i = 0; epg_snapshot_item(snap, i, &key, &name, &r) == 0; i++) {
        if (r->presence != EPG_UNREADABLE || snap->keys[key].state == EPG_KEY_ERROR)
            continue;
        if (add(&ev->findings, EPG_RULE_UNREADABLE, key, i, 0, 0))
            return -1;
    }
    return 0;
}

/* Two values compete for a port when the ports their components use are
 * equal; an effective default stands only against its own product family
 * (a leftover Exchange 2003 value is not read by the 2010 service). */
static int compete(const epg_evaluation *ev, size_t i, size_t j)
{
    const epg_port_value *p = &ev->ports[i], *q = &ev->ports[j];

    if (!epg_port_effective(p) || !epg_port_effective(q) || p->port != q->port)
        return 0;
    if (p->status == EPG_PORT_DEFAULT || q->status == EPG_PORT_DEFAULT)
        return epg_values[i].family == epg_values[j].family;
    return 1;
}

static int check_ports(epg_evaluation *ev)
{
    size_t i, j;

    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        if (ev->ports[i].status == EPG_PORT_INVALID &&
            add(&ev->findings, EPG_RULE_INVALID_VALUE, i, EPG_NONE, 0, 0))
            return -1;
        if (ev->ports[i].status == EPG_PORT_OK)
            ev->usable++;
        for (j = i + 1; j < EPG_VALUE_COUNT; j++)
            if (compete(ev, i, j) &&
                add(&ev->findings, EPG_RULE_CONFLICT, i, j, ev->ports[i].port, 0))
                return -1;
    }
    return 0;
}

/* The analyzers' range rules, on values that are set (a default is the
 * product's own choice). */
static int check_range_rules(epg_evaluation *ev)
{
    size_t i;

    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        uint16_t port = ev->ports[i].port;
        epg_rule rule = EPG_RULE_COUNT;

        if (ev->ports[i].status != EPG_PORT_OK)
            continue;
        switch (epg_values[i].range_rule) {
        case EPG_RANGE_RULE_EX2010:
            if (port < EPG_EX2010_MIN_PORT)
                rule = EPG_RULE_PORT_BELOW_1024;
            else if (port < EPG_EX2010_RECOMMENDED_LO ||
                     port > EPG_EX2010_RECOMMENDED_HI)
                rule = EPG_RULE_PORT_NOT_RECOMMENDED;
            break;
        case EPG_RANGE_RULE_EX2003:
            if (port < EPG_EX2003_MIN_PORT)
                rule = EPG_RULE_PORT_BELOW_5000;
            break;
        case EPG_RANGE_RULE_NONE:
            break;
        }
        if (rule != EPG_RULE_COUNT && add(&ev->findings, rule, i, EPG_NONE, port, 0))
            return -1;
    }
    return 0;
}

static int check_range(const epg_snapshot *snap, epg_evaluation *ev)
{
    epg_dynrange_input in;
    size_t i;

    if (!ev->settings.value[EPG_SET_CHECK_DYNAMIC_RANGE] || snap->os_unknown)
        return 0;
    memset(&in, 0, sizeof in);
    in.os_major = snap->os_major;
    in.os_minor = snap->os_minor;
    in.max_user_port = &snap->max_user_port;
    in.reserved_ports = &snap->reserved_ports;
    in.override = ev->settings.override_range;
    in.override_start = ev->settings.value[EPG_SET_DYNAMIC_PORT_START];
    in.override_count = ev->settings.value[EPG_SET_DYNAMIC_PORT_COUNT];
    in.netsh_dynamic = snap->netsh_dynamic;
    in.netsh_excluded = snap->netsh_excluded;
    in.netsh_note = snap->netsh_note;
    in.netsh_excluded_note = snap->netsh_excluded_note;
    epg_dynrange_free(&ev->range);
    epg_dynrange_compute(&in, &ev->range);
    ev->range_checked = 1;
    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        uint16_t port = ev->ports[i].port;

        if (!epg_port_effective(&ev->ports[i]))
            continue;
        if (epg_dynrange_blocking(&ev->range, port)) {
            if (add(&ev->findings, EPG_RULE_PORT_EXCLUDED, i, EPG_NONE, port, 0))
                return -1;
        } else if (epg_dynrange_holds(&ev->range, port) &&
                   add(&ev->findings, EPG_RULE_DYNAMIC_RANGE, i, EPG_NONE, port, 0)) {
            return -1;
        }
    }
    return 0;
}

/* Other processes holding a pinned port (holders.h). */
static int check_holders(const epg_snapshot *snap, epg_evaluation *ev)
{
    size_t i, n, k;
    uint32_t pids[16];

    if (!ev->settings.value[EPG_SET_LISTENER_CHECK_MINUTES] || !snap->tcp.collected)
        return 0;
    ev->listeners_checked = 1;
    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        if (!epg_port_effective(&ev->ports[i]))
            continue;
        n = epg_port_intruders(&snap->tcp, i, ev->ports[i].port, pids,
                               sizeof pids / sizeof pids[0]);
        for (k = 0; k < n; k++)
            if (add(&ev->findings, EPG_RULE_PORT_HELD, i, EPG_NONE,
                    ev->ports[i].port, pids[k]))
                return -1;
    }
    return 0;
}

/* The catalogue's view of one value: its types, its effective default and
 * what 0 means to it. */
static void parse_value(const epg_snapshot *snap, size_t v, epg_port_value *out)
{
    const epg_watched_value *w = &epg_values[v];
    const epg_reading *r = &snap->values[v];

    epg_port_parse(r, out);
    if (out->status == EPG_PORT_ABSENT) {
        if (w->default_port && snap->keys[epg_value_key(v)].state == EPG_KEY_PRESENT) {
            out->status = EPG_PORT_DEFAULT;
            out->port = w->default_port;
        }
        return;
    }
    if (r->presence == EPG_PRESENT && r->full_size <= r->size &&
        (((r->type == EPG_REG_SZ || r->type == EPG_REG_EXPAND_SZ) &&
          !(w->types & EPG_TYPES_STRING)) ||
         (r->type == EPG_REG_DWORD && !(w->types & EPG_TYPES_DWORD)))) {
        out->status = EPG_PORT_INVALID;
        out->port = 0;
        out->bad = EPG_BAD_TYPE_FOR_VALUE;
        out->detail = r->type;
        return;
    }
    if (out->status == EPG_PORT_INVALID && out->bad == EPG_BAD_ZERO &&
        w->zero_is_dynamic) {
        out->status = EPG_PORT_DYNAMIC;
        out->bad = EPG_BAD_NONE;
    }
}

int epg_evaluate(const epg_snapshot *snap, epg_evaluation *ev)
{
    size_t i;
    int rc = 0;

    epg_evaluation_free(ev);
    for (i = 0; i < EPG_VALUE_COUNT; i++)
        parse_value(snap, i, &ev->ports[i]);
    epg_settings_parse(snap->settings, &ev->settings);
    if (check_unreadable(snap, ev) || check_ports(ev) || check_range_rules(ev) ||
        check_range(snap, ev) || check_holders(snap, ev))
        rc = -1;
    epg_set_sort(&ev->findings);
    return rc;
}

int epg_verdict(const epg_evaluation *ev)
{
    size_t i;
    int code = EPG_EXIT_CLEAN;

    for (i = 0; i < ev->findings.count; i++) {
        epg_rule r = ev->findings.items[i].rule;
        if (r == EPG_RULE_UNREADABLE)
            return EPG_EXIT_UNREADABLE;
        if (epg_rule_severity(r) == EPG_SEV_ERROR)
            code = EPG_EXIT_ERRORS;
        else if (code == EPG_EXIT_CLEAN &&
                 epg_rule_severity(r) == EPG_SEV_WARNING)
            code = EPG_EXIT_WARNINGS;
    }
    return code;
}

size_t epg_count_severity(const epg_evaluation *ev, epg_severity s)
{
    size_t i, n = 0;

    for (i = 0; i < ev->findings.count; i++)
        if (epg_rule_severity(ev->findings.items[i].rule) == s)
            n++;
    return n;
}

void epg_unreadable_path(const epg_snapshot *snap, const epg_finding *f, epg_buf *out)
{
    size_t key;
    const char *name;
    const epg_reading *r;

    epg_key_display_path(f->a, out);
    if (f->b != EPG_NONE && epg_snapshot_item(snap, f->b, &key, &name, &r) == 0)
        epg_buf_printf(out, "\\%s", name);
}

void epg_unreadable_error(const epg_snapshot *snap, const epg_finding *f,
                          uint32_t *code, const char **text)
{
    const epg_key_status *ks = &snap->keys[f->a];
    size_t key;
    const char *name;
    const epg_reading *r;

    *code = 0;
    *text = NULL;
    if (f->b != EPG_NONE) {
        if (epg_snapshot_item(snap, f->b, &key, &name, &r) == 0) {
            *code = r->error;
            *text = r->error_text;
        }
    } else if (ks->state == EPG_KEY_ERROR) {
        *code = ks->error;
        *text = ks->error_text;
    } else {
        *code = ks->watch_error;    /* readable, but not watchable */
        *text = ks->watch_error_text;
    }
}

int epg_needs_netsh(const epg_snapshot *snap)
{
    epg_settings st;

    if (snap->os_major < 6)
        return 0;
    epg_settings_parse(snap->settings, &st);
    return st.value[EPG_SET_CHECK_DYNAMIC_RANGE] != 0;
}

int epg_needs_listeners(const epg_snapshot *snap)
{
    epg_settings st;

    epg_settings_parse(snap->settings, &st);
    return st.value[EPG_SET_LISTENER_CHECK_MINUTES] != 0;
}

int epg_conditions(const epg_snapshot *snap, const epg_evaluation *ev,
                   epg_finding_set *out)
{
    size_t k, i;

    epg_set_clear(out);
    if (epg_set_copy(out, &ev->findings))
        return -1;
    for (k = 0; k < epg_key_count(); k++) {
        const epg_key_status *ks = &snap->keys[k];
        if (ks->state == EPG_KEY_MISSING && epg_key_report_missing(k) &&
            add(out, EPG_RULE_KEY_MISSING, k, EPG_NONE, 0, 0))
            return -1;
        /* Readable but not watchable: changes would go unseen. */
        if (ks->state == EPG_KEY_PRESENT && ks->watch_error &&
            add(out, EPG_RULE_UNREADABLE, k, EPG_NONE, 0, 0))
            return -1;
    }
    for (i = 0; i < EPG_SETTING_COUNT; i++) {
        const epg_reading *r = &snap->settings[i];
        /* The whole key unreadable is one 1300, not one 1002 per setting;
         * the defaults apply meanwhile. */
        if (ev->settings.bad[i] == EPG_SETBAD_UNREADABLE &&
            snap->keys[epg_key_of_role(EPG_KEY_SETTINGS)].state == EPG_KEY_ERROR)
            continue;
        if (ev->settings.state[i] == EPG_SETTING_INVALID &&
            add(out, EPG_RULE_SETTING_INVALID, i, EPG_NONE, 0,
                epg_data_hash(r->presence == EPG_PRESENT ? r->type : 0xFFFFFFFFu,
                              r->data, r->size) ^ ev->settings.bad[i]))
            return -1;
    }
    /* The holder check is blind, or partly: say so (1004), once per reason. */
    if (ev->settings.value[EPG_SET_LISTENER_CHECK_MINUTES] && snap->tcp.note &&
        add(out, EPG_RULE_LISTENERS_UNREADABLE, EPG_NONE, EPG_NONE, 0,
            epg_data_hash(0, (const uint8_t *)snap->tcp.note, strlen(snap->tcp.note))))
        return -1;
    if (epg_set_count_rule(&ev->findings, EPG_RULE_CONFLICT) == 0 &&
        add(out, EPG_RULE_NO_CONFLICT, EPG_NONE, EPG_NONE, 0, 0))
        return -1;
    epg_set_sort(out);
    return 0;
}
