/* Watching the registry keys: RegNotifyChangeKeyValue on every watched key,
 * and a name watch on its parent so deletion and re-creation are seen.
 *
 * All notifications are registered from one persistent thread: until
 * Windows 8 (REG_NOTIFY_THREAD_AGNOSTIC) a notification registered by a
 * thread is cancelled when that thread exits.
 *
 * Each key is in one of three states:
 *   WATCHED  the key is open; LAST_SET|NAME|SECURITY on it, NAME on its
 *            parent
 *   MISSING  not found; NAME on the nearest existing ancestor, so creation of
 *            the next missing level (and so, step by step, the key) is seen
 *   FAILED   could not be opened or watched (access denied, ...); NAME |
 *            LAST_SET | SECURITY on the parent's whole subtree, so any change
 *            near it (an ACL repaired, the key re-created) retries it
 * The events are manual-reset and are reset before re-arming, and the
 * caller re-reads the registry after re-arming: a change between the signal
 * and the re-arm is then seen by the read, so no change is ever missed. */
#ifndef EPG_WATCHER_H
#define EPG_WATCHER_H

#include <windows.h>

#include <stdint.h>

#include "catalogue.h"

typedef enum watch_state {
    WATCH_NONE = 0,
    WATCH_WATCHED,
    WATCH_MISSING,
    WATCH_FAILED
} watch_state;

typedef struct watch_slot {
    WCHAR *path;            /* under HKEY_LOCAL_MACHINE */
    HKEY key;               /* WATCHED */
    HKEY anchor;            /* parent, nearest ancestor, or NULL */
    HANDLE key_event;
    HANDLE anchor_event;
    watch_state state;
    DWORD error;            /* FAILED: why */
} watch_slot;

typedef struct watcher {
    watch_slot slots[EPG_MAX_KEYS];
    size_t count;
    uint64_t resolves;      /* how often keys were (re)opened, for tests */
} watcher;

/* Creates the events.  Returns 0 or the Win32 error. */
DWORD watcher_init(watcher *w);
void watcher_free(watcher *w);
/* (Re)opens and arms every key. */
void watcher_arm_all(watcher *w);
/* The handles to wait on (two per key); returns how many. */
size_t watcher_handles(const watcher *w, HANDLE *out, size_t max);
/* Handles every signalled notification: re-arms it, or re-resolves the key
 * when the key or its parent changed.  Returns a bit per key that changed. */
uint32_t watcher_service(watcher *w);
/* For a key in FAILED state, the error; otherwise 0. */
DWORD watcher_error(const watcher *w, size_t k);

#endif
