#include "engine/watcher.h"

#include <stdlib.h>
#include <string.h>

#include "perturb.h"
#include "readers/regread.h"
#include "winutil.h"

#define KEY_FILTER (REG_NOTIFY_CHANGE_LAST_SET | REG_NOTIFY_CHANGE_NAME)
/* A key whose ACL is changed so it can no longer be read must be reported
 * (1300) at once, not at its next value change. */
#define SECURITY_FILTER REG_NOTIFY_CHANGE_SECURITY
#define RETRY_FILTER (KEY_FILTER | SECURITY_FILTER)

/* Splits a slot's path into the levels below ...\Services. */
static int split_levels(watch_slot *s)
{
    size_t root = strlen(EPG_SERVICES_ROOT), i, len = wcslen(s->path);

    s->depth = 0;
    for (i = root + 1; i <= len; i++) {
        if (i == len || s->path[i] == L'\\') {
            if (s->depth == WATCH_MAX_DEPTH)
                return -1;
            s->level_len[s->depth++] = i;
        }
    }
    return s->depth ? 0 : -1;
}

static LONG arm_root(watcher *w)
{
    LONG rc;

    EPG_PERTURB_POINT("watcher.root.rearm.before");
    rc = RegNotifyChangeKeyValue(w->root, FALSE, REG_NOTIFY_CHANGE_NAME, w->root_event, TRUE);
    EPG_PERTURB_POINT("watcher.root.rearm.after");
    return rc;
}

DWORD watcher_init(watcher *w)
{
    size_t k, i;
    WCHAR *root;
    LONG rc;

    memset(w, 0, sizeof *w);
    w->count = epg_key_count();
    w->root_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    root = wide_from_utf8(EPG_SERVICES_ROOT);
    if (!w->root_event || !root) {
        DWORD e = root ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        free(root);
        watcher_free(w);
        return e;
    }
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, root, 0, KEY_NOTIFY | EPG_REG_VIEW, &w->root);
    free(root);
    if (rc == ERROR_SUCCESS)
        rc = arm_root(w);
    if (rc != ERROR_SUCCESS) {
        watcher_free(w);
        return report_error("watching HKLM\\" EPG_SERVICES_ROOT, (DWORD)rc);
    }
    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        s->path = regread_key_path(k);
        if (!s->path || split_levels(s)) {
            watcher_free(w);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        for (i = 0; i <= s->depth; i++) {
            HANDLE *ev = i < s->depth ? &s->event[i] : &s->sec_event;
            *ev = CreateEventW(NULL, TRUE, FALSE, NULL);
            if (!*ev) {
                DWORD e = GetLastError();
                watcher_free(w);
                return e;
            }
        }
    }
    return 0;
}

static void close_slot(watch_slot *s)
{
    size_t i;

    /* Closing a key with a pending notification signals its event
     * (RegNotifyChangeKeyValue documentation), so reset after closing. */
    for (i = 0; i < s->depth; i++) {
        if (s->level[i]) {
            RegCloseKey(s->level[i]);
            s->level[i] = NULL;
        }
        if (s->event[i])
            ResetEvent(s->event[i]);
    }
    if (s->sec_key) {
        RegCloseKey(s->sec_key);
        s->sec_key = NULL;
    }
    if (s->sec_event)
        ResetEvent(s->sec_event);
}

void watcher_free(watcher *w)
{
    size_t k, i;

    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        close_slot(s);
        for (i = 0; i < s->depth; i++)
            if (s->event[i])
                CloseHandle(s->event[i]);
        if (s->sec_event)
            CloseHandle(s->sec_event);
        free(s->path);
    }
    if (w->root)
        RegCloseKey(w->root);
    if (w->root_event)
        CloseHandle(w->root_event);
    memset(w, 0, sizeof *w);
}

/* Opens level i of the slot's path. */
static LONG open_level(watch_slot *s, size_t i, REGSAM access, HKEY *key)
{
    WCHAR saved = s->path[s->level_len[i]];
    LONG rc;

    s->path[s->level_len[i]] = L'\0';
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, s->path, 0, access | EPG_REG_VIEW, key);
    s->path[s->level_len[i]] = saved;
    if (rc != ERROR_SUCCESS)
        *key = NULL;
    return rc;
}

static int is_key_level(const watch_slot *s, size_t i)
{
    return i + 1 == s->depth;
}

