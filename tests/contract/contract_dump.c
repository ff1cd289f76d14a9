/* Prints the core's event contract table for tests/contract: one line per
 * event "event<TAB>id<TAB>level<TAB>category<TAB>strings<TAB>symbol<TAB>names" and one
 * per category "category<TAB>number<TAB>name". */
#include <stdio.h>

#include "events.h"

int main(void)
{
    size_t i;
    unsigned c;

    for (i = 0; i < epg_event_def_count; i++) {
        const epg_event_def *d = &epg_event_defs[i];
        printf("event\t%u\t%s\t%u\t%u\t%s\t%s\n", (unsigned)d->id,
               epg_level_name(d->level), (unsigned)d->category, (unsigned)d->nstrings,
               d->symbol, d->params);
    }
    for (c = 1; c <= EPG_CATEGORY_COUNT; c++)
        printf("category\t%u\t%s\n", c, epg_category_name((uint16_t)c));
    return 0;
}
