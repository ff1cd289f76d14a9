/* Schedule perturbation (perturb.h).  Compiled only into the EPG_PERTURB
 * build: CMake leaves this file out of every other, and a build that takes
 * every file of common/ (tests/wine/winetest.py's native_cli) gets nothing
 * from it. */
#include "perturb.h"

#ifndef EPG_PERTURB
typedef int epg_perturb_not_built;  /* ISO C: a translation unit declares something */
#else

#include <stdlib.h>
#include <time.h>

void (*epg_perturb_wait)(const epg_perturb_choice *c);

static unsigned long long mix64(unsigned long long z)
{
    /* splitmix64's finaliser: every input bit reaches every output bit. */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned long long name_hash(const char *s)
{
    unsigned long long h = 0xcbf29ce484222325ULL;    /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

epg_perturb_choice epg_perturb_choose(unsigned long long seed, const char *point,
                                      unsigned long visit)
{
    unsigned long long r = mix64(seed ^ mix64(name_hash(point) + visit));
    unsigned long pick = (unsigned long)(r % 1000u), span = (unsigned long)(r >> 32);
    epg_perturb_choice c;

    c.us = 0;
    if (pick < 400) {
        c.kind = EPG_PERTURB_NONE;
    } else if (pick < 600) {
        c.kind = EPG_PERTURB_YIELD;
    } else if (pick < 990) {
        c.kind = EPG_PERTURB_WAIT;
        c.us = 10 + span % 1991;            /* 10 us - 2 ms */
    } else {
        c.kind = EPG_PERTURB_WAIT;
        c.us = 20000 + span % 30001;        /* 20-50 ms, rarely */
    }
    return c;
}

static unsigned long long seed_value;
static int seed_read;

unsigned long long epg_perturb_seed(void)
{
    if (!seed_read) {
        const char *env = getenv("EPG_PERTURB_SEED");
        char *end = NULL;
        seed_value = env && *env ? strtoull(env, &end, 10) : 0;
        if (!env || !*env || (end && *end))
            seed_value = mix64((unsigned long long)time(NULL) ^
                               ((unsigned long long)clock() << 32)) % 1000000000ULL;
        seed_read = 1;
    }
    return seed_value;
}

/* Visits per point, by the point's name.  The points are few (a few dozen
 * call sites) and visited from one thread at a time: the service's engine
 * thread, or a command's main thread, never both in one process. */
#define POINTS 128
static struct { unsigned long long hash; unsigned long visits; } points[POINTS];

static unsigned long next_visit(const char *point)
{
    unsigned long long h = name_hash(point);
    size_t i = (size_t)(h % POINTS), n;

    for (n = 0; n < POINTS; n++, i = (i + 1) % POINTS) {
        if (points[i].hash == h)
            return points[i].visits++;
        if (!points[i].hash) {
            points[i].hash = h;
            return points[i].visits++;
        }
    }
    return 0;   /* more points than the table holds: each visit counts as the first */
}

void epg_perturb_at(const char *point)
{
    epg_perturb_choice c;

    /* Only where the shell installed its delay (the engine's thread: the
     * service, `run`, the benchmarks); a command such as check passes the
     * same reader's points untouched and prints no seed. */
    if (!epg_perturb_wait)
        return;
    c = epg_perturb_choose(epg_perturb_seed(), point, next_visit(point));
    if (c.kind != EPG_PERTURB_NONE)
        epg_perturb_wait(&c);
}

#endif
