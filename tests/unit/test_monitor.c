/* The monitor, driven as the engine drives it, under a fake clock:
 *   - every raise and clear of the event contract, its insertion strings
 *     compared in full and by position;
 *   - unreadable is unknown, not clear (docs/events.md);
 *   - settings apply at once, the flood limit by severity;
 *   - coalescing, first-seen times, netsh, the retry back-off, idleness. */
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor.h"
#include "recorder.h"
#include "testdata.h"
#include "tinytest.h"

#define ROOT "HKLM\\System\\CurrentControlSet\\Services\\"
#define IS_TCP ROOT "MSExchangeIS\\ParametersSystem\\TCP/IP Port"
#define IS_KEY ROOT "MSExchangeIS\\ParametersSystem"
#define SA_TCP ROOT "MSExchangeSA\\Parameters\\TCP/IP Port"
#define AB_KEY ROOT "MSExchangeAB\\Parameters"
#define IS_COMP "Information Store TCP/IP port"
#define SA_COMP "System Attendant referral (RFR) TCP/IP port"
#define DENIED "Access is denied."
/* System texts that hold insertion marks of their own (errors 193, 317),
 * and a made-up one with "%%": in an event they are escaped as registry
 * data is (docs/events.md), or Event Viewer would fill them in. */
#define BAD_IMAGE "%1 is not a valid Win32 application."
#define BAD_IMAGE_SHOWN "\\x251 is not a valid Win32 application."
#define NO_TEXT "The system cannot find message text for message number 0x%1 in the message file for %2."
#define NO_TEXT_SHOWN "The system cannot find message text for message number 0x\\x251 in the message file for \\x252."
#define RPC_TCP ROOT "MSExchangeRPC\\ParametersSystem\\TCP/IP Port"
#define RPC_COMP "RPC Client Access TCP/IP port (Exchange 2010)"
#define NTDS_TCP ROOT "NTDS\\Parameters\\TCP/IP Port"
#define NTDS_COMP "Active Directory replication and NSPI TCP/IP port"
#define NETLOGON_TCP ROOT "Netlogon\\Parameters\\DCTcpipPort"
#define NETLOGON_COMP "Netlogon TCP/IP port"

static size_t key_of(const char *value_id)
{
    return epg_value_key(td_value(value_id));
}

/* The key cannot be opened: error 5 on the key and on each of its values,
 * as the shell records it. */
/* Key k and every value read under it fail with code and text. */
static void fail_key(epg_snapshot *s, size_t k, uint32_t code, const char *text)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    size_t n = epg_snapshot_plan(s, plan), i;

    epg_key_status_set(&s->keys[k], EPG_KEY_ERROR, code, text);
    for (i = 0; i < n; i++)
        if (plan[i].key == k)
            epg_reading_set_error(plan[i].slot, code, text);
}

static void deny_key(epg_snapshot *s, size_t k)
{
    fail_key(s, k, 5, DENIED);
}

static void allow_key(epg_snapshot *s, size_t k)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    size_t n = epg_snapshot_plan(s, plan), i;

    epg_key_status_set(&s->keys[k], EPG_KEY_PRESENT, 0, NULL);
    for (i = 0; i < n; i++)
        if (plan[i].key == k)
            epg_reading_free(plan[i].slot);
}

/* --- every raise and clear, strings by position ------------------------ */

typedef void (*stage_fn)(epg_snapshot *s);

typedef struct contract_case {
    const char *what;
    int range;              /* CheckDynamicRange on */
    stage_fn before, after; /* the state checked first, then the change */
    uint16_t id;            /* the event the change writes */
    const char *strings[EPG_EVENT_MAX_STRINGS + 1];     /* NULL-terminated */
} contract_case;

