/* Growing an array by doubling: the one place that does it for the core's
 * lists (findings, TCP table rows, processes, computers). */
#ifndef EPG_GROW_H
#define EPG_GROW_H

#include <stddef.h>

/* Makes room for `need` elements of `size` bytes in items, whose capacity
 * is *cap: doubles the capacity (starting at `first`) until it fits.
 * Returns the (possibly moved) array and updates *cap, or returns NULL,
 * leaving items and *cap as they were, when memory runs out or the size
 * would overflow. */
void *epg_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
