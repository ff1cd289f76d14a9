#include "monitor/coalesce.h"

void epg_coalesce_init(epg_coalescer *c, uint32_t window_ms)
{
    c->window_ms = window_ms;
    c->open = 0;
    c->pending = 0;
    c->window_start = 0;
    c->window_end = 0;
}

void epg_coalesce_set_window(epg_coalescer *c, uint32_t window_ms)
{
    c->window_ms = window_ms;
    if (c->open && c->window_start + window_ms < c->window_end)
        c->window_end = c->window_start + window_ms;
}

int epg_coalesce_change(epg_coalescer *c, uint64_t now)
{
    if (c->open && now < c->window_end) {
        c->pending = 1;
        return 0;
    }
    /* Quiet before this change (or the window has run out and its timer is
     * late): check now and open a window.  A zero window checks every
     * change and never opens one. */
    c->pending = 0;
    c->open = c->window_ms > 0;
    c->window_start = now;
    c->window_end = now + c->window_ms;
    return 1;
}

void epg_coalesce_flush(epg_coalescer *c)
{
    c->pending = 0;
}

uint64_t epg_coalesce_deadline(const epg_coalescer *c)
{
    return c->open ? c->window_end : UINT64_MAX;
}

int epg_coalesce_timer(epg_coalescer *c, uint64_t now)
{
    if (!c->open || now < c->window_end)
        return 0;
    if (!c->pending) {
        c->open = 0;
        return 0;
    }
    c->pending = 0;
    c->window_start = now;
    c->window_end = now + c->window_ms;
    return 1;
}