static void nothing(epg_snapshot *s) { (void)s; }
static void conflict(epg_snapshot *s)
{
    td_port(s, "is-tcpip-port", 6100);
    td_port(s, "sa-tcpip-port", 6100);
}
static void one_port(epg_snapshot *s) { td_port(s, "is-tcpip-port", 6100); }
static void bad_value(epg_snapshot *s) { td_sz(&s->values[td_value("is-tcpip-port")], "0x17D4"); }
static void good_value(epg_snapshot *s) { td_sz(&s->values[td_value("is-tcpip-port")], "6100"); }
static void legacy_range(epg_snapshot *s)
{
    s->os_major = 5;
    td_dword(&s->max_user_port, 5000);
}
static void in_range(epg_snapshot *s) { legacy_range(s); td_port(s, "is-tcpip-port", 3000); }
static void out_of_range(epg_snapshot *s) { legacy_range(s); td_port(s, "is-tcpip-port", 5001); }
static void key_denied(epg_snapshot *s) { conflict(s); deny_key(s, key_of("is-tcpip-port")); }
static void value_denied(epg_snapshot *s)
{
    epg_reading_set_error(&s->values[td_value("is-tcpip-port")], 5, DENIED);
}
static void key_bad_image(epg_snapshot *s) { fail_key(s, key_of("is-tcpip-port"), 193, BAD_IMAGE); }
static void value_percents(epg_snapshot *s)
{
    epg_reading_set_error(&s->values[td_value("is-tcpip-port")], 1234, "100%% of %1, \\ and a\ttab");
}
static void setting_no_text(epg_snapshot *s)
{
    epg_reading_set_error(&s->settings[EPG_SET_REMINDER_MINUTES], 317, NO_TEXT);
}
static void key_missing(epg_snapshot *s) { s->keys[key_of("ab-rpctcpport")].state = EPG_KEY_MISSING; }
static void bad_setting(epg_snapshot *s) { td_dword(&s->settings[EPG_SET_REMINDER_MINUTES], 99999); }
static void dc_conflict(epg_snapshot *s)
{
    td_port(s, "ntds-tcpip-port", 50000);
    td_port(s, "netlogon-dctcpipport", 50000);
}
static void dc_apart(epg_snapshot *s)
{
    td_port(s, "ntds-tcpip-port", 50000);
    td_port(s, "netlogon-dctcpipport", 50001);
}
static void rpc_135(epg_snapshot *s) { td_port(s, "rpc-tcpip-port", 135); }
static void rpc_recommended(epg_snapshot *s) { td_port(s, "rpc-tcpip-port", 59533); }
static void rpc_6100(epg_snapshot *s) { td_port(s, "rpc-tcpip-port", 6100); }
static void sa_4000(epg_snapshot *s) { td_port(s, "sa-tcpip-port", 4000); }
static void sa_6000(epg_snapshot *s) { td_port(s, "sa-tcpip-port", 6000); }

static const contract_case contract[] = {
    { "1100 conflict", 0, nothing, conflict, EPG_EV_CONFLICT,
      { "6100", SA_TCP, SA_COMP, IS_TCP, IS_COMP, NULL } },
    { "1101 conflict cleared", 0, conflict, one_port, EPG_EV_CONFLICT_CLEARED,
      { "6100", SA_TCP, SA_COMP, IS_TCP, IS_COMP, NULL } },
    { "1103 no conflicts after the clear", 0, conflict, one_port, EPG_EV_NO_CONFLICTS,
      { "1", NULL } },
    { "1200 value unusable", 0, nothing, bad_value, EPG_EV_VALUE_UNUSABLE,
      { IS_TCP, "REG_SZ", "\"0x17D4\"",
        "the text looks hexadecimal; the port must be written in decimal digits, such as 6001",
        NULL } },
    { "1201 value usable", 0, bad_value, good_value, EPG_EV_VALUE_USABLE,
      { IS_TCP, "\"6100\"", NULL } },
    { "1201 value gone", 0, bad_value, nothing, EPG_EV_VALUE_USABLE,
      { IS_TCP, "absent", NULL } },
    /* The range says once that Windows before 6.0 has no
     * exclusion ranges, and the cure is the last string. */
    { "1210 in the dynamic range", 1, legacy_range, in_range, EPG_EV_IN_DYNAMIC_RANGE,
      { IS_TCP, "3000", "1025", "5000",
        "configured: 1025 to Tcpip\\Parameters\\MaxUserPort (5000) (" EPG_NOTE_NO_EXCLUSION_RANGES ")",
        "add the line 3000-3000 to the REG_MULTI_SZ value HKLM\\System\\"
        "CurrentControlSet\\Services\\Tcpip\\Parameters\\ReservedPorts and restart "
        "the computer", NULL } },
    { "1211 out of the dynamic range", 1, in_range, out_of_range,
      EPG_EV_OUT_OF_DYNAMIC_RANGE, { IS_TCP, "3000", NULL } },
    { "1300 key unreadable", 0, conflict, key_denied, EPG_EV_KEY_UNWATCHABLE,
      { IS_KEY, "5", DENIED, NULL } },
    { "1300 value unreadable", 0, nothing, value_denied, EPG_EV_KEY_UNWATCHABLE,
      { IS_TCP, "5", DENIED, NULL } },
    { "1300 key unreadable, the error text holds %1", 0, nothing, key_bad_image,
      EPG_EV_KEY_UNWATCHABLE, { IS_KEY, "193", BAD_IMAGE_SHOWN, NULL } },
    { "1300 value unreadable, the error text holds %%, a backslash and a tab", 0,
      nothing, value_percents, EPG_EV_KEY_UNWATCHABLE,
      { IS_TCP, "1234", "100\\x25\\x25 of \\x251, \\x5C and a\\x09tab", NULL } },
    { "1301 key readable again", 0, key_denied, conflict, EPG_EV_KEY_WATCHED,
      { IS_KEY, NULL } },
    { "1310 key missing", 0, nothing, key_missing, EPG_EV_KEY_MISSING, { AB_KEY, NULL } },
    { "1311 key created", 0, key_missing, nothing, EPG_EV_KEY_CREATED, { AB_KEY, NULL } },
    /* The DC and range rules through the same monitor, strings by position. */
    { "1104 domain controller conflict", 0, dc_apart, dc_conflict, EPG_EV_DC_CONFLICT,
      { "50000", NTDS_TCP, NTDS_COMP, NETLOGON_TCP, NETLOGON_COMP, NULL } },
    { "1105 domain controller conflict cleared", 0, dc_conflict, dc_apart,
      EPG_EV_DC_CONFLICT_CLEARED,
      { "50000", NTDS_TCP, NTDS_COMP, NETLOGON_TCP, NETLOGON_COMP, NULL } },
    { "1220 Exchange 2010 port below 1024", 0, rpc_recommended, rpc_135, EPG_EV_BELOW_1024,
      { RPC_TCP, "135", RPC_COMP, NULL } },
    { "1221 no longer below 1024", 0, rpc_135, rpc_recommended, EPG_EV_BELOW_1024_CLEARED,
      { RPC_TCP, "135", NULL } },
    { "1222 System Attendant port below 5000", 0, sa_6000, sa_4000, EPG_EV_BELOW_5000,
      { SA_TCP, "4000", SA_COMP, NULL } },
    { "1223 no longer below 5000", 0, sa_4000, sa_6000, EPG_EV_BELOW_5000_CLEARED,
      { SA_TCP, "4000", NULL } },
    { "1224 outside the recommended range", 0, rpc_recommended, rpc_6100,
      EPG_EV_NOT_RECOMMENDED, { RPC_TCP, "6100", RPC_COMP, NULL } },
    { "1225 inside the recommended range again", 0, rpc_6100, rpc_recommended,
      EPG_EV_NOT_RECOMMENDED_CLEARED, { RPC_TCP, "6100", NULL } },
    { "1002 setting invalid", 0, nothing, bad_setting, EPG_EV_SETTING_INVALID,
      { "ReminderMinutes", "99999", "99999 is outside the allowed range 0 to 10080",
        "0 (no reminders)", NULL } },
    { "1002 setting unreadable, the error text holds %1 and %2", 0, nothing,
      setting_no_text, EPG_EV_SETTING_INVALID,
      { "ReminderMinutes", "unreadable (error 317)",
        "the value could not be read: " NO_TEXT_SHOWN " (error 317)",
        "0 (no reminders)", NULL } },
};

