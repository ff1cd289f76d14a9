#include "fix/fixplan.h"

#include <stdio.h>
#include <string.h>

void epg_fix_plan_init(epg_fix_plan *p)
{
    memset(p, 0, sizeof *p);
    epg_buf_init(&p->reason);
}

void epg_fix_plan_free(epg_fix_plan *p)
{
    epg_buf_free(&p->reason);
    epg_fix_plan_init(p);
}

/* Why a port cannot be taken; NOT_TAKEN when it can. */
typedef enum taken {
    NOT_TAKEN = 0,
    TAKEN_LOW,          /* below 1024 */
    TAKEN_VALUE,        /* a watched value or another change uses it */
    TAKEN_LENIENT,      /* an invalid string its service still reads as it */
    TAKEN_HELD,         /* in the TCP table */
    TAKEN_EXCLUDED,     /* in an exclusion range nobody else can bind */
    TAKEN_DYNAMIC,      /* in the dynamic port range */
    /* Not taken: inside an administered exclusion (ReservedPorts, netsh's
     * '*'), which the dynamic range never hands out.  check calls such a
     * port safe (no 1210, no 1230), so fix may choose it. */
    FREE_RESERVED,
    TAKEN_KINDS
} taken;

static int qualifies(uint8_t why)
{
    return why == NOT_TAKEN || why == FREE_RESERVED;
}

/* One reason per port, the first that applies, in the order above. */
typedef struct port_map {
    uint8_t why[65536];
} port_map;

static void mark(port_map *m, uint32_t lo, uint32_t hi, taken t)
{
    uint32_t p;

    for (p = lo; p <= hi && p <= 65535u; p++)
        if (m->why[p] == NOT_TAKEN)
            m->why[p] = (uint8_t)t;
}

/* The exclusions are marked exactly as check judges them, so that a port
 * fix chooses draws no finding from check afterwards: one that
 * epg_dynrange_blocking finds is TAKEN_EXCLUDED (1230), every other one
 * keeps its ports out of the dynamic range (epg_dynrange_holds: no 1210). */
static void build_map(const epg_snapshot *snap, const epg_evaluation *ev, port_map *m)
{
    size_t i;
    uint16_t port;

    memset(m, 0, sizeof *m);
    mark(m, 0, EPG_EX2010_MIN_PORT - 1u, TAKEN_LOW);
    for (i = 0; i < EPG_VALUE_COUNT; i++)
        if (epg_port_effective(&ev->ports[i]))
            mark(m, ev->ports[i].port, ev->ports[i].port, TAKEN_VALUE);
    /* check calls " 5001" invalid, but the service's own parser reads
     * 5001: a port that costs nothing to avoid. */
    for (i = 0; i < EPG_VALUE_COUNT; i++)
        if (ev->ports[i].status == EPG_PORT_INVALID &&
            epg_port_lenient(&snap->values[i], &port))
            mark(m, port, port, TAKEN_LENIENT);
    /* Any entry, whoever holds it: a port someone holds now is no port to
     * move a service to, legitimate holder or not. */
    if (snap->tcp.collected)
        for (i = 0; i < snap->tcp.count; i++)
            mark(m, snap->tcp.entries[i].port, snap->tcp.entries[i].port, TAKEN_HELD);
    if (ev->range_checked) {
        /* Blocking ranges first: where one overlaps an administered one,
         * the port cannot be bound (epg_dynrange_blocking finds it). */
        for (i = 0; i < ev->range.excluded_count; i++)
            if (epg_span_blocks(&ev->range, &ev->range.excluded[i]))
                mark(m, ev->range.excluded[i].lo, ev->range.excluded[i].hi, TAKEN_EXCLUDED);
        for (i = 0; i < ev->range.excluded_count; i++)
            mark(m, ev->range.excluded[i].lo, ev->range.excluded[i].hi, FREE_RESERVED);
        mark(m, ev->range.start, ev->range.end, TAKEN_DYNAMIC);
    }
}

static void basis_range(epg_fix_basis b, uint32_t *lo, uint32_t *hi)
{
    if (b == EPG_FIX_RECOMMENDED) {
        *lo = EPG_EX2010_RECOMMENDED_LO;
        *hi = EPG_EX2010_RECOMMENDED_HI;
    } else {
        *lo = EPG_FIX_ABOVE_LO;
        *hi = 65535u;
    }
}

static epg_fix_basis basis_of(size_t v)
{
    return epg_values[v].range_rule == EPG_RANGE_RULE_EX2010 ? EPG_FIX_RECOMMENDED
                                                             : EPG_FIX_ABOVE_5000;
}

