/* Reading the live registry into a snapshot: every watched key is opened
 * afresh (so a key deleted and re-created since the last read is the new
 * key, never a stale handle) and every value of the core's read plan is read
 * with its exact type and bytes. */
#ifndef EPG_REGREAD_H
#define EPG_REGREAD_H

#include <windows.h>

#include <stdint.h>

#include "check/snapshot.h"

/* Frees and re-reads the registry part of s (keys, values, settings) and
 * the OS version.  Never fails as a whole: every failure is recorded in the
 * snapshot (key or value unreadable, with the Win32 error and its text). */
void regread_snapshot(epg_snapshot *s);

/* Re-reads only the keys whose bit is set in keys (bit k: watched key k),
 * and their values; the rest of s stays as it was.  The service reads only
 * what a change notification named: every other key has a notification
 * armed, so it cannot have changed unseen. */
void regread_keys(epg_snapshot *s, uint32_t keys);

/* The same, under root: HKEY_LOCAL_MACHINE or what RegConnectRegistryW
 * returned for another computer's (remote.c), opening each key with
 * KEY_QUERY_VALUE | view: EPG_REG_VIEW, or 0 for a computer that does not
 * know the flag (Windows 2000, remote.c). */
void regread_keys_at(HKEY root, REGSAM view, epg_snapshot *s, uint32_t keys);

/* RegOpenKeyExW for the readers, through regread_open_hook when a test set
 * it.  The hook is NULL in the product: tests/shell/test_remote.c plays a
 * Windows 2000 computer through it (one that refuses KEY_WOW64_64KEY). */
LONG regread_open(HKEY root, const WCHAR *path, REGSAM access, HKEY *key);
extern LONG (*regread_open_hook)(HKEY root, const WCHAR *path, REGSAM access, HKEY *key);

/* The same as regread_keys, reading key k through open[k] when it is not
 * NULL (a handle the watcher holds, opened with KEY_QUERY_VALUE), which
 * saves the open and the close; NULL entries are opened afresh. */
void regread_keys_open(epg_snapshot *s, uint32_t keys, const HKEY *open);

/* Reads one value of an open key into slot (absent when not found). */
void regread_value(HKEY key, const char *name, epg_reading *slot);

/* Full path of watched key k for RegOpenKeyExW; malloc'd. */
WCHAR *regread_key_path(size_t k);

#endif
