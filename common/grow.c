#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *epg_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n = *cap;
    void *p;

    if (need <= n && items)
        return items;
    if (!n)
        n = first ? first : 1;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return NULL;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return NULL;
    p = realloc(items, n * size);
    if (!p)
        return NULL;
    *cap = n;
    return p;
}
