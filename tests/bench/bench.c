/* ExchPortGuard benchmarks: the service's own engine (watcher, checks,
 * diff, publisher) on a thread of this process, with a recording sink in
 * place of ReportEventW; registry changes come from bench_writer.exe, a
 * separate process.  Each mode prints its figures and whether its budget
 * held; "RESULT" lines are for scripts/bench.sh.
 *
 *   bench latency <changes> <pollerchanges>   budget: p99 <= 1 ms, engine p50
 *                                             <= 10 x the floor's p50 (a
 *                                             bare RegNotifyChangeKeyValue
 *                                             waiter on the same writes)
 *   bench storm <writes> <repetitions>        budget: checks <= duration /
 *                                             CoalesceMilliseconds + 2,
 *                                             events <= 2 per check, final
 *                                             state right every time
 *   bench idle <seconds>                      budget: CPU <= 10 ms, 0 wake-ups
 *   bench others <writes>                     budget: 0 wake-ups for writes
 *                                             under other services' keys
 *   bench soak <changes>                      budget: handles +-1, private
 *                                             bytes +-64 KiB
 *   bench eventcost <calls>                   ReportEventW with the real source
 *
 * --smoke: timing budgets are reported but do not fail the run (tiny counts
 * measure nothing); correctness (every change seen, final state right)
 * always does. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchshm.h"
#include "check/checks.h"
#include "engine/engine.h"
#include "engine/sinks.h"
#include "procstat.h"
#include "readers/regread.h"
#include "winutil.h"

static int smoke;
static int failed_budget, failed_check;
static LARGE_INTEGER freq;

static LONG64 qpc(void)
{
    LARGE_INTEGER t;

    QueryPerformanceCounter(&t);
    return t.QuadPart;
}

static double ms(LONG64 ticks)
{
    return (double)ticks * 1000.0 / (double)freq.QuadPart;
}

/* A target the benchmark measures but does not fail on. */
static void goal(int met, const char *what)
{
    printf("  goal %s: %s\n", what, met ? "met" : "not met (not judged)");
}

static void budget(int held, const char *what)
{
    printf("  budget %s: %s\n", what, held ? "held" : (smoke ? "missed (smoke run: not judged)" : "MISSED"));
    if (!held && !smoke)
        failed_budget = 1;
}

static void verify(int ok, const char *what)
{
    printf("  check %s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        failed_check = 1;
}

/* --- registry setup ------------------------------------------------------ */

static void set_dword(const WCHAR *key, const WCHAR *name, DWORD v)
{
    HKEY k;

    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0,
                        KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k, NULL) == 0) {
        RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof v);
        RegCloseKey(k);
    }
}

#define PARAMS L"System\\CurrentControlSet\\Services\\ExchPortGuard\\Parameters"

/* ListenerCheckMinutes for the next bench_start: the latency benchmark runs
 * with the listener check on (the default, 5: the TCP table is read at most
 * once a second on registry changes), the idle one with it off, which is
 * when the budget of 0 wake-ups applies (docs/performance.md). */
static DWORD listener_minutes = 5;

static void setup_registry(DWORD coalesce_ms)
{
    set_dword(PARAMS, L"CoalesceMilliseconds", coalesce_ms);
    set_dword(PARAMS, L"ListenerCheckMinutes", listener_minutes);
    set_dword(PARAMS, L"MaxEventsPerMinute", 0);     /* measure, not limit */
    set_dword(PARAMS, L"CheckDynamicRange", 0);
    set_dword(BENCH_KEY, BENCH_PARTNER, BENCH_PORT_CONFLICT);
    set_dword(BENCH_KEY, BENCH_VALUE, BENCH_PORT_CLEAR);
}

/* --- the recording sink -------------------------------------------------- */

typedef struct recorder {
    bench_shared *sh;       /* latency: match events to writes */
    HANDLE ack;
    volatile LONG matched;
    LONG64 latency[BENCH_MAX_SAMPLES];
    volatile LONG64 events;
    volatile LONG conflict;  /* the IS pair: 1 after 1100, 0 after 1101 */
} recorder;

