#include "events/events.h"

#include <stdlib.h>
#include <string.h>

const epg_event_def epg_event_defs[] = {
    { EPG_EV_STARTED, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 3, "MSG_SERVICE_STARTED",
      "version count values" },
    { EPG_EV_STOPPED, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 0, "MSG_SERVICE_STOPPED",
      "" },
    { EPG_EV_SETTING_INVALID, EPG_LEVEL_WARNING, EPG_CAT_SERVICE, 4, "MSG_SETTING_INVALID",
      "setting data reason default" },
    { EPG_EV_EVENTS_LOST, EPG_LEVEL_WARNING, EPG_CAT_SERVICE, 5, "MSG_EVENTS_LOST",
      "count first-lost last-lost error-code error-text" },
    { EPG_EV_LISTENERS_UNREADABLE, EPG_LEVEL_WARNING, EPG_CAT_SERVICE, 1, "MSG_LISTENERS_UNREADABLE",
      "reason" },
    { EPG_EV_LISTENERS_READ, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 0, "MSG_LISTENERS_READ",
      "" },
    { EPG_EV_CONFLICT, EPG_LEVEL_ERROR, EPG_CAT_CONFLICT, 5, "MSG_PORT_CONFLICT",
      "port first-path first-component second-path second-component" },
    { EPG_EV_CONFLICT_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFLICT, 5, "MSG_PORT_CONFLICT_CLEARED",
      "port first-path first-component second-path second-component" },
    { EPG_EV_CONFLICT_REMINDER, EPG_LEVEL_ERROR, EPG_CAT_CONFLICT, 6, "MSG_PORT_CONFLICT_REMINDER",
      "port first-path first-component second-path second-component first-seen" },
    { EPG_EV_NO_CONFLICTS, EPG_LEVEL_INFORMATION, EPG_CAT_CONFLICT, 1, "MSG_NO_CONFLICTS",
      "usable-ports" },
    { EPG_EV_DC_CONFLICT, EPG_LEVEL_ERROR, EPG_CAT_CONFLICT, 5, "MSG_DC_PORT_CONFLICT",
      "port first-path first-component second-path second-component" },
    { EPG_EV_DC_CONFLICT_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFLICT, 5, "MSG_DC_PORT_CONFLICT_CLEARED",
      "port first-path first-component second-path second-component" },
    { EPG_EV_DC_CONFLICT_REMINDER, EPG_LEVEL_ERROR, EPG_CAT_CONFLICT, 6, "MSG_DC_PORT_CONFLICT_REMINDER",
      "port first-path first-component second-path second-component first-seen" },
    { EPG_EV_VALUE_UNUSABLE, EPG_LEVEL_WARNING, EPG_CAT_CONFIGURATION, 4, "MSG_VALUE_UNUSABLE",
      "path type data reason" },
    { EPG_EV_VALUE_USABLE, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_VALUE_USABLE",
      "path data" },
    { EPG_EV_IN_DYNAMIC_RANGE, EPG_LEVEL_WARNING, EPG_CAT_CONFIGURATION, 6, "MSG_PORT_IN_DYNAMIC_RANGE",
      "path port range-start range-end range-source remedy" },
    { EPG_EV_OUT_OF_DYNAMIC_RANGE, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_PORT_OUT_OF_DYNAMIC_RANGE",
      "path port" },
    { EPG_EV_BELOW_1024, EPG_LEVEL_ERROR, EPG_CAT_CONFIGURATION, 3, "MSG_PORT_BELOW_1024",
      "path port component" },
    { EPG_EV_BELOW_1024_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_PORT_BELOW_1024_CLEARED",
      "path port" },
    { EPG_EV_BELOW_5000, EPG_LEVEL_WARNING, EPG_CAT_CONFIGURATION, 3, "MSG_PORT_BELOW_5000",
      "path port component" },
    { EPG_EV_BELOW_5000_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_PORT_BELOW_5000_CLEARED",
      "path port" },
    { EPG_EV_NOT_RECOMMENDED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 3, "MSG_PORT_NOT_RECOMMENDED",
      "path port component" },
    { EPG_EV_NOT_RECOMMENDED_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_PORT_NOT_RECOMMENDED_CLEARED",
      "path port" },
    { EPG_EV_PORT_EXCLUDED, EPG_LEVEL_ERROR, EPG_CAT_CONFIGURATION, 4, "MSG_PORT_EXCLUDED",
      "path port exclusion-start exclusion-end" },
    { EPG_EV_PORT_EXCLUDED_CLEARED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 2, "MSG_PORT_EXCLUDED_CLEARED",
      "path port" },
    { EPG_EV_PORT_HELD, EPG_LEVEL_WARNING, EPG_CAT_CONFIGURATION, 6, "MSG_PORT_HELD",
      "port path pid image services how" },
    { EPG_EV_PORT_RELEASED, EPG_LEVEL_INFORMATION, EPG_CAT_CONFIGURATION, 3, "MSG_PORT_RELEASED",
      "port path pid" },
    { EPG_EV_KEY_UNWATCHABLE, EPG_LEVEL_ERROR, EPG_CAT_SERVICE, 3, "MSG_KEY_UNWATCHABLE",
      "path error-code error-text" },
    { EPG_EV_KEY_WATCHED, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 1, "MSG_KEY_WATCHED",
      "path" },
    { EPG_EV_KEY_MISSING, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 1, "MSG_KEY_MISSING",
      "key" },
    { EPG_EV_KEY_CREATED, EPG_LEVEL_INFORMATION, EPG_CAT_SERVICE, 1, "MSG_KEY_CREATED",
      "key" },
    { EPG_EV_SUPPRESSED, EPG_LEVEL_WARNING, EPG_CAT_SERVICE, 3, "MSG_EVENTS_SUPPRESSED",
      "count seconds limit" },
};
const size_t epg_event_def_count = sizeof epg_event_defs / sizeof epg_event_defs[0];

