/* The lines of a registry export, once decoded to UTF-8: key lines, value
 * lines with every data form, continuations, deletions, and what a line
 * that cannot be parsed does (regexport.h).  The format is what regedit and
 * reg.exe write and read back: Microsoft's "How to add, modify, or delete
 * registry subkeys and values by using a .reg file" (KB 310516) describes
 * the header lines, [key] and [-key], "name"= with "string", dword: and
 * hex(N): data, "name"=- and the trailing backslash that continues long hex
 * data. */
#include "regexport/regexport_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "check/portvalue.h"
#include "codepage.h"

static const char HEADER5[] = "Windows Registry Editor Version 5.00";
static const char HEADER4[] = "REGEDIT4";

/* --- small text helpers ------------------------------------------------ */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Registry names compare case-insensitively; every name the product looks
 * for is ASCII, so ASCII folding is exact for them. */
static int name_eq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen; i++)
        if (!b[i] || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return b[alen] == '\0';
}

static int prefix_ieq(const char *s, size_t slen, const char *prefix)
{
    size_t n = strlen(prefix);
    return slen >= n && name_eq(s, n, prefix);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* --- outcome ----------------------------------------------------------- */

void epg_rx_fail(epg_regexport *x, uint32_t code, const char *what)
{
    if (x->failed)
        return;
    x->failed = 1;
    x->error = code;
    epg_buf_clear(&x->error_text);
    epg_buf_printf(&x->error_text, "%s: %s", x->file, what);
}

void epg_rx_note(epg_regexport *x, unsigned long line, const char *what)
{
    if (x->note_count++ >= EPG_EXPORT_MAX_NOTES)
        return;
    epg_buf_printf(&x->notes, "%s:%lu: %s\n", x->file, line, what);
}

/* --- control sets and keys --------------------------------------------- */

static void set_init(epg_export_set *s, const char *name)
{
    size_t k;

    epg_snapshot_init(&s->snap);
    /* A key the export does not hold is treated as not installed, as the
     * live reader treats a key that does not exist. */
    for (k = 0; k < epg_key_count(); k++)
        s->snap.keys[k].state = EPG_KEY_MISSING;
    snprintf(s->name, sizeof s->name, "%s", name);
}

/* "CurrentControlSet" or "ControlSetNNN": the set's index, created when
 * create is set; -1 when s is no set name or there is no room. */
static int set_index(epg_regexport *x, const char *s, size_t n, int create)
{
    char name[20];
    size_t i;

    if (name_eq(s, n, "CurrentControlSet")) {
        snprintf(name, sizeof name, "CurrentControlSet");
    } else if (n == 13 && prefix_ieq(s, n, "ControlSet") && s[10] >= '0' &&
               s[10] <= '9' && s[11] >= '0' && s[11] <= '9' && s[12] >= '0' &&
               s[12] <= '9') {
        snprintf(name, sizeof name, "ControlSet%.3s", s + 10);
    } else {
        return -1;
    }
    for (i = 0; i < x->set_count; i++)
        if (strcmp(x->sets[i].name, name) == 0)
            return (int)i;
    if (!create)
        return -1;
    if (x->set_count == EPG_EXPORT_MAX_SETS) {
        epg_rx_note(x, x->line_no, "more control sets than are kept; this one "
                "is ignored");
        return -1;
    }
    set_init(&x->sets[x->set_count], name);
    return (int)x->set_count++;
}

/* Whether path (n bytes) is "Services\<watched key k>". */
static int services_key(const epg_regexport *x, const char *path, size_t n,
                        size_t *k)
{
    static const char services[] = "Services\\";
    size_t i, len = sizeof services - 1;

    if (!prefix_ieq(path, n, services))
        return 0;
    for (i = 0; i < x->key_count; i++) {
        if (name_eq(path + len, n - len, x->key_paths[i])) {
            *k = i;
            return 1;
        }
    }
    return 0;
}

/* Whether deleting key del (n bytes, relative to HKLM) takes away the key
 * path (relative to HKLM): path is del or under it. */
static int deletes(const char *del, size_t n, const char *path)
{
    size_t i, plen = strlen(path);

    if (plen < n || (plen > n && path[n] != '\\'))
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)del[i]) != lower((unsigned char)path[i]))
            return 0;
    return 1;
}

/* The slot of value name (n bytes) in key k of set s, or NULL when no
 * check reads that value. */