static void fresh(epg_snapshot *s, int range)
{
    epg_snapshot_free(s);
    td_snapshot(s);
    if (!range)
        td_dword(&s->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
}

static void expect_strings(const rec *r, long i, const char *const *want, const char *what)
{
    size_t n = 0;

    while (want[n])
        n++;
    CHECK(i >= 0);
    if (i < 0) {
        fprintf(stderr, "  %s: not written (got %s)\n", what, rec_ids(r));
        return;
    }
    CHECK_INT(r->nstrings[i], n);
    CHECK_INT(r->nstrings[i], epg_event_def_find(r->id[i])->nstrings);
    for (n = 0; want[n]; n++)
        CHECK_STR(r->s[i][n], want[n]);
}

static void every_raise_and_clear(void)
{
    static rec r;
    size_t c;

    for (c = 0; c < sizeof contract / sizeof contract[0]; c++) {
        const contract_case *cc = &contract[c];
        world w;

        world_init(&w, &r, cc->range);
        fresh(w.snap, cc->range);
        cc->before(w.snap);
        world_check(&w);
        rec_reset(&r);
        fresh(w.snap, cc->range);
        cc->after(w.snap);
        world_check(&w);
        CHECK_INT(rec_count(&r, cc->id), 1);
        expect_strings(&r, rec_last(&r, cc->id), cc->strings, cc->what);
        world_free(&w);
    }
}

static void start_stop_reminder_and_suppressed(void)
{
    static rec r;
    world w;
    const char *reminder[] = { "6100", SA_TCP, SA_COMP, IS_TCP, IS_COMP,
                               "2023-11-14 22:13:20 UTC", NULL };
    const char *suppressed[] = { "3", "60", "1", NULL };
    long i;

    world_init(&w, &r, 0);
    conflict(w.snap);
    td_dword(&w.snap->settings[EPG_SET_REMINDER_MINUTES], 1);
    CHECK_INT(epg_monitor_started(&w.m, "9.8.7", w.wall, w.now), 0);
    CHECK_INT(r.id[0], EPG_EV_STARTED);
    CHECK_INT(r.nstrings[0], 3);
    CHECK_STR(r.s[0][0], "9.8.7");
    /* fourteen watched values (common/check/catalogue.c) */
    CHECK_STR(r.s[0][1], "14");
    CHECK_CONTAINS(r.s[0][2], IS_TCP " = 6100 (REG_DWORD)");
    CHECK_INT(r.id[1], EPG_EV_CONFLICT);
    /* The first-seen time is the first check's, not the reminder's. */
    w.wall += 3600;
    td_port(w.snap, "sa-http-port", 6002);
    world_check(&w);
    world_run_to(&w, w.now + 60000);
    i = rec_last(&r, EPG_EV_CONFLICT_REMINDER);
    expect_strings(&r, i, reminder, "1102");
    CHECK_INT(r.at[i], 1000 + 60000);

    world_free(&w);

    /* 1400: limit 1, three transitions held back. */
    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 1);
    conflict(w.snap);
    world_check(&w);            /* 1100 takes the one place */
    epg_reading_free(&w.snap->values[td_value("sa-tcpip-port")]);
    w.now += 10;
    world_check(&w);            /* 1101 and 1103 owed */
    td_sz(&w.snap->values[td_value("ab-rpctcpport")], "x");
    w.now += 10;
    world_check(&w);            /* 1200 owed */
    CHECK_STR(rec_ids(&r), "1100");
    world_run_to(&w, w.now + 4 * 60000);
    i = rec_last(&r, EPG_EV_SUPPRESSED);
    expect_strings(&r, i, suppressed, "1400");
    CHECK_INT(rec_count(&r, EPG_EV_SUPPRESSED), 1);
    /* Then the Warning before the Information, one per minute. */
    CHECK_STR(rec_ids(&r), "1100 1400 1200 1101 1103");

    rec_reset(&r);
    epg_monitor_stopping(&w.m);
    CHECK_INT(r.n, 1);
    CHECK_INT(r.id[0], EPG_EV_STOPPED);
    CHECK_INT(r.nstrings[0], 0);
    world_free(&w);
}