/* Which events a rule's transitions write; 0 = nothing. */
static const struct {
    uint16_t raise, clear;
} rule_events[EPG_RULE_COUNT] = {
    [EPG_RULE_SETTING_INVALID] = { EPG_EV_SETTING_INVALID, 0 },
    [EPG_RULE_LISTENERS_UNREADABLE] = { EPG_EV_LISTENERS_UNREADABLE, EPG_EV_LISTENERS_READ },
    [EPG_RULE_UNREADABLE] = { EPG_EV_KEY_UNWATCHABLE, EPG_EV_KEY_WATCHED },
    [EPG_RULE_KEY_MISSING] = { EPG_EV_KEY_MISSING, EPG_EV_KEY_CREATED },
    [EPG_RULE_CONFLICT] = { EPG_EV_CONFLICT, EPG_EV_CONFLICT_CLEARED },
    [EPG_RULE_INVALID_VALUE] = { EPG_EV_VALUE_UNUSABLE, EPG_EV_VALUE_USABLE },
    [EPG_RULE_DYNAMIC_RANGE] = { EPG_EV_IN_DYNAMIC_RANGE, EPG_EV_OUT_OF_DYNAMIC_RANGE },
    [EPG_RULE_NO_CONFLICT] = { EPG_EV_NO_CONFLICTS, 0 },
    [EPG_RULE_PORT_BELOW_1024] = { EPG_EV_BELOW_1024, EPG_EV_BELOW_1024_CLEARED },
    [EPG_RULE_PORT_BELOW_5000] = { EPG_EV_BELOW_5000, EPG_EV_BELOW_5000_CLEARED },
    [EPG_RULE_PORT_NOT_RECOMMENDED] = { EPG_EV_NOT_RECOMMENDED,
                                        EPG_EV_NOT_RECOMMENDED_CLEARED },
    [EPG_RULE_PORT_EXCLUDED] = { EPG_EV_PORT_EXCLUDED, EPG_EV_PORT_EXCLUDED_CLEARED },
    [EPG_RULE_PORT_HELD] = { EPG_EV_PORT_HELD, EPG_EV_PORT_RELEASED },
};

