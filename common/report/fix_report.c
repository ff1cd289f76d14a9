#include "report/fix_report.h"

#include <string.h>

#include "codepage.h"
#include "report/fleet_renderers.h"
#include "report/report.h"

epg_fix_result epg_fix_plan_computer(const epg_computer *c, epg_fix_plan *p)
{
    epg_fix_plan_free(p);
    if (c->state != EPG_COMPUTER_READ) {
        epg_buf_printf(&p->reason, "the computer could not be read: %s (error %lu)",
                       c->error_text ? c->error_text : "unknown error",
                       (unsigned long)c->error);
        p->result = EPG_FIX_INCOMPLETE;
        return p->result;
    }
    return epg_fix_plan_make(&c->snap, &c->ev, p);
}

int epg_fix_exit(const epg_fix_plan *p)
{
    if (p->result != EPG_FIX_OK)
        return EPG_FIX_EXIT_FAILED;
    return p->count ? EPG_FIX_EXIT_PLANNED : EPG_FIX_EXIT_DONE;
}

int epg_fix_exit_worst(int a, int b)
{
    if (a == EPG_FIX_EXIT_FAILED || b == EPG_FIX_EXIT_FAILED)
        return EPG_FIX_EXIT_FAILED;
    return a > b ? a : b;
}

void epg_fix_old_text(const epg_snapshot *snap, const epg_fix_change *c, epg_buf *out)
{
    char tn[32];

    if (c->old_status == EPG_PORT_DEFAULT) {
        epg_buf_printf(out, "absent (its default %u applies)", (unsigned)c->old_port);
        return;
    }
    epg_data_show(&snap->values[c->value], 32, out);
    epg_buf_printf(out, " (%s)", epg_regtype_name(snap->values[c->value].type, tn));
}

static void restart_text(const epg_fix_plan *p, epg_buf *out)
{
    epg_buf svc;

    epg_buf_init(&svc);
    epg_fix_services_sentence(p, &svc);
    epg_buf_printf(out, "Restart %s for the new ports to take effect, or restart the "
                   "computer as the analyzer says. Nothing is restarted by fix.",
                   epg_buf_str(&svc));
    epg_buf_free(&svc);
}

void epg_fix_report_text(const epg_computer *c, const epg_fix_plan *p, epg_buf *out)
{
    epg_buf t;
    size_t i;
    char tn[32];

    epg_buf_init(&t);
    epg_buf_printf(out, "%s: ", c->name);
    if (p->result != EPG_FIX_OK) {
        epg_buf_printf(out, "no plan: %s\n", epg_buf_str(&p->reason));
    } else if (!p->count) {
        epg_buf_puts(out, "nothing to fix: no conflict and no error about a port\n");
    } else {
        epg_buf_printf(out, "%lu change(s) proposed\n", (unsigned long)p->count);
        for (i = 0; i < p->count; i++) {
            const epg_fix_change *ch = &p->changes[i];
            epg_buf_clear(&t);
            epg_value_path(ch->value, &t);
            epg_buf_printf(out, "  %lu. %s\n     from ", (unsigned long)(i + 1),
                           epg_buf_str(&t));
            epg_buf_clear(&t);
            epg_fix_old_text(&c->snap, ch, &t);
            epg_buf_printf(out, "%s to %u (%s)\n     why: ", epg_buf_str(&t),
                           (unsigned)ch->new_port, epg_regtype_name(ch->new_type, tn));
            epg_buf_clear(&t);
            epg_fix_describe(&c->ev, ch, &t);
            epg_buf_printf(out, "%s.\n", epg_buf_str(&t));
        }
        epg_buf_puts(out, "  ");
        restart_text(p, out);
        epg_buf_putc(out, '\n');
    }
    epg_buf_free(&t);
}

