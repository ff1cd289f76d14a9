/* The service's settings: optional REG_DWORD values under
 * HKLM\System\CurrentControlSet\Services\ExchPortGuard\Parameters.
 * This table is the only list of them; docs/operations.md describes each. */
#ifndef EPG_SETTINGS_H
#define EPG_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "check/regdata.h"
#include "strbuf.h"

typedef enum epg_setting_id {
    EPG_SET_COALESCE_MS = 0,
    EPG_SET_REMINDER_MINUTES,
    EPG_SET_CHECK_DYNAMIC_RANGE,
    EPG_SET_DYNAMIC_PORT_START,
    EPG_SET_DYNAMIC_PORT_COUNT,
    EPG_SET_MAX_EVENTS_PER_MINUTE,
    EPG_SET_LISTENER_CHECK_MINUTES,
    EPG_SETTING_COUNT
} epg_setting_id;

typedef struct epg_setting_def {
    const char *name;           /* registry value name */
    int has_default;            /* 0: absent means "not set" */
    uint32_t def;
    uint32_t min, max;          /* inclusive */
    const char *default_text;   /* how the default is shown in event 1002 */
} epg_setting_def;

extern const epg_setting_def epg_setting_defs[EPG_SETTING_COUNT];

typedef enum epg_setting_state {
    EPG_SETTING_DEFAULT = 0,    /* absent: the default applies */
    EPG_SETTING_SET,            /* present and used */
    EPG_SETTING_INVALID         /* present but unusable: the default applies */
} epg_setting_state;

typedef enum epg_setting_bad {
    EPG_SETBAD_NONE = 0,
    EPG_SETBAD_TYPE,            /* not a REG_DWORD */
    EPG_SETBAD_SIZE,            /* REG_DWORD of the wrong size */
    EPG_SETBAD_RANGE,           /* outside min..max */
    EPG_SETBAD_PARTNER,         /* DynamicPortStart/Count without the other */
    EPG_SETBAD_RANGE_END,       /* start + count - 1 above 65535 */
    EPG_SETBAD_UNREADABLE
} epg_setting_bad;

typedef struct epg_settings {
    epg_setting_state state[EPG_SETTING_COUNT];
    epg_setting_bad bad[EPG_SETTING_COUNT];
    uint32_t raw[EPG_SETTING_COUNT];    /* the number read, when a DWORD */
    uint32_t value[EPG_SETTING_COUNT];  /* what the service uses */
    int override_range;                 /* DynamicPortStart/Count both valid */
} epg_settings;

/* Defaults for every setting, as if the Parameters key were empty. */
void epg_settings_default(epg_settings *out);
void epg_settings_parse(const epg_reading readings[EPG_SETTING_COUNT],
                        epg_settings *out);
/* Why setting i is invalid, as a phrase. */
void epg_setting_reason(const epg_settings *s, size_t i,
                        const epg_reading *reading, epg_buf *out);

#endif
