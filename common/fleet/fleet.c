#include "fleet/fleet.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

void epg_fleet_init(epg_fleet *f)
{
    memset(f, 0, sizeof *f);
}

static void computer_free(epg_computer *c)
{
    free(c->name);
    free(c->source);
    free(c->error_text);
    epg_buf_free(&c->notes);
    epg_snapshot_free(&c->snap);
    epg_evaluation_free(&c->ev);
}

void epg_fleet_free(epg_fleet *f)
{
    size_t i;

    for (i = 0; i < f->count; i++)
        computer_free(&f->items[i]);
    free(f->items);
    epg_fleet_init(f);
}

epg_computer *epg_fleet_add(epg_fleet *f, const char *name, const char *source)
{
    epg_computer *c = epg_grow(f->items, &f->cap, f->count + 1, sizeof *c, 8);

    if (!c)
        return NULL;
    f->items = c;
    c = &f->items[f->count];
    memset(c, 0, sizeof *c);
    c->name = epg_strdup(name);
    c->source = source ? epg_strdup(source) : NULL;
    if (!c->name || (source && !c->source)) {
        free(c->name);
        free(c->source);
        return NULL;
    }
    epg_buf_init(&c->notes);
    epg_snapshot_init(&c->snap);
    epg_evaluation_init(&c->ev);
    f->count++;
    return c;
}

void epg_computer_fail(epg_computer *c, epg_computer_state state, uint32_t code,
                       const char *text)
{
    c->state = state;
    c->error = code;
    free(c->error_text);
    c->error_text = epg_strdup(text ? text : "unknown error");
}

void epg_computer_note(epg_computer *c, const char *text)
{
    epg_buf_puts(&c->notes, text);
    if (c->notes.len && c->notes.p[c->notes.len - 1] != '\n')
        epg_buf_putc(&c->notes, '\n');
}

int epg_os_option_parse(const char *text, epg_os_option *o)
{
    unsigned long v[2] = { 0, 0 };
    size_t which = 0, digits = 0;
    const char *p;

    for (p = text; *p; p++) {
        if (*p == '.' && which == 0 && digits) {
            which = 1;
            digits = 0;
        } else if (*p >= '0' && *p <= '9' && digits < 4) {
            v[which] = v[which] * 10 + (unsigned long)(*p - '0');
            digits++;
        } else {
            return -1;
        }
    }
    if (which != 1 || !digits)
        return -1;
    o->known = 1;
    o->major = (uint32_t)v[0];
    o->minor = (uint32_t)v[1];
    return 0;
}

void epg_computer_evaluate(epg_computer *c)
{
    if (c->state != EPG_COMPUTER_READ)
        return;
    if (epg_evaluate(&c->snap, &c->ev))
        epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, EPG_ERR_NOT_ENOUGH_MEMORY,
                          "not enough memory to check this computer");
}

/* netsh's answer exists only on the computer itself (docs/check-json.md):
 * on Windows 6.0 and later the default range is assumed, unless the
 * computer's own DynamicPortStart/Count override says otherwise. */
static void no_netsh(epg_computer *c, const char *why)
{
    if (c->snap.os_unknown || c->snap.os_major < 6)
        return;
    free(c->snap.netsh_note);
    c->snap.netsh_note = epg_strdup(why);
}

void epg_computer_take_export(epg_computer *c, epg_regexport *x,
                              const epg_os_option *os)
{
    int rc = epg_regexport_finish(x, &c->snap);

    if (x->notes.len)
        epg_computer_note(c, epg_buf_str(&x->notes));
    if (rc) {
        epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, x->error,
                          epg_buf_str(&x->error_text));
        return;
    }
    if (strcmp(x->control_set, "CurrentControlSet") != 0) {
        /* The report's paths say CurrentControlSet, as on the live system;
         * which set they came from is said here. */
        epg_buf note;
        epg_buf_init(&note);
        epg_buf_printf(&note, "%s: the keys were read from HKLM\\SYSTEM\\%s, %s",
                       x->file, x->control_set, x->control_set_why);
        epg_computer_note(c, epg_buf_str(&note));
        epg_buf_free(&note);
    }
    if (!x->os_known) {
        if (os && os->known) {
            c->snap.os_major = os->major;
            c->snap.os_minor = os->minor;
        } else {
            c->snap.os_unknown = 1;
        }
    }
    no_netsh(c, "a registry export holds no netsh output, so the default "
             "range is assumed and port exclusions are not checked");
    epg_computer_evaluate(c);
}