static epg_reading *plan_slot(epg_regexport *x, size_t s, size_t k,
                              const char *name, size_t n)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    size_t i, count = epg_snapshot_plan(&x->sets[s].snap, plan);

    for (i = 0; i < count; i++)
        if (plan[i].key == k && name_eq(name, n, plan[i].name))
            return plan[i].slot;
    return NULL;
}

static void key_clear(epg_regexport *x, size_t s, size_t k, epg_key_state state,
                      uint32_t code, const char *text)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    size_t i, count = epg_snapshot_plan(&x->sets[s].snap, plan);

    epg_key_status_set(&x->sets[s].snap.keys[k], state, code, text);
    /* As the live reader does: the values of a key that cannot be read are
     * unreadable with the key's error, those of a missing key absent. */
    for (i = 0; i < count; i++) {
        if (plan[i].key != k)
            continue;
        if (state == EPG_KEY_ERROR)
            epg_reading_set_error(plan[i].slot, code, text);
        else
            epg_reading_free(plan[i].slot);
    }
}

/* [-key]: everything at or under del goes. */
static void delete_key(epg_regexport *x, const char *del, size_t n)
{
    epg_buf path;
    size_t s, k;

    epg_buf_init(&path);
    for (s = 0; s < x->set_count; s++) {
        for (k = 0; k < epg_key_count(); k++) {
            epg_buf_clear(&path);
            epg_buf_printf(&path, "SYSTEM\\%s\\Services\\%s", x->sets[s].name,
                           epg_key_path(k));
            if (deletes(del, n, epg_buf_str(&path)))
                key_clear(x, s, k, EPG_KEY_MISSING, 0, NULL);
        }
    }
    if (deletes(del, n, "SYSTEM\\Select"))
        epg_reading_free(&x->select_current);
    if (deletes(del, n, EPG_CURRENTVERSION_KEY)) {
        epg_reading_free(&x->cv_version);
        epg_reading_free(&x->cv_major);
        epg_reading_free(&x->cv_minor);
    }
    epg_buf_free(&path);
}

/* A line that cannot be parsed.  In a key of the read plan it makes the
 * value it sets unreadable (slot), or the whole key when which value it
 * sets cannot be told (slot NULL and whole_key); anywhere else it is a
 * note.  Either way the message names file and line. */
static void bad_line(epg_regexport *x, unsigned long line, epg_reading *slot,
                     int whole_key, const char *what)
{
    epg_buf msg;

    epg_buf_init(&msg);
    epg_buf_printf(&msg, "%s:%lu: %s", x->file, line, what);
    if (x->key_kind == EPG_RX_KEY_WATCHED && slot &&
        slot != &x->select_current && slot != &x->cv_version &&
        slot != &x->cv_major && slot != &x->cv_minor) {
        epg_reading_set_error(slot, EPG_ERR_INVALID_DATA, epg_buf_str(&msg));
    } else if (x->key_kind == EPG_RX_KEY_WATCHED && whole_key) {
        key_clear(x, x->key_set, x->key_index, EPG_KEY_ERROR,
                  EPG_ERR_INVALID_DATA, epg_buf_str(&msg));
    } else {
        epg_rx_note(x, line, what);
    }
    epg_buf_free(&msg);
}

/* --- key lines ----------------------------------------------------------- */

static void key_line(epg_regexport *x, const char *s, size_t n)
{
    const char *end = NULL, *p, *rest;
    size_t i, len, k;
    int del = 0, set;

    x->key_kind = EPG_RX_KEY_NONE;
    for (i = n; i > 1; i--) {
        if (s[i - 1] == ']') {
            end = s + i - 1;
            break;
        }
    }
    if (!end) {
        epg_rx_note(x, x->line_no, "a key line without its closing \"]\"; the "
                "lines up to the next key are not read");
        return;
    }
    p = s + 1;
    if (*p == '-') {
        del = 1;
        p++;
    }
    len = (size_t)(end - p);
    if (prefix_ieq(p, len, "HKEY_LOCAL_MACHINE\\"))
        rest = p + strlen("HKEY_LOCAL_MACHINE\\");
    else if (prefix_ieq(p, len, "HKLM\\"))
        rest = p + strlen("HKLM\\");
    else
        return;     /* another hive: nothing a check reads */
    len = (size_t)(end - rest);
    if (del) {
        delete_key(x, rest, len);
        return;
    }
    if (name_eq(rest, len, "SYSTEM\\Select")) {
        x->key_kind = EPG_RX_KEY_SELECT;
        return;
    }
    if (name_eq(rest, len, EPG_CURRENTVERSION_KEY)) {
        x->key_kind = EPG_RX_KEY_CURRENTVERSION;
        return;
    }
    if (!prefix_ieq(rest, len, "SYSTEM\\"))
        return;
    rest += strlen("SYSTEM\\");
    len -= strlen("SYSTEM\\");
    for (i = 0; i < len && rest[i] != '\\'; i++)
        ;
    set = set_index(x, rest, i, 1);
    if (set < 0 || i == len)
        return;
    if (!services_key(x, rest + i + 1, len - i - 1, &k))
        return;
    x->key_kind = EPG_RX_KEY_WATCHED;
    x->key_set = (size_t)set;
    x->key_index = k;
    if (x->sets[set].snap.keys[k].state == EPG_KEY_MISSING)
        epg_key_status_set(&x->sets[set].snap.keys[k], EPG_KEY_PRESENT, 0, NULL);
}

