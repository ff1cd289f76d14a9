/* fix --apply: writing a plan into this computer's registry, safely. */
#ifndef EPG_FIX_APPLY_H
#define EPG_FIX_APPLY_H

#include "fix/fixplan.h"
#include "fleet/fleet.h"

/* Writes p's changes, planned from c (this computer, as read_local read
 * it), into HKEY_LOCAL_MACHINE:
 *   1. opens every key to change for KEY_QUERY_VALUE | KEY_SET_VALUE, and
 *      writes nothing when one fails (naming the key and the Win32 error,
 *      and asking for an elevated prompt on ERROR_ACCESS_DENIED), before
 *      any question;
 *   2. unless yes, asks on stdin and writes nothing without "yes";
 *   3. reads everything again (read_local), plans again, and writes
 *      nothing when the new plan differs from p (saying what changed), nor
 *      when a value to change differs from c's reading (naming it): the
 *      question may wait for hours, and a write must never bring a
 *      conflict back;
 *   4. writes the undo file (CREATE_NEW: an earlier undo file is never
 *      overwritten) and writes nothing when that fails;
 *   5. writes each value with its planned type; on a failure, writes the
 *      old data back (or deletes a value that was absent) for every value
 *      already written, and says so;
 *   6. names what to restart; restarts nothing.
 * Returns the fix exit code: 0 written, 1 declined, 3 refused or failed. */
int fix_apply(const epg_computer *c, const epg_fix_plan *p, const char *undo_file,
              int yes);

#endif