static LONG arm_level(watch_slot *s, size_t i)
{
    LONG rc;

    EPG_PERTURB_POINT("watcher.rearm.before");
    rc = RegNotifyChangeKeyValue(s->level[i], FALSE,
                                 is_key_level(s, i) ? KEY_FILTER : REG_NOTIFY_CHANGE_NAME,
                                 s->event[i], TRUE);
    EPG_PERTURB_POINT("watcher.rearm.after");
    return rc;
}

/* The SECURITY watch, on a handle of its own.  Without it the key is still
 * watched, but read through a fresh handle each time (watcher_keys). */
static void arm_security(watch_slot *s)
{
    if (open_level(s, s->depth - 1, KEY_NOTIFY, &s->sec_key) != ERROR_SUCCESS)
        return;
    if (RegNotifyChangeKeyValue(s->sec_key, FALSE, SECURITY_FILTER, s->sec_event,
                                TRUE) != ERROR_SUCCESS) {
        RegCloseKey(s->sec_key);
        s->sec_key = NULL;
        ResetEvent(s->sec_event);
    }
}

/* The key itself cannot be opened: widen its parent's watch to its subtree,
 * so an ACL repaired on the key (or the key re-created or deleted) is seen
 * at once where Windows signals it.  The parent is the key's parent, never
 * higher.  Returns ERROR_SUCCESS once the widened watch is armed. */
static LONG widen_parent(watch_slot *s, size_t parent)
{
    HKEY wide;
    LONG rc = open_level(s, parent, KEY_NOTIFY, &wide);

    if (rc != ERROR_SUCCESS)
        return rc;
    /* Closing the narrow watch signals its event (RegNotifyChangeKeyValue
     * documentation), and the reset also drops what it saw since it was
     * armed: the caller must look at the key again after this returns. */
    if (s->level[parent])
        RegCloseKey(s->level[parent]);
    ResetEvent(s->event[parent]);
    s->level[parent] = wide;
    EPG_PERTURB_POINT("watcher.widen");
    rc = RegNotifyChangeKeyValue(wide, TRUE, RETRY_FILTER, s->event[parent], TRUE);
    if (rc != ERROR_SUCCESS) {
        RegCloseKey(wide);
        s->level[parent] = NULL;
        ResetEvent(s->event[parent]);
    }
    return rc;
}

/* The test seam (watcher.h); NULL in the service. */
void (*watcher_refused_hook)(const WCHAR *key_path);

/* After the key (level i) refused to open with error rc: widens the
 * parent's watch, then opens the key once more.  Arm first, then look: an
 * ACL repaired, or the key deleted, between the refused open and the
 * widened watch signalled only the narrow watch that widen_parent reset
 * (and Wine signals no ACL change at all, docs/wine.md item 15), so without
 * this second look such a key stayed FAILED until the retry timer, minutes
 * away once the back-off has grown.  Returns 1 when the key must be
 * resolved again (it opens now, or fails differently, or the parent could
 * not be watched), 0 when FAILED stands with the widened watch armed. */
static int key_changed_while_widening(watch_slot *s, size_t i, LONG rc)
{
    HKEY probe;
    LONG again;

    if (watcher_refused_hook)
        watcher_refused_hook(s->path);
    if (widen_parent(s, i - 1) != ERROR_SUCCESS)
        return 1;
    EPG_PERTURB_POINT("watcher.widen.look");
    again = open_level(s, i, KEY_NOTIFY | KEY_QUERY_VALUE, &probe);
    if (again == ERROR_SUCCESS)
        RegCloseKey(probe);
    return again != rc;
}

/* Walks down from ...\Services, arming each level before opening the next:
 * a deletion or re-creation at any later moment signals a level already
 * armed, so no handle is ever stale without a signal to say so.  (Opening
 * first and arming second loses a delete-and-re-create falling in between,
 * which a tight delete/create loop hits.) */