/* --- value lines ----------------------------------------------------------- */

/* Parses a quoted string starting after its opening quote at s[*i]; the
 * unescaped text goes to out.  Returns 0 at the closing quote (then *i is
 * past it), -1 when the string does not end on the line. */
static int quoted(const char *s, size_t n, size_t *i, epg_buf *out)
{
    while (*i < n) {
        char c = s[(*i)++];
        if (c == '"')
            return 0;
        if (c == '\\' && *i < n) {
            char e = s[(*i)++];
            /* regedit writes \\ and \"; Wine's reg.exe also \n, \r, \0.
             * Any other escape is kept as written. */
            switch (e) {
            case '\\': epg_buf_putc(out, '\\'); break;
            case '"': epg_buf_putc(out, '"'); break;
            case 'n': epg_buf_putc(out, '\n'); break;
            case 'r': epg_buf_putc(out, '\r'); break;
            case '0': epg_buf_putn(out, "", 1); break;
            default:
                epg_buf_putc(out, '\\');
                epg_buf_putc(out, e);
                break;
            }
            continue;
        }
        epg_buf_putc(out, c);
    }
    return -1;
}

/* Stores what was read into slot, unless the key is already unreadable. */
static int key_usable(epg_regexport *x)
{
    return x->key_kind != EPG_RX_KEY_WATCHED ||
           x->sets[x->key_set].snap.keys[x->key_index].state != EPG_KEY_ERROR;
}

static void store(epg_regexport *x, epg_reading *slot, uint32_t type,
                  const epg_buf *data, size_t full)
{
    if (!slot || !key_usable(x))
        return;
    if (data->oom) {
        epg_reading_set_error(slot, EPG_ERR_NOT_ENOUGH_MEMORY, "not enough memory to read the value");
        return;
    }
    if (full > EPG_READ_LIMIT) {
        /* Recorded by size alone, as the live reader does. */
        if (epg_reading_set(slot, type, NULL, 0) == 0)
            slot->full_size = full;
        return;
    }
    if (epg_reading_set(slot, type, data->p, data->len))
        epg_reading_set_error(slot, EPG_ERR_NOT_ENOUGH_MEMORY, "not enough memory to read the value");
}

/* Appends the hex bytes of one line's worth of "hex:" data; returns -1 at
 * the first thing that is not a byte. */
static int hex_bytes(epg_regexport *x, const char *s, size_t n)
{
    size_t i = 0;

    for (;;) {
        int hi, lo = -1;
        char b;

        while (i < n && is_space(s[i]))
            i++;
        if (i == n)
            return 0;               /* a line may end after a comma */
        hi = hexval(s[i]);
        if (hi < 0)
            return -1;
        i++;
        if (i < n)
            lo = hexval(s[i]);
        if (lo >= 0) {
            i++;
            b = (char)(hi * 16 + lo);
        } else {
            b = (char)hi;
        }
        if (x->cont_full < EPG_READ_LIMIT)
            epg_buf_putc(&x->cont_data, b);
        x->cont_full++;
        while (i < n && is_space(s[i]))
            i++;
        if (i == n)
            return 0;
        if (s[i] != ',')
            return -1;
        i++;
    }
}

