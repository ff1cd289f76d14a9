/* The coalescer and the flood limit, driven with a fake clock. */
#include "monitor/coalesce.h"
#include "monitor/ratelimit.h"
#include "tinytest.h"

static void first_change_is_checked_at_once(void)
{
    epg_coalescer c;

    epg_coalesce_init(&c, 200);
    CHECK_INT(epg_coalesce_deadline(&c), UINT64_MAX);   /* idle: no timer */
    CHECK_INT(epg_coalesce_change(&c, 1000), 1);
    CHECK_INT(epg_coalesce_deadline(&c), 1200);
    /* Quiet window: closes without a check and the timer goes away. */
    CHECK_INT(epg_coalesce_timer(&c, 1200), 0);
    CHECK_INT(epg_coalesce_deadline(&c), UINT64_MAX);
    CHECK_INT(epg_coalesce_change(&c, 5000), 1);
}

static void burst_is_folded(void)
{
    epg_coalescer c;
    uint64_t t;
    int checks = 0;

    epg_coalesce_init(&c, 200);
    /* A change every millisecond for one second. */
    for (t = 0; t < 1000; t++) {
        if (epg_coalesce_deadline(&c) <= t)
            checks += epg_coalesce_timer(&c, t);
        checks += epg_coalesce_change(&c, t);
    }
    /* Drain: the last state must be checked. */
    while (epg_coalesce_deadline(&c) != UINT64_MAX) {
        t = epg_coalesce_deadline(&c);
        checks += epg_coalesce_timer(&c, t);
    }
    CHECK(checks <= 1000 / 200 + 2);
    CHECK(checks >= 5);
}

static void last_change_in_window_is_checked(void)
{
    epg_coalescer c;

    epg_coalesce_init(&c, 200);
    CHECK_INT(epg_coalesce_change(&c, 0), 1);
    CHECK_INT(epg_coalesce_change(&c, 199), 0);
    CHECK_INT(epg_coalesce_timer(&c, 100), 0);  /* early wake: nothing */
    CHECK_INT(epg_coalesce_timer(&c, 200), 1);
    CHECK_INT(epg_coalesce_deadline(&c), 400);
    CHECK_INT(epg_coalesce_timer(&c, 400), 0);
    CHECK_INT(epg_coalesce_deadline(&c), UINT64_MAX);
}

static void zero_window_checks_everything(void)
{
    epg_coalescer c;

    epg_coalesce_init(&c, 0);
    CHECK_INT(epg_coalesce_change(&c, 0), 1);
    CHECK_INT(epg_coalesce_change(&c, 0), 1);
    CHECK_INT(epg_coalesce_deadline(&c), UINT64_MAX);
}

static void window_change_applies_next_window(void)
{
    epg_coalescer c;

    epg_coalesce_init(&c, 200);
    CHECK_INT(epg_coalesce_change(&c, 0), 1);
    epg_coalesce_set_window(&c, 1000);
    CHECK_INT(epg_coalesce_change(&c, 100), 0);
    CHECK_INT(epg_coalesce_timer(&c, 200), 1);
    CHECK_INT(epg_coalesce_deadline(&c), 1200);
}

static void shorter_window_cuts_the_open_one_short(void)
{
    epg_coalescer c;

    epg_coalesce_init(&c, 60000);
    CHECK_INT(epg_coalesce_change(&c, 1000), 1);
    CHECK_INT(epg_coalesce_change(&c, 1500), 0);
    epg_coalesce_set_window(&c, 200);
    CHECK_INT(epg_coalesce_deadline(&c), 1200);
    CHECK_INT(epg_coalesce_timer(&c, 1600), 1);     /* the folded change */
    CHECK_INT(epg_coalesce_deadline(&c), 1800);
    /* Zero: the open window ends now. */
    CHECK_INT(epg_coalesce_change(&c, 1700), 0);
    epg_coalesce_set_window(&c, 0);
    CHECK_INT(epg_coalesce_deadline(&c), 1600);
    CHECK_INT(epg_coalesce_timer(&c, 1700), 1);
}