static void record(void *ctx, const epg_event *e)
{
    recorder *r = ctx;
    LONG64 now = qpc();

    InterlockedIncrement64(&r->events);
    if (e->def->id == EPG_EV_CONFLICT)
        InterlockedExchange(&r->conflict, 1);
    else if (e->def->id == EPG_EV_CONFLICT_CLEARED)
        InterlockedExchange(&r->conflict, 0);
    if (r->sh) {
        /* Change i sets the conflict when i is even and clears it when odd:
         * only the matching event counts, so a late second event of the
         * previous change (1103 after 1101) is never taken for this one. */
        LONG idx = r->sh->written - 1;
        int want = idx % 2 == 0 ? EPG_EV_CONFLICT : EPG_EV_CONFLICT_CLEARED;
        if (idx >= 0 && idx >= r->matched && idx < BENCH_MAX_SAMPLES &&
            e->def->id == want) {
            r->latency[idx] = now - r->sh->write_qpc[idx];
            InterlockedExchange(&r->matched, idx + 1);
            SetEvent(r->ack);
        }
    }
}

/* --- the engine and the writer ------------------------------------------ */

typedef struct bench {
    engine_config cfg;
    engine_stats stats;
    recorder rec;
    HANDLE thread;
    HANDLE map;
    bench_shared *sh;
} bench;

static int bench_start(bench *b, DWORD coalesce_ms)
{
    WCHAR name[64];
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, NULL);

    memset(b, 0, sizeof *b);
    setup_registry(coalesce_ms);
    _snwprintf(name, 64, BENCH_SHM_FMT, (unsigned long)GetCurrentProcessId());
    b->map = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                sizeof(bench_shared), name);
    b->sh = b->map ? MapViewOfFile(b->map, FILE_MAP_ALL_ACCESS, 0, 0, 0) : NULL;
    _snwprintf(name, 64, BENCH_ACK_FMT, (unsigned long)GetCurrentProcessId());
    b->rec.ack = CreateEventW(NULL, FALSE, FALSE, name);
    if (!b->sh || !b->rec.ack || !ready) {
        fprintf(stderr, "bench: setup failed (%lu)\n", GetLastError());
        return -1;
    }
    b->cfg.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    b->cfg.ready = ready;
    b->cfg.stats = &b->stats;
    b->cfg.version = "bench";
    b->cfg.sink.fn = record;
    b->cfg.sink.ctx = &b->rec;
    b->thread = engine_start(&b->cfg);
    if (!b->thread || WaitForSingleObject(ready, 30000) != WAIT_OBJECT_0) {
        fprintf(stderr, "bench: the engine did not start\n");
        return -1;
    }
    CloseHandle(ready);
    b->cfg.ready = NULL;
    return 0;
}

static void bench_stop(bench *b)
{
    SetEvent(b->cfg.stop);
    WaitForSingleObject(b->thread, 10000);
    CloseHandle(b->thread);
    CloseHandle(b->cfg.stop);
    CloseHandle(b->rec.ack);
    UnmapViewOfFile(b->sh);
    CloseHandle(b->map);
}

/* Waits until the engine has run no check for quiet_ms. */
static void settle(bench *b, DWORD quiet_ms)
{
    LONG64 last = -1;
    DWORD still = 0;

    while (still < quiet_ms) {
        LONG64 now = b->stats.checks;
        if (now == last) {
            still += 50;
        } else {
            still = 0;
            last = now;
        }
        Sleep(50);
    }
}

/* Runs bench_writer.exe (next to this exe) and waits for it. */
static int run_writer(const WCHAR *args)
{
    WCHAR path[MAX_PATH], cmd[1024], *slash;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 1;

    GetModuleFileNameW(NULL, path, MAX_PATH);
    slash = wcsrchr(path, L'\\');
    if (slash)
        slash[1] = L'\0';
    _snwprintf(cmd, 1024, L"\"%lsbench_writer.exe\" %ls", path, args);
    cmd[1023] = L'\0';
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "bench: cannot start bench_writer (%lu)\n", GetLastError());
        return -1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return (int)code;
}

