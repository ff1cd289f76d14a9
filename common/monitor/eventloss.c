#include "monitor/eventloss.h"

#include <stdlib.h>
#include <string.h>

void epg_loss_init(epg_event_loss *l)
{
    memset(l, 0, sizeof *l);
}

static void note(epg_event_loss *l, int64_t now, uint32_t err)
{
    if (l->lost == 0)
        l->first = now;
    if (l->lost < UINT32_MAX)
        l->lost++;
    l->last = now;
    l->error = err;
}

uint32_t epg_loss_emit(epg_event_loss *l, const epg_log_writer *w,
                       const epg_event *e, int64_t now)
{
    uint32_t err;

    if (l->lost) {
        epg_event report;
        char *text = w->error_text ? w->error_text(l->error) : NULL;
        int built = epg_event_lost(l->lost, l->first, l->last, l->error, text, &report);

        free(text);
        if (built > 0) {
            err = w->write(w->ctx, &report);
            epg_event_free(&report);
            if (err) {
                note(l, now, err);
                return err;
            }
            epg_loss_init(l);
        }
        /* Out of memory for the report: keep counting, say it next time. */
    }
    err = w->write(w->ctx, e);
    if (err)
        note(l, now, err);
    return err;
}
