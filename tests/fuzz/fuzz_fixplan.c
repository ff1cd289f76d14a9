/* libFuzzer target over the port chooser (fixplan.h): the input's bytes
 * drive the random snapshot generator of the unit test (fixprop.h), and
 * every plan must have the property fp_check_property states: no proposed
 * port in use, held, excluded, dynamic, below 1024 or outside its range,
 * and after applying the plan no conflict or error-level range finding
 * stands and the verdict is no worse.  The bytes run out into zeros. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fixprop.h"

typedef struct cursor {
    const uint8_t *p;
    size_t n;
} cursor;

static unsigned take8(void *ctx)
{
    cursor *c = ctx;

    if (!c->n)
        return 0;
    c->n--;
    return *c->p++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor c = { data, size };
    epg_snapshot s;
    epg_fix_result r;
    char why[256];

    epg_snapshot_init(&s);
    fp_random_snapshot(&s, take8, &c);
    if (fp_check_property(&s, &r, why, sizeof why)) {
        fprintf(stderr, "fix property: %s\n", why);
        abort();
    }
    epg_snapshot_free(&s);
    return 0;
}