static int cmp_ll(const void *a, const void *b)
{
    LONG64 x = *(const LONG64 *)a, y = *(const LONG64 *)b;

    return x < y ? -1 : x > y;
}

static LONG64 percentile(LONG64 *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);

    return n ? sorted[i < n ? i : n - 1] : 0;
}

static double cpu_ms(HANDLE h, int thread)
{
    FILETIME c, e, k, u;
    ULARGE_INTEGER kk, uu;

    if (!(thread ? GetThreadTimes(h, &c, &e, &k, &u) : GetProcessTimes(h, &c, &e, &k, &u)))
        return -1;
    kk.LowPart = k.dwLowDateTime;
    kk.HighPart = k.dwHighDateTime;
    uu.LowPart = u.dwLowDateTime;
    uu.HighPart = u.dwHighDateTime;
    return (double)(kk.QuadPart + uu.QuadPart) / 10000.0;
}

/* --- latency --------------------------------------------------------------- */

typedef struct poller {
    HANDLE stop;
    LONG64 times[4096];
    int verdict[4096];      /* 1: conflict seen */
    volatile LONG n;
} poller;

/* The floors: threads waiting on RegNotifyChangeKeyValue for the same key,
 * measured in the same run on the same writes.
 *   bare  does nothing after it wakes but note the time: nothing that is
 *         told of a registry change by the system can be faster;
 *   job   wakes, re-arms its watch and reads the changed key's watched
 *         values through its handle, then notes the time: the least any
 *         correct watcher does (it must re-arm, or miss the next change,
 *         and must read, or know nothing of this one).
 * The engine is judged by its distance to both. */
typedef struct floor_waiter {
    bench_shared *sh;
    HANDLE stop;
    int count;
    int job;                /* 0: bare, 1: wake, re-arm, read */
    LONG64 latency[BENCH_MAX_SAMPLES];
    volatile LONG seen;
} floor_waiter;

/* The job floor's read: every catalogue value of the bench's key. */
static void read_watched_values(HKEY key)
{
    size_t v;
    epg_reading r;

    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        if (epg_value_key(v) != EPG_K_IS)
            continue;
        memset(&r, 0, sizeof r);
        regread_value(key, epg_values[v].name, &r);
        epg_reading_free(&r);
    }
}

static DWORD WINAPI floor_thread(LPVOID arg)
{
    floor_waiter *f = arg;
    HKEY key;
    HANDLE ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    HANDLE hs[2];
    int armed = 0;

    if (!ev || RegOpenKeyExW(HKEY_LOCAL_MACHINE, BENCH_KEY, 0,
                             KEY_NOTIFY | KEY_QUERY_VALUE | KEY_WOW64_64KEY,
                             &key) != ERROR_SUCCESS)
        return 1;
    hs[0] = f->stop;
    hs[1] = ev;
    for (;;) {
        LONG idx;
        if (!armed && RegNotifyChangeKeyValue(key, FALSE, REG_NOTIFY_CHANGE_LAST_SET, ev, TRUE))
            break;
        armed = 0;
        if (WaitForMultipleObjects(2, hs, FALSE, INFINITE) != WAIT_OBJECT_0 + 1)
            break;
        idx = f->sh->written - 1;
        if (f->job) {
            if (RegNotifyChangeKeyValue(key, FALSE, REG_NOTIFY_CHANGE_LAST_SET, ev, TRUE))
                break;
            armed = 1;
            read_watched_values(key);
        }
        if (idx >= 0 && idx < f->count && !f->latency[idx]) {
            f->latency[idx] = qpc() - f->sh->write_qpc[idx];
            InterlockedIncrement(&f->seen);
        }
    }
    RegCloseKey(key);
    CloseHandle(ev);
    return 0;
}