/* The cure for a range the dynamic port range took: how to free the
 * lowest port of lo-hi that only the range keeps from qualifying, in the
 * words check's own 1210 remedy uses on that Windows version
 * (epg_dynrange_remedy), and the range command where Windows has one. */
static void dynamic_cure(const epg_evaluation *ev, const port_map *m, uint32_t lo,
                         uint32_t hi, epg_buf *out)
{
    uint32_t p;

    for (p = lo; p <= hi && m->why[p] != TAKEN_DYNAMIC; p++)
        ;
    if (ev->range.os_major < 6) {
        /* Windows 2000 and Server 2003 have no netsh dynamicport: the
         * range ends at MaxUserPort, and ReservedPorts takes ports out. */
        epg_buf_printf(out, "; free a port: lower Tcpip\\Parameters\\MaxUserPort "
                       "(the range ends there, now %u) below %u, or ", (unsigned)ev->range.end,
                       (unsigned)p);
        epg_dynrange_remedy(&ev->range, (uint16_t)p, out);
        epg_buf_puts(out, ", then run fix again");
        return;
    }
    epg_buf_printf(out, "; move the dynamic port range off %u-%u (netsh int ipv4 set "
                   "dynamicport tcp start=... num=...)", (unsigned)lo, (unsigned)hi);
    if (!(ev->range.os_major == 6 && ev->range.os_minor == 0)) {
        /* 6.1 and later: an administered exclusion makes the port safe. */
        epg_buf_puts(out, " or reserve a port for it (");
        epg_dynrange_remedy(&ev->range, (uint16_t)p, out);
        epg_buf_putc(out, ')');
    }
    epg_buf_puts(out, " and run fix again");
}

/* Says which constraint took every port of the range, with counts. */
static void no_port(const epg_evaluation *ev, const port_map *m, size_t v,
                    uint32_t lo, uint32_t hi, epg_buf *out)
{
    static const char *const what[TAKEN_KINDS] = {
        "", "below 1024", "used by a watched value",
        "read as a port by a service from a value check calls invalid",
        "held in the TCP table", "in an exclusion range nobody else can bind",
        "in the dynamic port range", ""
    };
    unsigned long n[TAKEN_KINDS] = { 0 };
    uint32_t p;
    size_t t;
    const char *sep = "";
    epg_buf path;

    for (p = lo; p <= hi; p++)
        n[m->why[p]]++;
    epg_buf_init(&path);
    epg_value_path(v, &path);
    epg_buf_printf(out, "no port qualifies for %s: of %u-%u, ", epg_buf_str(&path),
                   (unsigned)lo, (unsigned)hi);
    epg_buf_free(&path);
    for (t = TAKEN_LOW; t < FREE_RESERVED; t++) {
        if (!n[t])
            continue;
        epg_buf_printf(out, "%s%lu %s", sep, n[t], what[t]);
        if (t == TAKEN_DYNAMIC) {
            epg_buf_printf(out, " %u-%u (", (unsigned)ev->range.start,
                           (unsigned)ev->range.end);
            epg_dynrange_describe_source(&ev->range, out);
            epg_buf_putc(out, ')');
        }
        sep = ", ";
    }
    if (n[TAKEN_DYNAMIC])
        dynamic_cure(ev, m, lo, hi, out);
}

static int planned(const epg_fix_plan *p, size_t v)
{
    size_t i;

    for (i = 0; i < p->count; i++)
        if (p->changes[i].value == v)
            return 1;
    return 0;
}

/* Keeps the value's registry type; an absent value (its default was in
 * the way) is created with the type its component's documentation gives
 * (the catalogue's native_type: REG_SZ for the Address Book's values). */
static uint32_t new_type(const epg_snapshot *snap, size_t v)
{
    const epg_reading *r = &snap->values[v];

    if (r->presence == EPG_PRESENT &&
        (r->type == EPG_REG_DWORD || r->type == EPG_REG_SZ || r->type == EPG_REG_EXPAND_SZ))
        return r->type;
    return epg_values[v].native_type == EPG_TYPES_STRING ? EPG_REG_SZ : EPG_REG_DWORD;
}

/* Adds a change of v for finding f; returns 0, or -1 when no port
 * qualifies (p->reason then says why). */
