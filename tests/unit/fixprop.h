/* Random snapshots for the port chooser, and the property every plan must
 * have.  One generator serves the unit test (bytes from a seeded PRNG) and
 * the fuzz target (bytes from libFuzzer), so both explore the same space:
 * values clustered on the ports conflicts and range rules are made of, keys
 * missing, every OS generation, the range check on and off, an override,
 * MaxUserPort (often the common 65534), ReservedPorts, netsh's dynamic
 * range and exclusion table (administered and not), listeners, strings
 * only a lenient parser reads (" 5001", "5002 "), domain controller values
 * on Exchange ports, and now and then a value that cannot be read. */
#ifndef FIXPROP_H
#define FIXPROP_H

#include <stddef.h>
#include <stdint.h>

#include "check/snapshot.h"
#include "fix/fixplan.h"

/* Where the generator's bytes come from. */
typedef unsigned (*fp_byte_fn)(void *ctx);

/* Fills s (initialised by the caller) from the byte source. */
void fp_random_snapshot(epg_snapshot *s, fp_byte_fn next, void *ctx);

/* Plans for s, applies the plan to s and checks the property:
 *   - an unreadable verdict gives EPG_FIX_INCOMPLETE and nothing else does;
 *   - EPG_FIX_NO_PORT proposes nothing and gives a reason;
 *   - otherwise every proposed port is >= 1024, unique in the plan, used by
 *     no other value afterwards, not what an invalid string's service reads
 *     leniently (" 5001"), neither in the dynamic range nor in an
 *     exclusion nobody else can bind as check judges them (inside an
 *     administered exclusion exactly when the change says so), held by
 *     nobody in the TCP table, inside 59531-60554 for the Exchange 2010
 *     range-rule values and above 5000 for the others; a domain controller
 *     value moves for a conflict only with another domain controller
 *     value; afterwards no conflict, no port below 1024 and no excluded
 *     port stands, no finding stands that was not there before, no finding
 *     names a changed value, and the verdict is no worse.
 * Returns 0, or 1 with why filled in.  *result receives the plan's result. */
int fp_check_property(epg_snapshot *s, epg_fix_result *result, char *why, size_t n);

#endif
