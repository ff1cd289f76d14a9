#include "monitor/startwatch.h"

void epg_start_watch_init(epg_start_watch *w, uint64_t now_ms, uint64_t limit_ms)
{
    w->started_ms = now_ms;
    w->limit_ms = limit_ms;
    w->seen = 0;
}

epg_start_verdict epg_start_watch_tick(epg_start_watch *w, uint32_t progress,
                                       uint64_t now_ms)
{
    /* The bound comes first: progress that never ends is no start. */
    if (now_ms - w->started_ms >= w->limit_ms)
        return EPG_START_GIVE_UP;
    if (progress != w->seen) {
        w->seen = progress;
        return EPG_START_PROGRESS;
    }
    return EPG_START_QUIET;
}