static int propose(const epg_snapshot *snap, const epg_evaluation *ev, port_map *m,
                   const epg_finding *f, size_t v, epg_fix_plan *p)
{
    epg_fix_change *c = &p->changes[p->count];
    uint32_t lo, hi, port;

    c->basis = basis_of(v);
    basis_range(c->basis, &lo, &hi);
    for (port = lo; port <= hi && !qualifies(m->why[port]); port++)
        ;
    if (port > hi) {
        no_port(ev, m, v, lo, hi, &p->reason);
        return -1;
    }
    c->reserved = m->why[port] == FREE_RESERVED;
    m->why[port] = TAKEN_VALUE;
    c->value = v;
    c->rule = f->rule;
    c->other = f->rule == EPG_RULE_CONFLICT ? (size_t)(f->a == v ? f->b : f->a)
                                            : EPG_VALUE_COUNT;
    c->old_port = ev->ports[v].port;
    c->old_status = ev->ports[v].status;
    c->new_type = new_type(snap, v);
    c->new_port = (uint16_t)port;
    p->count++;
    return 0;
}

static int is_dc(size_t v)
{
    return epg_values[v].family == EPG_DOMAIN_CONTROLLER;
}

/* Which value of a conflict moves: a domain controller's ports are pinned
 * domain-wide (firewall rules on every client and DC name them, KB 224196)
 * and NTDS cannot be restarted alone on Windows 2003, so the Exchange value
 * moves; of two values of the same kind, the later in catalogue order. */
size_t epg_fix_conflict_mover(size_t a, size_t b)
{
    if (is_dc(a) != is_dc(b))
        return is_dc(a) ? b : a;
    return a > b ? a : b;
}

epg_fix_result epg_fix_plan_make(const epg_snapshot *snap, const epg_evaluation *ev,
                                 epg_fix_plan *p)
{
    static port_map map;    /* 64 KiB: not on the stack */
    size_t i;

    epg_fix_plan_free(p);
    if (epg_verdict(ev) == EPG_EXIT_UNREADABLE) {
        /* A port free among the values read may be the port of one that
         * could not be read. */
        epg_buf_puts(&p->reason, "a watched key or value could not be read, so no port "
                     "can be shown to be free; fix what check reports as unreadable first");
        p->result = EPG_FIX_INCOMPLETE;
        return p->result;
    }
    build_map(snap, ev, &map);
    for (i = 0; i < ev->findings.count; i++) {
        const epg_finding *f = &ev->findings.items[i];
        size_t v;

        if (f->rule == EPG_RULE_CONFLICT) {
            if (planned(p, f->a) || planned(p, f->b))
                continue;
            v = epg_fix_conflict_mover(f->a, f->b);
        } else if (f->rule == EPG_RULE_PORT_BELOW_1024 || f->rule == EPG_RULE_PORT_EXCLUDED) {
            v = f->a;
            if (planned(p, v))
                continue;
        } else {
            continue;
        }
        if (propose(snap, ev, &map, f, v, p)) {
            p->count = 0;
            p->result = EPG_FIX_NO_PORT;
            return p->result;
        }
    }
    p->result = EPG_FIX_OK;
    return p->result;
}

int epg_fix_plan_equal(const epg_fix_plan *x, const epg_fix_plan *y)
{
    size_t i;

    if (x->result != y->result || x->count != y->count)
        return 0;
    for (i = 0; i < x->count; i++) {
        const epg_fix_change *a = &x->changes[i], *b = &y->changes[i];
        if (a->value != b->value || a->rule != b->rule || a->other != b->other ||
            a->old_port != b->old_port || a->old_status != b->old_status ||
            a->new_type != b->new_type || a->new_port != b->new_port ||
            a->basis != b->basis || a->reserved != b->reserved)
            return 0;
    }
    return 1;
}

size_t epg_fix_data(const epg_fix_change *c, uint8_t out[EPG_FIX_DATA_MAX])
{
    char digits[8];
    size_t i, n;

    if (c->new_type == EPG_REG_DWORD) {
        out[0] = (uint8_t)(c->new_port & 0xFF);
        out[1] = (uint8_t)(c->new_port >> 8);
        out[2] = 0;
        out[3] = 0;
        return 4;
    }
    n = (size_t)snprintf(digits, sizeof digits, "%u", (unsigned)c->new_port);
    /* A port has at most five digits; saying so lets gcc -O3 see the
     * writes stay inside out (-Wstringop-overflow otherwise). */
    if (n > 5)
        n = 5;
    for (i = 0; i <= n; i++) {      /* with the terminating NUL */
        out[2 * i] = i < n ? (uint8_t)digits[i] : 0;
        out[2 * i + 1] = 0;
    }
    return 2 * (n + 1);
}

int epg_fix_apply_snapshot(epg_snapshot *snap, const epg_fix_plan *p)
{
    size_t i;
    uint8_t data[EPG_FIX_DATA_MAX];

    for (i = 0; i < p->count; i++) {
        const epg_fix_change *c = &p->changes[i];
        size_t n = epg_fix_data(c, data);

        epg_reading_free(&snap->values[c->value]);
        if (epg_reading_set(&snap->values[c->value], c->new_type, data, n))
            return -1;
    }
    return 0;
}

