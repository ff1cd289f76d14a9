#include "watcher.h"

#include <stdlib.h>
#include <string.h>

#include "regread.h"
#include "winutil.h"

/* SECURITY too: a key whose ACL is changed so it can no longer be read must
 * be reported (1300) at once, not at its next value change. */
#define KEY_FILTER (REG_NOTIFY_CHANGE_LAST_SET | REG_NOTIFY_CHANGE_NAME | \
                    REG_NOTIFY_CHANGE_SECURITY)
#define RETRY_FILTER (REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET | \
                      REG_NOTIFY_CHANGE_SECURITY)

DWORD watcher_init(watcher *w)
{
    size_t k;

    memset(w, 0, sizeof *w);
    w->count = epg_key_count();
    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        s->path = regread_key_path(k);
        s->key_event = CreateEventW(NULL, TRUE, FALSE, NULL);
        s->anchor_event = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (!s->path || !s->key_event || !s->anchor_event) {
            DWORD e = s->path ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
            watcher_free(w);
            return e ? e : ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    return 0;
}

static void close_slot(watch_slot *s)
{
    /* Closing a key with a pending notification signals its event
     * (RegNotifyChangeKeyValue documentation), so reset after closing. */
    if (s->key) {
        RegCloseKey(s->key);
        s->key = NULL;
    }
    if (s->anchor) {
        RegCloseKey(s->anchor);
        s->anchor = NULL;
    }
    ResetEvent(s->key_event);
    ResetEvent(s->anchor_event);
}

void watcher_free(watcher *w)
{
    size_t k;

    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        if (s->key_event)
            close_slot(s);
        if (s->key_event)
            CloseHandle(s->key_event);
        if (s->anchor_event)
            CloseHandle(s->anchor_event);
        free(s->path);
    }
    memset(w, 0, sizeof *w);
}

/* Opens for notification the nearest existing key above path (the parent
 * first).  *levels says how far up it is: 1 for the parent.  Returns NULL
 * only if even HKLM\System cannot be opened. */
static HKEY open_ancestor(const WCHAR *path, int *levels)
{
    size_t len = wcslen(path);
    WCHAR *p = malloc((len + 1) * sizeof *p);
    HKEY key = NULL;

    *levels = 0;
    if (!p)
        return NULL;
    memcpy(p, path, (len + 1) * sizeof *p);
    for (;;) {
        WCHAR *cut = wcsrchr(p, L'\\');
        if (!cut)
            break;
        *cut = L'\0';
        ++*levels;
        if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, p, 0, KEY_NOTIFY | EPG_REG_VIEW,
                          &key) == ERROR_SUCCESS)
            break;
        key = NULL;
    }
    free(p);
    return key;
}

static LONG open_key(const watch_slot *s, HKEY *key)
{
    return RegOpenKeyExW(HKEY_LOCAL_MACHINE, s->path, 0,
                         KEY_NOTIFY | KEY_QUERY_VALUE | EPG_REG_VIEW, key);
}

/* Watches the key from above: arms s->anchor (already open). */
static LONG arm_anchor(watch_slot *s, BOOL subtree, DWORD filter)
{
    return RegNotifyChangeKeyValue(s->anchor, subtree, filter, s->anchor_event, TRUE);
}

/* The order matters.  The watch from above is armed before the key is
 * opened, so a deletion or re-creation of the key at any later moment
 * signals it; the key handle opened afterwards can then never be a stale
 * one nobody will tell us about.  (Opening first and arming the parent
 * second loses a delete-and-re-create that falls between the two, which a
 * tight delete/create loop hits.) */
static void resolve(watcher *w, watch_slot *s)
{
    int attempt;

    w->resolves++;
    for (attempt = 0; attempt < 8; attempt++) {
        int levels;
        LONG rc;

        close_slot(s);
        s->anchor = open_ancestor(s->path, &levels);
        if (s->anchor && arm_anchor(s, FALSE, REG_NOTIFY_CHANGE_NAME) != ERROR_SUCCESS) {
            RegCloseKey(s->anchor);
            s->anchor = NULL;
        }
        rc = open_key(s, &s->key);
        if (rc == ERROR_SUCCESS) {
            /* The key exists, so its parent does: if the anchor is higher
             * up, the parent appeared meanwhile; watch it instead. */
            if (levels != 1)
                continue;
            rc = RegNotifyChangeKeyValue(s->key, FALSE, KEY_FILTER, s->key_event, TRUE);
            if (rc == ERROR_SUCCESS) {
                s->state = WATCH_WATCHED;
                s->error = 0;
                return;
            }
            RegCloseKey(s->key);
            s->key = NULL;
            if (rc == ERROR_KEY_DELETED)
                continue;   /* deleted under us: look again */
        }
        if (rc == ERROR_FILE_NOT_FOUND) {
            /* Wine 8.0 does not signal a deleted key's own notification
             * (Windows does); the name watch above fires on both, and is
             * what tells us the key has been created. */
            s->state = WATCH_MISSING;
            s->error = 0;
            return;
        }
        /* Cannot be opened or watched: retry whenever anything under the
         * parent changes, including ACLs. */
        s->state = WATCH_FAILED;
        s->error = (DWORD)rc;
        if (s->anchor) {
            RegCloseKey(s->anchor);
            s->anchor = NULL;
            ResetEvent(s->anchor_event);
        }
        s->anchor = open_ancestor(s->path, &levels);
        if (s->anchor && arm_anchor(s, TRUE, RETRY_FILTER) != ERROR_SUCCESS) {
            RegCloseKey(s->anchor);
            s->anchor = NULL;
        }
        return;
    }
    /* The key kept appearing and vanishing; the watch from above is armed
     * and the next change settles it. */
    if (s->key) {
        RegCloseKey(s->key);
        s->key = NULL;
        ResetEvent(s->key_event);
    }
    s->state = WATCH_MISSING;
    s->error = 0;
}

void watcher_arm_all(watcher *w)
{
    size_t k;

    for (k = 0; k < w->count; k++)
        resolve(w, &w->slots[k]);
}

size_t watcher_handles(const watcher *w, HANDLE *out, size_t max)
{
    size_t k, n = 0;

    for (k = 0; k < w->count && n + 2 <= max; k++) {
        out[n++] = w->slots[k].key_event;
        out[n++] = w->slots[k].anchor_event;
    }
    return n;
}

static int signalled(HANDLE h)
{
    return WaitForSingleObject(h, 0) == WAIT_OBJECT_0;
}

uint32_t watcher_service(watcher *w)
{
    uint32_t changed = 0;
    size_t k;

    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        int key_fired = signalled(s->key_event);
        int anchor_fired = signalled(s->anchor_event);

        if (!key_fired && !anchor_fired)
            continue;
        changed |= 1u << k;
        if (anchor_fired || s->state != WATCH_WATCHED) {
            resolve(w, s);
            continue;
        }
        ResetEvent(s->key_event);
        if (RegNotifyChangeKeyValue(s->key, FALSE, KEY_FILTER, s->key_event,
                                    TRUE) != ERROR_SUCCESS)
            resolve(w, s);   /* typically ERROR_KEY_DELETED */
    }
    return changed;
}

DWORD watcher_error(const watcher *w, size_t k)
{
    return w->slots[k].state == WATCH_FAILED ? w->slots[k].error : 0;
}
