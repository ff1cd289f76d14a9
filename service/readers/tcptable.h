/* Who holds which TCP port: the TCP tables with owning process IDs
 * (GetExtendedTcpTable, IPv4 and IPv6, listeners and connections), the
 * running services with their process IDs (EnumServicesStatusExW) and the
 * process image names (a Toolhelp snapshot), read into s->tcp.  The core
 * (common/check/holders.h) decides what any of it means. */
#ifndef EPG_TCPTABLE_H
#define EPG_TCPTABLE_H

#include <windows.h>

#include <stdint.h>

#include "check/holders.h"
#include "check/snapshot.h"

/* Replaces *t (a snapshot's tcp, or the engine's listener reader's own
 * view).  Every failure is kept as a note with its Win32 code and text;
 * t->collected says whether the IPv4 table at least was read.  It touches
 * nothing else, so another thread may call it on a view of its own. */
void tcptable_collect(epg_tcp_view *t);

#endif
