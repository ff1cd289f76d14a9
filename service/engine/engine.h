/* The engine: one persistent thread that watches the keys, coalesces
 * changes into checks, and writes one event per transition.  The service,
 * "exchportguard run" and the benchmarks all run exactly this code; they
 * differ only in where events go and who sets the stop event. */
#ifndef EPG_ENGINE_H
#define EPG_ENGINE_H

#include <windows.h>

#include <stdint.h>

#include "monitor/publish.h"

/* Counters, readable from another thread while the engine runs. */
typedef struct engine_stats {
    volatile LONG64 checks;     /* registry reads + evaluations */
    volatile LONG64 wakeups;    /* returns from the main wait */
    volatile LONG64 events;     /* events handed to the sink */
    volatile LONG64 suppressed; /* events held back by the flood limit */
    volatile LONG64 resolves;   /* keys (re)opened by the watcher */
} engine_stats;

typedef struct engine_config {
    HANDLE stop;                /* manual-reset; set to stop the engine */
    epg_emitter sink;
    HANDLE ready;               /* optional; set after the first check */
    engine_stats *stats;        /* optional */
    const char *version;
    /* optional; raised at each start milestone (keys armed, values read,
     * first check made), so the SCM plumbing reports real progress */
    volatile LONG *progress;
} engine_config;

/* Runs until cfg->stop is set; writes 1000 at start and 1001 at the end.
 * Returns 0, or the Win32 error that prevented starting. */
DWORD engine_run(const engine_config *cfg);

/* engine_run on a new thread; returns the thread handle or NULL. */
HANDLE engine_start(const engine_config *cfg);

#endif
