#include "recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdata.h"

void rec_emit(void *ctx, const epg_event *e)
{
    rec *r = ctx;
    size_t i;

    if (r->n == REC_MAX)
        return;
    r->id[r->n] = e->def->id;
    r->nstrings[r->n] = e->nstrings;
    r->at[r->n] = r->clock ? *r->clock : 0;
    for (i = 0; i < EPG_EVENT_MAX_STRINGS; i++)
        r->s[r->n][i] = i < e->nstrings ? epg_strdup(e->strings[i]) : NULL;
    r->n++;
}

void rec_reset(rec *r)
{
    size_t i, j;

    for (i = 0; i < r->n; i++)
        for (j = 0; j < EPG_EVENT_MAX_STRINGS; j++)
            free(r->s[i][j]);
    r->n = 0;
}

size_t rec_count(const rec *r, uint16_t id)
{
    size_t i, n = 0;

    for (i = 0; i < r->n; i++)
        n += r->id[i] == id;
    return n;
}

long rec_last(const rec *r, uint16_t id)
{
    size_t i;

    for (i = r->n; i > 0; i--)
        if (r->id[i - 1] == id)
            return (long)(i - 1);
    return -1;
}

const char *rec_ids(const rec *r)
{
    static char buf[2048];
    size_t i, len = 0;

    buf[0] = '\0';
    for (i = 0; i < r->n && len + 8 < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%u", i ? " " : "",
                                (unsigned)r->id[i]);
    return buf;
}

void world_init(world *w, rec *r, int range)
{
    epg_emitter em;

    em.fn = rec_emit;
    em.ctx = r;
    epg_monitor_init(&w->m, &em);
    w->snap = epg_monitor_snapshot(&w->m);
    td_snapshot(w->snap);
    if (!range)
        td_dword(&w->snap->settings[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    w->r = r;
    w->now = 1000;
    w->wall = 1700000000;
    r->clock = &w->now;
}

void world_free(world *w)
{
    rec_reset(w->r);
    w->r->clock = NULL;
    epg_monitor_free(&w->m);
}

/* Memory never runs out here: a failure is a broken test, so it stops. */
void world_check(world *w)
{
    if (epg_monitor_checked(&w->m, w->wall, w->now) != 0) {
        fprintf(stderr, "epg_monitor_checked failed\n");
        abort();
    }
}

void world_run_to(world *w, uint64_t t)
{
    for (;;) {
        uint64_t d = epg_monitor_deadline(&w->m);
        if (d > t)
            break;
        if (d > w->now)
            w->now = d;
        if (epg_monitor_tick(&w->m, w->now))
            world_check(w);
    }
    w->now = t;
}

void world_change(world *w)
{
    if (epg_monitor_change(&w->m, epg_monitor_all_keys(), w->now))
        world_check(w);
}