int epg_conflict_is_dc(const epg_finding *f)
{
    return f->rule == EPG_RULE_CONFLICT &&
           epg_values[f->a].family == EPG_DOMAIN_CONTROLLER &&
           epg_values[f->b].family == EPG_DOMAIN_CONTROLLER;
}

uint16_t epg_rule_event(epg_rule r, int raise)
{
    if ((unsigned)r >= EPG_RULE_COUNT)
        return 0;
    return raise ? rule_events[r].raise : rule_events[r].clear;
}

const epg_event_def *epg_event_def_find(uint16_t id)
{
    size_t i;

    for (i = 0; i < epg_event_def_count; i++)
        if (epg_event_defs[i].id == id)
            return &epg_event_defs[i];
    return NULL;
}

const char *epg_level_name(epg_level l)
{
    return l == EPG_LEVEL_ERROR ? "Error" : l == EPG_LEVEL_WARNING ? "Warning"
                                                                   : "Information";
}

const char *epg_category_name(uint16_t cat)
{
    return cat == EPG_CAT_CONFLICT ? "Port conflict"
           : cat == EPG_CAT_CONFIGURATION ? "Port configuration" : "Service";
}

void epg_event_free(epg_event *e)
{
    size_t i;

    for (i = 0; i < e->nstrings; i++)
        free(e->strings[i]);
    memset(e, 0, sizeof *e);
}

/* Builds e from a definition and the strings accumulated in bufs. */
static int finish(epg_event *e, uint16_t id, epg_buf *bufs, size_t n)
{
    size_t i;
    int oom = 0;

    memset(e, 0, sizeof *e);
    e->def = epg_event_def_find(id);
    for (i = 0; i < n; i++) {
        oom |= bufs[i].oom;
        e->strings[i] = epg_buf_detach(&bufs[i]);
        if (!e->strings[i])
            oom = 1;
        e->nstrings = i + 1;
    }
    if (oom || !e->def || e->def->nstrings != n) {
        epg_event_free(e);
        return -1;
    }
    return 1;
}

static void init_bufs(epg_buf *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        epg_buf_init(&b[i]);
}

/* Days from 1970-01-01 to a civil date (H. Hinnant's algorithm, inverted). */
void epg_format_utc(int64_t t, epg_buf *out)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    if (m <= 2)
        y++;
    epg_buf_printf(out, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC",
                   (long long)y, (long long)m, (long long)d,
                   (long long)(secs / 3600), (long long)(secs / 60 % 60),
                   (long long)(secs % 60));
}

static void conflict_strings(const epg_finding *f, epg_buf *s)
{
    epg_buf_printf(&s[0], "%u", (unsigned)f->port);
    epg_value_path(f->a, &s[1]);
    epg_buf_puts(&s[2], epg_values[f->a].component);
    epg_value_path(f->b, &s[3]);
    epg_buf_puts(&s[4], epg_values[f->b].component);
}

