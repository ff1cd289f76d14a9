/* The publisher: events at start, one event per transition, the all-clear,
 * the flood limit (nothing lost) and reminders. */
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "publish.h"
#include "testdata.h"
#include "tinytest.h"

#define MAX_REC 4096

typedef struct rec {
    size_t n;
    uint16_t id[MAX_REC];
    char *s[MAX_REC][EPG_EVENT_MAX_STRINGS];
} rec;

static void record(void *ctx, const epg_event *e)
{
    rec *r = ctx;
    size_t i;

    if (r->n == MAX_REC)
        return;
    r->id[r->n] = e->def->id;
    for (i = 0; i < EPG_EVENT_MAX_STRINGS; i++)
        r->s[r->n][i] = i < e->nstrings ? epg_strdup(e->strings[i]) : NULL;
    r->n++;
}

static void rec_reset(rec *r)
{
    size_t i, j;

    for (i = 0; i < r->n; i++)
        for (j = 0; j < EPG_EVENT_MAX_STRINGS; j++)
            free(r->s[i][j]);
    r->n = 0;
}

static size_t rec_count(const rec *r, uint16_t id)
{
    size_t i, n = 0;

    for (i = 0; i < r->n; i++)
        n += r->id[i] == id;
    return n;
}

/* One service-like world: a snapshot, and a check that publishes. */
typedef struct world {
    epg_snapshot snap;
    epg_evaluation ev;
    epg_finding_set cur;
    epg_publisher pub;
    epg_emitter em;
    rec *r;
    uint64_t now;
} world;

static void world_init(world *w, rec *r)
{
    td_snapshot(&w->snap);
    td_dword(&w->snap.settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    epg_evaluation_init(&w->ev);
    epg_set_init(&w->cur);
    epg_publisher_init(&w->pub);
    w->r = r;
    w->em.fn = record;
    w->em.ctx = r;
    w->now = 1000;
}

static void world_free(world *w)
{
    epg_set_free(&w->cur);
    epg_publisher_free(&w->pub);
    epg_evaluation_free(&w->ev);
    epg_snapshot_free(&w->snap);
}

static void check(world *w)
{
    epg_event_ctx ctx;
    size_t i;

    CHECK_INT(epg_evaluate(&w->snap, &w->ev), 0);
    CHECK_INT(epg_conditions(&w->snap, &w->ev, &w->cur), 0);
    for (i = 0; i < w->cur.count; i++)
        w->cur.items[i].first_seen = 1700000000;
    epg_publisher_configure(&w->pub, &w->ev.settings, w->now);
    ctx.snap = &w->snap;
    ctx.eval = &w->ev;
    CHECK_INT(epg_publish(&w->pub, &w->cur, &ctx, w->now, &w->em), 0);
}

static void tick(world *w)
{
    epg_event_ctx ctx;

    ctx.snap = &w->snap;
    ctx.eval = &w->ev;
    CHECK_INT(epg_publisher_tick(&w->pub, &w->cur, &ctx, w->now, &w->em), 0);
}

static void start_reports_state(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    w.snap.keys[epg_value_key(td_value("ab-rpctcpport"))].state = EPG_KEY_MISSING;
    td_port(&w.snap, "is-tcpip-port", 6001);
    td_port(&w.snap, "sa-tcpip-nspi-port", 6001);
    td_sz(&w.snap.values[td_value("srs-tcpip-port")], "0x1771");
    check(&w);
    /* 1310 for the missing key, then the conflict, then the bad value. */
    CHECK_INT(r.n, 3);
    CHECK_INT(r.id[0], EPG_EV_KEY_MISSING);
    CHECK_CONTAINS(r.s[0][0], "MSExchangeAB\\Parameters");
    CHECK_INT(r.id[1], EPG_EV_CONFLICT);
    CHECK_STR(r.s[1][0], "6001");
    CHECK_STR(r.s[1][1], "HKLM\\System\\CurrentControlSet\\Services\\"
                         "MSExchangeSA\\Parameters\\TCP/IP NSPI Port");
    CHECK_STR(r.s[1][2], "System Attendant NSPI proxy TCP/IP port");
    CHECK_STR(r.s[1][3], "HKLM\\System\\CurrentControlSet\\Services\\"
                         "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    CHECK_STR(r.s[1][4], "Information Store TCP/IP port");
    CHECK_INT(r.id[2], EPG_EV_VALUE_UNUSABLE);
    CHECK_STR(r.s[2][1], "REG_SZ");
    CHECK_STR(r.s[2][2], "\"0x1771\"");
    CHECK_CONTAINS(r.s[2][3], "hexadecimal");

    /* Nothing changed: nothing written. */
    rec_reset(&r);
    check(&w);
    CHECK_INT(r.n, 0);
    rec_reset(&r);
    world_free(&w);
}

static void clean_start_says_no_conflicts(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    td_port(&w.snap, "is-rpchttp-port", 6001);
    td_port(&w.snap, "sa-http-port", 6002);
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_NO_CONFLICTS);
    CHECK_STR(r.s[0][0], "2");
    rec_reset(&r);
    world_free(&w);
}

static void conflict_raise_and_clear(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    td_port(&w.snap, "is-tcpip-port", 6001);
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_NO_CONFLICTS), 1);
    rec_reset(&r);

    td_port(&w.snap, "sa-tcpip-nspi-port", 6001);
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT);
    rec_reset(&r);

    /* Removing it: 1101 with the same strings, then 1103. */
    epg_reading_free(&w.snap.values[td_value("sa-tcpip-nspi-port")]);
    check(&w);
    CHECK_INT(r.n, 2);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT_CLEARED);
    CHECK_STR(r.s[0][0], "6001");
    CHECK_CONTAINS(r.s[0][1], "TCP/IP NSPI Port");
    CHECK_CONTAINS(r.s[0][3], "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    CHECK_INT(r.id[1], EPG_EV_NO_CONFLICTS);
    CHECK_STR(r.s[1][0], "1");
    rec_reset(&r);
    world_free(&w);
}

