#include "commands/fix_apply.h"

#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "readers/regread.h"
#include "report/fix_report.h"
#include "winutil.h"

/* One line from stdin (a console, a pipe or a file: ReadFile reads all
 * three, on Windows and under Wine); 0 at its end or on an error. */
static int read_answer(char *buf, size_t n)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    size_t len = 0;
    DWORD got;
    char ch;

    if (in == NULL || in == INVALID_HANDLE_VALUE)
        return 0;
    while (ReadFile(in, &ch, 1, &got, NULL) && got == 1 && ch != '\n')
        if (ch != '\r' && len + 1 < n)
            buf[len++] = ch;
    buf[len] = '\0';
    return 1;
}

static int confirmed(size_t count)
{
    char answer[16];

    say("Write these %lu change(s) to the registry? Type yes and press Enter: ",
        (unsigned long)count);
    if (!read_answer(answer, sizeof answer) ||
        (_stricmp(answer, "yes") != 0 && _stricmp(answer, "y") != 0)) {
        say("\nNothing was changed.\n");
        return 0;
    }
    return 1;
}

/* Says "<what> <path>: <text> (error N)" on stderr. */
static void fail_on(const char *what, const char *path, DWORD e)
{
    char *text = win32_error_text(e);

    complain("exchportguard fix: %s %s: %s (error %lu)\n", what, path,
             text ? text : "unknown error", (unsigned long)e);
    free(text);
}

/* Writes type and data as value name of key; returns the Win32 error. */
static LONG set_value(HKEY key, const char *name, DWORD type, const void *data, size_t size)
{
    WCHAR *w = wide_from_utf8(name);
    LONG rc;

    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    rc = RegSetValueExW(key, w, 0, type, (const BYTE *)data, (DWORD)size);
    free(w);
    return rc;
}

/* Puts back what value v held before: its data and type, or no value. */
static LONG restore_value(HKEY key, size_t v, const epg_reading *old)
{
    WCHAR *w;
    LONG rc;

    if (old->presence == EPG_PRESENT)
        return set_value(key, epg_values[v].name, old->type, old->data, old->size);
    w = wide_from_utf8(epg_values[v].name);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    rc = RegDeleteValueW(key, w);
    free(w);
    return rc == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : rc;
}

/* Opens every key p changes, for reading and writing (the 64-bit view
 * from a 32-bit build).  Returns 0, or -1 after naming the key. */
static int open_keys(const epg_fix_plan *p, HKEY keys[EPG_MAX_KEYS])
{
    size_t i;
    epg_buf path;

    for (i = 0; i < p->count; i++) {
        size_t k = epg_value_key(p->changes[i].value);
        WCHAR *w;
        LONG rc;

        if (keys[k])
            continue;
        w = regread_key_path(k);
        rc = w ? RegOpenKeyExW(HKEY_LOCAL_MACHINE, w, 0,
                               KEY_QUERY_VALUE | KEY_SET_VALUE | EPG_REG_VIEW, &keys[k])
               : ERROR_NOT_ENOUGH_MEMORY;
        free(w);
        if (rc != ERROR_SUCCESS) {
            keys[k] = NULL;
            epg_buf_init(&path);
            epg_key_display_path(k, &path);
            fail_on("cannot open for writing", epg_buf_str(&path), (DWORD)rc);
            if (rc == ERROR_ACCESS_DENIED)
                complain("exchportguard fix: --apply writes under HKLM: run it from an "
                         "elevated prompt (Run as administrator), as install is run\n");
            epg_buf_free(&path);
            return -1;
        }
    }
    return 0;
}

/* Whether every value to change still holds what the plan was made from. */
static int unchanged(const epg_snapshot *snap, const epg_fix_plan *p,
                     HKEY keys[EPG_MAX_KEYS])
{
    size_t i;
    int same = 1;

    for (i = 0; i < p->count; i++) {
        size_t v = p->changes[i].value;
        epg_reading now;
        epg_buf path, was, is;

        memset(&now, 0, sizeof now);
        regread_value(keys[epg_value_key(v)], epg_values[v].name, &now);
        if (!epg_reading_same(&now, &snap->values[v])) {
            epg_buf_init(&path);
            epg_buf_init(&was);
            epg_buf_init(&is);
            epg_value_path(v, &path);
            epg_data_show(&snap->values[v], 32, &was);
            epg_data_show(&now, 32, &is);
            complain("exchportguard fix: %s changed since the plan (it was %s, it is "
                     "now %s)\n", epg_buf_str(&path), epg_buf_str(&was), epg_buf_str(&is));
            epg_buf_free(&path);
            epg_buf_free(&was);
            epg_buf_free(&is);
            same = 0;
        }
        epg_reading_free(&now);
    }
    return same;
}

/* Reads this computer again, everything the plan was made from (the
 * fourteen values, their keys, the settings, the dynamic range and its
 * exclusions, the TCP table: read_local, as check reads it), plans again,
 * and says whether the new plan is the one the user agreed to.  The
 * question can wait for any length of time, and a value the plan does not
 * touch (the other value of a conflict), the range or a listener can change
 * meanwhile: writing the old plan then could write a conflict back.  When
 * the plans differ it says what changed and returns 0. */
