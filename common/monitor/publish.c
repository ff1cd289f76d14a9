#include "monitor/publish.h"

#include <stdlib.h>
#include <string.h>

void epg_publisher_init(epg_publisher *p)
{
    memset(p, 0, sizeof *p);
    epg_set_init(&p->reported);
    epg_set_init(&p->cleared);
    epg_set_init(&p->raised);
    epg_set_init(&p->owed_clear);
    epg_set_init(&p->owed_raise);
    epg_ratelimit_init(&p->rl);
    p->next_reminder = EPG_NO_DEADLINE;
}

void epg_publisher_free(epg_publisher *p)
{
    epg_set_free(&p->reported);
    epg_set_free(&p->cleared);
    epg_set_free(&p->raised);
    epg_set_free(&p->owed_clear);
    epg_set_free(&p->owed_raise);
    epg_ratelimit_free(&p->rl);
    epg_publisher_init(p);
}

static int conflicts_reported(const epg_publisher *p)
{
    return epg_set_count_rule(&p->reported, EPG_RULE_CONFLICT) > 0;
}

/* Keeps the reminder timer alive exactly while a conflict stands. */
static void schedule_reminder(epg_publisher *p, uint64_t now)
{
    if (!p->reminder_ms || !conflicts_reported(p))
        p->next_reminder = EPG_NO_DEADLINE;
    else if (p->next_reminder == EPG_NO_DEADLINE)
        p->next_reminder = now + p->reminder_ms;
}

void epg_publisher_configure(epg_publisher *p, const epg_settings *s, uint64_t now)
{
    uint32_t ms = s->value[EPG_SET_REMINDER_MINUTES] * 60000u;

    /* Out of memory keeps the old limit, which is still a limit. */
    (void)epg_ratelimit_set_limit(&p->rl, s->value[EPG_SET_MAX_EVENTS_PER_MINUTE]);
    if (ms != p->reminder_ms) {
        p->reminder_ms = ms;
        p->next_reminder = EPG_NO_DEADLINE;
    }
    schedule_reminder(p, now);
}

static void emit(epg_publisher *p, const epg_event *e, const epg_emitter *out)
{
    p->written++;
    out->fn(out->ctx, e);
}

void epg_publish_always(epg_publisher *p, const epg_event *e, const epg_emitter *out)
{
    emit(p, e, out);
}

static int owes(const epg_publisher *p)
{
    return p->owed_clear.count + p->owed_raise.count > 0;
}

/* One due transition, with the level of the event it writes (0: none). */
typedef struct transition {
    epg_finding f;
    int raise;
    int level;
} transition;

/* Clears first, then raises, each in catalogue order: a key's 1311 before
 * the findings under it. */
static int in_order(const void *x, const void *y)
{
    const transition *a = x, *b = y;

    if (a->raise != b->raise)
        return a->raise - b->raise;
    return epg_finding_cmp(&a->f, &b->f);
}

static int by_severity(const void *x, const void *y)
{
    const transition *a = x, *b = y;

    if (a->level != b->level)
        return b->level - a->level;     /* Error first */
    return in_order(x, y);
}

static int level_of(const epg_finding *f, int raise)
{
    const epg_event_def *d = epg_event_def_find(epg_rule_event(f->rule, raise));

    return d ? (int)d->level : 0;
}

static int record(epg_publisher *p, const transition *t)
{
    if (t->raise)
        return epg_set_insert(&p->reported, &t->f);
    epg_set_remove(&p->reported, &t->f);
    return 0;
}

/* Writes t now.  Returns 0 or -1 (out of memory). */
static int write_one(epg_publisher *p, const transition *t,
                     const epg_event_ctx *ctx, const epg_emitter *out)
{
    epg_event e;
    int rc = epg_event_for(&t->f, t->raise, ctx, &e);

    if (rc < 0)
        return -1;
    if (rc > 0) {
        emit(p, &e, out);
        epg_event_free(&e);
    }
    return record(p, t);
}

