#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "engine/perturb_wait.h"
#include "engine/watcher.h"
#include "perturb.h"
#include "monitor/monitor.h"
#include "readers/netsh.h"
#include "readers/regread.h"
#include "readers/tcptable.h"
#include "winutil.h"

/* Who holds the pinned ports is read on a thread of its own: the TCP
 * tables, the services and the process list cost about 30 ms under Wine
 * (more on a busy Windows server), and a registry change arriving meanwhile
 * must not wait for them (the tail of docs/performance.md).  The engine asks
 * (go), the reader fills its own view and says so (done, the last handle
 * the engine waits on), and the engine moves the view into the monitor's
 * snapshot: the monitor and the snapshot stay the engine thread's alone,
 * and the reader touches nothing but its view between go and done. */
typedef struct listener_reader {
    HANDLE thread;
    HANDLE go, done;        /* auto-reset */
    HANDLE quit;            /* manual-reset: set when the engine ends */
    epg_tcp_view view;      /* the reader's from go until done is seen */
    int busy;               /* asked and not yet done */
} listener_reader;

/* The engine waits, reads and hands over; common/monitor/monitor.c decides. */
typedef struct engine {
    const engine_config *cfg;
    watcher w;
    epg_monitor m;
    epg_snapshot again;     /* the second read of keys read before their re-arm */
    listener_reader lr;     /* thread NULL: the tables are read inline */
} engine;

static DWORD WINAPI listener_thread(LPVOID arg)
{
    listener_reader *lr = arg;
    HANDLE hs[2];

    /* Quit first: it is seen even if go is set too. */
    hs[0] = lr->quit;
    hs[1] = lr->go;
    while (WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        tcptable_collect(&lr->view);
        SetEvent(lr->done);
    }
    return 0;
}

/* Without its events or its thread (out of resources at start) the engine
 * reads the tables itself, as before the reader existed: now and then a
 * slower change, nothing lost. */
static void listener_reader_start(listener_reader *lr)
{
    epg_tcp_view_init(&lr->view);
    lr->quit = CreateEventW(NULL, TRUE, FALSE, NULL);
    lr->go = CreateEventW(NULL, FALSE, FALSE, NULL);
    lr->done = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (lr->quit && lr->go && lr->done)
        lr->thread = CreateThread(NULL, 0, listener_thread, lr, 0, NULL);
}

/* The engine is ending.  A reader still inside a table read ends when the
 * read returns; its view is freed only once it has ended, since it may
 * still be writing to it (if it has not ended in 5 s the process is ending
 * anyway, and what is left is the system's to reclaim). */
static void listener_reader_end(listener_reader *lr)
{
    int ended = 1;

    if (lr->thread) {
        SetEvent(lr->quit);
        ended = WaitForSingleObject(lr->thread, 5000) == WAIT_OBJECT_0;
        CloseHandle(lr->thread);
    }
    if (ended)
        epg_tcp_view_free(&lr->view);
    if (lr->go)
        CloseHandle(lr->go);
    if (lr->done)
        CloseHandle(lr->done);
    if (lr->quit)
        CloseHandle(lr->quit);
    memset(lr, 0, sizeof *lr);
}

/* The ListenerCheckMinutes read is due: ask the reader, or read inline. */
static void read_listeners(engine *e)
{
    if (!e->lr.thread) {
        tcptable_collect(&epg_monitor_snapshot(&e->m)->tcp);
        (void)epg_monitor_listeners_read(&e->m, wall_unix(), clock_ms());
    } else if (!e->lr.busy) {
        e->lr.busy = 1;
        SetEvent(e->lr.go);
    }   /* else the read under way is as new as this one would be */
}

/* The reader is done: its view becomes the snapshot's. */
static void listeners_arrived(engine *e)
{
    epg_tcp_view *t = &epg_monitor_snapshot(&e->m)->tcp;

    epg_tcp_view_free(t);
    *t = e->lr.view;
    epg_tcp_view_init(&e->lr.view);
    e->lr.busy = 0;
    (void)epg_monitor_listeners_read(&e->m, wall_unix(), clock_ms());
}

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