/* At start, 1000, then raises by severity, then 1103 (docs/events.md). */
static void start_order(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    w.snap->keys[key_of("ab-rpctcpport")].state = EPG_KEY_MISSING;
    td_sz(&w.snap->values[td_value("srs-tcpip-port")], "x");
    deny_key(w.snap, epg_key_of_role(EPG_KEY_TCPIP));
    CHECK_INT(epg_monitor_started(&w.m, "1", w.wall, w.now), 0);
    CHECK_STR(rec_ids(&r), "1000 1300 1200 1310 1103");
    world_free(&w);
}

/* --- unreadable is unknown ---------------------------------------------- */

static void unreadable_key_keeps_the_conflict(void)
{
    static rec r;
    world w;
    size_t is = key_of("is-tcpip-port");

    world_init(&w, &r, 0);
    conflict(w.snap);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1100");
    rec_reset(&r);
    /* No 1101, no 1103 while the key cannot be read: unreadable proves nothing. */
    deny_key(w.snap, is);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1300");
    rec_reset(&r);
    /* Readable again, conflict still there: 1301 only. */
    allow_key(w.snap, is);
    conflict(w.snap);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1301");
    rec_reset(&r);
    /* Unreadable again, and the readable partner moves off the port: that
     * proves the conflict over. */
    deny_key(w.snap, is);
    world_check(&w);
    td_port(w.snap, "sa-tcpip-port", 6200);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1300 1101");
    rec_reset(&r);
    /* Readable, no conflict: the all-clear now. */
    allow_key(w.snap, is);
    td_port(w.snap, "is-tcpip-port", 6100);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1301 1103");
    world_free(&w);
}

/* Both values of the pair unreadable: nothing proves the conflict over. */
static void unreadable_pair_keeps_its_conflict(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    td_port(w.snap, "is-tcpip-port", 6001);
    td_port(w.snap, "is-rpchttp-port", 6001);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1100");
    rec_reset(&r);
    deny_key(w.snap, key_of("is-tcpip-port"));
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1300");
    world_free(&w);
}

static void unreadable_value_keeps_its_findings(void)
{
    static rec r;
    world w;
    size_t v = td_value("is-tcpip-port");

    world_init(&w, &r, 0);
    td_sz(&w.snap->values[v], "x");
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1200 1103");
    rec_reset(&r);
    epg_reading_set_error(&w.snap->values[v], 5, DENIED);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1300");   /* no 1201: it is not known usable */
    world_free(&w);
}

/* The same for the per-value range rules: a port below 1024 (1220)
 * or below 5000 (1222) is not over (1221, 1223) because the value cannot
 * be read; only data that proves it over clears it. */
static void unreadable_value_keeps_its_range_findings(void)
{
    static rec r;
    world w;
    size_t rpc = td_value("rpc-tcpip-port"), sa = td_value("sa-tcpip-port");

    world_init(&w, &r, 0);
    td_port(w.snap, "rpc-tcpip-port", 135);
    td_port(w.snap, "sa-tcpip-port", 4000);
    world_check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_1024), 1);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_5000), 1);
    rec_reset(&r);
    epg_reading_set_error(&w.snap->values[rpc], 5, DENIED);
    epg_reading_set_error(&w.snap->values[sa], 5, DENIED);
    world_check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_1024_CLEARED), 0);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_5000_CLEARED), 0);
    CHECK_INT(rec_count(&r, EPG_EV_KEY_UNWATCHABLE), 2);
    rec_reset(&r);
    /* Readable again and moved: now the data proves it over. */
    td_port(w.snap, "rpc-tcpip-port", 59533);
    td_port(w.snap, "sa-tcpip-port", 6000);
    world_check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_1024_CLEARED), 1);
    CHECK_INT(rec_count(&r, EPG_EV_BELOW_5000_CLEARED), 1);
    world_free(&w);
}

