#include "check/findings.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

const char *epg_rule_name(epg_rule r)
{
    switch (r) {
    case EPG_RULE_SETTING_INVALID: return "setting-invalid";
    case EPG_RULE_UNREADABLE: return "unreadable";
    case EPG_RULE_KEY_MISSING: return "key-missing";
    case EPG_RULE_CONFLICT: return "conflict";
    case EPG_RULE_INVALID_VALUE: return "invalid-value";
    case EPG_RULE_DYNAMIC_RANGE: return "dynamic-range";
    case EPG_RULE_NO_CONFLICT: return "no-conflict";
    case EPG_RULE_PORT_BELOW_1024: return "port-below-1024";
    case EPG_RULE_PORT_BELOW_5000: return "port-below-5000";
    case EPG_RULE_PORT_NOT_RECOMMENDED: return "port-not-recommended";
    case EPG_RULE_PORT_EXCLUDED: return "port-excluded";
    case EPG_RULE_PORT_HELD: return "port-held";
    case EPG_RULE_LISTENERS_UNREADABLE: return "listeners-unreadable";
    case EPG_RULE_COUNT: break;
    }
    return "unknown";
}

epg_severity epg_rule_severity(epg_rule r)
{
    switch (r) {
    case EPG_RULE_CONFLICT:
    case EPG_RULE_UNREADABLE:
    case EPG_RULE_PORT_BELOW_1024:
    case EPG_RULE_PORT_EXCLUDED:
        return EPG_SEV_ERROR;
    case EPG_RULE_PORT_BELOW_5000:
    case EPG_RULE_PORT_HELD:
    case EPG_RULE_LISTENERS_UNREADABLE:
    case EPG_RULE_INVALID_VALUE:
    case EPG_RULE_DYNAMIC_RANGE:
    case EPG_RULE_SETTING_INVALID:
        return EPG_SEV_WARNING;
    default:
        return EPG_SEV_INFO;
    }
}

const char *epg_severity_name(epg_severity s)
{
    return s == EPG_SEV_ERROR ? "error" : s == EPG_SEV_WARNING ? "warning" : "info";
}

void epg_set_init(epg_finding_set *s)
{
    s->items = NULL;
    s->count = 0;
    s->cap = 0;
}

void epg_set_free(epg_finding_set *s)
{
    free(s->items);
    epg_set_init(s);
}

void epg_set_clear(epg_finding_set *s)
{
    s->count = 0;
}

static int grow(epg_finding_set *s, size_t need)
{
    epg_finding *p = epg_grow(s->items, &s->cap, need, sizeof *p, 16);

    if (!p)
        return -1;
    s->items = p;
    return 0;
}

int epg_set_add(epg_finding_set *s, const epg_finding *f)
{
    if (grow(s, s->count + 1))
        return -1;
    s->items[s->count++] = *f;
    return 0;
}

int epg_set_copy(epg_finding_set *dst, const epg_finding_set *src)
{
    if (grow(dst, src->count))
        return -1;
    if (src->count)
        memcpy(dst->items, src->items, src->count * sizeof *src->items);
    dst->count = src->count;
    return 0;
}

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

int epg_finding_cmp(const epg_finding *x, const epg_finding *y)
{
    int c;

    if ((c = CMP(x->rule, y->rule)) != 0) return c;
    if ((c = CMP(x->a, y->a)) != 0) return c;
    if ((c = CMP(x->b, y->b)) != 0) return c;
    if ((c = CMP(x->port, y->port)) != 0) return c;
    return CMP(x->data_hash, y->data_hash);
}

static int cmp_void(const void *x, const void *y)
{
    return epg_finding_cmp(x, y);
}

void epg_set_sort(epg_finding_set *s)
{
    if (s->count > 1)
        qsort(s->items, s->count, sizeof *s->items, cmp_void);
}

/* Index of the first item not less than f. */
static size_t lower_bound(const epg_finding_set *s, const epg_finding *f)
{
    size_t lo = 0, hi = s->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (epg_finding_cmp(&s->items[mid], f) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

epg_finding *epg_set_find(const epg_finding_set *s, const epg_finding *f)
{
    size_t i = lower_bound(s, f);

    if (i < s->count && epg_finding_cmp(&s->items[i], f) == 0)
        return &s->items[i];
    return NULL;
}

int epg_set_remove(epg_finding_set *s, const epg_finding *f)
{
    size_t i = lower_bound(s, f);

    if (i >= s->count || epg_finding_cmp(&s->items[i], f) != 0)
        return 0;
    memmove(&s->items[i], &s->items[i + 1],
            (s->count - i - 1) * sizeof *s->items);
    s->count--;
    return 1;
}

int epg_set_insert(epg_finding_set *s, const epg_finding *f)
{
    size_t i = lower_bound(s, f);

    if (i < s->count && epg_finding_cmp(&s->items[i], f) == 0) {
        s->items[i] = *f;
        return 0;
    }
    if (grow(s, s->count + 1))
        return -1;
    memmove(&s->items[i + 1], &s->items[i], (s->count - i) * sizeof *s->items);
    s->items[i] = *f;
    s->count++;
    return 0;
}

size_t epg_set_count_rule(const epg_finding_set *s, epg_rule r)
{
    size_t i, n = 0;

    for (i = 0; i < s->count; i++)
        if (s->items[i].rule == r)
            n++;
    return n;
}

int epg_findings_diff(const epg_finding_set *old, const epg_finding_set *cur,
                      epg_finding_set *cleared, epg_finding_set *raised)
{
    size_t i = 0, j = 0;

    epg_set_clear(cleared);
    epg_set_clear(raised);
    while (i < old->count || j < cur->count) {
        int c;

        if (i == old->count)
            c = 1;
        else if (j == cur->count)
            c = -1;
        else
            c = epg_finding_cmp(&old->items[i], &cur->items[j]);
        if (c < 0) {
            if (epg_set_add(cleared, &old->items[i++]))
                return -1;
        } else if (c > 0) {
            if (epg_set_add(raised, &cur->items[j++]))
                return -1;
        } else {
            i++;
            j++;
        }
    }
    return 0;
}

void epg_findings_carry(const epg_finding_set *old, epg_finding_set *cur)
{
    size_t j;

    for (j = 0; j < cur->count; j++) {
        const epg_finding *o = epg_set_find(old, &cur->items[j]);
        if (o)
            cur->items[j].first_seen = o->first_seen;
    }
}
