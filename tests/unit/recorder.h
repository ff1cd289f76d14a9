/* A recording sink and a monitor under a fake clock: what the unit tests
 * drive, the same object the engine drives. */
#ifndef RECORDER_H
#define RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/monitor.h"

#define REC_MAX 4096

typedef struct rec {
    size_t n;
    uint16_t id[REC_MAX];
    size_t nstrings[REC_MAX];
    char *s[REC_MAX][EPG_EVENT_MAX_STRINGS];
    uint64_t at[REC_MAX];       /* the fake clock when it was written */
    const uint64_t *clock;
} rec;

void rec_emit(void *ctx, const epg_event *e);
void rec_reset(rec *r);
size_t rec_count(const rec *r, uint16_t id);
/* Index of the last event with this id, or -1. */
long rec_last(const rec *r, uint16_t id);
/* The IDs as "1000 1100 1103", for failure messages. */
const char *rec_ids(const rec *r);

/* A monitor writing into a recorder, with a fake clock. */
typedef struct world {
    epg_monitor m;
    epg_snapshot *snap;
    rec *r;
    uint64_t now;
    int64_t wall;
} world;

/* Every key present, nothing set, CheckDynamicRange off unless range. */
void world_init(world *w, rec *r, int range);
void world_free(world *w);
/* One check of the snapshot as it stands (the shell read everything). */
void world_check(world *w);
/* Time passes to t: ticks at every deadline on the way, checking the keys
 * the monitor asks for. */
void world_run_to(world *w, uint64_t t);
/* A change of every key notified at the current time. */
void world_change(world *w);

#endif