static void no_all_clear_at_start_while_unreadable(void)
{
    static rec r;
    world w;
    size_t is = key_of("is-tcpip-port");

    world_init(&w, &r, 0);
    one_port(w.snap);
    deny_key(w.snap, is);
    CHECK_INT(epg_monitor_started(&w.m, "1", w.wall, w.now), 0);
    CHECK_STR(rec_ids(&r), "1000 1300");
    rec_reset(&r);
    allow_key(w.snap, is);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1301 1103");
    world_free(&w);
}

/* Access denied on a key proves that it exists: 1311 as well as 1300. */
static void missing_key_that_turns_unreadable_exists(void)
{
    static rec r;
    world w;
    size_t ab = key_of("ab-rpctcpport");

    world_init(&w, &r, 0);
    w.snap->keys[ab].state = EPG_KEY_MISSING;
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1310 1103");
    rec_reset(&r);
    deny_key(w.snap, ab);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1311 1300");
    world_free(&w);
}

static void unreadable_tcpip_or_settings_does_not_block_all_clear(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    one_port(w.snap);
    deny_key(w.snap, epg_key_of_role(EPG_KEY_TCPIP));
    world_check(&w);
    CHECK_INT(rec_count(&r, EPG_EV_NO_CONFLICTS), 1);
    CHECK_INT(rec_count(&r, EPG_EV_KEY_UNWATCHABLE), 1);
    world_free(&w);
}

/* The settings key cannot be read: one 1300 says so; the defaults apply,
 * and no 1002 per setting repeats it. */
static void unreadable_settings_key_is_one_1300(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    one_port(w.snap);
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1103");
    rec_reset(&r);
    deny_key(w.snap, epg_key_of_role(EPG_KEY_SETTINGS));
    world_check(&w);
    CHECK_STR(rec_ids(&r), "1300");
    CHECK_INT(w.m.co.window_ms, 200);
    world_free(&w);
}

static void unreadable_keys_are_retried_with_back_off(void)
{
    static rec r;
    world w;
    size_t is = key_of("is-tcpip-port");
    uint64_t t0, want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000,
                            256000, 300000, 300000 };
    size_t i;

    world_init(&w, &r, 0);
    world_check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);     /* idle */
    deny_key(w.snap, is);
    world_check(&w);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        t0 = w.now;
        CHECK_INT(epg_monitor_deadline(&w.m) - t0, want[i]);
        w.now = epg_monitor_deadline(&w.m);
        CHECK_INT(epg_monitor_tick(&w.m, w.now), 1u << is);
        world_check(&w);
    }
    allow_key(w.snap, is);
    world_check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);     /* idle again */
    /* A key read but not watchable is retried too. */
    w.snap->keys[is].watch_error = 5;
    world_check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), w.now + 1000);
    world_free(&w);
}

/* --- coalescing and settings ------------------------------------------- */

static void coalescing_reads_what_changed(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    world_check(&w);
    CHECK_INT(epg_monitor_change(&w.m, 1u << 2, 5000), 1u << 2);    /* at once */
    world_check(&w);
    CHECK_INT(epg_monitor_change(&w.m, 1u << 0, 5050), 0);          /* folded */
    CHECK_INT(epg_monitor_change(&w.m, 1u << 1, 5100), 0);
    CHECK_INT(epg_monitor_deadline(&w.m), 5200);
    CHECK_INT(epg_monitor_tick(&w.m, 5200), (1u << 0) | (1u << 1));
    world_check(&w);
    CHECK_INT(epg_monitor_tick(&w.m, 5400), 0);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    /* A wake-up that changed no watched key: nothing to read, no timer. */
    CHECK_INT(epg_monitor_change(&w.m, 0, 9000), 0);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    world_free(&w);
}

/* A changed CoalesceMilliseconds applies at once: 60 s, then back to the 200 ms default. */
static void shorter_window_applies_at_once(void)
{
    static rec r;
    world w;
    long i;

    world_init(&w, &r, 0);
    world_check(&w);
    td_dword(&w.snap->settings[EPG_SET_COALESCE_MS], 60000);
    w.now = 10000;
    world_change(&w);
    world_run_to(&w, 20000);
    epg_reading_free(&w.snap->settings[EPG_SET_COALESCE_MS]);
    world_change(&w);           /* opens a 60 s window, reads 200 ms */
    CHECK_INT(epg_monitor_deadline(&w.m), 20000 + 200);
    world_run_to(&w, 21500);
    conflict(w.snap);
    world_change(&w);
    world_run_to(&w, 30000);
    i = rec_last(&r, EPG_EV_CONFLICT);
    CHECK(i >= 0);
    CHECK(i >= 0 && r.at[i] <= 21500 + 200);
    world_free(&w);
}

