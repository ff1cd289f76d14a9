/* Asking Windows 6.0 and later for its dynamic port range.  No documented
 * registry value holds it, so the documented tool is asked:
 *   netsh int ipv4 show dynamicport tcp
 *   netsh int ipv4 show excludedportrange protocol=tcp
 * The output is localized; the core reads only its numbers. */
#ifndef EPG_NETSH_H
#define EPG_NETSH_H

#include <windows.h>

#include "check/snapshot.h"

/* Replaces s->netsh_dynamic, netsh_excluded and netsh_note.  Returns early
 * (with a note) when cancel is signalled; cancel may be NULL. */
void netsh_query(epg_snapshot *s, HANDLE cancel);

#endif
