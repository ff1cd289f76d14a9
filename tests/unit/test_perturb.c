/* The schedule perturbation's draws (common/perturb.c): the mix issue 25
 * asks for, and the same choices from the same seed.  The file is compiled
 * here with EPG_PERTURB whatever the build (tests/unit/CMakeLists.txt): it is
 * test code, and the release never links it. */
#include <stdlib.h>

#include "perturb.h"
#include "tinytest.h"

#define DRAWS 100000

static void the_mix(void)
{
    unsigned long none = 0, yield = 0, wait = 0, stall = 0, i;

    for (i = 0; i < DRAWS; i++) {
        epg_perturb_choice c = epg_perturb_choose(12345, "engine.wake", i);
        if (c.kind == EPG_PERTURB_NONE) {
            none++;
            CHECK_INT(c.us, 0);
        } else if (c.kind == EPG_PERTURB_YIELD) {
            yield++;
        } else if (c.us <= 2000) {
            wait++;
            CHECK(c.us >= 10);
        } else {
            stall++;
            CHECK(c.us >= 20000 && c.us <= 50000);
        }
    }
    /* 40% / 20% / 39% / 1%, within what 100,000 draws allow. */
    CHECK(none > 39000 && none < 41000);
    CHECK(yield > 19000 && yield < 21000);
    CHECK(wait > 38000 && wait < 40000);
    CHECK(stall > 800 && stall < 1200);
}

static void same_seed_same_choices(void)
{
    unsigned long i, differ = 0;

    for (i = 0; i < 1000; i++) {
        epg_perturb_choice a = epg_perturb_choose(7, "watcher.rearm.before", i);
        epg_perturb_choice b = epg_perturb_choose(7, "watcher.rearm.before", i);
        epg_perturb_choice c = epg_perturb_choose(8, "watcher.rearm.before", i);
        epg_perturb_choice d = epg_perturb_choose(7, "watcher.rearm.after", i);
        CHECK(a.kind == b.kind && a.us == b.us);
        differ += a.kind != c.kind || a.us != c.us;
        differ += a.kind != d.kind || a.us != d.us;
    }
    /* Another seed, or another point, draws otherwise. */
    CHECK(differ > 1000);
}

static int waits;
static void count_wait(const epg_perturb_choice *c)
{
    (void)c;
    waits++;
}

static void points_count_their_visits(void)
{
    unsigned long i, expect = 0;

    /* Without the shell's wait installed, a point does nothing at all. */
    epg_perturb_wait = NULL;
    epg_perturb_at("regread.value");
    CHECK_INT(waits, 0);
    epg_perturb_wait = count_wait;
    for (i = 0; i < 200; i++)
        expect += epg_perturb_choose(epg_perturb_seed(), "engine.evaluate", i).kind !=
                  EPG_PERTURB_NONE;
    for (i = 0; i < 200; i++)
        epg_perturb_at("engine.evaluate");
    CHECK_INT(waits, expect);
    epg_perturb_wait = NULL;
}

int main(void)
{
    RUN(the_mix);
    RUN(same_seed_same_choices);
    RUN(points_count_their_visits);
    return tt_summary("test_perturb");
}
