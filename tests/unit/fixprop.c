#include "fixprop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"

static unsigned b8(fp_byte_fn next, void *ctx)
{
    return next(ctx) & 0xFFu;
}

static unsigned b16(fp_byte_fn next, void *ctx)
{
    unsigned lo = b8(next, ctx);
    return lo | (b8(next, ctx) << 8);
}

static void set_dword(epg_reading *r, uint32_t v)
{
    uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    epg_reading_free(r);
    epg_reading_set(r, EPG_REG_DWORD, d, 4);
}

static void set_string(epg_reading *r, uint32_t type, const char *text)
{
    uint8_t d[64];
    size_t i, n = strlen(text);

    for (i = 0; i <= n && 2 * i + 1 < sizeof d; i++) {
        d[2 * i] = (uint8_t)text[i];
        d[2 * i + 1] = 0;
    }
    epg_reading_free(r);
    epg_reading_set(r, type, d, 2 * i);
}

static void set_multi(epg_reading *r, const char *const *lines)
{
    uint8_t d[256];
    size_t n = 0, i, k;

    for (i = 0; lines[i]; i++)
        for (k = 0; k <= strlen(lines[i]) && n + 2 < sizeof d - 2; k++) {
            d[n++] = (uint8_t)lines[i][k];
            d[n++] = 0;
        }
    d[n++] = 0;
    d[n++] = 0;
    epg_reading_free(r);
    epg_reading_set(r, EPG_REG_MULTI_SZ, d, n);
}

/* The ports conflicts and range rules are made of. */
static const uint16_t pool[] = {
    6001, 6002, 6004, 135, 593, 1023, 1024, 5000, 5001, 5002, 5003, 5004,
    49152, 50000, 59531, 59532, 59533, 60554, 60555, 65535
};

static uint16_t some_port(fp_byte_fn next, void *ctx)
{
    unsigned k = b8(next, ctx);

    if (k < 200)
        return pool[k % (sizeof pool / sizeof pool[0])];
    if (k < 230)    /* near the start of each search */
        return (uint16_t)((k & 1 ? 5001u : 59531u) + b8(next, ctx) % 24);
    return (uint16_t)b16(next, ctx);
}

static char *excluded_table(fp_byte_fn next, void *ctx)
{
    size_t n = b8(next, ctx) % 6, i, len;
    char *t = malloc(128 + n * 48);

    if (!t)
        return NULL;
    len = (size_t)sprintf(t, "\r\nProtocol tcp Port Exclusion Ranges\r\n\r\n"
                          "Start Port    End Port\r\n----------    --------\r\n");
    for (i = 0; i < n; i++) {
        unsigned lo = some_port(next, ctx), w = b8(next, ctx) % 40;
        unsigned hi = lo + w > 65535 ? 65535 : lo + w;
        len += (size_t)sprintf(t + len, "%10u  %10u%s\r\n", lo, hi,
                               b8(next, ctx) & 1 ? "     *" : "");
    }
    sprintf(t + len, "\r\n* - Administered port exclusions.\r\n");
    return t;
}