void epg_fix_describe(const epg_evaluation *ev, const epg_fix_change *c, epg_buf *out)
{
    epg_buf path;
    uint32_t lo, hi;
    size_t i;

    epg_buf_init(&path);
    if (c->rule == EPG_RULE_CONFLICT) {
        epg_value_path(c->other, &path);
        epg_buf_printf(out, "it shares port %u with %s; ", (unsigned)c->old_port,
                       epg_buf_str(&path));
        if (is_dc(c->value))
            epg_buf_puts(out, "both are domain controller values, and of the two the "
                         "value later in the catalogue's order changes");
        else if (is_dc(c->other))
            epg_buf_puts(out, "the Exchange value changes, not the domain controller's: "
                         "domain controller ports are pinned domain-wide in firewall "
                         "rules, and NTDS cannot be restarted alone on Windows 2003");
        else
            epg_buf_puts(out, "of the two, the value later in the catalogue's order "
                         "changes");
    } else if (c->rule == EPG_RULE_PORT_BELOW_1024) {
        epg_buf_printf(out, "port %u is below 1024, which the Exchange 2010 analyzer "
                       "reports as an error", (unsigned)c->old_port);
    } else {
        epg_buf_printf(out, "port %u lies in an exclusion range no other program "
                       "can bind", (unsigned)c->old_port);
    }
    epg_buf_free(&path);
    basis_range(c->basis, &lo, &hi);
    if (c->basis == EPG_FIX_RECOMMENDED)
        epg_buf_printf(out, "; %u is the lowest port of the recommended range %u-%u",
                       (unsigned)c->new_port, (unsigned)lo, (unsigned)hi);
    else
        epg_buf_printf(out, "; %u is the lowest port above 5000 (the analyzer's "
                       "\"a unique value just above 5000\")", (unsigned)c->new_port);
    /* "that no watched value uses[, nobody holds][ and lies outside ...]" */
    epg_buf_puts(out, " that no watched value uses");
    if (ev->listeners_checked)
        epg_buf_puts(out, ev->range_checked ? ", nobody holds" : " and nobody holds");
    if (ev->range_checked && !c->reserved)
        epg_buf_printf(out, " and that lies outside the dynamic port range %u-%u and every "
                       "exclusion range nobody else can bind", (unsigned)ev->range.start,
                       (unsigned)ev->range.end);
    if (ev->range_checked && c->reserved) {
        for (i = 0; i < ev->range.excluded_count; i++)
            if (c->new_port >= ev->range.excluded[i].lo &&
                c->new_port <= ev->range.excluded[i].hi)
                break;
        epg_buf_printf(out, " and that lies inside the administered exclusion %u-%u (%s), "
                       "which the dynamic port range %u-%u never hands out: a reserved "
                       "port is where a pinned service belongs",
                       i < ev->range.excluded_count ? (unsigned)ev->range.excluded[i].lo : 0u,
                       i < ev->range.excluded_count ? (unsigned)ev->range.excluded[i].hi : 0u,
                       ev->range.excl_source == EPG_EXCL_RESERVED_PORTS
                           ? "Tcpip\\Parameters\\ReservedPorts"
                           : "netsh, marked '*'",
                       (unsigned)ev->range.start, (unsigned)ev->range.end);
    }
}

/* Whether list, the names so far, already holds the len characters of
 * name. */
static int listed(char names[][EPG_FIX_SERVICE_MAX], size_t n, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return 1;
    return 0;
}

size_t epg_fix_services(const epg_fix_plan *p, char names[][EPG_FIX_SERVICE_MAX])
{
    size_t v, len, n = 0;

    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        /* The first service listed is the one that reads the value. */
        const char *s = epg_values[v].holder_services;

        if (!planned(p, v))
            continue;
        len = strcspn(s, ";");
        if (len >= EPG_FIX_SERVICE_MAX)
            len = EPG_FIX_SERVICE_MAX - 1;
        if (listed(names, n, s, len))
            continue;
        memcpy(names[n], s, len);
        names[n][len] = '\0';
        n++;
    }
    return n;
}

void epg_fix_services_sentence(const epg_fix_plan *p, epg_buf *out)
{
    char names[EPG_VALUE_COUNT][EPG_FIX_SERVICE_MAX];
    size_t n = epg_fix_services(p, names), i;

    for (i = 0; i < n; i++)
        epg_buf_printf(out, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
}