int epg_event_for(const epg_finding *f, int raise, const epg_event_ctx *ctx,
                  epg_event *e)
{
    epg_buf s[EPG_EVENT_MAX_STRINGS];
    uint16_t id = epg_rule_event(f->rule, raise);
    size_t n = 0;
    char tb[32];

    if (!id)
        return 0;
    if (epg_conflict_is_dc(f))
        id = raise ? EPG_EV_DC_CONFLICT : EPG_EV_DC_CONFLICT_CLEARED;
    init_bufs(s, EPG_EVENT_MAX_STRINGS);
    switch (f->rule) {
    case EPG_RULE_CONFLICT:
        conflict_strings(f, s);
        n = 5;
        break;
    case EPG_RULE_NO_CONFLICT:
        epg_buf_printf(&s[0], "%lu", (unsigned long)ctx->eval->usable);
        n = 1;
        break;
    case EPG_RULE_INVALID_VALUE: {
        const epg_reading *r = &ctx->snap->values[f->a];
        epg_value_path(f->a, &s[0]);
        if (raise) {
            epg_buf_puts(&s[1], epg_regtype_name(r->type, tb));
            epg_data_show(r, EPG_SHOW_MAX, &s[2]);
            epg_port_reason(&ctx->eval->ports[f->a], &s[3]);
            n = 4;
        } else {
            epg_data_show(r, EPG_SHOW_MAX, &s[1]);
            n = 2;
        }
        break;
    }
    case EPG_RULE_DYNAMIC_RANGE:
        epg_value_path(f->a, &s[0]);
        epg_buf_printf(&s[1], "%u", (unsigned)f->port);
        n = 2;
        if (raise) {
            epg_buf_printf(&s[2], "%u", (unsigned)ctx->eval->range.start);
            epg_buf_printf(&s[3], "%u", (unsigned)ctx->eval->range.end);
            epg_dynrange_describe(&ctx->eval->range, &s[4]);
            epg_dynrange_remedy(&ctx->eval->range, f->port, &s[5]);
            n = 6;
        }
        break;
    case EPG_RULE_PORT_BELOW_1024:
    case EPG_RULE_PORT_BELOW_5000:
    case EPG_RULE_PORT_NOT_RECOMMENDED:
        epg_value_path(f->a, &s[0]);
        epg_buf_printf(&s[1], "%u", (unsigned)f->port);
        n = 2;
        if (raise) {
            epg_buf_puts(&s[2], epg_values[f->a].component);
            n = 3;
        }
        break;
    case EPG_RULE_PORT_EXCLUDED:
        epg_value_path(f->a, &s[0]);
        epg_buf_printf(&s[1], "%u", (unsigned)f->port);
        n = 2;
        if (raise) {
            epg_span x = epg_dynrange_blocking_span(&ctx->eval->range, f->port);
            epg_buf_printf(&s[2], "%u", (unsigned)x.lo);
            epg_buf_printf(&s[3], "%u", (unsigned)x.hi);
            n = 4;
        }
        break;
    case EPG_RULE_PORT_HELD:
        epg_buf_printf(&s[0], "%u", (unsigned)f->port);
        epg_value_path(f->a, &s[1]);
        epg_buf_printf(&s[2], "%lu", (unsigned long)f->data_hash);
        n = 3;
        if (raise) {
            char how[96];
            /* Names from the system: a file name may hold a '%'. */
            epg_text_escape(epg_proc_image(&ctx->snap->tcp, f->data_hash), &s[3]);
            epg_text_escape(epg_proc_services(&ctx->snap->tcp, f->data_hash), &s[4]);
            epg_holding_describe(&ctx->snap->tcp, f->data_hash, f->port, how,
                                 sizeof how);
            epg_buf_puts(&s[5], how);
            n = 6;
        }
        break;
    case EPG_RULE_UNREADABLE:
        epg_unreadable_path(ctx->snap, f, &s[0]);
        n = 1;
        if (raise) {
            uint32_t code;
            const char *text;
            epg_unreadable_error(ctx->snap, f, &code, &text);
            epg_buf_printf(&s[1], "%lu", (unsigned long)code);
            epg_text_escape(text ? text : "no description is available for this error",
                            &s[2]);
            n = 3;
        }
        break;
    case EPG_RULE_KEY_MISSING:
        epg_key_display_path(f->a, &s[0]);
        n = 1;
        break;
    case EPG_RULE_LISTENERS_UNREADABLE:
        if (raise) {
            const char *note = ctx->snap->tcp.note;
            /* The note holds the system's error texts. */
            epg_text_escape(note ? note : "the TCP table was not read", &s[0]);
            n = 1;
        }
        break;
    case EPG_RULE_SETTING_INVALID: {
        const epg_reading *r = &ctx->snap->settings[f->a];
        epg_buf reason;
        epg_buf_puts(&s[0], epg_setting_defs[f->a].name);
        epg_data_show(r, EPG_SHOW_MAX, &s[1]);
        epg_buf_init(&reason);
        /* An unreadable setting's reason holds the system's error text;
         * the other reasons are the product's own words and numbers. */
        epg_setting_reason(&ctx->eval->settings, f->a, r, &reason);
        epg_text_escape(epg_buf_str(&reason), &s[2]);
        s[2].oom |= reason.oom;
        epg_buf_free(&reason);
        epg_buf_puts(&s[3], epg_setting_defs[f->a].default_text);
        n = 4;
        break;
    }
    case EPG_RULE_COUNT:
        break;
    }
    return finish(e, id, s, n);
}

