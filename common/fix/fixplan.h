/* The remedy the analyzer only tells: for each conflict (1100, 1104) and
 * each error-level finding about one value's port (below 1024, inside an
 * exclusion range nobody else can bind), one proposed change of one value
 * to a new port.  Pure: from a snapshot and its evaluation to a plan; the
 * shell prints it, writes it as a .reg file, or applies it.
 *
 * Which value of a conflict changes (docs/operations.md, "Fixing a
 * conflict"): the Exchange value, never a domain controller's, when one of
 * each shares the port (domain controller ports are pinned domain-wide);
 * otherwise a snapshot does not say which value the administrator set
 * last, so the rule is the catalogue's order: the later value of the pair
 * changes and the earlier one keeps its port.  A conflict one of whose
 * values is already being changed needs no change of its own (a new port is
 * unique), so three values on one port take two changes.
 *
 * The new port is the lowest port that
 *   - is 1024 or above,
 *   - no watched value uses (set, or its effective default, in any family;
 *     stricter than the conflict rule, which compares a default only within
 *     its family), no invalid string value's service reads leniently
 *     (" 5001": epg_port_lenient) and no other change of this plan takes,
 *   - draws neither 1210 nor 1230 from check, when the check knows the
 *     range (CheckDynamicRange on and the OS version known): outside every
 *     exclusion range nobody else can bind, and outside the dynamic port
 *     range unless inside an administered exclusion (ReservedPorts, netsh's
 *     '*'), which is where a pinned port belongs,
 *   - is held by nobody in the TCP table, when it was read,
 *   - lies in the analyzer's recommended range 59531-60554 for the Exchange
 *     2010 values that have one, else is above 5000 (the remedy's "a unique
 *     value that is just above 5000").
 * When no port qualifies, the plan says so and why; nothing is proposed
 * then for any value (a half plan would leave a conflict standing). */
#ifndef EPG_FIXPLAN_H
#define EPG_FIXPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "check/checks.h"
#include "strbuf.h"

/* Where the new port was looked for. */
typedef enum epg_fix_basis {
    EPG_FIX_RECOMMENDED = 0,    /* EPG_EX2010_RECOMMENDED_LO..HI */
    EPG_FIX_ABOVE_5000          /* 5001..65535 */
} epg_fix_basis;

#define EPG_FIX_ABOVE_LO 5001u

typedef struct epg_fix_change {
    size_t value;               /* catalogue index of the value to change */
    /* The finding that asks for it: conflict (other = the value it shares
     * the port with), port-below-1024 or port-excluded (other =
     * EPG_VALUE_COUNT). */
    epg_rule rule;
    size_t other;
    uint16_t old_port;          /* the port it had (set or default) */
    epg_port_status old_status; /* EPG_PORT_OK or EPG_PORT_DEFAULT */
    uint32_t new_type;          /* EPG_REG_DWORD, EPG_REG_SZ or _EXPAND_SZ */
    uint16_t new_port;
    epg_fix_basis basis;
    /* new_port lies inside an administered exclusion (ReservedPorts, or
     * netsh's '*'), which check calls safe from the dynamic range. */
    int reserved;
} epg_fix_change;

typedef enum epg_fix_result {
    EPG_FIX_OK = 0,             /* the plan holds count changes (maybe 0) */
    EPG_FIX_NO_PORT,            /* no port qualifies for one value: reason */
    EPG_FIX_INCOMPLETE          /* the verdict is unreadable: reason */
} epg_fix_result;

typedef struct epg_fix_plan {
    epg_fix_result result;
    epg_fix_change changes[EPG_VALUE_COUNT];
    size_t count;
    epg_buf reason;             /* EPG_FIX_NO_PORT, EPG_FIX_INCOMPLETE */
} epg_fix_plan;

void epg_fix_plan_init(epg_fix_plan *p);
void epg_fix_plan_free(epg_fix_plan *p);

/* Plans the changes for snap, whose evaluation ev is.  Returns p->result. */
epg_fix_result epg_fix_plan_make(const epg_snapshot *snap, const epg_evaluation *ev,
                                 epg_fix_plan *p);

/* The registry data a change writes: a REG_DWORD's four bytes, or the
 * decimal digits as NUL-terminated UTF-16LE.  Returns the size (at most
 * EPG_FIX_DATA_MAX). */
#define EPG_FIX_DATA_MAX 16
size_t epg_fix_data(const epg_fix_change *c, uint8_t out[EPG_FIX_DATA_MAX]);

/* Puts every change of p into snap's readings, as if it had been written.
 * Returns 0, or -1 when memory ran out. */
int epg_fix_apply_snapshot(epg_snapshot *snap, const epg_fix_plan *p);

/* Why this change and this port, one sentence for people: names both
 * values of a conflict and the range the port came from. */
void epg_fix_describe(const epg_evaluation *ev, const epg_fix_change *c, epg_buf *out);

/* The services whose components read the changed values (what must
 * restart), without repeats, in catalogue order.  Returns how many. */
#define EPG_FIX_SERVICE_MAX 64
size_t epg_fix_services(const epg_fix_plan *p, char names[][EPG_FIX_SERVICE_MAX]);
/* The same as people read it: "NTDS", "NTDS and NtFrs", "A, B and C". */
void epg_fix_services_sentence(const epg_fix_plan *p, epg_buf *out);

/* Which value of a conflict between a and b changes: the Exchange value
 * rather than a domain controller's; of two of one kind, the later in
 * catalogue order. */
size_t epg_fix_conflict_mover(size_t a, size_t b);

/* Whether two plans propose the same changes (fix --apply writes only the
 * plan the user agreed to: docs/operations.md). */
int epg_fix_plan_equal(const epg_fix_plan *x, const epg_fix_plan *y);

#endif