/* The setting changed inside the long window it opened. */
static void settings_change_is_read_inside_a_window(void)
{
    static rec r;
    world w;
    uint32_t settings = 1u << epg_key_of_role(EPG_KEY_SETTINGS);
    uint32_t is = 1u << key_of("is-tcpip-port");

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_COALESCE_MS], 60000);
    world_check(&w);
    CHECK_INT(epg_monitor_change(&w.m, is, 10000), is);     /* opens 60 s */
    world_check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), 70000);
    CHECK_INT(epg_monitor_change(&w.m, is, 10100), 0);       /* folded */
    epg_reading_free(&w.snap->settings[EPG_SET_COALESCE_MS]);
    CHECK_INT(epg_monitor_change(&w.m, settings, 10200), settings | is);
    w.now = 10200;
    world_check(&w);
    CHECK_INT(epg_monitor_deadline(&w.m), 10200);           /* cut to 200 ms */
    /* Everything was read: the window ends without opening another. */
    CHECK_INT(epg_monitor_tick(&w.m, 10200), 0);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    world_free(&w);
}

static void flood_limit_applies_at_once(void)
{
    static rec r;
    world w;
    int k;

    world_init(&w, &r, 0);
    world_check(&w);
    rec_reset(&r);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 2);
    for (k = 0; k < 6; k++) {
        if (k % 2 == 0)
            conflict(w.snap);
        else
            epg_reading_free(&w.snap->values[td_value("sa-tcpip-port")]);
        w.now += 10;
        world_check(&w);
    }
    /* Six transitions, but the limit of 2 counts the 1103 written just
     * before it was set: one more is written. */
    CHECK_INT(r.n, 1);
    world_free(&w);
}

/* The flood limit at start: limit 1, a conflict, three keys absent. */
static void flood_limit_by_severity(void)
{
    static rec r;
    world w;
    long i;

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 1);
    conflict(w.snap);
    w.snap->keys[key_of("srs-tcpip-port")].state = EPG_KEY_MISSING;
    w.snap->keys[key_of("rpc-tcpip-port")].state = EPG_KEY_MISSING;
    w.snap->keys[key_of("ab-rpctcpport")].state = EPG_KEY_MISSING;
    CHECK_INT(epg_monitor_started(&w.m, "1", w.wall, w.now), 0);
    /* The Error first, at once; start and stop bypass the limit. */
    CHECK_STR(rec_ids(&r), "1000 1100");
    CHECK_INT(r.at[1], 1000);
    world_run_to(&w, 1000 + 10 * 60000);
    /* One 1400 for the episode, counting the three held back, then one
     * 1310 per window: nothing lost, the cap kept. */
    CHECK_STR(rec_ids(&r), "1000 1100 1400 1310 1310 1310");
    i = rec_last(&r, EPG_EV_SUPPRESSED);
    CHECK(i >= 0 && strcmp(r.s[i][0], "3") == 0);
    for (i = 3; i + 1 < (long)r.n; i++)
        CHECK(r.at[i + 1] - r.at[i] >= 60000);
    CHECK(r.at[r.n - 1] <= 1000 + 4 * 60000);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    world_free(&w);
}

/* A raise held back by the flood limit keeps the time the conflict was
 * first seen, not the time it is finally written: the reminder says so. */
static void held_back_raise_keeps_first_seen(void)
{
    static rec r;
    world w;
    long i;

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 1);
    td_dword(&w.snap->settings[EPG_SET_REMINDER_MINUTES], 5);
    world_check(&w);                    /* 1103 takes the place */
    conflict(w.snap);
    w.now += 10;
    world_check(&w);                    /* 1100 owed, first seen now */
    w.wall += 30;
    w.now += 30000;
    td_port(w.snap, "sa-http-port", 6002);
    world_check(&w);                    /* seen again, 30 s later */
    world_run_to(&w, w.now + 6 * 60000);
    i = rec_last(&r, EPG_EV_CONFLICT_REMINDER);
    CHECK(i >= 0);
    CHECK_STR(i >= 0 ? r.s[i][5] : NULL, "2023-11-14 22:13:20 UTC");
    world_free(&w);
}

/* Limit 1: the 1103 written at 1000 takes the place, and the conflict seen
 * at 1010 is owed, which opens a suppression episode until 61010. */
static void conflict_owed(world *w, rec *r)
{
    world_init(w, r, 0);
    td_dword(&w->snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 1);
    world_check(w);
    conflict(w->snap);
    w->now = 1010;
    world_check(w);
}

/* Room comes back in the window before the episode ends: still nothing is
 * written before the 1400 that summarises the episode. */
static void nothing_overtakes_the_1400(void)
{
    static rec r;
    world w;

    conflict_owed(&w, &r);
    world_run_to(&w, 61005);            /* the 1103 left the window at 61000 */
    td_sz(&w.snap->values[td_value("ab-rpctcpport")], "x");
    world_check(&w);                    /* 1200 due, room in the window */
    world_run_to(&w, 200000);
    CHECK_STR(rec_ids(&r), "1103 1400 1100 1200");
    world_free(&w);
}

/* MaxEventsPerMinute 0 while an episode is open: no limit holds anything
 * back any more, so the episode ends at the next tick, not a minute after
 * it opened: its 1400 (with the limit it was counted against), then what
 * was owed.  (The oracle's burst after a flood burst lifts the limit so and
 * found the service silent for the rest of the minute, tests/wine/
 * test_oracle.py.) */