int epg_event_started(const epg_event_ctx *ctx, const char *version, epg_event *e)
{
    epg_buf s[3];
    size_t v;
    char tb[32];

    init_bufs(s, 3);
    epg_buf_puts(&s[0], version);
    epg_buf_printf(&s[1], "%u", (unsigned)EPG_VALUE_COUNT);
    for (v = 0; v < EPG_VALUE_COUNT; v++) {
        const epg_reading *r = &ctx->snap->values[v];
        if (v)
            epg_buf_puts(&s[2], "\r\n");
        epg_value_path(v, &s[2]);
        epg_buf_puts(&s[2], " = ");
        epg_data_show(r, EPG_SHOW_MAX, &s[2]);
        /* Read before the first evaluation: the effective default is
         * worked out here from the key alone. */
        if (r->presence == EPG_ABSENT && epg_values[v].default_port &&
            ctx->snap->keys[epg_value_key(v)].state == EPG_KEY_PRESENT)
            epg_buf_printf(&s[2], ", default %u", (unsigned)epg_values[v].default_port);
        if (r->presence == EPG_PRESENT)
            epg_buf_printf(&s[2], " (%s)", epg_regtype_name(r->type, tb));
    }
    return finish(e, EPG_EV_STARTED, s, 3);
}

int epg_event_stopped(epg_event *e)
{
    return finish(e, EPG_EV_STOPPED, NULL, 0);
}

int epg_event_reminder(const epg_finding *f, const epg_event_ctx *ctx, epg_event *e)
{
    epg_buf s[6];

    (void)ctx;
    init_bufs(s, 6);
    conflict_strings(f, s);
    epg_format_utc(f->first_seen, &s[5]);
    return finish(e, epg_conflict_is_dc(f) ? EPG_EV_DC_CONFLICT_REMINDER
                                           : EPG_EV_CONFLICT_REMINDER, s, 6);
}

int epg_event_suppressed(uint32_t count, uint32_t seconds, uint32_t limit,
                         epg_event *e)
{
    epg_buf s[3];

    init_bufs(s, 3);
    epg_buf_printf(&s[0], "%lu", (unsigned long)count);
    epg_buf_printf(&s[1], "%lu", (unsigned long)seconds);
    epg_buf_printf(&s[2], "%lu", (unsigned long)limit);
    return finish(e, EPG_EV_SUPPRESSED, s, 3);
}

int epg_event_lost(uint32_t count, int64_t first, int64_t last, uint32_t error,
                   const char *error_text, epg_event *e)
{
    epg_buf s[5];

    init_bufs(s, 5);
    epg_buf_printf(&s[0], "%lu", (unsigned long)count);
    epg_format_utc(first, &s[1]);
    epg_format_utc(last, &s[2]);
    epg_buf_printf(&s[3], "%lu", (unsigned long)error);
    epg_text_escape(error_text ? error_text : "", &s[4]);
    return finish(e, EPG_EV_EVENTS_LOST, s, 5);
}