static int same_plan_now(const epg_computer *was, const epg_fix_plan *agreed)
{
    epg_fleet again;
    epg_computer *now;
    epg_fix_plan plan;
    epg_buf what;
    int same = 0;

    epg_fleet_init(&again);
    epg_fix_plan_init(&plan);
    epg_buf_init(&what);
    now = epg_fleet_add(&again, was->name, NULL);
    if (!now) {
        complain("exchportguard fix: out of memory reading the registry again\n");
        goto out;
    }
    read_local(&now->snap);
    epg_computer_evaluate(now);
    epg_fix_plan_computer(now, &plan);
    same = epg_fix_plan_equal(&plan, agreed);
    if (!same) {
        epg_fix_what_changed(was, now, &what);
        complain("exchportguard fix: what the plan was made from changed since it was "
                 "shown, so it is not the plan you agreed to:\n%s",
                 what.len ? epg_buf_str(&what) : "  (nothing that can be named; the "
                 "plan itself differs)\n");
    }
out:
    epg_buf_free(&what);
    epg_fix_plan_free(&plan);
    epg_fleet_free(&again);
    return same;
}

static int write_undo(const epg_snapshot *snap, const epg_fix_plan *p, const char *path)
{
    epg_buf text, file;
    int rc;

    epg_buf_init(&text);
    epg_buf_init(&file);
    epg_fix_reg_text(snap, p, 1, &text);
    epg_reg_file_utf16(epg_buf_str(&text), &file);
    rc = text.oom ? -1 : write_whole_file(path, &file, CREATE_NEW, "the undo file");
    epg_buf_free(&text);
    epg_buf_free(&file);
    return rc;
}

/* Writes every change; on a failure puts back the ones written.  Returns
 * the fix exit code. */
static int write_changes(const epg_snapshot *snap, const epg_fix_plan *p,
                         HKEY keys[EPG_MAX_KEYS], const char *undo_file)
{
    size_t i, j;
    uint8_t data[EPG_FIX_DATA_MAX];
    epg_buf path;

    epg_buf_init(&path);
    for (i = 0; i < p->count; i++) {
        const epg_fix_change *c = &p->changes[i];
        size_t n = epg_fix_data(c, data);
        LONG rc = set_value(keys[epg_value_key(c->value)], epg_values[c->value].name,
                            c->new_type, data, n);
        int lost = 0;

        if (rc == ERROR_SUCCESS)
            continue;
        epg_value_path(c->value, &path);
        fail_on("cannot write", epg_buf_str(&path), (DWORD)rc);
        /* RegSetValueExW writes all or nothing; the ones before it were
         * written and go back. */
        for (j = 0; j < i; j++) {
            size_t v = p->changes[j].value;
            LONG r2 = restore_value(keys[epg_value_key(v)], v, &snap->values[v]);
            if (r2 != ERROR_SUCCESS) {
                epg_buf_clear(&path);
                epg_value_path(v, &path);
                fail_on("cannot restore", epg_buf_str(&path), (DWORD)r2);
                lost = 1;
            }
        }
        if (lost)
            complain("exchportguard fix: some values could not be restored: reg import "
                     "\"%s\" puts back what they held\n", undo_file);
        else
            complain("exchportguard fix: the %lu value(s) already written were restored "
                     "from the undo data; the registry is as it was\n", (unsigned long)i);
        epg_buf_free(&path);
        return EPG_FIX_EXIT_FAILED;
    }
    epg_buf_free(&path);
    return EPG_FIX_EXIT_DONE;
}

int fix_apply(const epg_computer *c, const epg_fix_plan *p, const char *undo_file,
              int yes)
{
    const epg_snapshot *snap = &c->snap;
    HKEY keys[EPG_MAX_KEYS];
    size_t k;
    int code = EPG_FIX_EXIT_FAILED;
    epg_buf svc;

    memset(keys, 0, sizeof keys);
    /* Before the question: an administrator in a window that is not
     * elevated learns it now, not after typing yes.  UAC filters the token,
     * so KEY_SET_VALUE under HKLM is refused with ERROR_ACCESS_DENIED. */
    if (open_keys(p, keys)) {
        complain("exchportguard fix: nothing was changed\n");
        goto out;
    }
    if (!yes && !confirmed(p->count)) {
        code = EPG_FIX_EXIT_PLANNED;
        goto out;
    }
    if (!same_plan_now(c, p) || !unchanged(snap, p, keys)) {
        complain("exchportguard fix: nothing was changed; run fix again for a new plan\n");
        goto out;
    }
    if (write_undo(snap, p, undo_file)) {
        complain("exchportguard fix: without an undo file nothing was changed\n");
        goto out;
    }
    code = write_changes(snap, p, keys, undo_file);
    if (code == EPG_FIX_EXIT_DONE) {
        epg_buf_init(&svc);
        epg_fix_services_sentence(p, &svc);
        say("Wrote %lu change(s). The undo file \"%s\" holds what they replaced "
            "(reg import \"%s\" puts it back).\nRestart %s for the new ports to take "
            "effect, or restart the computer as the analyzer says; fix restarts "
            "nothing.\n", (unsigned long)p->count, undo_file, undo_file,
            epg_buf_str(&svc));
        epg_buf_free(&svc);
    }
out:
    for (k = 0; k < EPG_MAX_KEYS; k++)
        if (keys[k])
            RegCloseKey(keys[k]);
    return code;
}
