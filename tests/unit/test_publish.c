/* The publisher: events at start, one event per transition, the all-clear,
 * the flood limit (nothing lost) and reminders. */
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "monitor/publish.h"
#include "recorder.h"
#include "testdata.h"
#include "tinytest.h"

static void check(world *w)
{
    world_check(w);
}

static void tick(world *w)
{
    (void)epg_monitor_tick(&w->m, w->now);
}

static void start_reports_state(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    w.snap->keys[epg_value_key(td_value("ab-rpctcpport"))].state = EPG_KEY_MISSING;
    td_port(w.snap, "is-tcpip-port", 6001);
    td_port(w.snap, "sa-tcpip-nspi-port", 6001);
    td_sz(&w.snap->values[td_value("srs-tcpip-port")], "0x1771");
    check(&w);
    /* By severity (docs/events.md): the conflict (Error), the bad value
     * (Warning), then 1310 for the missing key (Information). */
    CHECK_INT(r.n, 3);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT);
    CHECK_INT(r.nstrings[0], 5);
    CHECK_STR(r.s[0][0], "6001");
    CHECK_STR(r.s[0][1], "HKLM\\System\\CurrentControlSet\\Services\\"
                         "MSExchangeSA\\Parameters\\TCP/IP NSPI Port");
    CHECK_STR(r.s[0][2], "System Attendant NSPI proxy TCP/IP port");
    CHECK_STR(r.s[0][3], "HKLM\\System\\CurrentControlSet\\Services\\"
                         "MSExchangeIS\\ParametersSystem\\TCP/IP Port");
    CHECK_STR(r.s[0][4], "Information Store TCP/IP port");
    CHECK_INT(r.id[1], EPG_EV_VALUE_UNUSABLE);
    CHECK_STR(r.s[1][1], "REG_SZ");
    CHECK_STR(r.s[1][2], "\"0x1771\"");
    CHECK_CONTAINS(r.s[1][3], "hexadecimal");
    CHECK_INT(r.id[2], EPG_EV_KEY_MISSING);
    CHECK_STR(r.s[2][0], "HKLM\\System\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters");

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

    world_init(&w, &r, 0);
    td_port(w.snap, "is-rpchttp-port", 6001);
    td_port(w.snap, "sa-http-port", 6002);
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

    world_init(&w, &r, 0);
    td_port(w.snap, "is-tcpip-port", 6001);
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_NO_CONFLICTS), 1);
    rec_reset(&r);

    td_port(w.snap, "sa-tcpip-nspi-port", 6001);
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT);
    rec_reset(&r);

    /* Removing it: 1101 with the same strings, then 1103. */
    epg_reading_free(&w.snap->values[td_value("sa-tcpip-nspi-port")]);
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

    world_init(&w, &r, 0);
    td_port(w.snap, "is-tcpip-port", 6001);
    td_port(w.snap, "sa-tcpip-port", 6001);
    td_port(w.snap, "sa-http-port", 6002);
    td_port(w.snap, "srs-tcpip-port", 6002);
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_CONFLICT), 2);
    rec_reset(&r);
    /* One of two clears: 1101 only; the other stands. */
    td_port(w.snap, "srs-tcpip-port", 6003);
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

    world_init(&w, &r, 0);
    td_sz(&w.snap->values[v], "");
    check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_VALUE_UNUSABLE), 1);
    rec_reset(&r);
    td_sz(&w.snap->values[v], "59532");
    check(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_VALUE_USABLE);
    CHECK_STR(r.s[0][1], "\"59532\"");
    rec_reset(&r);
    td_sz(&w.snap->values[v], "bad");
    check(&w);
    rec_reset(&r);
    epg_reading_free(&w.snap->values[v]);
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

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_COALESCE_MS], 999999);
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
    td_sz(&w.snap->settings[EPG_SET_COALESCE_MS], "100");
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
            td_port(w->snap, "sa-tcpip-port", 6001);
        else
            epg_reading_free(&w->snap->values[td_value("sa-tcpip-port")]);
        w->now += 10;
        check(w);
    }
}

static void flood_limit_loses_nothing(void)
{
    static rec r;
    world w;
    size_t first_minute;

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 10);
    td_port(w.snap, "is-tcpip-port", 6001);
    check(&w);                  /* 1103 */
    flap(&w, 101);              /* ends with the conflict standing */
    first_minute = r.n;
    CHECK(first_minute <= 10);
    /* 1103 at 1000, then 1100 / 1101+1103 alternately every 10 ms: the
     * tenth event is written at 1060, the first refusal is at 1070. */
    CHECK_INT(epg_monitor_deadline(&w.m), 1070 + 60000);

    /* The episode ends: one 1400, then the owed state. */
    w.now = epg_monitor_deadline(&w.m);
    tick(&w);
    CHECK(r.n >= first_minute + 1);
    CHECK_INT(r.id[first_minute], EPG_EV_SUPPRESSED);
    CHECK_STR(r.s[first_minute][2], "10");
    CHECK_STR(r.s[first_minute][1], "60");
    CHECK(atoi(r.s[first_minute][0]) > 0);
    /* The final state: the conflict stands, so the log must say so: its
     * last word on the pair is 1100, and no 1103 follows it. */
    CHECK(rec_last(&r, EPG_EV_CONFLICT) > rec_last(&r, EPG_EV_CONFLICT_CLEARED));
    CHECK(rec_last(&r, EPG_EV_CONFLICT) > rec_last(&r, EPG_EV_NO_CONFLICTS));
    rec_reset(&r);
    world_free(&w);
}

static void flood_limit_final_clear_is_reported(void)
{
    static rec r;
    world w;
    size_t i, mark;
    int saw_clear = 0;

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 5);
    td_port(w.snap, "is-tcpip-port", 6001);
    check(&w);
    flap(&w, 50);               /* ends with the conflict gone */
    mark = r.n;
    w.now = epg_monitor_deadline(&w.m);
    tick(&w);
    CHECK_INT(r.id[mark], EPG_EV_SUPPRESSED);
    for (i = mark + 1; i < r.n; i++)
        saw_clear |= r.id[i] == EPG_EV_NO_CONFLICTS;
    /* The log's last word: the conflict cleared and no conflicts. */
    CHECK(rec_last(&r, EPG_EV_CONFLICT_CLEARED) > rec_last(&r, EPG_EV_CONFLICT));
    CHECK(rec_last(&r, EPG_EV_NO_CONFLICTS) > rec_last(&r, EPG_EV_CONFLICT));
    CHECK(saw_clear);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    rec_reset(&r);
    world_free(&w);
}

static void reminders_only_when_asked(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    td_port(w.snap, "is-tcpip-port", 6001);
    td_port(w.snap, "sa-tcpip-port", 6001);
    check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    rec_reset(&r);

    td_dword(&w.snap->settings[EPG_SET_REMINDER_MINUTES], 5);
    check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), w.now + 5 * 60000);
    w.now += 5 * 60000;
    tick(&w);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_CONFLICT_REMINDER);
    CHECK_STR(r.s[0][0], "6001");
    CHECK_STR(r.s[0][5], "2023-11-14 22:13:20 UTC");
    CHECK_INT(epg_monitor_deadline(&w.m), w.now + 5 * 60000);
    rec_reset(&r);

    /* Conflict gone: the reminder timer goes away. */
    epg_reading_free(&w.snap->values[td_value("sa-tcpip-port")]);
    check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
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

    /* 16 for the service, values and keys, 1003 (events lost), 15 more (TCP
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
