/* The message compiler's header against the IDs the code reports.  The
 * service computes each full message ID as (severity << 30) | id
 * (event_message_id, service/engine/sinks.c), which holds only while the
 * facility is 0 and the customer bit clear; messages/exchportguard.mc
 * declares that facility, and this checks every constant mc generated from
 * it.  Windows builds only: the header exists there. */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "engine/sinks.h"
#include "exchportguard.h"
#include "tinytest.h"

#define ENTRY(sym) { #sym, sym }
static const struct {
    const char *symbol;
    DWORD id;
} generated[] = {
    ENTRY(MSG_SERVICE_STARTED), ENTRY(MSG_SERVICE_STOPPED),
    ENTRY(MSG_SETTING_INVALID), ENTRY(MSG_EVENTS_LOST),
    ENTRY(MSG_PORT_CONFLICT), ENTRY(MSG_PORT_CONFLICT_CLEARED),
    ENTRY(MSG_PORT_CONFLICT_REMINDER), ENTRY(MSG_NO_CONFLICTS),
    ENTRY(MSG_VALUE_UNUSABLE), ENTRY(MSG_VALUE_USABLE),
    ENTRY(MSG_PORT_IN_DYNAMIC_RANGE), ENTRY(MSG_PORT_OUT_OF_DYNAMIC_RANGE),
    ENTRY(MSG_KEY_UNWATCHABLE), ENTRY(MSG_KEY_WATCHED),
    ENTRY(MSG_KEY_MISSING), ENTRY(MSG_KEY_CREATED),
    ENTRY(MSG_EVENTS_SUPPRESSED),
    /* who holds the ports, domain controllers, range rules */
    ENTRY(MSG_LISTENERS_UNREADABLE), ENTRY(MSG_LISTENERS_READ),
    ENTRY(MSG_DC_PORT_CONFLICT), ENTRY(MSG_DC_PORT_CONFLICT_CLEARED),
    ENTRY(MSG_DC_PORT_CONFLICT_REMINDER),
    ENTRY(MSG_PORT_BELOW_1024), ENTRY(MSG_PORT_BELOW_1024_CLEARED),
    ENTRY(MSG_PORT_BELOW_5000), ENTRY(MSG_PORT_BELOW_5000_CLEARED),
    ENTRY(MSG_PORT_NOT_RECOMMENDED), ENTRY(MSG_PORT_NOT_RECOMMENDED_CLEARED),
    ENTRY(MSG_PORT_EXCLUDED), ENTRY(MSG_PORT_EXCLUDED_CLEARED),
    ENTRY(MSG_PORT_HELD), ENTRY(MSG_PORT_RELEASED),
};
#define NGEN (sizeof generated / sizeof generated[0])

static void every_event_has_its_constant(void)
{
    size_t i, j;

    CHECK_INT(NGEN, epg_event_def_count);
    for (i = 0; i < epg_event_def_count; i++) {
        const epg_event_def *d = &epg_event_defs[i];
        int found = 0;
        for (j = 0; j < NGEN; j++) {
            if (strcmp(generated[j].symbol, d->symbol) != 0)
                continue;
            found = 1;
            if (generated[j].id != event_message_id(d))
                fprintf(stderr, "  %s: header 0x%08lx, code 0x%08lx\n", d->symbol,
                        (unsigned long)generated[j].id,
                        (unsigned long)event_message_id(d));
            CHECK_INT(generated[j].id, event_message_id(d));
        }
        CHECK(found);
    }
}

static void facility_zero(void)
{
    size_t j;

    CHECK_INT(FACILITY_EXCHPORTGUARD, 0);
    for (j = 0; j < NGEN; j++) {
        CHECK_INT((generated[j].id >> 16) & 0x0FFF, 0);    /* facility */
        CHECK_INT(generated[j].id & 0x20000000, 0);         /* customer bit */
    }
    /* The documented example of the .mc header comment. */
    CHECK_INT(MSG_PORT_CONFLICT, 0xC000044C);
}

int main(void)
{
    RUN(every_event_has_its_constant);
    RUN(facility_zero);
    return tt_summary("test_message_ids");
}
