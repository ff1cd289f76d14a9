/* Prints the core's event contract table for tests/contract: one line per
 * event "event<TAB>id<TAB>level<TAB>category<TAB>strings<TAB>symbol<TAB>names" and one
 * per category "category<TAB>number<TAB>name"; and the catalogue, one line
 * per watched value "value<TAB>id<TAB>key\\name<TAB>family<TAB>default",
 * which the docs' tables must follow. */
#include <stdio.h>

#include "events/events.h"

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
    for (i = 0; i < EPG_VALUE_COUNT; i++)
        printf("value\t%s\t%s\\%s\t%s\t%u\n", epg_values[i].id,
               epg_key_path(epg_values[i].key), epg_values[i].name,
               epg_family_name(epg_values[i].family),
               (unsigned)epg_values[i].default_port);
    return 0;
}