/* p50, p99 and max of a waiter's latencies over the changes it saw. */
static void floor_stats(floor_waiter *f, double *p50, double *p99, double *max)
{
    qsort(f->latency, (size_t)f->count, sizeof *f->latency, cmp_ll);
    *p50 = ms(percentile(f->latency + (f->count - f->seen), (size_t)f->seen, 0.50));
    *p99 = ms(percentile(f->latency + (f->count - f->seen), (size_t)f->seen, 0.99));
    *max = ms(f->latency[f->count - 1]);
}

/* What registry-polling monitors do: read everything once a second. */
static DWORD WINAPI poll_thread(LPVOID arg)
{
    poller *p = arg;
    epg_snapshot s;
    epg_evaluation ev;

    epg_snapshot_init(&s);
    epg_evaluation_init(&ev);
    while (WaitForSingleObject(p->stop, 1000) == WAIT_TIMEOUT && p->n < 4096) {
        regread_snapshot(&s);
        epg_evaluate(&s, &ev);
        p->times[p->n] = qpc();
        p->verdict[p->n] = epg_set_count_rule(&ev.findings, EPG_RULE_CONFLICT) > 0;
        InterlockedIncrement(&p->n);
    }
    epg_evaluation_free(&ev);
    epg_snapshot_free(&s);
    return 0;
}