static void show_range(const epg_evaluation *ev, epg_buf *out)
{
    size_t i;

    if (!ev->range_checked) {
        epg_buf_puts(out, "not checked");
        return;
    }
    epg_buf_printf(out, "%u-%u", (unsigned)ev->range.start, (unsigned)ev->range.end);
    if (ev->range.excluded_count)
        epg_buf_puts(out, " excluding");
    for (i = 0; i < ev->range.excluded_count; i++)
        epg_buf_printf(out, "%s %u-%u%s", i ? "," : "", (unsigned)ev->range.excluded[i].lo,
                       (unsigned)ev->range.excluded[i].hi,
                       ev->range.excluded[i].administered ? "*" : "");
}

/* The ports of a TCP view, as a bit set. */
static void held_ports(const epg_snapshot *s, uint8_t bits[8192])
{
    size_t i;

    memset(bits, 0, 8192);
    if (s->tcp.collected)
        for (i = 0; i < s->tcp.count; i++)
            bits[s->tcp.entries[i].port >> 3] |= (uint8_t)(1u << (s->tcp.entries[i].port & 7));
}

/* "  now held: 5001, 5002" for the ports in a and not in b (at most 8). */
static void port_difference(const uint8_t *a, const uint8_t *b, const char *what,
                            epg_buf *out)
{
    uint32_t p;
    unsigned long n = 0;

    for (p = 1; p <= 65535u; p++) {
        int in_a = (a[p >> 3] >> (p & 7)) & 1, in_b = (b[p >> 3] >> (p & 7)) & 1;
        if (!in_a || in_b)
            continue;
        if (n < 8)
            epg_buf_printf(out, "%s%u", n ? ", " : what, (unsigned)p);
        n++;
    }
    if (n > 8)
        epg_buf_printf(out, " and %lu more", n - 8);
    if (n)
        epg_buf_putc(out, '\n');
}

static const char *key_state_text(epg_key_state s)
{
    switch (s) {
    case EPG_KEY_PRESENT: return "present";
    case EPG_KEY_MISSING: return "missing";
    case EPG_KEY_ERROR: break;
    }
    return "unreadable";
}

void epg_fix_what_changed(const epg_computer *was, const epg_computer *now, epg_buf *out)
{
    static uint8_t held_was[8192], held_now[8192];
    epg_buf a, b;
    size_t v, k;

    epg_buf_init(&a);
    epg_buf_init(&b);
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        if (epg_reading_same(&was->snap.values[v], &now->snap.values[v]))
            continue;
        epg_buf_clear(&a);
        epg_buf_clear(&b);
        epg_data_show(&was->snap.values[v], 32, &a);
        epg_data_show(&now->snap.values[v], 32, &b);
        epg_buf_puts(out, "  ");
        epg_value_path(v, out);
        epg_buf_printf(out, ": was %s, is now %s\n", epg_buf_str(&a), epg_buf_str(&b));
    }
    for (k = 0; k < EPG_SETTING_COUNT; k++)
        if (!epg_reading_same(&was->snap.settings[k], &now->snap.settings[k]))
            epg_buf_printf(out, "  %s\\%s\\%s: changed\n", EPG_DISPLAY_ROOT,
                           EPG_SETTINGS_KEY, epg_setting_defs[k].name);
    for (k = 0; k < epg_key_count(); k++) {
        if (was->snap.keys[k].state == now->snap.keys[k].state)
            continue;
        epg_buf_puts(out, "  ");
        epg_key_display_path(k, out);
        epg_buf_printf(out, ": was %s, is now %s\n",
                       key_state_text(was->snap.keys[k].state),
                       key_state_text(now->snap.keys[k].state));
    }
    epg_buf_clear(&a);
    epg_buf_clear(&b);
    show_range(&was->ev, &a);
    show_range(&now->ev, &b);
    if (strcmp(epg_buf_str(&a), epg_buf_str(&b)) != 0)
        epg_buf_printf(out, "  the dynamic port range: was %s, is now %s\n",
                       epg_buf_str(&a), epg_buf_str(&b));
    held_ports(&was->snap, held_was);
    held_ports(&now->snap, held_now);
    port_difference(held_now, held_was, "  ports now held in the TCP table: ", out);
    port_difference(held_was, held_now, "  ports no longer held in the TCP table: ", out);
    epg_buf_free(&a);
    epg_buf_free(&b);
}

