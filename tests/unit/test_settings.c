/* Settings under Parameters: defaults, valid values, wrong types, sizes and
 * ranges, and the DynamicPortStart/Count pair. */
#include "check/settings.h"
#include "testdata.h"
#include "tinytest.h"

static void parse(epg_reading *r, epg_settings *s)
{
    epg_settings_parse(r, s);
}

static void free_all(epg_reading *r)
{
    size_t i;

    for (i = 0; i < EPG_SETTING_COUNT; i++)
        epg_reading_free(&r[i]);
}

static void defaults(void)
{
    epg_reading r[EPG_SETTING_COUNT] = { { 0 } };
    epg_settings s;
    size_t i;

    parse(r, &s);
    for (i = 0; i < EPG_SETTING_COUNT; i++)
        CHECK_INT(s.state[i], EPG_SETTING_DEFAULT);
    CHECK_INT(s.value[EPG_SET_COALESCE_MS], 200);
    CHECK_INT(s.value[EPG_SET_REMINDER_MINUTES], 0);
    CHECK_INT(s.value[EPG_SET_CHECK_DYNAMIC_RANGE], 1);
    CHECK_INT(s.value[EPG_SET_MAX_EVENTS_PER_MINUTE], 60);
    CHECK(!s.override_range);
}

static void valid_values_are_used(void)
{
    epg_reading r[EPG_SETTING_COUNT] = { { 0 } };
    epg_settings s;

    td_dword(&r[EPG_SET_COALESCE_MS], 0);
    td_dword(&r[EPG_SET_REMINDER_MINUTES], 60);
    td_dword(&r[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    td_dword(&r[EPG_SET_DYNAMIC_PORT_START], 10000);
    td_dword(&r[EPG_SET_DYNAMIC_PORT_COUNT], 55536);
    td_dword(&r[EPG_SET_MAX_EVENTS_PER_MINUTE], 10000);
    parse(r, &s);
    CHECK_INT(s.state[EPG_SET_COALESCE_MS], EPG_SETTING_SET);
    CHECK_INT(s.value[EPG_SET_COALESCE_MS], 0);
    CHECK_INT(s.value[EPG_SET_REMINDER_MINUTES], 60);
    CHECK_INT(s.value[EPG_SET_CHECK_DYNAMIC_RANGE], 0);
    CHECK_INT(s.value[EPG_SET_MAX_EVENTS_PER_MINUTE], 10000);
    CHECK(s.override_range);    /* 10000 + 55536 - 1 = 65535 */
    free_all(r);
}

static void bad_values_fall_back(void)
{
    static const uint8_t three[3] = { 1, 2, 3 };
    epg_reading r[EPG_SETTING_COUNT] = { { 0 } };
    epg_settings s;
    epg_buf b;

    td_dword(&r[EPG_SET_COALESCE_MS], 60001);
    td_sz(&r[EPG_SET_REMINDER_MINUTES], "5");
    td_dword(&r[EPG_SET_CHECK_DYNAMIC_RANGE], 2);
    td_bytes(&r[EPG_SET_MAX_EVENTS_PER_MINUTE], EPG_REG_DWORD, three, 3);
    parse(r, &s);
    CHECK_INT(s.state[EPG_SET_COALESCE_MS], EPG_SETTING_INVALID);
    CHECK_INT(s.bad[EPG_SET_COALESCE_MS], EPG_SETBAD_RANGE);
    CHECK_INT(s.value[EPG_SET_COALESCE_MS], 200);
    CHECK_INT(s.bad[EPG_SET_REMINDER_MINUTES], EPG_SETBAD_TYPE);
    CHECK_INT(s.value[EPG_SET_REMINDER_MINUTES], 0);
    CHECK_INT(s.bad[EPG_SET_CHECK_DYNAMIC_RANGE], EPG_SETBAD_RANGE);
    CHECK_INT(s.value[EPG_SET_CHECK_DYNAMIC_RANGE], 1);
    CHECK_INT(s.bad[EPG_SET_MAX_EVENTS_PER_MINUTE], EPG_SETBAD_SIZE);
    CHECK_INT(s.value[EPG_SET_MAX_EVENTS_PER_MINUTE], 60);

    epg_buf_init(&b);
    epg_setting_reason(&s, EPG_SET_COALESCE_MS, &r[EPG_SET_COALESCE_MS], &b);
    CHECK_STR(epg_buf_str(&b), "60001 is outside the allowed range 0 to 60000");
    epg_buf_clear(&b);
    epg_setting_reason(&s, EPG_SET_REMINDER_MINUTES, &r[EPG_SET_REMINDER_MINUTES], &b);
    CHECK_STR(epg_buf_str(&b), "the value is a REG_SZ; it must be a REG_DWORD");
    epg_buf_clear(&b);
    epg_setting_reason(&s, EPG_SET_MAX_EVENTS_PER_MINUTE,
                       &r[EPG_SET_MAX_EVENTS_PER_MINUTE], &b);
    CHECK_CONTAINS(epg_buf_str(&b), "this one is 3 bytes");
    epg_buf_free(&b);
    free_all(r);
}

static void range_override_needs_both(void)
{
    epg_reading r[EPG_SETTING_COUNT] = { { 0 } };
    epg_settings s;
    epg_buf b;

    td_dword(&r[EPG_SET_DYNAMIC_PORT_START], 10000);
    parse(r, &s);
    CHECK(!s.override_range);
    CHECK_INT(s.bad[EPG_SET_DYNAMIC_PORT_START], EPG_SETBAD_PARTNER);
    epg_buf_init(&b);
    epg_setting_reason(&s, EPG_SET_DYNAMIC_PORT_START,
                       &r[EPG_SET_DYNAMIC_PORT_START], &b);
    CHECK_STR(epg_buf_str(&b), "DynamicPortStart is used only together with a "
                               "valid DynamicPortCount");
    epg_buf_free(&b);

    td_dword(&r[EPG_SET_DYNAMIC_PORT_COUNT], 60000);
    parse(r, &s);
    CHECK(!s.override_range);
    CHECK_INT(s.state[EPG_SET_DYNAMIC_PORT_START], EPG_SETTING_SET);
    CHECK_INT(s.bad[EPG_SET_DYNAMIC_PORT_COUNT], EPG_SETBAD_RANGE_END);

    td_dword(&r[EPG_SET_DYNAMIC_PORT_COUNT], 0);
    parse(r, &s);
    CHECK_INT(s.bad[EPG_SET_DYNAMIC_PORT_COUNT], EPG_SETBAD_RANGE);
    CHECK_INT(s.bad[EPG_SET_DYNAMIC_PORT_START], EPG_SETBAD_PARTNER);
    free_all(r);
}

static void unreadable_setting(void)
{
    epg_reading r[EPG_SETTING_COUNT] = { { 0 } };
    epg_settings s;

    epg_reading_set_error(&r[EPG_SET_COALESCE_MS], 5, "Access is denied.");
    parse(r, &s);
    CHECK_INT(s.bad[EPG_SET_COALESCE_MS], EPG_SETBAD_UNREADABLE);
    CHECK_INT(s.value[EPG_SET_COALESCE_MS], 200);
    free_all(r);
}

int main(void)
{
    RUN(defaults);
    RUN(valid_values_are_used);
    RUN(bad_values_fall_back);
    RUN(range_override_needs_both);
    RUN(unreadable_setting);
    return tt_summary("test_settings");
}