static int mode_latency(int count, int slow)
{
    bench b;
    poller *p = calloc(1, sizeof *p);
    HANDLE pt;
    WCHAR args[128];
    LONG64 *fast = malloc(sizeof(LONG64) * (size_t)(count > 0 ? count : 1));
    LONG64 eng_slow[4096], poll_slow[4096];
    floor_waiter *fl = calloc(1, sizeof *fl), *jf = calloc(1, sizeof *jf);
    HANDLE ft, jt;
    double e50, e99, emax, f50, f99, fmax, ratio, j50, j99, jmax, jratio;
    int i, lost = 0, n_slow = 0, rc;

    if (!p || !fast || !fl || !jf || bench_start(&b, 0))
        return 1;
    b.rec.sh = b.sh;
    p->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    fl->sh = b.sh;
    fl->stop = p->stop;
    fl->count = count;
    *jf = *fl;
    jf->job = 1;
    ft = CreateThread(NULL, 0, floor_thread, fl, 0, NULL);
    jt = CreateThread(NULL, 0, floor_thread, jf, 0, NULL);
    pt = CreateThread(NULL, 0, poll_thread, p, 0, NULL);
    _snwprintf(args, 128, L"latency %lu %d 2 %d 1000", (unsigned long)GetCurrentProcessId(),
               count, slow);
    rc = run_writer(args);
    settle(&b, 300);
    SetEvent(p->stop);
    WaitForSingleObject(pt, INFINITE);
    WaitForSingleObject(ft, INFINITE);
    WaitForSingleObject(jt, INFINITE);
    CloseHandle(pt);
    CloseHandle(ft);
    CloseHandle(jt);
    verify(rc == 0, "the writer finished");
    for (i = 0; i < count + slow; i++) {
        if (i >= b.rec.matched || b.rec.latency[i] <= 0) {
            if (lost++ < 5)
                printf("  change %d did not reach the sink (matched %ld)\n", i,
                       (long)b.rec.matched);
        }
    }
    verify(lost == 0, "every change reached the sink");
    for (i = 0; i < count; i++)
        fast[i] = b.rec.latency[i];
    qsort(fast, (size_t)count, sizeof *fast, cmp_ll);
    /* The floor waiter re-arms after each signal; on a loaded machine a
     * write can land before it has, and that change is not its to time.
     * Its percentiles are over the changes it saw, which must be most. */
    verify(fl->seen * 10 >= count * 9, "the floor waiter saw at least 90% of the changes");
    verify(jf->seen * 10 >= count * 9, "the job floor waiter saw at least 90% of the changes");
    e50 = ms(percentile(fast, (size_t)count, 0.50));
    e99 = ms(percentile(fast, (size_t)count, 0.99));
    emax = ms(fast[count - 1]);
    floor_stats(fl, &f50, &f99, &fmax);
    floor_stats(jf, &j50, &j99, &jmax);
    ratio = f50 > 0 ? e50 / f50 : 0;
    jratio = j50 > 0 ? e50 / j50 : 0;
    printf("latency: %d isolated changes, write -> event in the sink:\n"
           "  p50 %.3f ms, p99 %.3f ms, max %.3f ms\n"
           "  floor (a bare RegNotifyChangeKeyValue waiter, same writes, %ld seen): "
           "p50 %.3f ms, p99 %.3f ms, max %.3f ms\n"
           "  job floor (wakes, re-arms, reads the key's watched values; same writes, %ld "
           "seen): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n"
           "  engine p50 / floor p50: %.1f\n  engine p50 / job floor p50: %.1f\n"
           "  engine p99 / job floor p99: %.1f\n",
           count, e50, e99, emax, (long)fl->seen, f50, f99, fmax, (long)jf->seen, j50, j99,
           jmax, ratio, jratio, j99 > 0 ? e99 / j99 : 0);
    budget(e99 <= 1.0, "p99 <= 1 ms");
    budget(f50 > 0 && ratio <= 10.0, "engine p50 <= 10 x floor p50");
    /* Closer to the floors: goals this machine does not reach under Wine
     * (docs/performance.md, "Where a change's time goes" says why), so
     * reported in every run but not judged. */
    goal(f50 > 0 && ratio <= 3.0, "engine p50 <= 3 x floor p50");
    /* The job floor's goals mean something only on a quiet machine: the
     * bare floor's p50 under 60 us (issue 25). */
    if (f50 > 0 && f50 < 0.060) {
        goal(jratio <= 1.5, "engine p50 <= 1.5 x job floor p50");
        goal(j99 > 0 && e99 <= 2.0 * j99, "engine p99 <= 2 x job floor p99");
    } else {
        printf("  job floor goals not judged: the machine is not quiet (bare floor p50 "
               "%.3f ms, not under 0.060 ms)\n", f50);
    }
    goal(e99 <= 0.5, "p99 <= 0.5 ms");
    goal(emax <= 5.0, "max <= 5 ms");
    goal(emax <= fmax + 5.0, "engine max <= floor max + 5 ms");
    printf("RESULT latency_floor changes=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
           "floor_p50_ms=%.3f floor_p99_ms=%.3f floor_max_ms=%.3f ratio=%.2f "
           "job_p50_ms=%.3f job_p99_ms=%.3f job_ratio=%.2f\n", count, e50, e99, emax, f50,
           f99, fmax, ratio, j50, j99, jratio);

    /* The slow changes: the poller's first poll after the write that saw
     * the written state, against the engine's latency for the same change. */
    for (i = count; i < count + slow; i++) {
        LONG64 w = b.sh->write_qpc[i];
        int want = (i % 2) == 0, j;
        for (j = 0; j < p->n; j++) {
            if (p->times[j] >= w && p->verdict[j] == want) {
                poll_slow[n_slow] = p->times[j] - w;
                eng_slow[n_slow] = b.rec.latency[i];
                n_slow++;
                break;
            }
        }
    }
    verify(n_slow == slow, "the 1 Hz poller saw every slow change");
    if (n_slow) {
        double pm, em;
        qsort(poll_slow, (size_t)n_slow, sizeof *poll_slow, cmp_ll);
        qsort(eng_slow, (size_t)n_slow, sizeof *eng_slow, cmp_ll);
        pm = ms(percentile(poll_slow, (size_t)n_slow, 0.5));
        em = ms(percentile(eng_slow, (size_t)n_slow, 0.5));
        printf("  on the same %d changes, a poller reading once a second: median %.1f ms,\n"
               "  the engine: median %.3f ms; ratio of medians %.0fx\n", n_slow, pm, em,
               em > 0 ? pm / em : 0.0);
        printf("RESULT latency changes=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f "
               "poller_changes=%d poller_median_ms=%.1f engine_median_ms=%.3f ratio=%.0f\n",
               count, ms(percentile(fast, (size_t)count, 0.50)),
               ms(percentile(fast, (size_t)count, 0.99)), ms(fast[count - 1]), n_slow,
               pm, em, em > 0 ? pm / em : 0.0);
    }
    bench_stop(&b);
    free(fast);
    free(fl);
    free(jf);
    free(p);
    return 0;
}