/* The end of a hex value (or of its last continuation line). */
void epg_rx_value_end(epg_regexport *x)
{
    epg_reading *slot = x->cont_slot;

    x->cont = 0;
    if (!x->cont_keep)
        return;
    x->cont_keep = 0;
    if (x->cont_error) {
        bad_line(x, x->cont_line, slot, 0, epg_buf_str(&x->cont_error_text));
        return;
    }
    /* REGEDIT4 writes REG_SZ, REG_EXPAND_SZ and REG_MULTI_SZ hex data in the
     * ANSI code page; the registry holds them in UTF-16LE. */
    if (x->format == 4 && !x->utf16 && x->cont_full <= EPG_READ_LIMIT &&
        (x->cont_type == EPG_REG_SZ || x->cont_type == EPG_REG_EXPAND_SZ ||
         x->cont_type == EPG_REG_MULTI_SZ)) {
        epg_buf wide;
        size_t i = 0;
        const uint8_t *b = (const uint8_t *)x->cont_data.p;

        epg_buf_init(&wide);
        while (i < x->cont_data.len)
            epg_utf16_put(&wide, epg_ansi_next(x->codepage, b, x->cont_data.len, &i));
        store(x, slot, x->cont_type, &wide, wide.len);
        epg_buf_free(&wide);
        return;
    }
    store(x, slot, x->cont_type, &x->cont_data, x->cont_full);
}

/* One line of hex data; a trailing backslash continues it. */
static void hex_line(epg_regexport *x, const char *s, size_t n)
{
    int more = n > 0 && s[n - 1] == '\\';

    if (more)
        n--;
    if (!x->cont_error && hex_bytes(x, s, n)) {
        x->cont_error = 1;
        x->cont_line = x->line_no;
        epg_buf_clear(&x->cont_error_text);
        epg_buf_puts(&x->cont_error_text, "hex data holds something other "
                     "than comma-separated bytes");
    }
    if (more)
        x->cont = 1;
    else
        epg_rx_value_end(x);
}

static epg_reading *slot_for(epg_regexport *x, const char *name, size_t n)
{
    switch (x->key_kind) {
    case EPG_RX_KEY_WATCHED:
        return plan_slot(x, x->key_set, x->key_index, name, n);
    case EPG_RX_KEY_SELECT:
        return name_eq(name, n, "Current") ? &x->select_current : NULL;
    case EPG_RX_KEY_CURRENTVERSION:
        if (name_eq(name, n, "CurrentVersion"))
            return &x->cv_version;
        if (name_eq(name, n, "CurrentMajorVersionNumber"))
            return &x->cv_major;
        if (name_eq(name, n, "CurrentMinorVersionNumber"))
            return &x->cv_minor;
        return NULL;
    }
    return NULL;
}