static const char *result_token(const epg_fix_plan *p)
{
    switch (p->result) {
    case EPG_FIX_OK: return p->count ? "planned" : "nothing-to-fix";
    case EPG_FIX_NO_PORT: return "no-port";
    case EPG_FIX_INCOMPLETE: break;
    }
    return "incomplete";
}

static void json_change(const epg_computer *c, const epg_fix_change *ch, epg_buf *out)
{
    epg_buf t;
    char tn[32];

    epg_buf_init(&t);
    epg_buf_puts(out, "        {\"value\": ");
    epg_json_string(out, epg_values[ch->value].id);
    epg_buf_puts(out, ", \"path\": ");
    epg_value_path(ch->value, &t);
    epg_json_string(out, epg_buf_str(&t));
    epg_buf_printf(out, ", \"rule\": \"%s\", \"other\": ", epg_rule_name(ch->rule));
    if (ch->other < EPG_VALUE_COUNT)
        epg_json_string(out, epg_values[ch->other].id);
    else
        epg_buf_puts(out, "null");
    epg_buf_printf(out, ",\n         \"old_status\": \"%s\", \"old_type\": ",
                   epg_port_status_token(ch->old_status));
    if (ch->old_status == EPG_PORT_DEFAULT)
        epg_buf_puts(out, "null, \"old_data\": null");
    else {
        epg_json_string(out, epg_regtype_name(c->snap.values[ch->value].type, tn));
        epg_buf_puts(out, ", \"old_data\": ");
        epg_buf_clear(&t);
        epg_data_show(&c->snap.values[ch->value], EPG_SHOW_MAX, &t);
        epg_json_string(out, epg_buf_str(&t));
    }
    epg_buf_printf(out, ", \"old_port\": %u,\n         \"new_type\": \"%s\", "
                   "\"new_port\": %u, \"basis\": \"%s\", \"why\": ",
                   (unsigned)ch->old_port, epg_regtype_name(ch->new_type, tn),
                   (unsigned)ch->new_port,
                   ch->basis == EPG_FIX_RECOMMENDED ? "recommended-range" : "above-5000");
    epg_buf_clear(&t);
    epg_fix_describe(&c->ev, ch, &t);
    epg_json_string(out, epg_buf_str(&t));
    epg_buf_putc(out, '}');
    epg_buf_free(&t);
}

static void json_computer(const epg_computer *c, const epg_fix_plan *p, epg_buf *out)
{
    size_t i, n;
    char names[EPG_VALUE_COUNT][EPG_FIX_SERVICE_MAX];

    epg_computer_json_head(c, out);
    epg_buf_printf(out, ", \"exit_code\": %d, \"result\": \"%s\", \"reason\": ",
                   epg_fix_exit(p), result_token(p));
    if (p->result != EPG_FIX_OK)
        epg_json_string(out, epg_buf_str(&p->reason));
    else
        epg_buf_puts(out, "null");
    epg_buf_puts(out, ",\n     \"changes\": [");
    for (i = 0; i < p->count; i++) {
        epg_buf_puts(out, i ? ",\n" : "\n");
        json_change(c, &p->changes[i], out);
    }
    epg_buf_puts(out, p->count ? "\n     ],\n     \"restart_services\": [" : "],\n"
                 "     \"restart_services\": [");
    n = epg_fix_services(p, names);
    for (i = 0; i < n; i++) {
        if (i)
            epg_buf_puts(out, ", ");
        epg_json_string(out, names[i]);
    }
    epg_buf_puts(out, "],\n     \"report\": ");
    epg_computer_json_report(c, out);
    epg_buf_putc(out, '}');
}