/* --- storm ------------------------------------------------------------------ */

static int mode_storm(int writes, int reps)
{
    bench b;
    int rep, right = 0;
    DWORD window = 200;
    double worst_ratio = 0, total_cpu = 0;
    LONG64 total_checks = 0, total_events = 0;
    int held_checks = 1, held_events = 1;

    if (bench_start(&b, window))
        return 1;
    settle(&b, 500);
    for (rep = 0; rep < reps; rep++) {
        WCHAR args[128];
        const WCHAR *end = rep % 2 ? L"clear" : L"conflict";
        LONG64 c0 = b.stats.checks, e0 = b.rec.events;
        double cpu0 = cpu_ms(GetCurrentProcess(), 0), dur, cpu;
        LONG64 checks, events;
        int rc;

        b.sh->written = 0;
        _snwprintf(args, 128, L"storm %lu %d %ls", (unsigned long)GetCurrentProcessId(),
                   writes, end);
        rc = run_writer(args);
        settle(&b, window + 400);
        dur = ms(b.sh->last_qpc - b.sh->first_qpc);
        checks = b.stats.checks - c0;
        events = b.rec.events - e0;
        cpu = cpu_ms(GetCurrentProcess(), 0) - cpu0;
        total_checks += checks;
        total_events += events;
        total_cpu += cpu;
        if ((double)checks > dur / window + 2)
            held_checks = 0;
        if (events > 2 * checks)
            held_events = 0;
        if (dur > 0 && checks / (dur / window + 2) > worst_ratio)
            worst_ratio = checks / (dur / window + 2);
        right += rc == 0 && b.rec.conflict == (rep % 2 ? 0 : 1);
        printf("storm %2d: %d writes in %.0f ms, %lld checks (budget %.1f), %lld events, "
               "CPU %.0f ms, final state %s\n", rep + 1, writes, dur, (long long)checks,
               dur / window + 2, (long long)events, cpu,
               b.rec.conflict == (rep % 2 ? 0 : 1) ? "right" : "WRONG");
    }
    budget(held_checks, "checks <= duration / CoalesceMilliseconds + 2, every repetition");
    budget(held_events, "events <= 2 per check");
    verify(right == reps, "final state reported correctly every time");
    printf("  final state right in %d of %d\n", right, reps);
    printf("RESULT storm writes=%d reps=%d checks=%lld events=%lld cpu_ms=%.0f "
           "right=%d worst_check_budget_use=%.2f\n", writes, reps, (long long)total_checks,
           (long long)total_events, total_cpu, right, worst_ratio);
    bench_stop(&b);
    return 0;
}

/* --- idle ------------------------------------------------------------------- */

static int mode_idle(int seconds)
{
    bench b;
    LONG64 w0, w1;
    double c0, c1;

    listener_minutes = 0;
    if (bench_start(&b, 200))
        return 1;
    settle(&b, 1000);
    w0 = b.stats.wakeups;
    c0 = cpu_ms(b.thread, 1);
    Sleep((DWORD)seconds * 1000);
    w1 = b.stats.wakeups;
    c1 = cpu_ms(b.thread, 1);
    printf("idle: %d s with nothing changing: watcher thread CPU %.3f ms, wake-ups %lld\n",
           seconds, c1 - c0, (long long)(w1 - w0));
    budget(c1 - c0 <= 10.0, "CPU <= 10 ms");
    budget(w1 == w0, "0 wake-ups");
    printf("RESULT idle seconds=%d cpu_ms=%.3f wakeups=%lld\n", seconds, c1 - c0,
           (long long)(w1 - w0));
    bench_stop(&b);
    return 0;
}