static void value_line(epg_regexport *x, const char *s, size_t n)
{
    epg_buf name, text;
    epg_reading *slot = NULL;
    size_t i = 1;

    epg_buf_init(&name);
    epg_buf_init(&text);
    if (s[0] == '"' && quoted(s, n, &i, &name)) {
        bad_line(x, x->line_no, NULL, 1, "a value name without its closing "
                 "quote");
        goto out;
    }
    slot = slot_for(x, epg_buf_str(&name), name.len);
    while (i < n && is_space(s[i]))
        i++;
    if (i == n || s[i] != '=') {
        bad_line(x, x->line_no, slot, 0, "a value name not "
                 "followed by \"=\"");
        goto out;
    }
    i++;
    while (i < n && is_space(s[i]))
        i++;
    s += i;
    n -= i;
    if (n == 1 && s[0] == '-') {
        if (slot && key_usable(x))
            epg_reading_free(slot);     /* "name"=-: the value is deleted */
    } else if (n && s[0] == '"') {
        i = 1;
        if (quoted(s, n, &i, &text) || i != n) {
            bad_line(x, x->line_no, slot, 0, "a string without its closing "
                     "quote, or with text after it");
        } else if (slot) {
            /* REG_SZ as RegQueryValueExW returns it: UTF-16LE with its
             * terminating NUL. */
            epg_buf wide;
            size_t j = 0;
            const uint8_t *b = (const uint8_t *)text.p;

            epg_buf_init(&wide);
            while (j < text.len)
                epg_utf16_put(&wide, epg_utf8_next(b, text.len, &j));
            epg_utf16_put(&wide, 0);
            store(x, slot, EPG_REG_SZ, &wide, wide.len);
            epg_buf_free(&wide);
        }
    } else if (prefix_ieq(s, n, "dword:")) {
        uint32_t v = 0;
        size_t d = 0;

        for (i = 6; i < n && hexval(s[i]) >= 0; i++, d++)
            v = (v << 4) | (uint32_t)hexval(s[i]);
        if (d == 0 || d > 8 || i != n) {
            bad_line(x, x->line_no, slot, 0, "dword data that is not 1 to 8 "
                     "hex digits");
        } else if (slot) {
            epg_buf le;
            char b[4];

            b[0] = (char)(v & 0xFF);
            b[1] = (char)((v >> 8) & 0xFF);
            b[2] = (char)((v >> 16) & 0xFF);
            b[3] = (char)(v >> 24);
            epg_buf_init(&le);
            epg_buf_putn(&le, b, 4);
            store(x, slot, EPG_REG_DWORD, &le, 4);
            epg_buf_free(&le);
        }
    } else if (prefix_ieq(s, n, "hex:") || prefix_ieq(s, n, "hex(")) {
        uint32_t type = EPG_REG_BINARY;
        size_t d = 0;

        i = 3;
        if (s[3] == '(') {
            type = 0;
            for (i = 4; i < n && hexval(s[i]) >= 0; i++, d++)
                type = (type << 4) | (uint32_t)hexval(s[i]);
            if (d == 0 || d > 8 || i + 1 >= n || s[i] != ')') {
                bad_line(x, x->line_no, slot, 0, "a hex(type) without a hex "
                         "type number");
                goto out;
            }
            i++;
        }
        if (i >= n || s[i] != ':') {
            bad_line(x, x->line_no, slot, 0, "hex data without its \":\"");
            goto out;
        }
        x->cont_keep = 1;
        x->cont_slot = slot;
        x->cont_type = type;
        x->cont_line = x->line_no;
        x->cont_full = 0;
        x->cont_error = 0;
        epg_buf_clear(&x->cont_data);
        hex_line(x, s + i + 1, n - i - 1);
    } else {
        bad_line(x, x->line_no, slot, 0, "data that is not a string, dword:, "
                 "hex: or hex(N):");
    }
out:
    epg_buf_free(&name);
    epg_buf_free(&text);
}

/* --- lines --------------------------------------------------------------- */

static int header_text(const char *s, size_t n)
{
    if (n >= 3 && (uint8_t)s[0] == 0xEF && (uint8_t)s[1] == 0xBB &&
        (uint8_t)s[2] == 0xBF) {
        s += 3;     /* U+FEFF: the mark of a file appended to this one */
        n -= 3;
    }
    if (name_eq(s, n, HEADER5) && memcmp(s, HEADER5, n) == 0)
        return 5;
    if (name_eq(s, n, HEADER4) && memcmp(s, HEADER4, n) == 0)
        return 4;
    return 0;
}

/* One whole line, in UTF-8, without its line break. */
void epg_rx_line(epg_regexport *x, const char *s, size_t n)
{
    while (n && is_space(s[n - 1]))
        n--;
    if (x->format == 0) {
        x->format = header_text(s, n);
        if (!x->format)
            epg_rx_fail(x, EPG_ERR_INVALID_DATA, "not a registry export: the first "
                 "line is neither \"Windows Registry Editor Version 5.00\" "
                 "nor \"REGEDIT4\"");
        return;
    }
    if (x->line_long) {
        bad_line(x, x->line_no, NULL, 1, "a line longer than the reader "
                 "keeps");
        x->cont = 0;
        x->cont_keep = 0;
        return;
    }
    if (x->cont) {
        size_t i = 0;
        while (i < n && is_space(s[i]))
            i++;
        if (i < n && s[i] != '[' && s[i] != '"' && s[i] != '@') {
            hex_line(x, s + i, n - i);
            return;
        }
        epg_rx_value_end(x);    /* a value's last line ended in a backslash */
    }
    if (n >= 3 && (uint8_t)s[0] == 0xEF && (uint8_t)s[1] == 0xBB &&
        (uint8_t)s[2] == 0xBF) {
        s += 3;
        n -= 3;
    }
    if (n == 0 || s[0] == ';' || s[0] == '#' || header_text(s, n))
        return;
    if (s[0] == '[')
        key_line(x, s, n);
    else if (x->key_kind == EPG_RX_KEY_NONE)
        ;   /* a value of a key no check reads */
    else if (s[0] == '"' || s[0] == '@')
        value_line(x, s, n);
    else
        bad_line(x, x->line_no, NULL, 1, "neither a key, a value nor a "
                 "comment");
}
