/* Watching the registry keys with RegNotifyChangeKeyValue, so that no
 * change, deletion or re-creation of a watched key or of any key above it
 * is ever missed, and nothing else wakes the service.
 *
 * Every watched key hangs below ...\Services, a key that is never deleted.
 * The watcher keeps a chain of notifications from there down:
 *   ...\Services          NAME, not recursive: a service key (such as
 *                         MSExchangeIS) created or deleted
 *   each level below it   NAME, not recursive: the next level created or
 *                         deleted
 *   the watched key       LAST_SET | NAME, not recursive; the engine reads
 *                         the values through this handle
 *   the same key again    SECURITY, on a second handle (Wine keeps one
 *                         notification per handle): an open handle keeps
 *                         the access it was granted, so an ACL change must
 *                         make the service open the key afresh
 * Any signal on a level above the key re-resolves the chain below it, so a
 * key and its ancestors deleted and re-created in any order and at any speed
 * are followed.  Deleting a watched key does not signal its own
 * notification on Wine 8.0, and Windows does not document that it does
 * (the RegNotifyChangeKeyValue reference says nothing of it; docs/wine.md
 * item 6); the watch one level up sees it.
 *
 * No recursive watch is ever set above a watched key's parent: on Windows
 * Server 2016 and later Services\bam\State\UserSettings is written on every
 * process start, and other services write under Services all day.
 *
 * Each key is in one of three states:
 *   WATCHED  the whole chain is armed
 *   MISSING  a level does not exist; the level above it is armed, so its
 *            creation is seen
 *   FAILED   a level could not be opened or armed (access denied, ...).
 *            If the key itself failed, its parent's watch is widened to
 *            NAME | LAST_SET | SECURITY over the parent's subtree, so a
 *            repaired ACL or a re-created key is retried at once on
 *            Windows; once that watch is armed the key is opened again,
 *            since a repair between the refused open and the widened
 *            watch is signalled to neither watch (the narrow parent watch
 *            does not see a child's ACL, on Windows either).  Either way
 *            the monitor retries FAILED keys on a
 *            back-off timer (watcher_retry), since Wine signals no ACL
 *            change and an ancestor that cannot be opened cannot be
 *            watched at all.
 *
 * All notifications are registered from one persistent thread: until
 * Windows 8 (REG_NOTIFY_THREAD_AGNOSTIC) a notification registered by a
 * thread is cancelled when that thread exits.  The events are manual-reset
 * and are reset before re-arming, and the caller re-reads the registry
 * after re-arming: a change between the signal and the re-arm is then seen
 * by the read, so no change is ever missed.  (The engine may read a key
 * whose own watch fired before re-arming it, to report sooner; it then
 * reads the key once more after the re-arm, so the rule still holds:
 * service/engine/engine.c, docs/monitor.md "The faster order".) */
#ifndef EPG_WATCHER_H
#define EPG_WATCHER_H

#include <windows.h>

#include <stdint.h>

#include "check/catalogue.h"

/* Levels below ...\Services down to the watched key. */
#define WATCH_MAX_DEPTH 3

typedef enum watch_state {
    WATCH_NONE = 0,
    WATCH_WATCHED,
    WATCH_MISSING,
    WATCH_FAILED
} watch_state;

typedef struct watch_slot {
    WCHAR *path;                        /* under HKEY_LOCAL_MACHINE */
    size_t depth;                       /* levels below ...\Services */
    size_t level_len[WATCH_MAX_DEPTH];  /* characters of path per level */
    HKEY level[WATCH_MAX_DEPTH];        /* [depth - 1] is the key itself */
    HANDLE event[WATCH_MAX_DEPTH];
    HKEY sec_key;                       /* the key again, for SECURITY */
    HANDLE sec_event;
    watch_state state;
    DWORD error;                        /* FAILED: why */
} watch_slot;

typedef struct watcher {
    HKEY root;                          /* ...\Services, never deleted */
    HANDLE root_event;
    watch_slot slots[EPG_MAX_KEYS];
    size_t count;
    uint64_t resolves;      /* how often keys were (re)opened, for tests */
    /* Of the last watcher_service: the keys whose chain was resolved (their
     * handles re-opened). */
    uint32_t reopened;
} watcher;

/* Opens ...\Services and creates the events.  Returns 0 or the Win32
 * error. */
DWORD watcher_init(watcher *w);
void watcher_free(watcher *w);
/* (Re)opens and arms every key. */
void watcher_arm_all(watcher *w);
/* The handles to wait on; returns how many. */
size_t watcher_handles(const watcher *w, HANDLE *out, size_t max);
/* handles[fired] (of the n from watcher_handles) was signalled: handles
 * it and every other signalled notification, re-arming each, or
 * re-resolving the chain when a level above the key changed.  Returns a
 * bit per key to read again. */
uint32_t watcher_service(watcher *w, const HANDLE *handles, size_t n, size_t fired);
/* The bit of the key whose own watch (its values changed) h is, when that
 * key can be read through the handle watcher_keys gives; else 0. */
uint32_t watcher_own_watch(const watcher *w, HANDLE h);
/* The keys whose chain the last watcher_service resolved.  Every other key
 * it returned had only its own watch re-armed (the one other way a key is
 * returned): a handle to it taken before that call still reads the same
 * key, and every write after the re-arm signals it again. */
uint32_t watcher_reopened(const watcher *w);
/* Re-resolves the keys of the mask that are not WATCHED (the monitor's
 * back-off retry). */
void watcher_retry(watcher *w, uint32_t keys);
/* The open handle of each watched key, NULL where none can be read
 * through (not WATCHED, or no SECURITY watch armed): out[k] for key k. */
void watcher_keys(const watcher *w, HKEY *out);
/* For a key in FAILED state, the error; otherwise 0. */
DWORD watcher_error(const watcher *w, size_t k);

/* A test seam, NULL in the service: when set, called with the key's path
 * (under HKLM) between a key's refused open and its parent's widened watch,
 * the window that key_changed_while_widening closes.  A race a few wineserver
 * requests wide can only be hit by chance from another process (wine.stale);
 * tests/shell/test_watcher.c acts inside it every time. */
extern void (*watcher_refused_hook)(const WCHAR *key_path);

#endif
