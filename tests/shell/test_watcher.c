/* The watcher's races, each made to happen every time.
 *
 * The window between a key's refused open and its parent's
 * widened watch (service/engine/watcher.c, key_changed_while_widening; the
 * root cause of the full oracle's stale burst, seed 998902631 burst 71).
 * A DACL repaired, or the key deleted, inside that window is signalled to
 * neither watch, so the watcher must look at the key once more after
 * widening.
 * wine.stale drives the same race from another process, where it falls in
 * the window only now and then; here the watcher's test seam
 * (watcher_refused_hook) makes the change inside the window every time:
 *   - nothing changes: the key stays FAILED with ERROR_ACCESS_DENIED (so
 *     the DACL really refuses the watcher, and the cases below can fail);
 *   - the DACL is repaired: the key ends WATCHED, readable through its
 *     handle;
 *   - the key is deleted: it ends MISSING, not FAILED with its last error.
 * And a key's change behind a root signal (test_root_signal_keeps_a_
 * pending_change).
 * Runs under Wine with the unit tests, in the shared unit prefix: it creates
 * MSExchangeIS\ParametersSystem there and removes what it created. */
#include <windows.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "engine/watcher.h"
#include "tinytest.h"

#define SERVICES L"System\\CurrentControlSet\\Services"
#define PARENT SERVICES L"\\MSExchangeIS"
#define KEY PARENT L"\\ParametersSystem"

#define DENY_ALL L"D:(D;;KA;;;WD)"
/* Read denied, deletion allowed (a fully denied key cannot be deleted on
 * Wine: docs/wine.md item 18). */
#define DENY_READ L"D:(D;;KR;;;WD)(A;;KA;;;WD)"
#define ALLOW_ALL L"D:(A;;KA;;;WD)"

static LONG set_dacl(const WCHAR *path, const WCHAR *sddl)
{
    HKEY key;
    PSECURITY_DESCRIPTOR sd;
    LONG rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, WRITE_DAC | KEY_WOW64_64KEY, &key);

    if (rc != ERROR_SUCCESS)
        return rc;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd,
                                                              NULL)) {
        rc = (LONG)GetLastError();
        RegCloseKey(key);
        return rc;
    }
    rc = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
    LocalFree(sd);
    RegCloseKey(key);
    return rc;
}

/* The key, readable, with the value the catalogue watches. */
static void create_key(void)
{
    HKEY key;
    DWORD port = 6001;

    CHECK_INT(RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, NULL, 0,
                              KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL),
              ERROR_SUCCESS);
    CHECK_INT(RegSetValueExW(key, L"TCP/IP Port", 0, REG_DWORD, (const BYTE *)&port,
                             sizeof port), ERROR_SUCCESS);
    RegCloseKey(key);
}

static void remove_key(void)
{
    (void)set_dacl(KEY, ALLOW_ALL);
    (void)RegDeleteKeyExW(HKEY_LOCAL_MACHINE, KEY, KEY_WOW64_64KEY, 0);
}

/* The catalogue's index of MSExchangeIS\ParametersSystem. */
static size_t key_index(void)
{
    size_t k;

    for (k = 0; k < epg_key_count(); k++)
        if (!strcmp(epg_key_path(k), "MSExchangeIS\\ParametersSystem"))
            return k;
    return (size_t)-1;
}

/* What the hook does inside the window, and how often it was called. */
static enum { IN_WINDOW_NOTHING, IN_WINDOW_REPAIR, IN_WINDOW_DELETE } in_window;
static int hook_calls;
static LONG hook_rc;

static void refused(const WCHAR *key_path)
{
    hook_calls++;
    if (_wcsicmp(key_path, KEY) != 0 || hook_calls > 1)
        return;     /* only the first refusal of our key: a later one is
                       the watcher looking again, which must see the truth */
    if (in_window == IN_WINDOW_REPAIR)
        hook_rc = set_dacl(KEY, ALLOW_ALL);
    else if (in_window == IN_WINDOW_DELETE)
        hook_rc = RegDeleteKeyExW(HKEY_LOCAL_MACHINE, KEY, KEY_WOW64_64KEY, 0);
}

/* Arms a watcher over the key denied with `sddl`, with `what` done inside
 * the window; returns the key's Win32 error after arming (0: not FAILED)
 * and whether a handle to read it through was handed out. */