static void second_conflict_does_not_repeat_all_clear(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    td_port(&w.snap, "is-tcpip-port", 6001);
    td_port(&w.snap, "sa-tcpip-port", 6001);
    td_port(&w.snap, "sa-http-port", 6002);
    td_port(&w.snap, "srs-tcpip-port", 6002);
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_CONFLICT), 2);
    rec_reset(&r);
    /* One of two clears: 1101 only; the other stands. */
    td_port(&w.snap, "srs-tcpip-port", 6003);
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT_CLEARED);
    rec_reset(&r);
    world_free(&w);
}

static void value_usable_again_and_gone(void)
{
    static rec r;
    world w;
    size_t v = td_value("ab-rpctcpport");

    world_init(&w, &r);
    td_sz(&w.snap.values[v], "");
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_VALUE_UNUSABLE), 1);
    rec_reset(&r);
    td_sz(&w.snap.values[v], "59532");
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_VALUE_USABLE);
    CHECK_STR(r.s[0][1], "\"59532\"");
    rec_reset(&r);
    td_sz(&w.snap.values[v], "bad");
    check(&w);
    rec_reset(&r);
    epg_reading_free(&w.snap.values[v]);
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_VALUE_USABLE);
    CHECK_STR(r.s[0][1], "absent");
    rec_reset(&r);
    world_free(&w);
}

