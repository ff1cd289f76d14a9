/* The start-pending decisions (common/monitor/startwatch.c): the checkpoint
 * rises only at milestones, and the whole start is bounded. */
#include "monitor/startwatch.h"
#include "tinytest.h"

static void quiet_without_progress(void)
{
    epg_start_watch w;
    uint64_t t;

    epg_start_watch_init(&w, 1000, 60000);
    /* Ticks every 500 ms without a milestone: nothing to report, however
     * long, until the bound. */
    for (t = 1000; t < 61000; t += 500)
        CHECK_INT(epg_start_watch_tick(&w, 0, t), EPG_START_QUIET);
    CHECK_INT(epg_start_watch_tick(&w, 0, 61000), EPG_START_GIVE_UP);
}

static void progress_once_per_milestone(void)
{
    epg_start_watch w;

    epg_start_watch_init(&w, 0, 60000);
    CHECK_INT(epg_start_watch_tick(&w, 1, 500), EPG_START_PROGRESS);
    CHECK_INT(epg_start_watch_tick(&w, 1, 1000), EPG_START_QUIET);
    CHECK_INT(epg_start_watch_tick(&w, 3, 1500), EPG_START_PROGRESS);
    CHECK_INT(epg_start_watch_tick(&w, 3, 2000), EPG_START_QUIET);
}

static void bound_beats_progress(void)
{
    epg_start_watch w;

    epg_start_watch_init(&w, 5000, 60000);
    CHECK_INT(epg_start_watch_tick(&w, 1, 64999), EPG_START_PROGRESS);
    CHECK_INT(epg_start_watch_tick(&w, 2, 65000), EPG_START_GIVE_UP);
}

int main(void)
{
    RUN(quiet_without_progress);
    RUN(progress_once_per_milestone);
    RUN(bound_beats_progress);
    return tt_summary("test_startwatch");
}
