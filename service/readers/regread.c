#include "readers/regread.h"

#include <stdlib.h>
#include <string.h>

#include "check/portvalue.h"
#include "perturb.h"
#include "winutil.h"

/* The core numbers registry types itself; they must be winnt.h's. */
_Static_assert(EPG_REG_SZ == REG_SZ && EPG_REG_EXPAND_SZ == REG_EXPAND_SZ &&
               EPG_REG_BINARY == REG_BINARY && EPG_REG_DWORD == REG_DWORD &&
               EPG_REG_MULTI_SZ == REG_MULTI_SZ && EPG_REG_QWORD == REG_QWORD &&
               EPG_REG_NONE == REG_NONE &&
               EPG_REG_DWORD_BIG_ENDIAN == REG_DWORD_BIG_ENDIAN,
               "registry type numbers differ from winnt.h");

WCHAR *regread_key_path(size_t k)
{
    epg_buf b;
    WCHAR *w;

    epg_buf_init(&b);
    epg_buf_printf(&b, "%s\\%s", EPG_SERVICES_ROOT, epg_key_path(k));
    w = b.oom ? NULL : wide_from_utf8(epg_buf_str(&b));
    epg_buf_free(&b);
    return w;
}

static void set_error(epg_reading *r, DWORD code)
{
    char *text = win32_error_text(code);

    epg_reading_set_error(r, code, text);
    free(text);
}

/* Reads one value.  A value larger than EPG_READ_LIMIT is recorded by size
 * alone: no port is that long, and the service must not hold megabytes.
 * Every port value fits the first buffer, so the usual read is one call. */
void regread_value(HKEY key, const char *name, epg_reading *slot)
{
    WCHAR *wname = wide_from_utf8(name);
    BYTE small[256], *buf = small, *big = NULL;
    DWORD type = 0, size = sizeof small;
    LONG rc;
    int attempt;

    epg_reading_free(slot);
    if (!wname) {
        set_error(slot, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    rc = RegQueryValueExW(key, wname, NULL, &type, buf, &size);
    /* The value can change size between calls; a few rounds settle it, as
     * RegQueryValueExW documents with ERROR_MORE_DATA. */
    for (attempt = 0; rc == ERROR_MORE_DATA && attempt < 5; attempt++) {
        if (size > EPG_READ_LIMIT) {
            if (epg_reading_set(slot, type, NULL, 0) == 0)
                slot->full_size = size;
            else
                set_error(slot, ERROR_NOT_ENOUGH_MEMORY);
            goto out;
        }
        free(big);
        big = malloc(size ? size : 1);
        if (!big) {
            set_error(slot, ERROR_NOT_ENOUGH_MEMORY);
            goto out;
        }
        buf = big;
        rc = RegQueryValueExW(key, wname, NULL, &type, buf, &size);
    }
    if (rc == ERROR_SUCCESS) {
        if (epg_reading_set(slot, type, buf, size))
            set_error(slot, ERROR_NOT_ENOUGH_MEMORY);
    } else if (rc != ERROR_FILE_NOT_FOUND) {
        set_error(slot, (DWORD)rc);
    }   /* not found: absent */
out:
    free(big);
    free(wname);
}

static void read_keys(HKEY root, REGSAM view, epg_snapshot *s, uint32_t keys,
                      const HKEY *open);

LONG (*regread_open_hook)(HKEY root, const WCHAR *path, REGSAM access, HKEY *key);

LONG regread_open(HKEY root, const WCHAR *path, REGSAM access, HKEY *key)
{
    if (regread_open_hook)
        return regread_open_hook(root, path, access, key);
    return RegOpenKeyExW(root, path, 0, access, key);
}

void regread_keys(epg_snapshot *s, uint32_t keys)
{
    regread_keys_at(HKEY_LOCAL_MACHINE, EPG_REG_VIEW, s, keys);
}

void regread_keys_open(epg_snapshot *s, uint32_t keys, const HKEY *open)
{
    read_keys(HKEY_LOCAL_MACHINE, EPG_REG_VIEW, s, keys, open);
}

void regread_keys_at(HKEY root, REGSAM view, epg_snapshot *s, uint32_t keys)
{
    read_keys(root, view, s, keys, NULL);
}

static void read_keys(HKEY root, REGSAM view, epg_snapshot *s, uint32_t keys,
                      const HKEY *open)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    size_t n = epg_snapshot_plan(s, plan), k, i;

    for (k = 0; k < epg_key_count(); k++) {
        WCHAR *path;
        HKEY key = NULL;
        LONG rc;

        if (!(keys & (1u << k)))
            continue;
        for (i = 0; i < n; i++)
            if (plan[i].key == k)
                epg_reading_free(plan[i].slot);     /* absent until read */
        if (open && open[k]) {
            key = open[k];
            rc = ERROR_SUCCESS;
        } else {
            /* A key the watcher could not hold open (MISSING, FAILED) is
             * opened by path: later than the watcher's look, and may be
             * found otherwise (docs/monitor.md, "Stale bursts in main's
             * order: the cause"). */
            EPG_PERTURB_POINT("regread.open");
            path = regread_key_path(k);
            rc = path ? regread_open(root, path, KEY_QUERY_VALUE | view, &key)
                      : ERROR_NOT_ENOUGH_MEMORY;
            free(path);
        }
        if (rc == ERROR_FILE_NOT_FOUND) {
            epg_key_status_set(&s->keys[k], EPG_KEY_MISSING, 0, NULL);
            continue;   /* its values stay absent */
        }
        if (rc != ERROR_SUCCESS) {
            char *text = win32_error_text(rc);
            epg_key_status_set(&s->keys[k], EPG_KEY_ERROR, rc, text);
            for (i = 0; i < n; i++)
                if (plan[i].key == k)
                    epg_reading_set_error(plan[i].slot, rc, text);
            free(text);
            continue;
        }
        epg_key_status_set(&s->keys[k], EPG_KEY_PRESENT, 0, NULL);
        for (i = 0; i < n; i++)
            if (plan[i].key == k) {
                EPG_PERTURB_POINT("regread.value");
                regread_value(key, plan[i].name, plan[i].slot);
            }
        if (!(open && open[k]))
            RegCloseKey(key);
        /* Deleted between the open and a read: the key is not there (its
         * re-creation is signalled to the watcher), not unreadable. */
        for (i = 0; i < n; i++)
            if (plan[i].key == k && plan[i].slot->presence == EPG_UNREADABLE &&
                plan[i].slot->error == ERROR_KEY_DELETED)
                break;
        if (i < n) {
            for (i = 0; i < n; i++)
                if (plan[i].key == k)
                    epg_reading_free(plan[i].slot);
            epg_key_status_set(&s->keys[k], EPG_KEY_MISSING, 0, NULL);
        }
    }
}

void regread_snapshot(epg_snapshot *s)
{
    DWORD major, minor;

    epg_snapshot_clear_registry(s);
    os_version(&major, &minor);
    s->os_major = major;
    s->os_minor = minor;
    regread_keys(s, (1u << epg_key_count()) - 1);
}