static void setting_invalid_once_per_data(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    td_dword(&w.snap.settings[EPG_SET_COALESCE_MS], 999999);
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_SETTING_INVALID), 1);
    CHECK_STR(r.s[0][0], "CoalesceMilliseconds");
    CHECK_STR(r.s[0][1], "999999");
    CHECK_CONTAINS(r.s[0][2], "outside the allowed range 0 to 60000");
    CHECK_STR(r.s[0][3], "200");
    rec_reset(&r);
    check(&w);
    CHECK_INT(r.n, 0);
    /* Different bad data: reported again. */
    td_sz(&w.snap.settings[EPG_SET_COALESCE_MS], "100");
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_SETTING_INVALID), 1);
    CHECK_CONTAINS(r.s[0][2], "must be a REG_DWORD");
    rec_reset(&r);
    world_free(&w);
}

/* Flip one conflict on and off n times, one check each, 10 ms apart. */
static void flap(world *w, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (i % 2 == 0)
            td_port(&w->snap, "sa-tcpip-port", 6001);
        else
            epg_reading_free(&w->snap.values[td_value("sa-tcpip-port")]);
        w->now += 10;
        check(w);
    }
}

static void flood_limit_loses_nothing(void)
{
    static rec r;
    world w;
    size_t first_minute;

    world_init(&w, &r);
    td_dword(&w.snap.settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 10);
    td_port(&w.snap, "is-tcpip-port", 6001);
    check(&w);                  /* 1103 */
    flap(&w, 101);              /* ends with the conflict standing */
    first_minute = r.n;
    CHECK(first_minute <= 10);
    /* 1103 at 1000, then 1100 / 1101+1103 alternately every 10 ms: the
     * tenth event is written at 1060, the first refusal is at 1070. */
    CHECK_INT(epg_publisher_deadline(&w.pub), 1070 + 60000);

    /* The episode ends: one 1400, then the owed state. */
    rec_reset(&r);
    w.now = epg_publisher_deadline(&w.pub);
    tick(&w);
    CHECK(r.n >= 1);
    CHECK_INT(r.id[0], EPG_EV_SUPPRESSED);
    CHECK_STR(r.s[0][2], "10");
    CHECK_STR(r.s[0][1], "60");
    CHECK(atoi(r.s[0][0]) > 0);
    /* The final state: the conflict stands, so the log must say so. */
    CHECK_INT(epg_set_count_rule(&w.pub.reported, EPG_RULE_CONFLICT), 1);
    CHECK_INT(epg_set_count_rule(&w.pub.reported, EPG_RULE_NO_CONFLICT), 0);
    rec_reset(&r);
    world_free(&w);
}

static void flood_limit_final_clear_is_reported(void)
{
    static rec r;
    world w;
    size_t i;
    int saw_clear = 0;

    world_init(&w, &r);
    td_dword(&w.snap.settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 5);
    td_port(&w.snap, "is-tcpip-port", 6001);
    check(&w);
    flap(&w, 50);               /* ends with the conflict gone */
    rec_reset(&r);
    w.now = epg_publisher_deadline(&w.pub);
    tick(&w);
    CHECK_INT(r.id[0], EPG_EV_SUPPRESSED);
    for (i = 1; i < r.n; i++)
        saw_clear |= r.id[i] == EPG_EV_NO_CONFLICTS;
    CHECK_INT(epg_set_count_rule(&w.pub.reported, EPG_RULE_CONFLICT), 0);
    CHECK_INT(epg_set_count_rule(&w.pub.reported, EPG_RULE_NO_CONFLICT), 1);
    CHECK(saw_clear);
    CHECK_INT(epg_publisher_deadline(&w.pub), EPG_NO_DEADLINE);
    rec_reset(&r);
    world_free(&w);
}