static void lifting_the_limit_ends_the_episode_at_once(void)
{
    static rec r;
    world w;
    long i;

    conflict_owed(&w, &r);
    w.now = 3000;
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 0);
    world_check(&w);
    CHECK(epg_monitor_deadline(&w.m) <= 3000);
    world_run_to(&w, 3000);
    CHECK_STR(rec_ids(&r), "1103 1400 1100");
    i = rec_last(&r, EPG_EV_SUPPRESSED);
    CHECK_STR(i >= 0 ? r.s[i][0] : NULL, "1");     /* one held back */
    CHECK_STR(i >= 0 ? r.s[i][1] : NULL, "2");     /* over 2 seconds */
    CHECK_STR(i >= 0 ? r.s[i][2] : NULL, "1");     /* against a limit of 1 */
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    world_free(&w);
}

static void raise_and_clear_cancel_out_while_owed(void)
{
    static rec r;
    world w;

    world_init(&w, &r, 0);
    td_dword(&w.snap->settings[EPG_SET_MAX_EVENTS_PER_MINUTE], 1);
    world_check(&w);                    /* 1103 */
    td_sz(&w.snap->values[td_value("ab-rpctcpport")], "x");
    w.now += 10;
    world_check(&w);                    /* 1200 owed */
    epg_reading_free(&w.snap->values[td_value("ab-rpctcpport")]);
    w.now += 10;
    world_check(&w);                    /* back: nothing owed any more */
    world_run_to(&w, w.now + 5 * 60000);
    CHECK_STR(rec_ids(&r), "1103 1400");
    CHECK_STR(r.s[1][0], "1");
    world_free(&w);
}

/* --- netsh --------------------------------------------------------------- */

static void netsh_is_asked_when_due(void)
{
    static rec r;
    world w;
    uint32_t tcpip = 1u << epg_key_of_role(EPG_KEY_TCPIP);
    uint32_t other = 1u << key_of("is-tcpip-port");

    world_init(&w, &r, 1);
    w.snap->os_major = 6;
    CHECK_INT(epg_monitor_netsh_due(&w.m, epg_monitor_all_keys()), 1);  /* first */
    world_check(&w);
    CHECK_INT(epg_monitor_netsh_due(&w.m, other), 0);
    CHECK_INT(epg_monitor_netsh_due(&w.m, tcpip), 1);
    /* Range check off: never; switched on again: at once. */
    td_dword(&w.snap->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(epg_monitor_netsh_due(&w.m, tcpip), 0);
    world_check(&w);
    td_dword(&w.snap->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 1);
    CHECK_INT(epg_monitor_netsh_due(&w.m, other), 1);
    world_check(&w);
    CHECK_INT(epg_monitor_netsh_due(&w.m, other), 0);
    /* Windows 5.x has no netsh range: never asked. */
    w.snap->os_major = 5;
    CHECK_INT(epg_monitor_netsh_due(&w.m, tcpip), 0);
    world_free(&w);
}

/* Who holds the ports: the TCP table is wanted after every check and every
 * ListenerCheckMinutes, read when the registry is quiet, at most once a
 * second; what it shows is published without counting as a check. */
static void listeners_when_quiet(void)
{
    static rec r;
    world w;
    uint64_t checks;

    world_init(&w, &r, 0);
    td_port(w.snap, "is-tcpip-port", 6005);
    CHECK_INT(epg_monitor_started(&w.m, "1", w.wall, w.now), 0);
    CHECK(epg_monitor_listeners_wanted(&w.m));
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);    /* no timer yet */
    CHECK(epg_monitor_listeners_due(&w.m, w.now));
    CHECK(!epg_monitor_listeners_wanted(&w.m));
    /* The shell read the table: another process holds 6005. */
    w.snap->tcp.collected = 1;
    CHECK_INT(epg_tcp_view_add(&w.snap->tcp, 6005, 4321, EPG_TCP_LISTEN, 0), 0);
    CHECK_INT(epg_tcp_view_set_image(&w.snap->tcp, 4321, "other.exe"), 0);
    rec_reset(&r);
    checks = w.m.checks;
    CHECK_INT(epg_monitor_listeners_read(&w.m, w.wall, w.now), 0);
    CHECK_INT(w.m.checks, checks);
    CHECK_INT(rec_count(&r, EPG_EV_PORT_HELD), 1);
    /* The default period: one wake-up five minutes on. */
    CHECK_INT(epg_monitor_deadline(&w.m), w.now + 5 * 60000u);
    /* A change within the second: wanted, but not read again. */
    w.now += 500;
    world_change(&w);
    CHECK(epg_monitor_listeners_wanted(&w.m));
    CHECK(!epg_monitor_listeners_due(&w.m, w.now));
    CHECK(!epg_monitor_listeners_wanted(&w.m));
    /* The period ends: wanted, and due. */
    world_run_to(&w, 5 * 60000u + 1000);
    CHECK(epg_monitor_listeners_wanted(&w.m));
    CHECK(epg_monitor_listeners_due(&w.m, w.now));
    /* The holder let go. */
    w.snap->tcp.count = 0;
    rec_reset(&r);
    CHECK_INT(epg_monitor_listeners_read(&w.m, w.wall, w.now), 0);
    CHECK_INT(rec_count(&r, EPG_EV_PORT_RELEASED), 1);
    /* Switched off: no timer, nothing wanted, what was read no longer
     * counts. */
    w.snap->tcp.count = 1;
    td_dword(&w.snap->settings[EPG_SET_LISTENER_CHECK_MINUTES], 0);
    rec_reset(&r);
    world_check(&w);
    CHECK(!epg_monitor_listeners_wanted(&w.m));
    CHECK(!w.snap->tcp.collected);
    CHECK_INT(epg_monitor_deadline(&w.m), EPG_NO_DEADLINE);
    CHECK_INT(rec_count(&r, EPG_EV_PORT_HELD), 0);
    world_free(&w);
}

