#include "engine/engine.h"

#include <stdlib.h>

#include "engine/perturb_wait.h"
#include "engine/watcher.h"
#include "perturb.h"
#include "monitor/monitor.h"
#include "readers/netsh.h"
#include "readers/regread.h"
#include "readers/tcptable.h"
#include "winutil.h"

/* The engine waits, reads and hands over; common/monitor/monitor.c decides. */
typedef struct engine {
    const engine_config *cfg;
    watcher w;
    epg_monitor m;
} engine;

static void sync_stats(engine *e)
{
    engine_stats *st = e->cfg->stats;

    if (!st)
        return;
    InterlockedExchange64(&st->checks, (LONG64)e->m.checks);
    InterlockedExchange64(&st->events, (LONG64)e->m.pub.written);
    InterlockedExchange64(&st->suppressed, (LONG64)e->m.pub.suppressed_total);
    InterlockedExchange64(&st->resolves, (LONG64)e->w.resolves);
}

/* The watcher's view of keys it could read but not watch. */
static void read_watch_errors(engine *e)
{
    epg_snapshot *snap = epg_monitor_snapshot(&e->m);
    size_t k;

    for (k = 0; k < e->w.count; k++) {
        DWORD err = watcher_error(&e->w, k);
        epg_key_status *ks = &snap->keys[k];
        free(ks->watch_error_text);
        ks->watch_error_text = err ? win32_error_text(err) : NULL;
        ks->watch_error = err;
    }
}

/* Reads the keys the monitor asked for and hands the snapshot back. */
static void read_and_check(engine *e, uint32_t keys)
{
    epg_snapshot *snap = epg_monitor_snapshot(&e->m);
    HKEY open[EPG_MAX_KEYS];

    if (!keys)
        return;
    watcher_keys(&e->w, open);
    regread_keys_open(snap, keys, open);
    read_watch_errors(e);
    if (epg_monitor_netsh_due(&e->m, keys))
        netsh_query(snap, e->cfg->stop);
    EPG_PERTURB_POINT("engine.evaluate");
    /* Out of memory keeps the reported state; the next change retries. */
    (void)epg_monitor_checked(&e->m, wall_unix(), clock_ms());
}

/* The service reports each step of the start to the SCM (a rising
 * checkpoint), so a slow one is not taken for a hung one. */
static void milestone(engine *e)
{
    if (e->cfg->progress)
        InterlockedIncrement(e->cfg->progress);
}

static DWORD wait_timeout(const engine *e, uint64_t now)
{
    uint64_t d = epg_monitor_deadline(&e->m);

    /* A wanted read of the TCP table (who holds the pinned ports) only polls the handles, so
     * it happens when nothing is pending (common/monitor/monitor.h). */
    if (epg_monitor_listeners_wanted(&e->m))
        return 0;

    if (d == EPG_NO_DEADLINE)
        return INFINITE;    /* idle: no timer at all */
    if (d <= now)
        return 0;
    return d - now > 0x7FFFFFFF ? 0x7FFFFFFF : (DWORD)(d - now);
}

static DWORD engine_loop(engine *e)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    size_t n;

    /* The stop event comes first: WaitForMultipleObjects reports the
     * lowest signalled index, so a stop is seen even in a change storm. */
    handles[0] = e->cfg->stop;
    n = 1 + watcher_handles(&e->w, handles + 1, MAXIMUM_WAIT_OBJECTS - 1);
    for (;;) {
        uint64_t now = clock_ms();
        DWORD r = WaitForMultipleObjects((DWORD)n, handles, FALSE,
                                         wait_timeout(e, now));

        if (e->cfg->stats)
            InterlockedIncrement64(&e->cfg->stats->wakeups);
        if (r == WAIT_OBJECT_0)
            return 0;
        EPG_PERTURB_POINT("engine.wake");
        if (r == WAIT_FAILED)
            return report_error("waiting for registry notifications", GetLastError());
        now = clock_ms();
        if (r > WAIT_OBJECT_0 && r < WAIT_OBJECT_0 + n) {
            /* Re-arm first, then read: nothing changed after the re-arm
             * can be missed. */
            uint32_t keys = watcher_service(&e->w, handles + 1, n - 1,
                                            r - WAIT_OBJECT_0 - 1);
            read_and_check(e, epg_monitor_change(&e->m, keys, now));
        }
        if (now >= epg_monitor_deadline(&e->m)) {
            uint32_t keys = epg_monitor_tick(&e->m, now);
            watcher_retry(&e->w, keys);
            read_and_check(e, keys);
        }
        /* Who holds the pinned ports, once the registry is quiet.  (On a
         * thread of its own the read no longer held up a change, but the
         * full bench of f80947a found a stale burst with it, as 053dd2f's
         * had: docs/monitor.md, "A lead".  Back on this thread until that
         * is understood.) */
        if (r == WAIT_TIMEOUT && epg_monitor_listeners_due(&e->m, now)) {
            tcptable_collect(&epg_monitor_snapshot(&e->m)->tcp);
            (void)epg_monitor_listeners_read(&e->m, wall_unix(), clock_ms());
        }
        sync_stats(e);
    }
}

DWORD engine_run(const engine_config *cfg)
{
    engine *e = calloc(1, sizeof *e);
    DWORD err;

    if (!e)
        return ERROR_NOT_ENOUGH_MEMORY;
    e->cfg = cfg;
    perturb_install();      /* the perturbed build's delays; nothing in any other */
    epg_monitor_init(&e->m, &cfg->sink);
    err = watcher_init(&e->w);
    if (!err) {
        epg_snapshot *snap = epg_monitor_snapshot(&e->m);
        /* Armed before the first read: nothing after it goes unseen. */
        watcher_arm_all(&e->w);
        milestone(e);
        regread_snapshot(snap);
        read_watch_errors(e);
        milestone(e);
        if (epg_monitor_netsh_due(&e->m, epg_monitor_all_keys()))
            netsh_query(snap, cfg->stop);
        (void)epg_monitor_started(&e->m, cfg->version, wall_unix(), clock_ms());
        milestone(e);
        sync_stats(e);
        if (cfg->ready)
            SetEvent(cfg->ready);
        err = engine_loop(e);
        epg_monitor_stopping(&e->m);
        sync_stats(e);
        watcher_free(&e->w);
    }
    epg_monitor_free(&e->m);
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
