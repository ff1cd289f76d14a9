/* fix --apply: writing a plan into this computer's registry, safely. */
#ifndef EPG_FIX_APPLY_H
#define EPG_FIX_APPLY_H

#include "fixplan.h"
#include "snapshot.h"

/* Writes p's changes, planned from snap, into HKEY_LOCAL_MACHINE:
 *   1. unless yes, asks on stdin and writes nothing without "yes";
 *   2. opens every key to change for KEY_QUERY_VALUE | KEY_SET_VALUE, and
 *      writes nothing when one fails (naming the key and the Win32 error);
 *   3. re-reads every value to change and writes nothing when one differs
 *      from snap (naming it): no lost update;
 *   4. writes the undo file (CREATE_NEW: an earlier undo file is never
 *      overwritten) and writes nothing when that fails;
 *   5. writes each value with its planned type; on a failure, writes the
 *      old data back (or deletes a value that was absent) for every value
 *      already written, and says so;
 *   6. names what to restart; restarts nothing.
 * Returns the fix exit code: 0 written, 1 declined, 3 refused or failed. */
int fix_apply(const epg_snapshot *snap, const epg_fix_plan *p, const char *undo_file,
              int yes);

#endif