static void resolve(watcher *w, watch_slot *s)
{
    int attempt;

    w->resolves++;
    w->reopened |= 1u << (s - w->slots);
    for (attempt = 0; attempt < 8; attempt++) {
        size_t i;
        LONG rc = ERROR_SUCCESS;

        close_slot(s);
        s->state = WATCH_MISSING;   /* what the loop's end leaves, unless refused */
        s->error = 0;
        for (i = 0; i < s->depth; i++) {
            /* KEY_QUERY_VALUE on every level, not only the key's: the
             * engine reads the key through its handle, and chain_alive
             * asks RegQueryInfoKeyW of every level, which Windows
             * documents to need it (Wine asks no access for it, so
             * KEY_NOTIFY alone passed here and failed there:
             * docs/windows-fidelity.md, the strict build's info_access). */
            EPG_PERTURB_POINT("watcher.resolve.open");
            rc = open_level(s, i, KEY_NOTIFY | KEY_QUERY_VALUE, &s->level[i]);
            if (rc == ERROR_SUCCESS) {
                rc = arm_level(s, i);
                if (rc != ERROR_SUCCESS) {
                    RegCloseKey(s->level[i]);
                    s->level[i] = NULL;
                    ResetEvent(s->event[i]);
                }
            }
            if (rc != ERROR_SUCCESS)
                break;
        }
        if (rc == ERROR_SUCCESS) {
            s->state = WATCH_WATCHED;
            s->error = 0;
            arm_security(s);
            return;
        }
        if (rc == ERROR_KEY_DELETED)
            continue;   /* deleted under us: look again */
        if (rc == ERROR_FILE_NOT_FOUND) {
            /* The level above is armed and sees the creation. */
            s->state = WATCH_MISSING;
            s->error = 0;
            return;
        }
        s->state = WATCH_FAILED;
        s->error = (DWORD)rc;
        if (is_key_level(s, i) && i > 0 && key_changed_while_widening(s, i, rc))
            continue;
        return;
    }
    /* The chain kept appearing and vanishing (MISSING), or the key's access
     * kept changing (FAILED, so the retry timer stays on it); what is armed
     * sees the next change, and that settles it. */
}

void watcher_arm_all(watcher *w)
{
    size_t k;

    for (k = 0; k < w->count; k++)
        resolve(w, &w->slots[k]);
}

size_t watcher_handles(const watcher *w, HANDLE *out, size_t max)
{
    size_t k, i, n = 0;

    if (max == 0)
        return 0;
    out[n++] = w->root_event;
    for (k = 0; k < w->count; k++) {
        if (n + w->slots[k].depth + 1 > max)
            break;
        for (i = 0; i < w->slots[k].depth; i++)
            out[n++] = w->slots[k].event[i];
        out[n++] = w->slots[k].sec_event;
    }
    return n;
}

/* Whether a WATCHED chain still stands: every level's handle still names a
 * live key.  A handle to a deleted key fails every query with
 * ERROR_KEY_DELETED (RegQueryInfoKeyW), on Windows and Wine alike; the
 * call needs KEY_QUERY_VALUE on Windows, which resolve() asks for on every
 * level (without it every chain would count as broken: still correct, but
 * every root signal would re-read every key). */
