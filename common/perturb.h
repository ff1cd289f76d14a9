/* Schedule perturbation: a test-only build (CMake option EPG_PERTURB, preset
 * win64-perturb) that adds seeded random delays wherever the order of events
 * matters to the service: after each wake-up, around each re-arm, between
 * value reads, before the evaluation, before publishing and before each event
 * is written, and in the watcher's resolve and widen paths.  Under Wine every
 * registry call is a wineserver round trip; on Windows the same calls are
 * system calls of a few microseconds.  Delays drawn at random at those points
 * make the interleavings of the engine, the watcher and a writer that either
 * speed would produce, so a test that passes only at Wine's speed fails here
 * (issue 25, docs/monitor.md "Any speed").
 *
 * In every other build EPG_PERTURB_POINT is nothing at all: no call, no
 * string, no table (tests/contract/check_test_code.py proves the release
 * binaries hold none of it).
 *
 * The seed comes from the environment (EPG_PERTURB_SEED, decimal), or from
 * the clock when it is unset; either way the engine says it when it starts
 * ("exchportguard: schedule perturbation seed N", service/engine/
 * perturb_wait.c), so a failing run can be replayed.  A point's n-th visit draws
 * its delay from (seed, point, n) alone, so the same seed gives the same
 * choices at each point however the visits of the others interleave. */
#ifndef EPG_PERTURB_H
#define EPG_PERTURB_H

#ifdef EPG_PERTURB

/* What a point does: nothing, give up the processor, or wait `us`
 * microseconds (busy below a millisecond, asleep above: Sleep's granularity
 * is a millisecond or more). */
typedef enum { EPG_PERTURB_NONE, EPG_PERTURB_YIELD, EPG_PERTURB_WAIT } epg_perturb_kind;

typedef struct epg_perturb_choice {
    epg_perturb_kind kind;
    unsigned long us;
} epg_perturb_choice;

/* The delay itself is the shell's (Sleep, SwitchToThread, a spin on the
 * performance counter): set once before the first point, NULL does nothing. */
extern void (*epg_perturb_wait)(const epg_perturb_choice *c);

/* The mix of issue 25: none 40%, a yield 20%, 10 us-2 ms 39%, and 1% a
 * long stall of 20-50 ms.  Pure: the unit tests check the mix. */
epg_perturb_choice epg_perturb_choose(unsigned long long seed, const char *point,
                                      unsigned long visit);

/* The seed in use (read from the environment on first use).  The shell
 * says it (EPG_PERTURB_ANNOUNCE) when it installs its delay. */
#define EPG_PERTURB_ANNOUNCE "exchportguard: schedule perturbation seed "

unsigned long long epg_perturb_seed(void);

/* One point: counts the visit, draws, delays. */
void epg_perturb_at(const char *point);

#define EPG_PERTURB_POINT(point) epg_perturb_at(point)

#else

#define EPG_PERTURB_POINT(point) ((void)0)

#endif

#endif