static void limit_allows_then_suppresses(void)
{
    epg_ratelimit rl;
    uint32_t n, secs, lim;
    int i, allowed = 0;

    epg_ratelimit_init(&rl);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 60), 0);
    for (i = 0; i < 100; i++)
        allowed += epg_ratelimit_allow(&rl, 1000 + (uint64_t)i);
    CHECK_INT(allowed, 60);
    CHECK_INT(epg_ratelimit_deadline(&rl), 1060 + 60000);
    CHECK_INT(epg_ratelimit_end_episode(&rl, 30000, &n, &secs, &lim), 0);
    CHECK_INT(epg_ratelimit_end_episode(&rl, 61060, &n, &secs, &lim), 1);
    CHECK_INT(n, 40);
    CHECK_INT(secs, 60);
    CHECK_INT(lim, 60);
    CHECK_INT(epg_ratelimit_deadline(&rl), EPG_NO_DEADLINE);
    /* The window has slid past the first events: room again. */
    CHECK_INT(epg_ratelimit_allow(&rl, 61060), 1);
    epg_ratelimit_free(&rl);
}

static void sliding_window_never_exceeds_limit(void)
{
    epg_ratelimit rl;
    uint64_t t, times[2000];
    size_t n = 0, i, j;

    epg_ratelimit_init(&rl);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 10), 0);
    for (t = 0; t < 200000 && n < 2000; t += 700)
        if (epg_ratelimit_allow(&rl, t))
            times[n++] = t;
    /* Ten at once in each of the four minutes that start at 0, 60.2 s,
     * 120.4 s and 180.6 s (the first time the window has room again): a
     * limiter that allows nothing, or everything, fails here. */
    CHECK_INT(n, 40);
    CHECK_INT(times[10], 60200);
    /* Any 60 s span holds at most 10 allowed events. */
    for (i = 0, j = 0; i < n; i++) {
        while (times[i] - times[j] >= 60000)
            j++;
        CHECK(i - j + 1 <= 10);
    }
    epg_ratelimit_free(&rl);
}

/* Lifted (0) during an episode: the episode is due at once and reports the
 * limit it was counted against.  Raised or lowered, it runs its minute. */
static void lifting_the_limit_ends_the_episode(void)
{
    epg_ratelimit rl;
    uint32_t n, secs, lim;

    epg_ratelimit_init(&rl);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 2), 0);
    CHECK_INT(epg_ratelimit_allow(&rl, 1000), 1);
    CHECK_INT(epg_ratelimit_allow(&rl, 1000), 1);
    CHECK_INT(epg_ratelimit_allow(&rl, 1000), 0);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 5), 0);
    CHECK_INT(epg_ratelimit_deadline(&rl), 61000);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 0), 0);
    CHECK_INT(epg_ratelimit_deadline(&rl), 1000);
    CHECK_INT(epg_ratelimit_end_episode(&rl, 4000, &n, &secs, &lim), 1);
    CHECK_INT(n, 1);
    CHECK_INT(secs, 3);
    CHECK_INT(lim, 2);
    CHECK_INT(epg_ratelimit_deadline(&rl), EPG_NO_DEADLINE);
    epg_ratelimit_free(&rl);
}

static void zero_means_no_limit(void)
{
    epg_ratelimit rl;
    int i, allowed = 0;

    epg_ratelimit_init(&rl);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 0), 0);
    for (i = 0; i < 10000; i++)
        allowed += epg_ratelimit_allow(&rl, 5);
    CHECK_INT(allowed, 10000);
    epg_ratelimit_free(&rl);
}

static void limit_change_keeps_history(void)
{
    epg_ratelimit rl;
    int i;

    epg_ratelimit_init(&rl);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 5), 0);
    for (i = 0; i < 5; i++)
        CHECK_INT(epg_ratelimit_allow(&rl, 10), 1);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 3), 0);
    CHECK_INT(epg_ratelimit_allow(&rl, 11), 0);
    CHECK_INT(epg_ratelimit_set_limit(&rl, 8), 0);
    for (i = 0; i < 5; i++)
        CHECK_INT(epg_ratelimit_allow(&rl, 12), 1);
    CHECK_INT(epg_ratelimit_allow(&rl, 12), 0);
    epg_ratelimit_free(&rl);
}

int main(void)
{
    RUN(first_change_is_checked_at_once);
    RUN(burst_is_folded);
    RUN(last_change_in_window_is_checked);
    RUN(zero_window_checks_everything);
    RUN(window_change_applies_next_window);
    RUN(shorter_window_cuts_the_open_one_short);
    RUN(limit_allows_then_suppresses);
    RUN(sliding_window_never_exceeds_limit);
    RUN(zero_means_no_limit);
    RUN(lifting_the_limit_ends_the_episode);
    RUN(limit_change_keeps_history);
    return tt_summary("test_timing");
}