void epg_computer_finish_remote(epg_computer *c)
{
    if (c->state != EPG_COMPUTER_READ)
        return;
    no_netsh(c, "netsh cannot be asked on a remote computer, so the default "
             "range is assumed and port exclusions are not checked");
    epg_computer_evaluate(c);
}

int epg_computer_verdict(const epg_computer *c)
{
    return c->state == EPG_COMPUTER_READ ? epg_verdict(&c->ev) : EPG_EXIT_UNREADABLE;
}

const char *epg_computer_verdict_name(const epg_computer *c)
{
    if (c->state == EPG_COMPUTER_TIMED_OUT || c->state == EPG_COMPUTER_NOT_ATTEMPTED)
        return epg_computer_state_name(c);
    switch (epg_computer_verdict(c)) {
    case EPG_EXIT_CLEAN: return "clean";
    case EPG_EXIT_WARNINGS: return "warnings";
    case EPG_EXIT_CONFLICT: return "conflict";
    default: return "unreadable";
    }
}

const char *epg_computer_state_name(const epg_computer *c)
{
    switch (c->state) {
    case EPG_COMPUTER_READ: return "read";
    case EPG_COMPUTER_TIMED_OUT: return "timed-out";
    case EPG_COMPUTER_NOT_ATTEMPTED: return "not-attempted";
    default: return "unreadable";
    }
}

int epg_computer_has_error(const epg_computer *c)
{
    size_t i;

    if (c->state != EPG_COMPUTER_READ)
        return 0;
    for (i = 0; i < c->ev.findings.count; i++) {
        epg_rule r = c->ev.findings.items[i].rule;
        if (r != EPG_RULE_UNREADABLE && epg_rule_severity(r) == EPG_SEV_ERROR)
            return 1;
    }
    return 0;
}

int epg_fleet_exit(const epg_fleet *f)
{
    size_t i;
    int unreadable = 0, warnings = 0;

    for (i = 0; i < f->count; i++) {
        const epg_computer *c = &f->items[i];
        int v = epg_computer_verdict(c);
        if (epg_computer_has_error(c))
            return EPG_EXIT_CONFLICT;
        if (v == EPG_EXIT_UNREADABLE)
            unreadable = 1;
        else if (v == EPG_EXIT_WARNINGS)
            warnings = 1;
    }
    return unreadable ? EPG_EXIT_UNREADABLE
                      : warnings ? EPG_EXIT_WARNINGS : EPG_EXIT_CLEAN;
}

char *epg_name_from_file(const char *path)
{
    const char *base = path, *p, *dot = NULL;
    char *name;
    size_t n;

    for (p = path; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':')
            base = p + 1;
    for (p = base; *p; p++)
        if (*p == '.')
            dot = p;
    n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    name = malloc(n + 1);
    if (!name)
        return NULL;
    memcpy(name, base, n);
    name[n] = '\0';
    return name;
}

void epg_fleet_count(const epg_fleet *f, epg_fleet_counts *out)
{
    size_t i;

    memset(out, 0, sizeof *out);
    out->computers = f->count;
    for (i = 0; i < f->count; i++) {
        switch (epg_computer_verdict(&f->items[i])) {
        case EPG_EXIT_CLEAN: out->clean++; break;
        case EPG_EXIT_WARNINGS: out->warnings++; break;
        case EPG_EXIT_CONFLICT: out->conflict++; break;
        default: out->unreadable++; break;
        }
    }
}

void epg_computer_read_export(epg_computer *c, epg_byte_source *src,
                              uint32_t codepage, const epg_os_option *os)
{
    epg_regexport x;
    uint8_t *buf = malloc(EPG_EXPORT_CHUNK);
    long got = 0;

    if (!buf) {
        epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, EPG_ERR_NOT_ENOUGH_MEMORY,
                          "not enough memory to read the export");
        return;
    }
    epg_regexport_init(&x, c->source ? c->source : c->name, codepage);
    while ((got = src->read(src, buf, EPG_EXPORT_CHUNK)) > 0)
        if (epg_regexport_feed(&x, buf, (size_t)got))
            break;  /* not an export: the rest need not be read */
    if (got < 0) {
        epg_buf line;
        epg_buf_init(&line);
        epg_buf_printf(&line, "%s: %s", c->source ? c->source : c->name,
                       src->error_text);
        epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, src->error, epg_buf_str(&line));
        epg_buf_free(&line);
    } else {
        epg_computer_take_export(c, &x, os);
    }
    epg_regexport_free(&x);
    free(buf);
}