void fp_random_snapshot(epg_snapshot *s, fp_byte_fn next, void *ctx)
{
    static const unsigned os[][2] = { { 5, 2 }, { 6, 0 }, { 6, 1 }, { 10, 0 } };
    size_t k, v, i, n;
    unsigned b;

    for (k = 0; k < epg_key_count(); k++)
        epg_key_status_set(&s->keys[k],
                           epg_key_role_of(k) == EPG_KEY_EXCHANGE && b8(next, ctx) % 8 == 0
                               ? EPG_KEY_MISSING : EPG_KEY_PRESENT, 0, NULL);
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        epg_reading *r = &s->values[v];
        char text[12];

        if (s->keys[epg_value_key(v)].state != EPG_KEY_PRESENT)
            continue;
        b = b8(next, ctx);
        sprintf(text, "%u", (unsigned)some_port(next, ctx));
        switch (b % 8) {
        case 0: case 1: break;                          /* absent */
        case 2:     /* invalid to check, a port to the service: " 5001" */
            memmove(text + 1, text, strlen(text) + 1);
            text[0] = ' ';
            if (b & 8) {
                memmove(text, text + 1, strlen(text));
                strcat(text, " ");
            }
            set_string(r, EPG_REG_SZ, text);
            break;
        case 3: case 4: case 5: set_dword(r, (uint32_t)atoi(text)); break;
        case 6: set_string(r, EPG_REG_SZ, text); break;
        default: set_string(r, EPG_REG_EXPAND_SZ, text);
        }
    }
    b = b8(next, ctx);
    if (b % 8 == 0)     /* one snapshot in eight has a value it cannot read */
        epg_reading_set_error(&s->values[(b >> 3) % EPG_VALUE_COUNT], 5, "Access is denied.");
    b = b8(next, ctx);
    s->os_major = os[b % 4][0];
    s->os_minor = os[b % 4][1];
    s->os_unknown = (b & 0x30) == 0x30;
    b = b8(next, ctx);
    set_dword(&s->settings[EPG_SET_CHECK_DYNAMIC_RANGE], (b & 3) != 0);
    set_dword(&s->settings[EPG_SET_LISTENER_CHECK_MINUTES], (b & 4) ? 0 : 5);
    if (b & 8) {    /* an override, often onto the recommended range */
        unsigned start = b & 16 ? 59000u + b8(next, ctx) * 8u : 1025u + b16(next, ctx) % 60000u;
        unsigned count = 1u + b16(next, ctx) % (65536u - start);
        set_dword(&s->settings[EPG_SET_DYNAMIC_PORT_START], start);
        set_dword(&s->settings[EPG_SET_DYNAMIC_PORT_COUNT], count);
    }
    if (b & 32)     /* half the time the common 65534 tuning */
        set_dword(&s->max_user_port,
                  b8(next, ctx) & 1 ? 65534u : 5000u + b16(next, ctx) % 60535u);
    if (b8(next, ctx) & 1) {    /* administered exclusions (Windows 5.x) */
        static char lines[4][16];
        const char *list[5];
        size_t m = 1 + b8(next, ctx) % 3, j;
        for (j = 0; j < m; j++) {
            unsigned lo = some_port(next, ctx), w = b8(next, ctx) % 40;
            sprintf(lines[j], "%u-%u", lo, lo + w > 65535 ? 65535 : lo + w);
            list[j] = lines[j];
        }
        list[m] = NULL;
        set_multi(&s->reserved_ports, list);
    }
    if (b & 64) {
        unsigned start = 1025u + b16(next, ctx) % 60000u;
        char t[160];
        sprintf(t, "\r\nProtocol tcp Dynamic Port Range\r\n---------------------------------\r\n"
                "Start Port      : %u\r\nNumber of Ports : %u\r\n", start,
                1u + b16(next, ctx) % (65536u - start));
        s->netsh_dynamic = malloc(strlen(t) + 1);
        if (s->netsh_dynamic)
            strcpy(s->netsh_dynamic, t);
    }
    if (b & 128)
        s->netsh_excluded = excluded_table(next, ctx);
    n = b8(next, ctx) % 8;
    s->tcp.collected = n > 0;
    for (i = 0; i + 1 < n; i++) {
        uint32_t pid = b8(next, ctx) % 4;
        epg_tcp_view_add(&s->tcp, some_port(next, ctx), pid, (epg_tcp_state)(pid % 3), 0);
        if (pid == 3)
            epg_tcp_view_set_image(&s->tcp, pid, "other.exe");
    }
}

static int has_rule(const epg_evaluation *ev, epg_rule r)
{
    return epg_set_count_rule(&ev->findings, r) != 0;
}

#define FAIL(...)                           \
    do {                                    \
        snprintf(why, n, __VA_ARGS__);      \
        goto out;                           \
    } while (0)

