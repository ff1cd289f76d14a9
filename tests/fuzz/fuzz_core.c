/* libFuzzer target over the portable core: arbitrary registry types and
 * bytes for every value the service reads, arbitrary key states, netsh
 * output and OS version, through parsing, every check, the service's
 * conditions, both reports, every event, and the publisher with its flood
 * limit.  Besides the sanitizers, it asserts what must always hold:
 *   - the JSON report is well-formed;
 *   - the verdict agrees with the findings;
 *   - a usable port is 1..65535 and came from a DWORD or a string;
 *   - data shown is at most 256 characters;
 *   - every event carries exactly its contract's number of strings.
 *
 * Input: 7 key-state bytes, then one record per read-plan slot
 *   tag (0 absent, 1 unreadable, 2 present, 3 present but not read whole),
 *   type byte (0xFF: a type with no name), 16-bit length, bytes;
 * then the OS major version byte, and two 16-bit-length netsh texts;
 * then the OS minor version byte and a TCP table: a count byte,
 * and per entry a 16-bit port, a PID byte (0: unknown), a state byte; PIDs
 * with an odd number get an image, every third a service. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "events/events.h"
#include "jsoncheck.h"
#include "monitor/monitor.h"
#include "monitor/publish.h"
#include "report/report.h"

#define REQUIRE(c)      \
    do {                \
        if (!(c))       \
            abort();    \
    } while (0)

typedef struct cursor {
    const uint8_t *p;
    size_t n;
} cursor;

static unsigned take8(cursor *c)
{
    if (!c->n)
        return 0;
    c->n--;
    return *c->p++;
}

static size_t take16(cursor *c)
{
    size_t lo = take8(c);
    return lo | ((size_t)take8(c) << 8);
}

static const uint8_t *take(cursor *c, size_t *len)
{
    const uint8_t *p = c->p;

    if (*len > c->n)
        *len = c->n;
    c->p += *len;
    c->n -= *len;
    return p;
}

static char *take_text(cursor *c)
{
    size_t len = take16(c);
    const uint8_t *p;
    char *s;

    if (!len)
        return NULL;
    p = take(c, &len);
    s = malloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

static void fill(cursor *c, epg_reading *r)
{
    unsigned tag = take8(c) % 4, type;
    size_t len;
    const uint8_t *data;

    if (tag == 0)
        return;
    if (tag == 1) {
        epg_reading_set_error(r, 5, "Access is denied.");
        return;
    }
    type = take8(c);
    len = take16(c);
    data = take(c, &len);
    if (epg_reading_set(r, type == 0xFF ? 0x1234u : type % 12, data, len))
        return;
    if (tag == 3)
        r->full_size = r->size + 100000;
}

static void emit(void *ctx, const epg_event *e)
{
    size_t i;

    (void)ctx;
    REQUIRE(e->def && e->nstrings == e->def->nstrings);
    for (i = 0; i < e->nstrings; i++)
        REQUIRE(e->strings[i] != NULL);
}

static size_t chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor c = { data, size };
    epg_snapshot s;
    epg_evaluation ev;
    epg_finding_set cur, none;
    epg_read_item plan[EPG_READ_PLAN_MAX];
    epg_monitor mon;
    uint64_t now = 1;
    epg_emitter em = { emit, NULL };
    epg_event_ctx ctx;
    epg_buf out;
    size_t k, i, n;
    int verdict, errors = 0, unreadable = 0, warnings = 0;

    epg_snapshot_init(&s);
    for (k = 0; k < epg_key_count(); k++) {
        unsigned b = take8(&c);
        epg_key_status_set(&s.keys[k], (epg_key_state)(b % 3), b % 3 == 2 ? 5 : 0,
                           b % 3 == 2 ? "Access is denied." : NULL);
        if (b & 0x80)
            s.keys[k].watch_error = 5;
    }
    n = epg_snapshot_plan(&s, plan);
    for (i = 0; i < n; i++)
        fill(&c, plan[i].slot);
    s.os_major = take8(&c) % 12;
    s.netsh_dynamic = take_text(&c);
    s.netsh_excluded = take_text(&c);
    s.os_minor = take8(&c) % 4;
    n = take8(&c);
    s.tcp.collected = n > 0;
    for (i = 0; i < n && c.n; i++) {
        unsigned port = take8(&c) << 8;
        unsigned pid, st;
        port |= take8(&c);
        pid = take8(&c);
        st = take8(&c);
        REQUIRE(epg_tcp_view_add(&s.tcp, (uint16_t)port, pid, (epg_tcp_state)(st % 3),
                                 st & 4) == 0);
        if (pid & 1)
            REQUIRE(epg_tcp_view_set_image(&s.tcp, pid, pid & 2 ? "lsass.exe" : "x.exe") == 0);
        if (pid % 3 == 0)
            REQUIRE(epg_tcp_view_add_service(&s.tcp, pid, pid & 4 ? "MSExchangeIS" : "Svc") == 0);
    }

    epg_evaluation_init(&ev);
    REQUIRE(epg_evaluate(&s, &ev) == 0);
    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        if (ev.ports[i].status == EPG_PORT_OK || ev.ports[i].status == EPG_PORT_DYNAMIC) {
            uint32_t t = s.values[i].type;
            REQUIRE(ev.ports[i].status == EPG_PORT_DYNAMIC || ev.ports[i].port >= 1);
            REQUIRE(t == 4 || t == 1 || t == 2);
        }
        epg_buf_init(&out);
        epg_data_show(&s.values[i], EPG_SHOW_MAX, &out);
        REQUIRE(chars(epg_buf_str(&out)) <= EPG_SHOW_MAX);
        epg_buf_free(&out);
    }
    for (i = 0; i < ev.findings.count; i++) {
        epg_rule r = ev.findings.items[i].rule;
        errors += epg_rule_severity(r) == EPG_SEV_ERROR;
        unreadable += r == EPG_RULE_UNREADABLE;
        warnings += epg_rule_severity(r) == EPG_SEV_WARNING;
        /* Never an alarm about an owner that cannot be identified. */
        if (r == EPG_RULE_PORT_HELD) {
            const epg_proc_info *p = epg_tcp_view_proc(&s.tcp, ev.findings.items[i].data_hash);
            REQUIRE(ev.findings.items[i].data_hash != 0 && p && p->image);
        }
    }
    verdict = epg_verdict(&ev);
    REQUIRE(verdict == (unreadable ? 3 : errors ? 2 : warnings ? 1 : 0));

    epg_buf_init(&out);
    epg_report_json(&s, &ev, &out);
    REQUIRE(json_ok(epg_buf_str(&out)));
    epg_buf_clear(&out);
    epg_report_text(&s, &ev, &out);
    epg_buf_free(&out);

    /* The service's view: every raise and clear, then the publisher from
     * nothing to this state and back, under a flood limit. */
    epg_set_init(&cur);
    epg_set_init(&none);
    REQUIRE(epg_conditions(&s, &ev, &cur) == 0);
    ctx.snap = &s;
    ctx.eval = &ev;
    for (i = 0; i < cur.count; i++) {
        epg_event e;
        int raise;
        for (raise = 0; raise < 2; raise++) {
            int rc = epg_event_for(&cur.items[i], raise, &ctx, &e);
            REQUIRE(rc >= 0);
            if (rc > 0) {
                emit(NULL, &e);
                epg_event_free(&e);
            }
        }
        if (cur.items[i].rule == EPG_RULE_CONFLICT) {
            epg_event rem;
            REQUIRE(epg_event_reminder(&cur.items[i], &ctx, &rem) == 1);
            emit(NULL, &rem);
            epg_event_free(&rem);
        }
    }
    {
        epg_event e;
        REQUIRE(epg_event_started(&ctx, "fuzz", &e) == 1);
        emit(NULL, &e);
        epg_event_free(&e);
    }
    /* The service's step, as the engine drives it: the monitor takes the
     * snapshot over, starts, sees changes and lets time pass (reminders,
     * the flood limit, the retry back-off) under the fuzzed settings. */
    epg_monitor_init(&mon, &em);
    epg_snapshot_free(&mon.snap);
    mon.snap = s;
    REQUIRE(epg_monitor_started(&mon, "fuzz", 1700000000, 1) == 0);
    for (i = 0; i < 64; i++) {
        uint64_t d = epg_monitor_deadline(&mon);
        uint32_t keys;
        now = d == EPG_NO_DEADLINE || d > now + 3600000 ? now + 1000 : d;
        keys = epg_monitor_change(&mon, take8(&c), now) |
               epg_monitor_tick(&mon, now);
        if (keys) {
            if (take8(&c) & 1)
                epg_key_status_set(&mon.snap.keys[0], EPG_KEY_ERROR, 5, "Access is denied.");
            REQUIRE(epg_monitor_checked(&mon, 1700000000 + (int64_t)i, now) == 0);
        }
    }
    epg_monitor_stopping(&mon);
    epg_monitor_free(&mon);     /* frees s */
    epg_set_free(&cur);
    epg_set_free(&none);
    epg_evaluation_free(&ev);
    return 0;
}