int epg_publish(epg_publisher *p, const epg_finding_set *cur,
                const epg_event_ctx *ctx, uint64_t now, const epg_emitter *out)
{
    size_t i, n, writes = 0;
    transition *ts;
    epg_finding_set owed_clear, owed_raise;
    int blocked, rc = 0;

    if (epg_findings_diff(&p->reported, cur, &p->cleared, &p->raised))
        return -1;
    n = p->cleared.count + p->raised.count;
    ts = malloc((n ? n : 1) * sizeof *ts);
    if (!ts)
        return -1;
    for (i = 0; i < n; i++) {
        int raise = i >= p->cleared.count;
        ts[i].f = raise ? p->raised.items[i - p->cleared.count] : p->cleared.items[i];
        ts[i].raise = raise;
        ts[i].level = level_of(&ts[i].f, raise);
        writes += ts[i].level != 0;
    }
    /* By severity at start and whenever not everything can be written
     * now; otherwise in the order a reader follows best. */
    qsort(ts, n, sizeof *ts,
          !p->published || p->rl.episode || owes(p) ||
          writes > epg_ratelimit_room_count(&p->rl, now) ? by_severity : in_order);
    p->published = 1;

    /* Owed transitions a newer check cancelled are forgotten: the new
     * owed sets hold only what is still due. */
    epg_set_init(&owed_clear);
    epg_set_init(&owed_raise);
    /* While an episode is open nothing is written, so that its 1400 comes
     * before the state it summarises. */
    blocked = p->rl.episode;
    for (i = 0; i < n && !rc; i++) {
        const transition *t = &ts[i];
        epg_finding_set *was = t->raise ? &p->owed_raise : &p->owed_clear;
        epg_finding_set *now_owed = t->raise ? &owed_raise : &owed_clear;

        if (!t->level) {            /* writes nothing: costs nothing */
            rc = record(p, t);
            continue;
        }
        if (!blocked && epg_ratelimit_room(&p->rl, now)) {
            (void)epg_ratelimit_allow(&p->rl, now);
            rc = write_one(p, t, ctx, out);
            continue;
        }
        /* Once one waits, everything after it waits: the order holds. */
        blocked = 1;
        if (!epg_set_find(was, &t->f)) {
            epg_ratelimit_suppress(&p->rl, now);
            p->suppressed_total++;
        }
        rc = epg_set_insert(now_owed, &t->f);
    }
    free(ts);
    epg_set_free(&p->owed_clear);
    epg_set_free(&p->owed_raise);
    p->owed_clear = owed_clear;
    p->owed_raise = owed_raise;
    schedule_reminder(p, now);
    return rc;
}

uint64_t epg_publisher_deadline(const epg_publisher *p)
{
    uint64_t a = epg_ratelimit_deadline(&p->rl);

    if (a == EPG_NO_DEADLINE && owes(p))
        a = epg_ratelimit_next_room(&p->rl);

    return a < p->next_reminder ? a : p->next_reminder;
}

int epg_publisher_tick(epg_publisher *p, const epg_finding_set *cur,
                       const epg_event_ctx *ctx, uint64_t now,
                       const epg_emitter *out)
{
    uint32_t count, seconds, limit;
    size_t i;

    if (epg_ratelimit_end_episode(&p->rl, now, &count, &seconds, &limit)) {
        epg_event e;
        if (epg_event_suppressed(count, seconds, limit, &e) > 0) {
            emit(p, &e, out);
            epg_event_free(&e);
        }
        if (epg_publish(p, cur, ctx, now, out))
            return -1;
    } else if (!p->rl.episode && owes(p) && now >= epg_ratelimit_next_room(&p->rl)) {
        if (epg_publish(p, cur, ctx, now, out))
            return -1;
    }
    if (p->next_reminder != EPG_NO_DEADLINE && now >= p->next_reminder) {
        for (i = 0; i < p->reported.count; i++) {
            epg_event e;
            if (p->reported.items[i].rule != EPG_RULE_CONFLICT)
                continue;
            if (!epg_ratelimit_allow(&p->rl, now)) {
                p->suppressed_total++;
                continue;
            }
            if (epg_event_reminder(&p->reported.items[i], ctx, &e) > 0) {
                emit(p, &e, out);
                epg_event_free(&e);
            }
        }
        p->next_reminder = now + p->reminder_ms;
        schedule_reminder(p, now);
    }
    return 0;
}