void epg_fix_report_json(const epg_fleet *f, const epg_fix_plan *plans, epg_buf *out)
{
    size_t i;
    int code = EPG_FIX_EXIT_DONE;

    for (i = 0; i < f->count; i++)
        code = epg_fix_exit_worst(code, epg_fix_exit(&plans[i]));
    epg_buf_puts(out, "{\n  \"schema\": \"" EPG_FIX_JSON_SCHEMA "\",\n  \"product_version\": ");
    epg_json_string(out, EPG_VERSION);
    epg_buf_printf(out, ",\n  \"exit_code\": %d,\n  \"computers\": [", code);
    for (i = 0; i < f->count; i++) {
        epg_buf_puts(out, i ? ",\n" : "\n");
        json_computer(&f->items[i], &plans[i], out);
    }
    epg_buf_puts(out, f->count ? "\n  ]\n}\n" : "]\n}\n");
}

static void reg_name(const char *name, epg_buf *out)
{
    epg_buf_putc(out, '"');
    for (; *name; name++) {
        if (*name == '"' || *name == '\\')
            epg_buf_putc(out, '\\');
        epg_buf_putc(out, *name);
    }
    epg_buf_puts(out, "\"=");
}

/* dword:xxxxxxxx for a four-byte REG_DWORD, "digits" for a REG_SZ that is
 * exactly decimal digits and its NUL (what regedit writes back byte for
 * byte), hex(type):.. for everything else, so the data is exact. */
static void reg_data(uint32_t type, const uint8_t *d, size_t n, epg_buf *out)
{
    size_t i;
    int digits = type == EPG_REG_SZ && n >= 2 && n % 2 == 0 && !d[n - 1] && !d[n - 2];

    if (type == EPG_REG_DWORD && n == 4) {
        epg_buf_printf(out, "dword:%08lx\n", (unsigned long)((uint32_t)d[0] |
                       ((uint32_t)d[1] << 8) | ((uint32_t)d[2] << 16) |
                       ((uint32_t)d[3] << 24)));
        return;
    }
    for (i = 0; digits && i + 2 < n; i += 2)
        digits = d[i] >= '0' && d[i] <= '9' && !d[i + 1];
    if (digits) {
        epg_buf_putc(out, '"');
        for (i = 0; i + 2 < n; i += 2)
            epg_buf_putc(out, (char)d[i]);
        epg_buf_puts(out, "\"\n");
        return;
    }
    epg_buf_printf(out, "hex(%lx):", (unsigned long)type);
    for (i = 0; i < n; i++)
        epg_buf_printf(out, "%s%02x", i ? "," : "", d[i]);
    epg_buf_putc(out, '\n');
}

void epg_fix_reg_text(const epg_snapshot *snap, const epg_fix_plan *p, int undo,
                      epg_buf *out)
{
    size_t k, i;
    uint8_t data[EPG_FIX_DATA_MAX];

    epg_buf_puts(out, "Windows Registry Editor Version 5.00\n\n");
    epg_buf_printf(out, "; ExchPortGuard fix: %s\n\n", undo
                   ? "the data these values had before fix --apply changed them"
                   : "the proposed changes");
    for (k = 0; k < epg_key_count(); k++) {
        int header = 0;
        for (i = 0; i < p->count; i++) {
            const epg_fix_change *c = &p->changes[i];
            const epg_reading *r = &snap->values[c->value];
            if (epg_value_key(c->value) != k)
                continue;
            if (!header)
                epg_buf_printf(out, "[HKEY_LOCAL_MACHINE\\%s\\%s]\n", EPG_SERVICES_ROOT,
                               epg_key_path(k));
            header = 1;
            reg_name(epg_values[c->value].name, out);
            if (!undo)
                reg_data(c->new_type, data, epg_fix_data(c, data), out);
            else if (r->presence == EPG_PRESENT)
                reg_data(r->type, r->data, r->size, out);
            else
                epg_buf_puts(out, "-\n");
        }
        if (header)
            epg_buf_putc(out, '\n');
    }
}

void epg_reg_file_utf16(const char *text, epg_buf *out)
{
    epg_buf_putn(out, "\xFF\xFE", 2);
    for (; *text; text++) {
        if (*text == '\n')
            epg_utf16_put(out, '\r');
        epg_utf16_put(out, (unsigned char)*text);
    }
}