/* --- other services' writes ------------------------------------------------ */

/* Other services write under ...\Services all day; on Windows Server 2016
 * and later Services\bam\State\UserSettings\<SID> on every process start.
 * None of it may wake the engine. */
static int mode_others(int writes)
{
    static const WCHAR *const keys[] = {
        L"System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-21-1-2-3-1001",
        L"System\\CurrentControlSet\\Services\\EPGBenchOther\\Parameters",
        L"System\\CurrentControlSet\\Services\\MSExchangeIS\\Diagnostics",
    };
    HKEY h[3];
    bench b;
    LONG64 w0, w1, c0;
    int i, k;

    if (bench_start(&b, 200))
        return 1;
    for (k = 0; k < 3; k++)
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, keys[k], 0, NULL, 0,
                            KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &h[k], NULL)) {
            fprintf(stderr, "bench: cannot create %ls\n", keys[k]);
            return 1;
        }
    /* Creating the keys is a change of Services' and MSExchangeIS's
     * subkeys: let that pass first. */
    settle(&b, 1000);
    Sleep(500);
    w0 = b.stats.wakeups;
    c0 = b.stats.checks;
    for (i = 0; i < writes; i++) {
        DWORD v = (DWORD)i;
        RegSetValueExW(h[i % 3], i % 3 == 0 ? L"\\Device\\HarddiskVolume2\\x.exe" : L"Value",
                       0, REG_DWORD, (const BYTE *)&v, sizeof v);
    }
    Sleep(1000);
    w1 = b.stats.wakeups;
    printf("others: %d writes under bam\\State\\UserSettings, another service's "
           "Parameters and MSExchangeIS\\Diagnostics: engine wake-ups %lld, checks %lld\n",
           writes, (long long)(w1 - w0), (long long)(b.stats.checks - c0));
    budget(w1 == w0, "0 wake-ups");
    verify(w1 == w0, "no wake-up for writes the engine does not watch");
    printf("RESULT others writes=%d wakeups=%lld\n", writes, (long long)(w1 - w0));
    for (k = 0; k < 3; k++)
        RegCloseKey(h[k]);
    bench_stop(&b);
    return 0;
}

/* --- soak ------------------------------------------------------------------- */

static int mode_soak(int count)
{
    bench b;
    WCHAR args[128];
    long h0, h1;
    unsigned long long p0, p1;
    LONG64 c0;
    int rc, i;

    if (bench_start(&b, 0))
        return 1;
    /* Warm up: every code path once, so lazily allocated memory (the CRT,
     * Wine's registry client) is in place before the first measurement. */
    for (i = 0; i < 2; i++) {
        _snwprintf(args, 128, L"soak %lu 2000", (unsigned long)GetCurrentProcessId());
        run_writer(args);
        settle(&b, 500);
    }
    h0 = procstat_handles(GetCurrentProcessId());
    p0 = procstat_private_bytes();
    c0 = b.stats.checks;
    _snwprintf(args, 128, L"soak %lu %d", (unsigned long)GetCurrentProcessId(), count);
    rc = run_writer(args);
    settle(&b, 1000);
    h1 = procstat_handles(GetCurrentProcessId());
    p1 = procstat_private_bytes();
    verify(rc == 0, "the writer finished");
    printf("soak: %d changes (%lld checks, %lld key re-creations handled): handles %ld -> %ld, "
           "private bytes %llu -> %llu (%+lld)\n", count, (long long)(b.stats.checks - c0),
           (long long)(count / 1000), h0, h1, p0, p1, (long long)(p1 - p0));
    budget(h0 >= 0 && labs(h1 - h0) <= 1, "handles equal within 1");
    budget(p1 <= p0 + 65536 && p0 <= p1 + 65536, "private bytes equal within 64 KiB");
    printf("RESULT soak changes=%d checks=%lld handles_before=%ld handles_after=%ld "
           "private_before=%llu private_after=%llu\n", count,
           (long long)(b.stats.checks - c0), h0, h1, p0, p1);
    bench_stop(&b);
    return 0;
}

