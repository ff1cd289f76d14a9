#include "monitor/monitor.h"

#include <string.h>

#include "perturb.h"

void epg_monitor_init(epg_monitor *m, const epg_emitter *sink)
{
    memset(m, 0, sizeof *m);
    epg_snapshot_init(&m->snap);
    epg_evaluation_init(&m->eval);
    epg_set_init(&m->cur);
    epg_set_init(&m->prev);
    epg_publisher_init(&m->pub);
    epg_coalesce_init(&m->co, epg_setting_defs[EPG_SET_COALESCE_MS].def);
    m->sink = *sink;
    m->retry_at = EPG_NO_DEADLINE;
    m->retry_ms = EPG_RETRY_FIRST_MS;
    epg_listen_sched_init(&m->listen);
}

void epg_monitor_free(epg_monitor *m)
{
    epg_publisher_free(&m->pub);
    epg_set_free(&m->cur);
    epg_set_free(&m->prev);
    epg_evaluation_free(&m->eval);
    epg_snapshot_free(&m->snap);
}

epg_snapshot *epg_monitor_snapshot(epg_monitor *m)
{
    return &m->snap;
}

uint32_t epg_monitor_all_keys(void)
{
    return (uint32_t)((1u << epg_key_count()) - 1);
}

static epg_event_ctx context(const epg_monitor *m)
{
    epg_event_ctx ctx;

    ctx.snap = &m->snap;
    ctx.eval = &m->eval;
    return ctx;
}

static void emit_always(epg_monitor *m, int built, epg_event *ev)
{
    if (built > 0) {
        epg_publish_always(&m->pub, ev, &m->sink);
        epg_event_free(ev);
    }
}

int epg_monitor_started(epg_monitor *m, const char *version, int64_t wall,
                        uint64_t now)
{
    epg_event ev;
    epg_event_ctx ctx = context(m);

    /* 1000 carries the values as first read, then the state follows. */
    emit_always(m, epg_event_started(&ctx, version, &ev), &ev);
    m->pending = 0;
    return epg_monitor_checked(m, wall, now);
}

void epg_monitor_stopping(epg_monitor *m)
{
    epg_event ev;

    emit_always(m, epg_event_stopped(&ev), &ev);
}

uint32_t epg_monitor_change(epg_monitor *m, uint32_t keys, uint64_t now)
{
    int due;

    /* A notification that changed nothing watched (another service's key
     * created under Services) opens no window: no timer for nothing. */
    if (!keys)
        return 0;
    due = epg_coalesce_change(&m->co, now);
    m->pending |= keys;
    /* The service's own settings are read at once, even inside a window:
     * an operator who shortens a long CoalesceMilliseconds must not wait
     * out the window it opened. */
    if (!due && !(keys & (1u << epg_key_of_role(EPG_KEY_SETTINGS))))
        return 0;
    /* Everything pending is read now; the window's end must not open a
     * new window (perhaps a minute long) for changes already read. */
    epg_coalesce_flush(&m->co);
    keys = m->pending;
    m->pending = 0;
    return keys;
}

/* Keys that cannot be read or watched now. */
static uint32_t unreadable_keys(const epg_snapshot *s)
{
    uint32_t keys = 0;
    size_t k;

    for (k = 0; k < epg_key_count(); k++)
        if (s->keys[k].state == EPG_KEY_ERROR || s->keys[k].watch_error)
            keys |= 1u << k;
    return keys;
}

uint32_t epg_monitor_tick(epg_monitor *m, uint64_t now)
{
    uint32_t keys = 0;
    epg_event_ctx ctx = context(m);

    if (now >= epg_coalesce_deadline(&m->co) && epg_coalesce_timer(&m->co, now)) {
        keys = m->pending;
        m->pending = 0;
    }
    if (now >= m->retry_at) {
        keys |= unreadable_keys(&m->snap);
        m->retry_ms = m->retry_ms >= EPG_RETRY_MAX_MS / 2 ? EPG_RETRY_MAX_MS
                                                          : m->retry_ms * 2;
        m->retry_at = now + m->retry_ms;
    }
    if (now >= epg_publisher_deadline(&m->pub))
        (void)epg_publisher_tick(&m->pub, &m->cur, &ctx, now, &m->sink);
    if (now >= epg_listen_deadline(&m->listen))
        m->listen_wanted = 1;   /* the ListenerCheckMinutes period ended */
    return keys;
}

int epg_monitor_netsh_due(const epg_monitor *m, uint32_t keys)
{
    if (!epg_needs_netsh(&m->snap))
        return 0;
    return !m->netsh_asked || !m->netsh_wanted ||
           (keys & (1u << epg_key_of_role(EPG_KEY_TCPIP))) != 0;
}

static int value_unknown(const epg_snapshot *s, size_t v)
{
    return s->values[v].presence == EPG_UNREADABLE;
}

/* Whether a finding of the last known state must stand although this check
 * did not find it: it involves data that could not be read, and the data
 * that could be read does not prove it over. */