static int chain_alive(const watch_slot *s)
{
    size_t i;

    if (s->state != WATCH_WATCHED)
        return 0;
    for (i = 0; i < s->depth; i++)
        if (RegQueryInfoKeyW(s->level[i], NULL, NULL, NULL, NULL, NULL, NULL,
                             NULL, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
            return 0;
    return 1;
}

/* A service key appeared or went: every chain is looked at again, and a
 * key whose chain no longer stands whole is resolved and read again.  A
 * WATCHED chain still standing is left alone: another service installed
 * must not cost a re-read of everything (and a netsh run).
 *
 * Every resolved key is read again, even when its state did not change:
 * resolving resets the slot's events, and a signal among them may be the
 * only word of a change since the key was last read.  The read follows the
 * resolve, and goes by path when the chain is not WATCHED, so a key the
 * watcher found MISSING may have been read present (created just after);
 * MISSING again now says nothing about what was reported.  Keeping only
 * the keys whose state changed dropped exactly that signal: the key's
 * creation, then its deletion, both behind the reset, and the service
 * reported a deleted key present for good (docs/monitor.md, "Stale bursts
 * in main's order: the cause"). */
static uint32_t root_fired(watcher *w)
{
    uint32_t changed = 0;
    size_t k;

    ResetEvent(w->root_event);
    if (arm_root(w) != ERROR_SUCCESS)
        SetEvent(w->root_event);    /* try again at the next pass */
    for (k = 0; k < w->count; k++) {
        watch_slot *s = &w->slots[k];
        if (chain_alive(s))
            continue;
        resolve(w, s);
        changed |= 1u << k;
    }
    return changed;
}

/* Level i of slot s fired (i == depth: its SECURITY watch).  Returns the
 * slot's bit: its key is read again. */
static uint32_t level_fired(watcher *w, size_t k, size_t i)
{
    watch_slot *s = &w->slots[k];

    ResetEvent(i < s->depth ? s->event[i] : s->sec_event);
    /* The key's own values or subkeys changed: re-arm.  A key deleted
     * under its watch fails the re-arm (ERROR_KEY_DELETED). */
    if (i + 1 == s->depth && s->state == WATCH_WATCHED && arm_level(s, i) == ERROR_SUCCESS)
        return 1u << k;
    /* Anything else (a level above: the key or a sibling created or
     * deleted; the key's ACL) re-opens the chain, so the key is read
     * through a handle with the access granted now.  A sibling changing is
     * also when an ACL change Wine does not signal gets its retry
     * (docs/events.md, 1300). */
    resolve(w, s);
    return 1u << k;
}

/* Which watch a handle belongs to: the root (k == count), or slot k level i. */
static int owner(const watcher *w, HANDLE h, size_t *k, size_t *i)
{
    if (h == w->root_event) {
        *k = w->count;
        return 1;
    }
    for (*k = 0; *k < w->count; ++*k) {
        for (*i = 0; *i < w->slots[*k].depth; ++*i)
            if (w->slots[*k].event[*i] == h)
                return 1;
        if (w->slots[*k].sec_event == h)
            return 1;   /* *i == depth */
    }
    return 0;
}

uint32_t watcher_service(watcher *w, const HANDLE *handles, size_t n, size_t fired)
{
    HANDLE rot[MAXIMUM_WAIT_OBJECTS];
    uint32_t changed = 0;
    size_t pass, j;

    /* The handle the wait reported, then whatever else is signalled: one
     * wait with no timeout each, rather than one call per handle.  The
     * array is rotated to start after the handle just served, so a key
     * written in a storm cannot starve the others (the wait reports the
     * lowest signalled index).  Every fired event is reset as it is
     * served; the bound keeps a watch that cannot be re-armed from
     * spinning here (the next wake-up tries it again). */
    w->reopened = 0;
    if (n > MAXIMUM_WAIT_OBJECTS)
        n = MAXIMUM_WAIT_OBJECTS;
    for (pass = 0; pass <= n && fired < n; pass++) {
        size_t k, i;

        if (pass > 0) {
            DWORD r;
            EPG_PERTURB_POINT("watcher.poll");
            for (j = 0; j < n; j++)
                rot[j] = handles[(fired + 1 + j) % n];
            r = WaitForMultipleObjects((DWORD)n, rot, FALSE, 0);
            if (r >= WAIT_OBJECT_0 + n)
                break;
            fired = (fired + 1 + (r - WAIT_OBJECT_0)) % n;
        }
        if (!owner(w, handles[fired], &k, &i))
            break;
        changed |= k == w->count ? root_fired(w) : level_fired(w, k, i);
    }
    return changed;
}

uint32_t watcher_own_watch(const watcher *w, HANDLE h)
{
    HKEY open[EPG_MAX_KEYS];
    size_t k;

    watcher_keys(w, open);
    for (k = 0; k < w->count; k++) {
        const watch_slot *s = &w->slots[k];
        if (open[k] && s->event[s->depth - 1] == h)
            return 1u << k;
    }
    return 0;
}

uint32_t watcher_reopened(const watcher *w)
{
    return w->reopened;
}

void watcher_retry(watcher *w, uint32_t keys)
{
    size_t k;

    for (k = 0; k < w->count; k++)
        if ((keys & (1u << k)) && w->slots[k].state != WATCH_WATCHED)
            resolve(w, &w->slots[k]);
}

void watcher_keys(const watcher *w, HKEY *out)
{
    size_t k;

    for (k = 0; k < w->count; k++) {
        const watch_slot *s = &w->slots[k];
        out[k] = s->state == WATCH_WATCHED && s->sec_key ? s->level[s->depth - 1] : NULL;
    }
}

DWORD watcher_error(const watcher *w, size_t k)
{
    return w->slots[k].state == WATCH_FAILED ? w->slots[k].error : 0;
}
