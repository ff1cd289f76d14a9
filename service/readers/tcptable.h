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

/* Replaces *t (a snapshot's tcp).  Every failure is kept as a note with
 * its Win32 code and text; t->collected says whether the IPv4 table at
 * least was read.  It touches nothing but *t. */
void tcptable_collect(epg_tcp_view *t);

#endif
