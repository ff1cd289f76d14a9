#include "check/settings.h"

#include <string.h>

const epg_setting_def epg_setting_defs[EPG_SETTING_COUNT] = {
    { "CoalesceMilliseconds", 1, 200, 0, 60000, "200" },
    { "ReminderMinutes", 1, 0, 0, 10080, "0 (no reminders)" },
    { "CheckDynamicRange", 1, 1, 0, 1, "1 (check the dynamic port range)" },
    { "DynamicPortStart", 0, 0, 1, 65535,
      "none (the dynamic port range is taken from the system)" },
    { "DynamicPortCount", 0, 0, 1, 65535,
      "none (the dynamic port range is taken from the system)" },
    { "MaxEventsPerMinute", 1, 60, 0, 10000, "60" },
    /* Who holds the pinned ports (holders.h): 0 switches the check off,
     * in the service and in check alike; at most once a day. */
    { "ListenerCheckMinutes", 1, 5, 0, 1440,
      "5 (look for other holders of the pinned ports every 5 minutes)" },
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

void epg_settings_default(epg_settings *out)
{
    size_t i;

    memset(out, 0, sizeof *out);
    for (i = 0; i < EPG_SETTING_COUNT; i++)
        out->value[i] = epg_setting_defs[i].def;
}

static void invalidate(epg_settings *out, size_t i, epg_setting_bad bad)
{
    out->state[i] = EPG_SETTING_INVALID;
    out->bad[i] = bad;
    out->value[i] = epg_setting_defs[i].def;
}

void epg_settings_parse(const epg_reading readings[EPG_SETTING_COUNT],
                        epg_settings *out)
{
    size_t i;
    const size_t st = EPG_SET_DYNAMIC_PORT_START, ct = EPG_SET_DYNAMIC_PORT_COUNT;

    epg_settings_default(out);
    for (i = 0; i < EPG_SETTING_COUNT; i++) {
        const epg_reading *r = &readings[i];
        const epg_setting_def *d = &epg_setting_defs[i];
        uint32_t v;

        if (r->presence == EPG_ABSENT)
            continue;
        if (r->presence == EPG_UNREADABLE) {
            invalidate(out, i, EPG_SETBAD_UNREADABLE);
            continue;
        }
        if (r->type != EPG_REG_DWORD) {
            invalidate(out, i, EPG_SETBAD_TYPE);
            continue;
        }
        if (r->size != 4 || r->full_size != 4) {
            invalidate(out, i, EPG_SETBAD_SIZE);
            continue;
        }
        v = le32(r->data);
        out->raw[i] = v;
        if (v < d->min || v > d->max) {
            invalidate(out, i, EPG_SETBAD_RANGE);
            continue;
        }
        out->state[i] = EPG_SETTING_SET;
        out->value[i] = v;
    }

    /* The range override needs both halves; one alone is reported rather
     * than silently ignored, since the operator clearly meant something. */
    if (out->state[st] == EPG_SETTING_SET && out->state[ct] == EPG_SETTING_SET) {
        if ((uint64_t)out->value[st] + out->value[ct] - 1 > 65535)
            invalidate(out, ct, EPG_SETBAD_RANGE_END);
        else
            out->override_range = 1;
    } else if (out->state[st] == EPG_SETTING_SET) {
        invalidate(out, st, EPG_SETBAD_PARTNER);
    } else if (out->state[ct] == EPG_SETTING_SET) {
        invalidate(out, ct, EPG_SETBAD_PARTNER);
    }
}

void epg_setting_reason(const epg_settings *s, size_t i,
                        const epg_reading *reading, epg_buf *out)
{
    const epg_setting_def *d = &epg_setting_defs[i];
    char tb[32];

    switch (s->bad[i]) {
    case EPG_SETBAD_NONE:
        epg_buf_puts(out, "valid");
        break;
    case EPG_SETBAD_TYPE:
        epg_buf_printf(out, "the value is a %s; it must be a REG_DWORD",
                       epg_regtype_name(reading->type, tb));
        break;
    case EPG_SETBAD_SIZE:
        epg_buf_printf(out, "a REG_DWORD must be 4 bytes long; this one is "
                       "%llu bytes", (unsigned long long)reading->full_size);
        break;
    case EPG_SETBAD_RANGE:
        epg_buf_printf(out, "%lu is outside the allowed range %lu to %lu",
                       (unsigned long)s->raw[i], (unsigned long)d->min,
                       (unsigned long)d->max);
        break;
    case EPG_SETBAD_PARTNER:
        epg_buf_printf(out, "%s is used only together with a valid %s",
                       d->name,
                       epg_setting_defs[i == EPG_SET_DYNAMIC_PORT_START
                                            ? EPG_SET_DYNAMIC_PORT_COUNT
                                            : EPG_SET_DYNAMIC_PORT_START].name);
        break;
    case EPG_SETBAD_RANGE_END:
        epg_buf_printf(out, "DynamicPortStart %lu plus DynamicPortCount %lu "
                       "goes past port 65535",
                       (unsigned long)s->raw[EPG_SET_DYNAMIC_PORT_START],
                       (unsigned long)s->raw[EPG_SET_DYNAMIC_PORT_COUNT]);
        break;
    case EPG_SETBAD_UNREADABLE:
        epg_buf_printf(out, "the value could not be read: %s (error %lu)",
                       reading->error_text ? reading->error_text : "unknown error",
                       (unsigned long)reading->error);
        break;
    }
}
