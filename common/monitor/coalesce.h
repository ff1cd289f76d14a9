/* Coalescing registry changes into checks.
 *
 * The first change after a quiet period is checked at once.  That opens a
 * window of CoalesceMilliseconds; changes inside it are folded into one check
 * when it closes, which opens the next window.  A window that closes with no
 * change in it ends the burst.  So a burst of any length costs at most
 * duration / window + 2 checks, and the last state is always checked.  No
 * timer exists between bursts. */
#ifndef EPG_COALESCE_H
#define EPG_COALESCE_H

#include <stdint.h>

typedef struct epg_coalescer {
    uint32_t window_ms;
    int open;               /* a window is running */
    int pending;            /* a change arrived inside it */
    uint64_t window_start;
    uint64_t window_end;
} epg_coalescer;

void epg_coalesce_init(epg_coalescer *c, uint32_t window_ms);
/* A new window length applies at once: a shorter one cuts the open window
 * short (an operator who lowers CoalesceMilliseconds from a minute to 200 ms
 * must not wait out the minute), a longer one applies from the next window
 * on (lengthening the open one would delay a check already promised). */
void epg_coalesce_set_window(epg_coalescer *c, uint32_t window_ms);
/* A change arrived at now; returns 1 when it must be checked now. */
int epg_coalesce_change(epg_coalescer *c, uint64_t now);
/* The folded changes were checked outside the window's rhythm (a settings
 * change read at once): nothing is pending any more. */
void epg_coalesce_flush(epg_coalescer *c);
/* When the caller must call epg_coalesce_timer, or UINT64_MAX for never. */
uint64_t epg_coalesce_deadline(const epg_coalescer *c);
/* Time passed; returns 1 when the folded changes must be checked now. */
int epg_coalesce_timer(epg_coalescer *c, uint64_t now);

#endif
