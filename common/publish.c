#include "publish.h"

#include <string.h>

void epg_publisher_init(epg_publisher *p)
{
    memset(p, 0, sizeof *p);
    epg_set_init(&p->reported);
    epg_set_init(&p->cleared);
    epg_set_init(&p->raised);
    epg_ratelimit_init(&p->rl);
    p->next_reminder = EPG_NO_DEADLINE;
}

void epg_publisher_free(epg_publisher *p)
{
    epg_set_free(&p->reported);
    epg_set_free(&p->cleared);
    epg_set_free(&p->raised);
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

/* One transition: write it if the limit allows and record it as reported. */
static int transition(epg_publisher *p, const epg_finding *f, int raise,
                      const epg_event_ctx *ctx, uint64_t now,
                      const epg_emitter *out)
{
    epg_event e;
    int rc = epg_event_for(f, raise, ctx, &e);

    if (rc < 0)
        return -1;
    if (rc > 0) {
        if (!epg_ratelimit_allow(&p->rl, now)) {
            p->suppressed_total++;
            epg_event_free(&e);
            return 0;
        }
        emit(p, &e, out);
        epg_event_free(&e);
    }
    if (raise)
        return epg_set_insert(&p->reported, f);
    epg_set_remove(&p->reported, f);
    return 0;
}

int epg_publish(epg_publisher *p, const epg_finding_set *cur,
                const epg_event_ctx *ctx, uint64_t now, const epg_emitter *out)
{
    size_t i;

    if (epg_findings_diff(&p->reported, cur, &p->cleared, &p->raised))
        return -1;
    for (i = 0; i < p->cleared.count; i++)
        if (transition(p, &p->cleared.items[i], 0, ctx, now, out))
            return -1;
    for (i = 0; i < p->raised.count; i++)
        if (transition(p, &p->raised.items[i], 1, ctx, now, out))
            return -1;
    schedule_reminder(p, now);
    return 0;
}

uint64_t epg_publisher_deadline(const epg_publisher *p)
{
    uint64_t a = epg_ratelimit_deadline(&p->rl);

    return a < p->next_reminder ? a : p->next_reminder;
}

int epg_publisher_tick(epg_publisher *p, const epg_finding_set *cur,
                       const epg_event_ctx *ctx, uint64_t now,
                       const epg_emitter *out)
{
    uint32_t count, seconds;
    size_t i;

    if (epg_ratelimit_end_episode(&p->rl, now, &count, &seconds)) {
        epg_event e;
        if (epg_event_suppressed(count, seconds, p->rl.limit, &e) > 0) {
            emit(p, &e, out);
            epg_event_free(&e);
        }
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
