/* Finding sets and the diff the service turns into events. */
#include "check/findings.h"
#include "tinytest.h"

static epg_finding conflict(uint16_t a, uint16_t b, uint16_t port)
{
    epg_finding f = { 0 };

    f.rule = EPG_RULE_CONFLICT;
    f.a = a;
    f.b = b;
    f.port = port;
    return f;
}

static epg_finding invalid(uint16_t a)
{
    epg_finding f = { 0 };

    f.rule = EPG_RULE_INVALID_VALUE;
    f.a = a;
    f.b = EPG_NONE;
    return f;
}

static void make(epg_finding_set *s, const epg_finding *f, size_t n)
{
    size_t i;

    epg_set_init(s);
    for (i = 0; i < n; i++)
        CHECK_INT(epg_set_add(s, &f[i]), 0);
    epg_set_sort(s);
}

static void diff_raises_and_clears(void)
{
    epg_finding before[] = { conflict(3, 6, 6001), invalid(5) };
    epg_finding after[] = { invalid(5), conflict(0, 1, 6002) };
    epg_finding_set o, n, cl, ra;

    make(&o, before, 2);
    make(&n, after, 2);
    epg_set_init(&cl);
    epg_set_init(&ra);
    CHECK_INT(epg_findings_diff(&o, &n, &cl, &ra), 0);
    CHECK_INT(cl.count, 1);
    CHECK_INT(ra.count, 1);
    CHECK_INT(cl.items[0].port, 6001);
    CHECK_INT(ra.items[0].port, 6002);
    epg_set_free(&o);
    epg_set_free(&n);
    epg_set_free(&cl);
    epg_set_free(&ra);
}

static void unchanged_state_gives_nothing(void)
{
    epg_finding f[] = { conflict(3, 6, 6001), invalid(5), invalid(2) };
    epg_finding_set o, n, cl, ra;

    make(&o, f, 3);
    make(&n, f, 3);
    epg_set_init(&cl);
    epg_set_init(&ra);
    CHECK_INT(epg_findings_diff(&o, &n, &cl, &ra), 0);
    CHECK_INT(cl.count, 0);
    CHECK_INT(ra.count, 0);
    epg_set_free(&o);
    epg_set_free(&n);
    epg_set_free(&cl);
    epg_set_free(&ra);
}

static void port_change_is_clear_plus_raise(void)
{
    /* Same pair, new shared port: the old conflict clears, a new one
     * stands, so the events name the right port. */
    epg_finding before[] = { conflict(3, 6, 6001) };
    epg_finding after[] = { conflict(3, 6, 6002) };
    epg_finding_set o, n, cl, ra;

    make(&o, before, 1);
    make(&n, after, 1);
    epg_set_init(&cl);
    epg_set_init(&ra);
    CHECK_INT(epg_findings_diff(&o, &n, &cl, &ra), 0);
    CHECK_INT(cl.count, 1);
    CHECK_INT(ra.count, 1);
    epg_set_free(&o);
    epg_set_free(&n);
    epg_set_free(&cl);
    epg_set_free(&ra);
}

static void empty_sets(void)
{
    epg_finding f[] = { conflict(0, 1, 1), conflict(0, 2, 1), conflict(1, 2, 1) };
    epg_finding_set o, n, cl, ra;

    make(&o, f, 0);
    make(&n, f, 3);
    epg_set_init(&cl);
    epg_set_init(&ra);
    CHECK_INT(epg_findings_diff(&o, &n, &cl, &ra), 0);
    CHECK_INT(ra.count, 3);
    CHECK_INT(cl.count, 0);
    CHECK_INT(epg_findings_diff(&n, &o, &cl, &ra), 0);
    CHECK_INT(ra.count, 0);
    CHECK_INT(cl.count, 3);
    epg_set_free(&o);
    epg_set_free(&n);
    epg_set_free(&cl);
    epg_set_free(&ra);
}

static void carry_keeps_first_seen(void)
{
    epg_finding before[] = { conflict(3, 6, 6001) };
    epg_finding after[] = { conflict(3, 6, 6001), conflict(0, 1, 6002) };
    epg_finding_set o, n;

    before[0].first_seen = 1000;
    after[0].first_seen = 2000;
    after[1].first_seen = 2000;
    make(&o, before, 1);
    make(&n, after, 2);
    epg_findings_carry(&o, &n);
    CHECK_INT(epg_set_find(&n, &before[0])->first_seen, 1000);
    CHECK_INT(epg_set_find(&n, &after[1])->first_seen, 2000);
    epg_set_free(&o);
    epg_set_free(&n);
}

static void insert_and_remove_keep_order(void)
{
    epg_finding_set s;
    epg_finding a = conflict(0, 1, 5), b = conflict(0, 1, 3), c = invalid(2);
    size_t i;

    epg_set_init(&s);
    CHECK_INT(epg_set_insert(&s, &a), 0);
    CHECK_INT(epg_set_insert(&s, &c), 0);
    CHECK_INT(epg_set_insert(&s, &b), 0);
    CHECK_INT(epg_set_insert(&s, &b), 0);   /* no duplicates */
    CHECK_INT(s.count, 3);
    for (i = 1; i < s.count; i++)
        CHECK(epg_finding_cmp(&s.items[i - 1], &s.items[i]) < 0);
    CHECK_INT(epg_set_remove(&s, &a), 1);
    CHECK_INT(epg_set_remove(&s, &a), 0);
    CHECK_INT(s.count, 2);
    CHECK(epg_set_find(&s, &a) == NULL);
    CHECK(epg_set_find(&s, &c) != NULL);
    epg_set_free(&s);
}

int main(void)
{
    RUN(diff_raises_and_clears);
    RUN(unchanged_state_gives_nothing);
    RUN(port_change_is_clear_plus_raise);
    RUN(empty_sets);
    RUN(carry_keeps_first_seen);
    RUN(insert_and_remove_keep_order);
    return tt_summary("test_diff");
}