static int still_unknown(const epg_monitor *m, const epg_finding *f)
{
    const epg_snapshot *s = &m->snap;
    const epg_port_value *ports = m->eval.ports;

    switch (f->rule) {
    case EPG_RULE_CONFLICT: {
        int ua = value_unknown(s, f->a), ub = value_unknown(s, f->b);
        size_t other = ua ? f->b : f->a;
        if (!ua && !ub)
            return 0;
        if (ua && ub)
            return 1;
        /* One side unknown: the readable partner still on that port keeps
         * the conflict; anywhere else proves it over. */
        return ports[other].status == EPG_PORT_OK && ports[other].port == f->port;
    }
    case EPG_RULE_INVALID_VALUE:
    case EPG_RULE_PORT_BELOW_1024:
    case EPG_RULE_PORT_BELOW_5000:
    case EPG_RULE_PORT_NOT_RECOMMENDED:
    case EPG_RULE_PORT_EXCLUDED:
    case EPG_RULE_PORT_HELD:
        /* Findings about one value's port: only its data can prove them
         * over. */
        return value_unknown(s, f->a);
    case EPG_RULE_DYNAMIC_RANGE:
        if (value_unknown(s, f->a))
            return 1;
        /* The range itself could not be read. */
        return (s->max_user_port.presence == EPG_UNREADABLE ||
                s->reserved_ports.presence == EPG_UNREADABLE) &&
               ports[f->a].status == EPG_PORT_OK && ports[f->a].port == f->port;
    default:
        return 0;
    }
}

/* Whether every key that holds watched values, and every value, was read:
 * only then can "no port conflicts" be said. */
static int all_values_read(const epg_snapshot *s)
{
    size_t v;

    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (value_unknown(s, v) || s->keys[epg_value_key(v)].state == EPG_KEY_ERROR)
            return 0;
    return 1;
}

/* From this check's conditions to the known state (item 3 of the rules in
 * monitor.h): what unreadable data hides keeps its last known state. */
static int apply_unknown(epg_monitor *m)
{
    size_t i;
    epg_finding none;
    int had_all_clear;

    for (i = 0; i < m->prev.count; i++) {
        const epg_finding *f = &m->prev.items[i];
        if (!epg_set_find(&m->cur, f) && still_unknown(m, f) &&
            epg_set_insert(&m->cur, f))
            return -1;
    }
    if (all_values_read(&m->snap))
        return 0;
    memset(&none, 0, sizeof none);
    none.rule = EPG_RULE_NO_CONFLICT;
    none.a = none.b = EPG_NONE;
    had_all_clear = epg_set_find(&m->prev, &none) != NULL;
    epg_set_remove(&m->cur, &none);
    if (had_all_clear && epg_set_count_rule(&m->cur, EPG_RULE_CONFLICT) == 0)
        return epg_set_insert(&m->cur, &none);
    return 0;
}

static void apply_settings(epg_monitor *m, uint64_t now)
{
    /* At once: a shorter window cuts the open one short, a new limit
     * counts from this event on. */
    epg_coalesce_set_window(&m->co, m->eval.settings.value[EPG_SET_COALESCE_MS]);
    epg_publisher_configure(&m->pub, &m->eval.settings, now);
}

static void schedule_retry(epg_monitor *m, uint64_t now)
{
    if (!unreadable_keys(&m->snap)) {
        m->retry_at = EPG_NO_DEADLINE;
        m->retry_ms = EPG_RETRY_FIRST_MS;
    } else if (m->retry_at == EPG_NO_DEADLINE) {
        m->retry_at = now + m->retry_ms;
    }
}

/* Evaluates the snapshot and publishes what changed. */
static int publish_state(epg_monitor *m, int64_t wall, uint64_t now)
{
    size_t i;
    epg_event_ctx ctx = context(m);

    if (epg_evaluate(&m->snap, &m->eval) ||
        epg_conditions(&m->snap, &m->eval, &m->cur) || apply_unknown(m))
        return -1;
    for (i = 0; i < m->cur.count; i++)
        m->cur.items[i].first_seen = wall;
    epg_findings_carry(&m->prev, &m->cur);
    if (epg_set_copy(&m->prev, &m->cur))
        return -1;
    apply_settings(m, now);
    EPG_PERTURB_POINT("monitor.publish");
    return epg_publish(&m->pub, &m->cur, &ctx, now, &m->sink);
}

/* Who holds the pinned ports (holders.h): after a check the TCP table is wanted; with the check switched
 * off, what was read stops counting at once (1241, 1005). */
static void want_listeners(epg_monitor *m)
{
    epg_settings st;

    epg_settings_parse(m->snap.settings, &st);
    epg_listen_sched_configure(&m->listen, st.value[EPG_SET_LISTENER_CHECK_MINUTES]);
    m->listen_wanted = st.value[EPG_SET_LISTENER_CHECK_MINUTES] != 0;
    if (!m->listen_wanted)
        epg_tcp_view_free(&m->snap.tcp);
}

int epg_monitor_checked(epg_monitor *m, int64_t wall, uint64_t now)
{
    /* The shell asked netsh before this call whenever it was due. */
    m->netsh_wanted = epg_needs_netsh(&m->snap);
    m->netsh_asked |= m->netsh_wanted;
    m->checks++;
    schedule_retry(m, now);
    want_listeners(m);
    return publish_state(m, wall, now);
}

int epg_monitor_listeners_wanted(const epg_monitor *m)
{
    return m->listen_wanted;
}

int epg_monitor_listeners_due(epg_monitor *m, uint64_t now)
{
    if (!m->listen_wanted)
        return 0;
    m->listen_wanted = 0;   /* read now, or skipped: at most once a second */
    return epg_listen_due(&m->listen, now);
}

int epg_monitor_listeners_read(epg_monitor *m, int64_t wall, uint64_t now)
{
    epg_listen_done(&m->listen, now);
    return publish_state(m, wall, now);
}

uint64_t epg_monitor_deadline(const epg_monitor *m)
{
    uint64_t d = epg_coalesce_deadline(&m->co);
    uint64_t p = epg_publisher_deadline(&m->pub);

    if (p < d)
        d = p;
    /* Once wanted, the shell reads at its next quiet moment; the period
     * starts again from that read. */
    if (!m->listen_wanted && epg_listen_deadline(&m->listen) < d)
        d = epg_listen_deadline(&m->listen);
    return m->retry_at < d ? m->retry_at : d;
}