static DWORD arm_over_denied_key(const WCHAR *sddl, int what, int *readable)
{
    watcher *w = calloc(1, sizeof *w);
    HKEY keys[EPG_MAX_KEYS];
    size_t k = key_index();
    DWORD error = (DWORD)-1;

    *readable = -1;
    CHECK(w != NULL);
    CHECK(k != (size_t)-1);
    if (!w || k == (size_t)-1) {
        free(w);
        return error;
    }
    remove_key();
    create_key();
    CHECK_INT(set_dacl(KEY, sddl), ERROR_SUCCESS);
    in_window = what;
    hook_calls = 0;
    hook_rc = ERROR_SUCCESS;
    watcher_refused_hook = refused;
    CHECK_INT(watcher_init(w), 0);
    watcher_arm_all(w);
    watcher_refused_hook = NULL;
    error = watcher_error(w, k);
    watcher_keys(w, keys);
    *readable = keys[k] != NULL;
    CHECK(hook_calls >= 1);         /* the window was reached */
    CHECK_INT(hook_rc, ERROR_SUCCESS);
    watcher_free(w);
    free(w);
    remove_key();
    return error;
}

static void test_refused_key_stays_failed(void)
{
    int readable;

    CHECK_INT(arm_over_denied_key(DENY_ALL, IN_WINDOW_NOTHING, &readable),
              ERROR_ACCESS_DENIED);
    CHECK_INT(readable, 0);
}

static void test_repair_inside_window_is_seen(void)
{
    int readable;

    CHECK_INT(arm_over_denied_key(DENY_ALL, IN_WINDOW_REPAIR, &readable), 0);
    CHECK_INT(readable, 1);
}

static void test_delete_inside_window_is_seen(void)
{
    int readable;

    CHECK_INT(arm_over_denied_key(DENY_READ, IN_WINDOW_DELETE, &readable), 0);
    CHECK_INT(readable, 0);
}

/* A change behind a root signal (docs/monitor.md, "Stale bursts in main's
 * order: the cause").  The key is MISSING; it is created (its parent's
 * watch fires: the engine's read, by path, would now find it present),
 * deleted again, and a service key comes and goes (the root fires).  The
 * root is served first (the lowest index): re-resolving the key finds it
 * MISSING as before and resets its parent's signal.  The key must still be
 * handed back to be read again, or the service keeps the present key it
 * read last. */
static void test_root_signal_keeps_a_pending_change(void)
{
    watcher *w = calloc(1, sizeof *w);
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    size_t k = key_index(), n;
    uint32_t keys;
    HKEY probe;

    CHECK(w != NULL);
    CHECK(k != (size_t)-1);
    if (!w || k == (size_t)-1) {
        free(w);
        return;
    }
    remove_key();
    CHECK_INT(watcher_init(w), 0);
    watcher_arm_all(w);
    CHECK_INT(w->slots[k].state, WATCH_MISSING);
    create_key();
    remove_key();
    CHECK_INT(RegCreateKeyExW(HKEY_LOCAL_MACHINE, SERVICES L"\\EpgWatcherProbe", 0, NULL, 0,
                              KEY_READ | KEY_WOW64_64KEY, NULL, &probe, NULL), ERROR_SUCCESS);
    RegCloseKey(probe);
    CHECK_INT(RegDeleteKeyExW(HKEY_LOCAL_MACHINE, SERVICES L"\\EpgWatcherProbe",
                              KEY_WOW64_64KEY, 0), ERROR_SUCCESS);
    n = watcher_handles(w, handles, MAXIMUM_WAIT_OBJECTS);
    CHECK(n > 1);
    /* Both the root and the key's parent watch are signalled. */
    CHECK_INT(WaitForSingleObject(handles[0], 0), WAIT_OBJECT_0);
    CHECK_INT(WaitForSingleObject(w->slots[k].event[0], 0), WAIT_OBJECT_0);
    keys = watcher_service(w, handles, n, 0);
    CHECK_INT(w->slots[k].state, WATCH_MISSING);
    CHECK((keys >> k) & 1u);
    watcher_free(w);
    free(w);
}

int main(void)
{
    HKEY parent;
    DWORD disposition = 0;

    /* MSExchangeIS removed at the end only if this test created it. */
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, PARENT, 0, NULL, 0, KEY_READ | KEY_WOW64_64KEY,
                        NULL, &parent, &disposition) == ERROR_SUCCESS)
        RegCloseKey(parent);
    RUN(test_refused_key_stays_failed);
    RUN(test_repair_inside_window_is_seen);
    RUN(test_delete_inside_window_is_seen);
    RUN(test_root_signal_keeps_a_pending_change);
    if (disposition == REG_CREATED_NEW_KEY)
        (void)RegDeleteKeyExW(HKEY_LOCAL_MACHINE, PARENT, KEY_WOW64_64KEY, 0);
    return tt_summary("test_watcher");
}
