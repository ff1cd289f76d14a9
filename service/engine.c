#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "coalesce.h"
#include "netsh.h"
#include "regread.h"
#include "tcptable.h"
#include "watcher.h"
#include "winutil.h"

typedef struct engine {
    const engine_config *cfg;
    watcher w;
    epg_snapshot snap;
    epg_evaluation eval;
    epg_finding_set cur, prev;
    epg_publisher pub;
    epg_coalescer co;
    uint32_t pending_keys;      /* keys changed since the last check */
    int netsh_due;              /* (re)ask netsh at the next check */
    int netsh_wanted_before;
    epg_listen_sched listeners;     /* issue 11: when to read the TCP table */
    int listeners_wanted;           /* read it once the registry is quiet */
} engine;

static void count(volatile LONG64 *c, LONG64 by)
{
    InterlockedExchangeAdd64(c, by);
}

static void sync_stats(engine *e)
{
    engine_stats *st = e->cfg->stats;

    if (!st)
        return;
    InterlockedExchange64(&st->events, (LONG64)e->pub.written);
    InterlockedExchange64(&st->suppressed, (LONG64)e->pub.suppressed_total);
    InterlockedExchange64(&st->resolves, (LONG64)e->w.resolves);
}

/* The watcher's view of keys it could read but not watch. */
static void apply_watch_errors(engine *e)
{
    size_t k;

    for (k = 0; k < e->w.count; k++) {
        DWORD err = watcher_error(&e->w, k);
        epg_key_status *ks = &e->snap.keys[k];
        free(ks->watch_error_text);
        ks->watch_error_text = err ? win32_error_text(err) : NULL;
        ks->watch_error = err;
    }
}

/* Evaluates the snapshot and publishes the transitions.  Returns 0 or -1
 * (out of memory: the previous state stays reported and the next change
 * retries). */
static int publish_state(engine *e, uint64_t now)
{
    size_t i;
    int64_t wall = wall_unix();
    epg_event_ctx ctx;

    if (epg_evaluate(&e->snap, &e->eval) ||
        epg_conditions(&e->snap, &e->eval, &e->cur))
        return -1;
    for (i = 0; i < e->cur.count; i++)
        e->cur.items[i].first_seen = wall;
    epg_findings_carry(&e->prev, &e->cur);
    if (epg_set_copy(&e->prev, &e->cur))
        return -1;

    epg_coalesce_set_window(&e->co, e->eval.settings.value[EPG_SET_COALESCE_MS]);
    epg_publisher_configure(&e->pub, &e->eval.settings, now);
    ctx.snap = &e->snap;
    ctx.eval = &e->eval;
    return epg_publish(&e->pub, &e->cur, &ctx, now, &e->cfg->sink);
}

/* Reads, evaluates and publishes.  Returns 0 or -1, as publish_state. */
static int check(engine *e, uint64_t now)
{
    int wanted, rc;

    regread_keys(&e->snap, e->pending_keys);
    apply_watch_errors(e);
    /* netsh costs a process start, so it runs at the first check, when
     * Tcpip\Parameters changed, and when the range check is switched on. */
    wanted = epg_needs_netsh(&e->snap);
    if (e->pending_keys & (1u << epg_key_of_role(EPG_KEY_TCPIP)))
        e->netsh_due = 1;
    if (wanted && (e->netsh_due || !e->netsh_wanted_before))
        netsh_query(&e->snap, e->cfg->stop);
    e->netsh_due = 0;
    e->netsh_wanted_before = wanted;
    e->pending_keys = 0;

    if (e->cfg->stats)
        count(&e->cfg->stats->checks, 1);
    rc = publish_state(e, now);
    e->listeners_wanted = 1;    /* issue 11: see read_listeners */
    return rc;
}

/* Issue 11: who holds the pinned ports.  The TCP table is read (at most
 * once a second, tcptable_refresh) when the main wait finds nothing
 * signalled, so neither a change's event nor a storm of changes waits for
 * it; what it shows is published by a second pass. */
static void read_listeners(engine *e, uint64_t now)
{
    e->listeners_wanted = 0;
    if (tcptable_refresh(&e->listeners, &e->snap, now))
        publish_state(e, now);
}

/* Start and stop events bypass the flood limit: an operator must always
 * see the service come and go. */
static void emit_direct(engine *e, int built, epg_event *ev)
{
    if (built > 0) {
        epg_publish_always(&e->pub, ev, &e->cfg->sink);
        epg_event_free(ev);
    }
}

static void milestone(engine *e)
{
    if (e->cfg->progress)
        InterlockedIncrement(e->cfg->progress);
}

