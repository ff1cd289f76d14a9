/* The delays of the schedule-perturbed build (common/perturb.h); compiled
 * only into it (service/CMakeLists.txt, option EPG_PERTURB). */
#include "engine/perturb_wait.h"

#include <windows.h>

#include <stdio.h>

#include "perturb.h"

static void wait_win32(const epg_perturb_choice *c)
{
    LARGE_INTEGER f, t0, t;

    if (c->kind == EPG_PERTURB_YIELD) {
        /* Another ready thread of this processor runs, if there is one
         * (the writer, on a two-core machine often is). */
        SwitchToThread();
        return;
    }
    if (c->us >= 1000) {
        Sleep((DWORD)(c->us / 1000));
        return;
    }
    /* Below Sleep's granularity: a busy wait, as a slow system call is. */
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    do
        QueryPerformanceCounter(&t);
    while ((double)(t.QuadPart - t0.QuadPart) * 1e6 / (double)f.QuadPart < (double)c->us);
}

/* Says the seed where a tester finds it: a debugger's output (DebugView on
 * Windows; under Wine the "debugstr" channel, which the end-to-end tests'
 * session log records, tests/wine/winetest.py) and stderr, for `run`.  A
 * service has no console, so stderr alone would say it to nobody. */
static void announce(unsigned long long seed)
{
    char line[96];

    snprintf(line, sizeof line, EPG_PERTURB_ANNOUNCE "%llu\n", seed);
    OutputDebugStringA(line);
    fputs(line, stderr);
    fflush(stderr);
}

void perturb_install(void)
{
    announce(epg_perturb_seed());
    epg_perturb_wait = wait_win32;
}
