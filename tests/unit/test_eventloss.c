/* Lost events and the 1003 that reports them (common/eventloss.c), through
 * a writer that fails on demand. */
#include <stdlib.h>
#include <string.h>

#include "eventloss.h"
#include "strbuf.h"
#include "tinytest.h"

#define MAXW 16

typedef struct fake_log {
    uint32_t fail_with;     /* 0: write; else fail with this error */
    size_t n;
    uint16_t ids[MAXW];
    char *strings[MAXW][EPG_EVENT_MAX_STRINGS];
    size_t nstrings[MAXW];
} fake_log;

static uint32_t fake_write(void *ctx, const epg_event *e)
{
    fake_log *f = ctx;
    size_t i;

    if (f->fail_with)
        return f->fail_with;
    if (f->n < MAXW) {
        f->ids[f->n] = e->def->id;
        f->nstrings[f->n] = e->nstrings;
        for (i = 0; i < e->nstrings; i++)
            f->strings[f->n][i] = epg_strdup(e->strings[i]);
        f->n++;
    }
    return 0;
}

static char *fake_text(uint32_t code)
{
    return epg_strdup(code == 1502 ? "The event log file is full." : "other");
}

static void fake_free(fake_log *f)
{
    size_t i, j;

    for (i = 0; i < f->n; i++)
        for (j = 0; j < f->nstrings[i]; j++)
            free(f->strings[i][j]);
}

static void event_of(uint16_t id, epg_event *e)
{
    memset(e, 0, sizeof *e);
    e->def = epg_event_def_find(id);
}

static void nothing_lost_nothing_said(void)
{
    fake_log f;
    epg_event_loss l;
    epg_log_writer w = { fake_write, NULL, fake_text };
    epg_event e;

    memset(&f, 0, sizeof f);
    w.ctx = &f;
    epg_loss_init(&l);
    event_of(EPG_EV_STOPPED, &e);
    CHECK_INT(epg_loss_emit(&l, &w, &e, 100), 0);
    CHECK_INT(epg_loss_emit(&l, &w, &e, 101), 0);
    CHECK_INT(f.n, 2);
    CHECK_INT(f.ids[0], EPG_EV_STOPPED);
    CHECK_INT(f.ids[1], EPG_EV_STOPPED);
    fake_free(&f);
}

static void lost_then_reported_once(void)
{
    fake_log f;
    epg_event_loss l;
    epg_log_writer w = { fake_write, NULL, fake_text };
    epg_event e;

    memset(&f, 0, sizeof f);
    w.ctx = &f;
    epg_loss_init(&l);
    event_of(EPG_EV_STOPPED, &e);
    /* Three events refused: 1502 (ERROR_LOG_FILE_FULL) the last time. */
    f.fail_with = 6;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 951782400), 6);
    CHECK_INT(epg_loss_emit(&l, &w, &e, 951782460), 6);
    f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 951786000), 1502);
    CHECK_INT(f.n, 0);
    /* Writing works again: 1003 first, then the event, then no more 1003. */
    f.fail_with = 0;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 951790000), 0);
    CHECK_INT(epg_loss_emit(&l, &w, &e, 951790001), 0);
    CHECK_INT(f.n, 3);
    CHECK_INT(f.ids[0], EPG_EV_EVENTS_LOST);
    CHECK_INT(f.nstrings[0], 5);
    CHECK_STR(f.strings[0][0], "3");
    CHECK_STR(f.strings[0][1], "2000-02-29 00:00:00 UTC");
    CHECK_STR(f.strings[0][2], "2000-02-29 01:00:00 UTC");
    CHECK_STR(f.strings[0][3], "1502");
    CHECK_STR(f.strings[0][4], "The event log file is full.");
    CHECK_INT(f.ids[1], EPG_EV_STOPPED);
    CHECK_INT(f.ids[2], EPG_EV_STOPPED);
    fake_free(&f);
}

/* A writer that takes one event and refuses the next: the 1003 went
 * through, the event did not; the next success reports just that one. */
static uint32_t one_then_fail(void *ctx, const epg_event *e)
{
    fake_log *f = ctx;
    uint32_t err = fake_write(ctx, e);

    f->fail_with = 5;
    return err;
}

static void report_written_event_refused(void)
{
    fake_log f;
    epg_event_loss l;
    epg_log_writer w = { one_then_fail, NULL, fake_text };
    epg_event e;

    memset(&f, 0, sizeof f);
    w.ctx = &f;
    epg_loss_init(&l);
    event_of(EPG_EV_STOPPED, &e);
    f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 1000), 1502);
    f.fail_with = 0;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 2000), 5);
    CHECK_INT(f.n, 1);
    CHECK_INT(f.ids[0], EPG_EV_EVENTS_LOST);
    CHECK_STR(f.strings[0][0], "1");
    CHECK_INT(l.lost, 1);
    CHECK_INT(l.error, 5);
    CHECK_INT(l.first, 2000);
    fake_free(&f);
}

/* The 1003 itself refused: the event is counted as lost with the rest,
 * and not written ahead of the report. */
static void report_refused(void)
{
    fake_log f;
    epg_event_loss l;
    epg_log_writer w = { fake_write, NULL, fake_text };
    epg_event e;

    memset(&f, 0, sizeof f);
    w.ctx = &f;
    epg_loss_init(&l);
    event_of(EPG_EV_STOPPED, &e);
    f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&l, &w, &e, 1000), 1502);
    CHECK_INT(epg_loss_emit(&l, &w, &e, 1500), 1502);
    CHECK_INT(f.n, 0);
    CHECK_INT(l.lost, 2);
    CHECK_INT(l.first, 1000);
    CHECK_INT(l.last, 1500);
    fake_free(&f);
}

int main(void)
{
    RUN(nothing_lost_nothing_said);
    RUN(lost_then_reported_once);
    RUN(report_written_event_refused);
    RUN(report_refused);
    return tt_summary("test_eventloss");
}