static void reminders_only_when_asked(void)
{
    static rec r;
    world w;

    world_init(&w, &r);
    td_port(&w.snap, "is-tcpip-port", 6001);
    td_port(&w.snap, "sa-tcpip-port", 6001);
    check(&w);
    CHECK_INT(epg_publisher_deadline(&w.pub), EPG_NO_DEADLINE);
    rec_reset(&r);

    td_dword(&w.snap.settings[EPG_SET_REMINDER_MINUTES], 5);
    check(&w);
    CHECK_INT(epg_publisher_deadline(&w.pub), w.now + 5 * 60000);
    w.now += 5 * 60000;
    tick(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT_REMINDER);
    CHECK_STR(r.s[0][0], "6001");
    CHECK_STR(r.s[0][5], "2023-11-14 22:13:20 UTC");
    CHECK_INT(epg_publisher_deadline(&w.pub), w.now + 5 * 60000);
    rec_reset(&r);

    /* Conflict gone: the reminder timer goes away. */
    epg_reading_free(&w.snap.values[td_value("sa-tcpip-port")]);
    check(&w);
    CHECK_INT(epg_publisher_deadline(&w.pub), EPG_NO_DEADLINE);
    rec_reset(&r);
    world_free(&w);
}

static void started_and_stopped(void)
{
    epg_snapshot s;
    epg_evaluation ev;
    epg_event_ctx ctx;
    epg_event e;

    td_snapshot(&s);
    epg_evaluation_init(&ev);
    td_port(&s, "is-tcpip-port", 6001);
    td_sz(&s.values[td_value("ab-rpctcpport")], "59532");
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    ctx.snap = &s;
    ctx.eval = &ev;
    CHECK_INT(epg_event_started(&ctx, "1.2.3", &e), 1);
    CHECK_INT(e.def->id, EPG_EV_STARTED);
    CHECK_STR(e.strings[0], "1.2.3");
    CHECK_STR(e.strings[1], "14");
    CHECK_CONTAINS(e.strings[2], "MSExchangeIS\\ParametersSystem\\TCP/IP Port = "
                                 "6001 (REG_DWORD)\r\n");
    CHECK_CONTAINS(e.strings[2], "MSExchangeSA\\Parameters\\HTTP Port = absent");
    CHECK_CONTAINS(e.strings[2], "RpcTcpPort = \"59532\" (REG_SZ)");
    /* The AB key exists: its HTTP ports have effective defaults. */
    CHECK_CONTAINS(e.strings[2], "NspiHttpPort = absent, default 6004\r\n");
    CHECK_CONTAINS(e.strings[2], "RfrHttpPort = absent, default 6002\r\n");
    CHECK_CONTAINS(e.strings[2], "Netlogon\\Parameters\\DCTcpipPort = absent");
    epg_event_free(&e);
    CHECK_INT(epg_event_stopped(&e), 1);
    CHECK_INT(e.def->id, EPG_EV_STOPPED);
    CHECK_INT(e.nstrings, 0);
    epg_event_free(&e);
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
}

static void contract_table_is_sane(void)
{
    size_t i, j;

    /* 16 of the service issue, 1003 of issue 10, 15 of issue 11 (TCP
     * table unread 1004/1005, DC conflicts 1104-1106, range rules
     * 1220-1225, exclusions 1230/1231, holders 1240/1241). */
    CHECK_INT(epg_event_def_count, 32);
    for (i = 0; i < epg_event_def_count; i++) {
        const epg_event_def *d = &epg_event_defs[i];
        CHECK(d->nstrings <= EPG_EVENT_MAX_STRINGS);
        CHECK(d->category >= 1 && d->category <= EPG_CATEGORY_COUNT);
        CHECK(epg_event_def_find(d->id) == d);
        for (j = i + 1; j < epg_event_def_count; j++)
            CHECK(epg_event_defs[j].id != d->id);
    }
}

int main(void)
{
    RUN(start_reports_state);
    RUN(clean_start_says_no_conflicts);
    RUN(conflict_raise_and_clear);
    RUN(second_conflict_does_not_repeat_all_clear);
    RUN(value_usable_again_and_gone);
    RUN(setting_invalid_once_per_data);
    RUN(flood_limit_loses_nothing);
    RUN(flood_limit_final_clear_is_reported);
    RUN(reminders_only_when_asked);
    RUN(started_and_stopped);
    RUN(contract_table_is_sane);
    return tt_summary("test_publish");
}
