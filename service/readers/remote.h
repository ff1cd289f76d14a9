/* Reading another computer's registry: RegConnectRegistryW, then the same
 * reader and read plan as the local check (regread.c). */
#ifndef EPG_REMOTE_H
#define EPG_REMOTE_H

#include <windows.h>

#include "check/snapshot.h"

/* Reads computer's watched keys and values, and its OS version from its
 * own HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion, into s (which
 * must be initialised).  Returns ERROR_SUCCESS, or the Win32 error of
 * RegConnectRegistryW when the computer cannot be reached at all (then s is
 * untouched).  A key or value that fails on its own is recorded in s, as
 * the local reader does.  When the OS version cannot be read, s->os_unknown
 * is set and the dynamic-range rule is not checked. */
DWORD remote_read(const WCHAR *computer, epg_snapshot *s);

/* The same once connected: root is the computer's HKEY_LOCAL_MACHINE.  A
 * Windows 2000 computer (5.0), which refuses KEY_WOW64_64KEY, is read
 * without it (remote.c explains why). */
void remote_read_root(HKEY root, epg_snapshot *s);

#endif