/* --- event cost --------------------------------------------------------------- */

static int mode_eventcost(int calls)
{
    HANDLE src = RegisterEventSourceW(NULL, L"ExchPortGuard");
    const WCHAR *strings[5] = {
        L"6001",
        L"HKLM\\System\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\Rpc/HTTP Port",
        L"Information Store port for RPC over HTTP",
        L"HKLM\\System\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\TCP/IP Port",
        L"Information Store TCP/IP port"
    };
    LONG64 *t = malloc(sizeof(LONG64) * (size_t)calls);
    int i, failures = 0;

    if (!src || !t) {
        fprintf(stderr, "bench: RegisterEventSource failed (%lu)\n", GetLastError());
        return 1;
    }
    for (i = 0; i < calls; i++) {
        LONG64 a = qpc();
        if (!ReportEventW(src, EVENTLOG_ERROR_TYPE, EPG_CAT_CONFLICT,
                          (3u << 30) | EPG_EV_CONFLICT, NULL, 5, 0, strings, NULL))
            failures++;
        t[i] = qpc() - a;
    }
    DeregisterEventSource(src);
    qsort(t, (size_t)calls, sizeof *t, cmp_ll);
    printf("eventcost: %d ReportEventW calls (event 1100, 5 strings, source ExchPortGuard): "
           "median %.1f us, p99 %.1f us, %d failed\n", calls,
           ms(percentile(t, (size_t)calls, 0.5)) * 1000,
           ms(percentile(t, (size_t)calls, 0.99)) * 1000, failures);
    verify(failures == 0, "every ReportEventW succeeded");
    printf("RESULT eventcost calls=%d median_us=%.1f p99_us=%.1f\n", calls,
           ms(percentile(t, (size_t)calls, 0.5)) * 1000,
           ms(percentile(t, (size_t)calls, 0.99)) * 1000);
    free(t);
    return 0;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    int i, rc = 2;
    const WCHAR *mode = NULL;
    int n[2] = { 0, 0 }, nn = 0;

    QueryPerformanceFrequency(&freq);
    for (i = 1; i < argc; i++) {
        if (!wcscmp(argv[i], L"--smoke"))
            smoke = 1;
        else if (!mode)
            mode = argv[i];
        else if (nn < 2)
            n[nn++] = _wtoi(argv[i]);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!mode) {
        fprintf(stderr, "usage: bench [--smoke] latency|storm|idle|others|soak|eventcost N [M]\n");
        return 2;
    }
    if (!wcscmp(mode, L"latency") && n[0] > 0 && n[0] + n[1] <= BENCH_MAX_SAMPLES)
        rc = mode_latency(n[0], n[1]);
    else if (!wcscmp(mode, L"storm") && n[0] > 0 && n[1] > 0)
        rc = mode_storm(n[0], n[1]);
    else if (!wcscmp(mode, L"idle") && n[0] > 0)
        rc = mode_idle(n[0]);
    else if (!wcscmp(mode, L"others") && n[0] > 0)
        rc = mode_others(n[0]);
    else if (!wcscmp(mode, L"soak") && n[0] > 0)
        rc = mode_soak(n[0]);
    else if (!wcscmp(mode, L"eventcost") && n[0] > 0)
        rc = mode_eventcost(n[0]);
    else
        fprintf(stderr, "bench: bad arguments\n");
    if (rc)
        return rc;
    return failed_check ? 1 : failed_budget ? 3 : 0;
}
