#include "monitor/ratelimit.h"

#include <stdlib.h>
#include <string.h>

void epg_ratelimit_init(epg_ratelimit *rl)
{
    memset(rl, 0, sizeof *rl);
}

void epg_ratelimit_free(epg_ratelimit *rl)
{
    free(rl->ring);
    epg_ratelimit_init(rl);
}

/* i-th oldest entry */
static uint64_t at(const epg_ratelimit *rl, size_t i)
{
    return rl->ring[(rl->head + i) % rl->limit];
}

int epg_ratelimit_set_limit(epg_ratelimit *rl, uint32_t limit)
{
    uint64_t *ring = NULL;
    size_t keep = 0, i;

    if (limit == rl->limit)
        return 0;
    if (!limit && rl->episode)
        rl->episode_end = rl->episode_start;   /* ends at the next tick */
    if (limit) {
        ring = malloc(limit * sizeof *ring);
        if (!ring)
            return -1;
        keep = rl->count < limit ? rl->count : limit;
        for (i = 0; i < keep; i++)
            ring[i] = at(rl, rl->count - keep + i);
    }
    free(rl->ring);
    rl->ring = ring;
    rl->limit = limit;
    rl->head = 0;
    rl->count = keep;
    return 0;
}

int epg_ratelimit_room(epg_ratelimit *rl, uint64_t now)
{
    if (!rl->limit)
        return 1;
    /* Forget events that left the window. */
    while (rl->count && now - at(rl, 0) >= EPG_RATE_WINDOW_MS) {
        rl->head = (rl->head + 1) % rl->limit;
        rl->count--;
    }
    return rl->count < rl->limit;
}

uint32_t epg_ratelimit_room_count(epg_ratelimit *rl, uint64_t now)
{
    if (!rl->limit)
        return UINT32_MAX;
    (void)epg_ratelimit_room(rl, now);
    return rl->limit - (uint32_t)rl->count;
}

void epg_ratelimit_suppress(epg_ratelimit *rl, uint64_t now)
{
    if (!rl->episode) {
        rl->episode = 1;
        rl->episode_start = now;
        rl->episode_end = now + EPG_RATE_WINDOW_MS;
        rl->episode_limit = rl->limit;
        rl->suppressed = 0;
    }
    rl->suppressed++;
}

int epg_ratelimit_allow(epg_ratelimit *rl, uint64_t now)
{
    if (!epg_ratelimit_room(rl, now)) {
        epg_ratelimit_suppress(rl, now);
        return 0;
    }
    if (rl->limit) {
        rl->ring[(rl->head + rl->count) % rl->limit] = now;
        rl->count++;
    }
    return 1;
}

uint64_t epg_ratelimit_next_room(const epg_ratelimit *rl)
{
    if (!rl->limit || rl->count < rl->limit)
        return EPG_NO_DEADLINE;
    return at(rl, 0) + EPG_RATE_WINDOW_MS;
}

uint64_t epg_ratelimit_deadline(const epg_ratelimit *rl)
{
    return rl->episode ? rl->episode_end : EPG_NO_DEADLINE;
}

int epg_ratelimit_end_episode(epg_ratelimit *rl, uint64_t now, uint32_t *suppressed,
                              uint32_t *seconds, uint32_t *limit)
{
    if (!rl->episode || now < epg_ratelimit_deadline(rl))
        return 0;
    *suppressed = rl->suppressed;
    *seconds = (uint32_t)((now - rl->episode_start + 500) / 1000);
    *limit = rl->episode_limit;
    rl->episode = 0;
    rl->suppressed = 0;
    return 1;
}