static DWORD wait_timeout(engine *e, uint64_t now)
{
    uint64_t a = epg_coalesce_deadline(&e->co);
    uint64_t b = epg_publisher_deadline(&e->pub);
    uint64_t d = a < b ? a : b;

    /* Issue 11: the ListenerCheckMinutes timer, the only periodic wake-up
     * (none when the setting is 0); a wanted read only polls the handles. */
    if (e->listeners_wanted)
        return 0;
    if (epg_listen_deadline(&e->listeners) < d)
        d = epg_listen_deadline(&e->listeners);

    if (d == UINT64_MAX)
        return INFINITE;    /* idle: no timer at all */
    if (d <= now)
        return 0;
    return d - now > 0x7FFFFFFF ? 0x7FFFFFFF : (DWORD)(d - now);
}

static DWORD engine_loop(engine *e)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    size_t n;
    epg_event_ctx ctx;

    ctx.snap = &e->snap;
    ctx.eval = &e->eval;
    /* The stop event comes first: WaitForMultipleObjects reports the
     * lowest signalled index, so a stop is seen even in a change storm. */
    handles[0] = e->cfg->stop;
    n = 1 + watcher_handles(&e->w, handles + 1, MAXIMUM_WAIT_OBJECTS - 1);
    for (;;) {
        uint64_t now = clock_ms();
        DWORD r = WaitForMultipleObjects((DWORD)n, handles, FALSE,
                                         wait_timeout(e, now));

        if (e->cfg->stats)
            count(&e->cfg->stats->wakeups, 1);
        if (r == WAIT_OBJECT_0)
            return 0;
        if (r == WAIT_FAILED)
            return GetLastError();
        now = clock_ms();
        if (r > WAIT_OBJECT_0 && r < WAIT_OBJECT_0 + n) {
            /* Re-arm first, then read: nothing changed after the re-arm
             * can be missed. */
            e->pending_keys |= watcher_service(&e->w);
            if (epg_coalesce_change(&e->co, now))
                check(e, now);
        }
        if (now >= epg_coalesce_deadline(&e->co) && epg_coalesce_timer(&e->co, now))
            check(e, now);
        if (now >= epg_listen_deadline(&e->listeners))
            e->listeners_wanted = 1;    /* issue 11: the periodic check */
        if (r == WAIT_TIMEOUT && e->listeners_wanted)
            read_listeners(e, now);
        if (now >= epg_publisher_deadline(&e->pub))
            epg_publisher_tick(&e->pub, &e->cur, &ctx, now, &e->cfg->sink);
        sync_stats(e);
    }
}

DWORD engine_run(const engine_config *cfg)
{
    engine *e = calloc(1, sizeof *e);
    epg_event ev;
    epg_event_ctx ctx;
    DWORD err;

    if (!e)
        return ERROR_NOT_ENOUGH_MEMORY;
    e->cfg = cfg;
    epg_snapshot_init(&e->snap);
    epg_evaluation_init(&e->eval);
    epg_set_init(&e->cur);
    epg_set_init(&e->prev);
    epg_publisher_init(&e->pub);
    epg_coalesce_init(&e->co, epg_setting_defs[EPG_SET_COALESCE_MS].def);
    epg_listen_sched_init(&e->listeners);
    err = watcher_init(&e->w);
    if (!err) {
        watcher_arm_all(&e->w);
        milestone(e);
        e->netsh_due = 1;
        /* 1000 carries the values as first read, then the state. */
        regread_snapshot(&e->snap);
        milestone(e);
        ctx.snap = &e->snap;
        ctx.eval = &e->eval;
        emit_direct(e, epg_event_started(&ctx, cfg->version, &ev), &ev);
        e->pending_keys = 0;    /* all read just now, after arming */
        check(e, clock_ms());
        milestone(e);
        sync_stats(e);
        if (cfg->ready)
            SetEvent(cfg->ready);
        err = engine_loop(e);
        emit_direct(e, epg_event_stopped(&ev), &ev);
        sync_stats(e);
        watcher_free(&e->w);
    }
    epg_publisher_free(&e->pub);
    epg_set_free(&e->cur);
    epg_set_free(&e->prev);
    epg_evaluation_free(&e->eval);
    epg_snapshot_free(&e->snap);
    free(e);
    return err;
}

static DWORD WINAPI engine_thread(LPVOID arg)
{
    return engine_run(arg);
}

HANDLE engine_start(const engine_config *cfg)
{
    return CreateThread(NULL, 0, engine_thread, (LPVOID)cfg, 0, NULL);
}
