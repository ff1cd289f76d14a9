/* Handle count and private bytes of a process, in a way that works on
 * Windows and under Wine.  Test and benchmark code only.
 *
 * GetProcessHandleCount returns 0 under Wine 8.0, so handles are counted
 * from NtQuerySystemInformation(SystemExtendedHandleInformation), which
 * Windows (XP and later) and Wine both implement.  PrivateUsage is 0 under
 * Wine; PagefileUsage is the same figure on Windows (the commit charge) and
 * is filled by Wine for the calling process. */
#ifndef EPG_PROCSTAT_H
#define EPG_PROCSTAT_H

#include <windows.h>

/* Handles open in process pid, or -1 if they cannot be counted. */
long procstat_handles(DWORD pid);
/* Private bytes (commit charge) of the calling process. */
unsigned long long procstat_private_bytes(void);

#endif