int fp_check_property(epg_snapshot *s, epg_fix_result *result, char *why, size_t n)
{
    epg_evaluation before, after;
    epg_fix_plan plan;
    int bad = 1, v0, wants;
    size_t i, j, t;

    epg_evaluation_init(&before);
    epg_evaluation_init(&after);
    epg_fix_plan_init(&plan);
    why[0] = '\0';
    if (epg_evaluate(s, &before))
        FAIL("out of memory evaluating");
    v0 = epg_verdict(&before);
    wants = has_rule(&before, EPG_RULE_CONFLICT) || has_rule(&before, EPG_RULE_PORT_BELOW_1024) ||
            has_rule(&before, EPG_RULE_PORT_EXCLUDED);
    *result = epg_fix_plan_make(s, &before, &plan);
    if ((*result == EPG_FIX_INCOMPLETE) != (v0 == EPG_EXIT_UNREADABLE))
        FAIL("result %d for verdict %d", (int)*result, v0);
    if (*result != EPG_FIX_OK) {
        if (plan.count || !plan.reason.len)
            FAIL("result %d with %lu changes and reason \"%s\"", (int)*result,
                 (unsigned long)plan.count, epg_buf_str(&plan.reason));
        bad = 0;
        goto out;
    }
    if ((plan.count != 0) != wants)
        FAIL("%lu changes for a snapshot that %s", (unsigned long)plan.count,
             wants ? "needs some" : "needs none");
    for (i = 0; i < plan.count; i++) {
        const epg_fix_change *c = &plan.changes[i];
        unsigned p = c->new_port;

        if (p < 1024)
            FAIL("port %u below 1024", p);
        for (j = 0; j < i; j++)
            if (plan.changes[j].new_port == p || plan.changes[j].value == c->value)
                FAIL("two changes on port %u or value %lu", p, (unsigned long)c->value);
        for (j = 0; j < EPG_VALUE_COUNT; j++)
            if (epg_port_effective(&before.ports[j]) && before.ports[j].port == p)
                FAIL("port %u used by value %lu before", p, (unsigned long)j);
        /* Exactly check's judgement: no 1210, no 1230 for the new port;
         * inside an administered exclusion only when the plan says so. */
        if (before.range_checked) {
            int in_exclusion = 0;
            if (epg_dynrange_holds(&before.range, (uint16_t)p))
                FAIL("port %u in the dynamic range %u-%u", p, (unsigned)before.range.start,
                     (unsigned)before.range.end);
            if (epg_dynrange_blocking(&before.range, (uint16_t)p))
                FAIL("port %u in an exclusion nobody else can bind", p);
            for (t = 0; t < before.range.excluded_count; t++)
                if (p >= before.range.excluded[t].lo && p <= before.range.excluded[t].hi)
                    in_exclusion = 1;
            if (c->reserved != in_exclusion)
                FAIL("port %u: reserved %d, inside an exclusion %d", p, c->reserved,
                     in_exclusion);
        } else if (c->reserved) {
            FAIL("port %u reserved with the range unchecked", p);
        }
        for (j = 0; j < EPG_VALUE_COUNT; j++) {
            uint16_t lenient;
            if (before.ports[j].status == EPG_PORT_INVALID &&
                epg_port_lenient(&s->values[j], &lenient) && lenient == p)
                FAIL("port %u is what value %s's service reads from its invalid data", p,
                     epg_values[j].id);
        }
        /* A domain controller value moves only for a conflict with another
         * domain controller value. */
        if (c->rule == EPG_RULE_CONFLICT &&
            epg_values[c->value].family == EPG_DOMAIN_CONTROLLER &&
            epg_values[c->other].family != EPG_DOMAIN_CONTROLLER)
            FAIL("domain controller value %s moves for Exchange value %s",
                 epg_values[c->value].id, epg_values[c->other].id);
        if (s->tcp.collected)
            for (t = 0; t < s->tcp.count; t++)
                if (s->tcp.entries[t].port == p)
                    FAIL("port %u in the TCP table", p);
        if (epg_values[c->value].range_rule == EPG_RANGE_RULE_EX2010
                ? p < EPG_EX2010_RECOMMENDED_LO || p > EPG_EX2010_RECOMMENDED_HI
                : p <= 5000)
            FAIL("port %u outside the range for %s", p, epg_values[c->value].id);
    }
    if (epg_fix_apply_snapshot(s, &plan) || epg_evaluate(s, &after))
        FAIL("out of memory applying");
    if (has_rule(&after, EPG_RULE_CONFLICT) || has_rule(&after, EPG_RULE_PORT_BELOW_1024) ||
        has_rule(&after, EPG_RULE_PORT_EXCLUDED))
        FAIL("an error-level finding stands after the plan");
    if (epg_verdict(&after) > v0)
        FAIL("verdict %d after, %d before", epg_verdict(&after), v0);
    /* fix and check never disagree: the plan merged back draws no finding
     * that was not there before. */
    for (i = 0; i < after.findings.count; i++) {
        const epg_finding *f = &after.findings.items[i];
        for (j = 0; j < before.findings.count; j++)
            if (before.findings.items[j].rule == f->rule &&
                before.findings.items[j].a == f->a && before.findings.items[j].b == f->b)
                break;
        if (j == before.findings.count)
            FAIL("new finding %s about %s after the plan", epg_rule_name(f->rule),
                 f->a < EPG_VALUE_COUNT ? epg_values[f->a].id : "-");
    }
    for (i = 0; i < after.findings.count; i++)
        for (j = 0; j < plan.count; j++)
            if (after.findings.items[i].a == plan.changes[j].value &&
                after.findings.items[i].rule != EPG_RULE_UNREADABLE)
                FAIL("finding %s about changed value %s",
                     epg_rule_name(after.findings.items[i].rule),
                     epg_values[plan.changes[j].value].id);
    bad = 0;
out:
    epg_fix_plan_free(&plan);
    epg_evaluation_free(&before);
    epg_evaluation_free(&after);
    return bad;
}