/* A watch fired: handles[fired], of the n watch handles.
 *
 * Nothing written after a key's watch is re-armed can be missed, provided
 * the key is read after the re-arm.  But serving the watches (reset,
 * re-arm, a poll of the others) is three or more wineserver requests under
 * Wine, each as dear as the notification itself, and the change's events
 * would wait for all of them.  So when the watch that fired is a key's own
 * (its values changed) and the monitor wants a check now, that key is read
 * through its open handle, checked and reported first.  Then every fired
 * watch is served as always, and each key read before its watch was
 * re-armed is read once more: if it reads the same, what was reported
 * stands (every later write signals the re-armed watch); if not (a write
 * fell between the first read and the re-arm), it is a change like any
 * other.  A key whose chain was resolved meanwhile, or whose watch did not
 * fire again, is read afresh anyway (the watcher hands it back).  Nothing
 * here leans on Wine's speed: on Windows the re-arm is a system call of a
 * few microseconds, and the second read is what keeps the rule, there as
 * here (docs/monitor.md, "The faster order"). */
static void changed(engine *e, const HANDLE *handles, size_t n, size_t fired, uint64_t now)
{
    uint32_t own = watcher_own_watch(&e->w, handles[fired]);
    uint32_t first = own ? epg_monitor_change(&e->m, own, now) : 0;
    uint32_t keys, again;

    read_and_check(e, first);
    keys = watcher_service(&e->w, handles, n, fired);
    again = first & keys & ~watcher_reopened(&e->w);
    if (again) {
        HKEY open[EPG_MAX_KEYS];
        watcher_keys(&e->w, open);
        EPG_PERTURB_POINT("engine.second.read");
        regread_keys_open(&e->again, again, open);
        keys &= ~again | epg_snapshot_keys_differ(&e->again, epg_monitor_snapshot(&e->m),
                                                 again);
    }
    read_and_check(e, epg_monitor_change(&e->m, keys, now));
}

static DWORD engine_loop(engine *e)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    size_t n, all;

    /* The stop event comes first: WaitForMultipleObjects reports the
     * lowest signalled index, so a stop is seen even in a change storm.
     * The listener reader's done comes last, after every watch. */
    handles[0] = e->cfg->stop;
    n = 1 + watcher_handles(&e->w, handles + 1, MAXIMUM_WAIT_OBJECTS - 2);
    all = n;
    if (e->lr.thread)
        handles[all++] = e->lr.done;
    for (;;) {
        uint64_t now = clock_ms();
        DWORD r = WaitForMultipleObjects((DWORD)all, handles, FALSE,
                                         wait_timeout(e, now));

        if (e->cfg->stats)
            InterlockedIncrement64(&e->cfg->stats->wakeups);
        if (r == WAIT_OBJECT_0)
            return 0;
        EPG_PERTURB_POINT("engine.wake");
        if (r == WAIT_FAILED)
            return report_error("waiting for registry notifications", GetLastError());
        now = clock_ms();
        if (r > WAIT_OBJECT_0 && r < WAIT_OBJECT_0 + n)
            changed(e, handles + 1, n - 1, r - WAIT_OBJECT_0 - 1, now);
        else if (r == WAIT_OBJECT_0 + n && e->lr.thread)
            listeners_arrived(e);
        if (now >= epg_monitor_deadline(&e->m)) {
            uint32_t keys = epg_monitor_tick(&e->m, now);
            watcher_retry(&e->w, keys);
            read_and_check(e, keys);
        }
        /* Who holds the pinned ports, once the registry is quiet (asked of
         * the reader, so a change meanwhile is not held up by the read). */
        if (r == WAIT_TIMEOUT && epg_monitor_listeners_due(&e->m, now))
            read_listeners(e);
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
    epg_snapshot_init(&e->again);
    listener_reader_start(&e->lr);
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
    listener_reader_end(&e->lr);
    epg_monitor_free(&e->m);
    epg_snapshot_free(&e->again);
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