/* What the engine's second read compares (service/engine/engine.c reads a
 * key whose own watch fired before re-arming that watch, then once more):
 * every kind of difference in a key's values or state is found, for that
 * key alone, and nothing else counts as one. */
static void keys_differ_finds_every_difference(void)
{
    epg_snapshot a, b;
    size_t is = td_value("is-tcpip-port"), sa = td_value("sa-tcpip-port");
    size_t settings = epg_key_of_role(EPG_KEY_SETTINGS);
    uint32_t is_bit = 1u << epg_value_key(is), sa_bit = 1u << epg_value_key(sa);
    uint32_t both = is_bit | sa_bit, port = 6001, other = 6002;

    epg_snapshot_init(&a);
    epg_snapshot_init(&b);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), 0);
    epg_reading_set(&a.values[is], EPG_REG_DWORD, &port, 4);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* present vs absent */
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, sa_bit), 0);         /* other keys only */
    epg_reading_set(&b.values[is], EPG_REG_DWORD, &port, 4);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), 0);
    epg_reading_set(&b.values[is], EPG_REG_DWORD, &other, 4);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* bytes */
    epg_reading_set(&b.values[is], EPG_REG_BINARY, &port, 4);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* type */
    epg_reading_set(&b.values[is], EPG_REG_DWORD, &port, 2);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* size */
    epg_reading_set(&b.values[is], EPG_REG_DWORD, &port, 4);
    b.values[is].full_size = 70000;
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* too large to read */
    epg_reading_set(&b.values[is], EPG_REG_DWORD, &port, 4);
    epg_reading_set_error(&a.values[sa], 5, "Access is denied.");
    epg_reading_set_error(&b.values[sa], 5, NULL);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), 0);           /* the same error */
    epg_reading_set_error(&b.values[sa], 6, NULL);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), sa_bit);      /* another error */
    epg_reading_set_error(&b.values[sa], 5, NULL);
    epg_key_status_set(&b.keys[epg_value_key(is)], EPG_KEY_MISSING, 0, NULL);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* the key's state */
    epg_key_status_set(&b.keys[epg_value_key(is)], EPG_KEY_ERROR, 5, NULL);
    epg_key_status_set(&a.keys[epg_value_key(is)], EPG_KEY_ERROR, 6, NULL);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), is_bit);      /* the key's error */
    epg_key_status_set(&a.keys[epg_value_key(is)], EPG_KEY_PRESENT, 0, NULL);
    epg_key_status_set(&b.keys[epg_value_key(is)], EPG_KEY_PRESENT, 0, NULL);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), 0);
    epg_reading_set(&b.settings[0], EPG_REG_DWORD, &port, 4);       /* a setting */
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, both), 0);
    CHECK_INT(epg_snapshot_keys_differ(&a, &b, 1u << settings), 1u << settings);
    epg_snapshot_free(&a);
    epg_snapshot_free(&b);
}

int main(void)
{
    RUN(keys_differ_finds_every_difference);
    RUN(every_raise_and_clear);
    RUN(start_stop_reminder_and_suppressed);
    RUN(start_order);
    RUN(unreadable_key_keeps_the_conflict);
    RUN(unreadable_pair_keeps_its_conflict);
    RUN(unreadable_value_keeps_its_findings);
    RUN(unreadable_value_keeps_its_range_findings);
    RUN(no_all_clear_at_start_while_unreadable);
    RUN(missing_key_that_turns_unreadable_exists);
    RUN(unreadable_tcpip_or_settings_does_not_block_all_clear);
    RUN(unreadable_settings_key_is_one_1300);
    RUN(unreadable_keys_are_retried_with_back_off);
    RUN(coalescing_reads_what_changed);
    RUN(shorter_window_applies_at_once);
    RUN(settings_change_is_read_inside_a_window);
    RUN(flood_limit_applies_at_once);
    RUN(flood_limit_by_severity);
    RUN(held_back_raise_keeps_first_seen);
    RUN(nothing_overtakes_the_1400);
    RUN(lifting_the_limit_ends_the_episode_at_once);
    RUN(raise_and_clear_cancel_out_while_owed);
    RUN(netsh_is_asked_when_due);
    RUN(listeners_when_quiet);
    return tt_summary("test_monitor");
}
