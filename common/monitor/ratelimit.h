/* The flood limit (MaxEventsPerMinute).
 *
 * A sliding window: an event is allowed when fewer than `limit` events were
 * allowed in the last 60 seconds, so no 60-second span ever holds more than
 * `limit` of them, wherever it starts.  The first refusal opens a suppression
 * episode; 60 seconds later the episode ends and the caller writes one 1400
 * (count, seconds, the limit they were counted against), then reports the
 * current state afresh.  Episodes are at least 60 s apart, so with the 1400
 * a minute holds at most limit + 1 events.  One exception: the limit lifted
 * (set to 0) ends an open episode at once, since nothing may be held back
 * any more and the operator who lifted it expects the state now, not a
 * minute later.  Time is milliseconds on a monotonic clock, supplied by the
 * caller. */
#ifndef EPG_RATELIMIT_H
#define EPG_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define EPG_RATE_WINDOW_MS 60000u
#define EPG_NO_DEADLINE UINT64_MAX

typedef struct epg_ratelimit {
    uint32_t limit;         /* 0: no limit */
    uint64_t *ring;         /* times of the last `limit` allowed events */
    size_t head, count;
    int episode;            /* a suppression episode is open */
    uint64_t episode_start;
    uint64_t episode_end;   /* when it ends: 60 s on, or its start once lifted */
    uint32_t episode_limit; /* the limit its events were counted against */
    uint32_t suppressed;
} epg_ratelimit;

void epg_ratelimit_init(epg_ratelimit *rl);
void epg_ratelimit_free(epg_ratelimit *rl);
/* Changes the limit, keeping the most recent history; 0 (no limit) also
 * makes an open episode end at once (its deadline passes).  Returns 0 or -1
 * (out of memory: the old limit stays). */
int epg_ratelimit_set_limit(epg_ratelimit *rl, uint32_t limit);
/* 1: write the event (it is counted); 0: suppress it (it is counted as
 * suppressed and an episode opens if none is open). */
int epg_ratelimit_allow(epg_ratelimit *rl, uint64_t now);
/* Whether an event could be written now, changing nothing. */
int epg_ratelimit_room(epg_ratelimit *rl, uint64_t now);
/* How many events could be written now (UINT32_MAX without a limit). */
uint32_t epg_ratelimit_room_count(epg_ratelimit *rl, uint64_t now);
/* Counts one event as suppressed, opening an episode if none is open. */
void epg_ratelimit_suppress(epg_ratelimit *rl, uint64_t now);
/* When the oldest event in the window leaves it (room for one more), or
 * EPG_NO_DEADLINE when there is room already or no limit. */
uint64_t epg_ratelimit_next_room(const epg_ratelimit *rl);
/* When the open episode ends, or EPG_NO_DEADLINE. */
uint64_t epg_ratelimit_deadline(const epg_ratelimit *rl);
/* If the episode has ended by now: returns 1 with how many events were
 * suppressed, over how many seconds and against which limit, and closes
 * it. */
int epg_ratelimit_end_episode(epg_ratelimit *rl, uint64_t now, uint32_t *suppressed,
                              uint32_t *seconds, uint32_t *limit);

#endif
