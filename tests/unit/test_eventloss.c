/* Lost events and the 1003 that reports them (common/monitor/eventloss.c),
 * through a writer that fails on demand. */
#include <stdlib.h>
#include <string.h>

#include "monitor/eventloss.h"
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
    return epg_strdup(code == 1502 ? "The event log file is full."
                      : code == 193 ? "%1 is not a valid Win32 application."
                      : code == 9999 ? "100%% full" : "other");
}

static void fake_free(fake_log *f)
{
    size_t i, j;

    for (i = 0; i < f->n; i++)
        for (j = 0; j < f->nstrings[i]; j++)
            free(f->strings[i][j]);
}

/* One test's state: a fresh loss record, the fake log behind a writer
 * (write: fake_write unless the test needs another), and a 1001 to send. */
typedef struct fixture {
    fake_log f;
    epg_event_loss l;
    epg_log_writer w;
    epg_event e;
} fixture;

static void setup(fixture *x, epg_log_write_fn write)
{
    memset(x, 0, sizeof *x);
    x->w.write = write;
    x->w.ctx = &x->f;
    x->w.error_text = fake_text;
    epg_loss_init(&x->l);
    x->e.def = epg_event_def_find(EPG_EV_STOPPED);
}

static void nothing_lost_nothing_said(void)
{
    fixture x;

    setup(&x, fake_write);
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 100), 0);
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 101), 0);
    CHECK_INT(x.f.n, 2);
    CHECK_INT(x.f.ids[0], EPG_EV_STOPPED);
    CHECK_INT(x.f.ids[1], EPG_EV_STOPPED);
    fake_free(&x.f);
}

static void lost_then_reported_once(void)
{
    fixture x;

    setup(&x, fake_write);
    /* Three events refused: 1502 (ERROR_LOG_FILE_FULL) the last time. */
    x.f.fail_with = 6;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 951782400), 6);
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 951782460), 6);
    x.f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 951786000), 1502);
    CHECK_INT(x.f.n, 0);
    /* Writing works again: 1003 first, then the event, then no more 1003. */
    x.f.fail_with = 0;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 951790000), 0);
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 951790001), 0);
    CHECK_INT(x.f.n, 3);
    CHECK_INT(x.f.ids[0], EPG_EV_EVENTS_LOST);
    CHECK_INT(x.f.nstrings[0], 5);
    CHECK_STR(x.f.strings[0][0], "3");
    CHECK_STR(x.f.strings[0][1], "2000-02-29 00:00:00 UTC");
    CHECK_STR(x.f.strings[0][2], "2000-02-29 01:00:00 UTC");
    CHECK_STR(x.f.strings[0][3], "1502");
    CHECK_STR(x.f.strings[0][4], "The event log file is full.");
    CHECK_INT(x.f.ids[1], EPG_EV_STOPPED);
    CHECK_INT(x.f.ids[2], EPG_EV_STOPPED);
    fake_free(&x.f);
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
    fixture x;

    setup(&x, one_then_fail);
    x.f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 1000), 1502);
    x.f.fail_with = 0;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 2000), 5);
    CHECK_INT(x.f.n, 1);
    CHECK_INT(x.f.ids[0], EPG_EV_EVENTS_LOST);
    CHECK_STR(x.f.strings[0][0], "1");
    CHECK_INT(x.l.lost, 1);
    CHECK_INT(x.l.error, 5);
    CHECK_INT(x.l.first, 2000);
    fake_free(&x.f);
}

/* The 1003 itself refused: the event is counted as lost with the rest,
 * and not written ahead of the report. */
static void report_refused(void)
{
    fixture x;

    setup(&x, fake_write);
    x.f.fail_with = 1502;
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 1000), 1502);
    CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 1500), 1502);
    CHECK_INT(x.f.n, 0);
    CHECK_INT(x.l.lost, 2);
    CHECK_INT(x.l.first, 1000);
    CHECK_INT(x.l.last, 1500);
    fake_free(&x.f);
}

/* The system's text goes into 1003 escaped as registry data is
 * (docs/events.md): "%1" or "%%" in it would otherwise be taken by Event
 * Viewer as an insertion of its own. */
static void error_text_escaped(void)
{
    static const struct {
        uint32_t code;
        const char *shown;
    } cases[] = {
        { 193, "\\x251 is not a valid Win32 application." },
        { 9999, "100\\x25\\x25 full" },
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture x;
        setup(&x, fake_write);
        x.f.fail_with = cases[i].code;
        CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 1000), cases[i].code);
        x.f.fail_with = 0;
        CHECK_INT(epg_loss_emit(&x.l, &x.w, &x.e, 2000), 0);
        CHECK_INT(x.f.ids[0], EPG_EV_EVENTS_LOST);
        CHECK_INT(x.f.nstrings[0], 5);
        CHECK_STR(x.f.strings[0][4], cases[i].shown);
        fake_free(&x.f);
    }
}

int main(void)
{
    RUN(nothing_lost_nothing_said);
    RUN(lost_then_reported_once);
    RUN(report_written_event_refused);
    RUN(report_refused);
    RUN(error_text_escaped);
    return tt_summary("test_eventloss");
}
