/* The streaming part of the .reg reader (regexport.h, docs/fleet.md): the
 * encoding, cutting the input into lines wherever the chunks end, skipping
 * the lines of keys no check reads, and at the end choosing the control
 * set.  The lines themselves are parsed in regexport_lines.c. */
#include "regexport/regexport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "codepage.h"
#include "regexport/regexport_lines.h"

/* Decodes the collected bytes of a line to UTF-8 and handles it.  Key lines
 * of every key pass through here, so ASCII takes a short path. */
static void end_line(epg_regexport *x)
{
    const uint8_t *b = (const uint8_t *)x->line.p;
    size_t n = x->line.len, i = 0, o = 0;

    if (!x->collecting)
        return;
    /* At most 3 UTF-8 bytes per UTF-16 unit or ANSI byte (a surrogate pair
     * is 4 bytes for 2 units), plus the terminating NUL. */
    if (3 * n + 1 > x->text_cap) {
        char *p = realloc(x->text, 3 * n + 1);
        if (!p) {
            epg_rx_fail(x, EPG_ERR_NOT_ENOUGH_MEMORY, "not enough memory to read the file");
            return;
        }
        x->text = p;
        x->text_cap = 3 * n + 1;
    }
    if (x->utf16) {
        n /= 2;
        while (i < n) {
            if (b[2 * i + 1] == 0 && b[2 * i] < 0x80)
                x->text[o++] = (char)b[2 * i++];
            else
                o = epg_utf8_store(x->text, o, epg_utf16_next(b, n, &i));
        }
    } else {
        uint32_t cp = x->format == 5 ? 65001 : x->codepage;
        while (i < n) {
            if (b[i] < 0x80)
                x->text[o++] = (char)b[i++];
            else
                o = epg_utf8_store(x->text, o, epg_ansi_next(cp, b, n, &i));
        }
    }
    x->text[o] = '\0';
    epg_rx_line(x, x->text, o);
}

/* Whether a line starting with c needs decoding: the header line, key
 * lines, and every line of a key a check reads.  Every other line is only
 * looked at for its first character. */
static int wants_line(epg_regexport *x, uint32_t c)
{
    if (x->format == 0 || x->key_kind != EPG_RX_KEY_NONE || c == '[' || c == 0xFEFF ||
        c == 0xEF || c == 'W' || c == 'R')
        return 1;
    if (!(c == '"' || c == '@' || c == ';' || c == '#' || c == ' ' ||
          c == '\t' || c == '\r' || c == '\n'))
        epg_rx_note(x, x->line_no, "neither a key, a value nor a comment");
    return 0;
}

/* Lines of unit-sized characters (2 bytes: UTF-16LE, 1: ANSI) in p[0..n),
 * n a multiple of unit. */
static void lines(epg_regexport *x, const uint8_t *p, size_t n, size_t unit)
{
    size_t i = 0;

    while (i < n && !x->failed) {
        const uint8_t *nl;
        size_t j = i, end;

        if (x->at_line_start) {
            uint32_t c = unit == 2 ? (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8)
                                   : p[i];
            x->at_line_start = 0;
            x->line_no++;
            x->line_long = 0;
            epg_buf_clear(&x->line);
            x->collecting = wants_line(x, c);
        }
        /* The line ends at the next '\n' unit; memchr is the fast path. */
        for (;;) {
            nl = memchr(p + j, '\n', n - j);
            if (!nl || unit == 1 || ((size_t)(nl - p) % 2 == 0 && nl[1] == 0))
                break;
            j = (size_t)(nl - p) + 1;
        }
        end = nl ? (size_t)(nl - p) : n;
        if (x->collecting && !x->line_long) {
            size_t take = end - i;
            if (x->format == 0 && take > 300)
                take = 300;     /* enough to tell a header line */
            if (x->line.len + take > EPG_EXPORT_LINE_MAX) {
                x->line_long = 1;
            } else {
                epg_buf_putn(&x->line, (const char *)p + i, take);
            }
            if (x->format == 0 && x->line.len > 256)
                epg_rx_fail(x, EPG_ERR_INVALID_DATA, "not a registry export: no "
                     "header line");
        }
        if (!nl)
            return;
        end_line(x);
        x->at_line_start = 1;
        i = end + unit;
    }
}

/* --- the public functions ---------------------------------------------- */

void epg_regexport_init(epg_regexport *x, const char *file, uint32_t codepage)
{
    size_t i;

    memset(x, 0, sizeof *x);
    x->file = epg_strdup(file ? file : "(export)");
    x->codepage = codepage ? codepage : 1252;
    x->at_line_start = 1;
    x->key_count = epg_key_count();
    for (i = 0; i < x->key_count && i < EPG_MAX_KEYS; i++)
        x->key_paths[i] = epg_key_path(i);
    epg_buf_init(&x->error_text);
    epg_buf_init(&x->notes);
    epg_buf_init(&x->line);
    epg_buf_init(&x->cont_data);
    epg_buf_init(&x->cont_error_text);
    if (!x->file)
        epg_rx_fail(x, EPG_ERR_NOT_ENOUGH_MEMORY, "not enough memory");
}

void epg_regexport_free(epg_regexport *x)
{
    size_t i;

    free(x->file);
    free(x->text);
    epg_buf_free(&x->error_text);
    epg_buf_free(&x->notes);
    epg_buf_free(&x->line);
    epg_buf_free(&x->cont_data);
    epg_buf_free(&x->cont_error_text);
    for (i = 0; i < x->set_count; i++)
        epg_snapshot_free(&x->sets[i].snap);
    epg_reading_free(&x->select_current);
    epg_reading_free(&x->cv_version);
    epg_reading_free(&x->cv_major);
    epg_reading_free(&x->cv_minor);
    memset(x, 0, sizeof *x);
}

int epg_regexport_feed(epg_regexport *x, const uint8_t *data, size_t n)
{
    if (!x->file)
        return -1;
    while (n && !x->failed) {
        if (!x->bom_checked) {
            /* The first bytes say the encoding: FF FE is UTF-16LE (what
             * reg export and regedit write for version 5.00). */
            x->carry[x->ncarry++] = *data++;
            n--;
            if (x->ncarry == 2 && x->carry[0] == 0xFF && x->carry[1] == 0xFE) {
                x->utf16 = 1;
                x->ncarry = 0;
                x->bom_checked = 1;
            } else if (x->ncarry == 3 || (x->ncarry == 2 && x->carry[0] != 0xEF)) {
                x->bom_checked = 1;
                if (x->ncarry == 3 && x->carry[0] == 0xEF && x->carry[1] == 0xBB &&
                    x->carry[2] == 0xBF) {
                    x->ncarry = 0;      /* UTF-8's mark */
                    x->codepage = 65001;
                } else {
                    size_t c = x->ncarry;
                    x->ncarry = 0;
                    lines(x, x->carry, c, 1);
                }
            }
            continue;
        }
        if (x->utf16) {
            size_t body;
            if (x->ncarry) {
                x->carry[1] = *data++;
                n--;
                x->ncarry = 0;
                lines(x, x->carry, 2, 2);
                continue;
            }
            body = n & ~(size_t)1;
            lines(x, data, body, 2);
            if (n > body)
                x->carry[x->ncarry++] = data[body];
            n = 0;
        } else {
            lines(x, data, n, 1);
            n = 0;
        }
    }
    return x->failed ? -1 : 0;
}

int epg_os_from_readings(const epg_reading *version, const epg_reading *major,
                         const epg_reading *minor, uint32_t *os_major,
                         uint32_t *os_minor)
{
    if (major && minor && major->presence == EPG_PRESENT && major->type ==
        EPG_REG_DWORD && major->size == 4 && minor->presence == EPG_PRESENT &&
        minor->type == EPG_REG_DWORD && minor->size == 4) {
        *os_major = (uint32_t)major->data[0] | ((uint32_t)major->data[1] << 8) |
                    ((uint32_t)major->data[2] << 16) | ((uint32_t)major->data[3] << 24);
        *os_minor = (uint32_t)minor->data[0] | ((uint32_t)minor->data[1] << 8) |
                    ((uint32_t)minor->data[2] << 16) | ((uint32_t)minor->data[3] << 24);
        return 0;
    }
    if (version && version->presence == EPG_PRESENT &&
        (version->type == EPG_REG_SZ || version->type == EPG_REG_EXPAND_SZ)) {
        /* "5.2": digits, a dot, digits. */
        size_t n = version->size / 2, i = 0;
        uint32_t part[2] = { 0, 0 }, digits[2] = { 0, 0 }, which = 0;

        while (i < n) {
            uint32_t c = epg_utf16_next(version->data, n, &i);
            if (c == 0)
                break;
            if (c == '.' && which == 0 && digits[0]) {
                which = 1;
            } else if (c >= '0' && c <= '9' && digits[which] < 4) {
                part[which] = part[which] * 10 + (c - '0');
                digits[which]++;
            } else {
                return -1;
            }
        }
        if (which == 1 && digits[1]) {
            *os_major = part[0];
            *os_minor = part[1];
            return 0;
        }
    }
    return -1;
}

static uint32_t dword_of(const epg_reading *r, int *ok)
{
    *ok = r->presence == EPG_PRESENT && r->type == EPG_REG_DWORD && r->size == 4;
    return *ok ? (uint32_t)r->data[0] | ((uint32_t)r->data[1] << 8) |
                 ((uint32_t)r->data[2] << 16) | ((uint32_t)r->data[3] << 24)
               : 0;
}

/* Which control set to use (regexport.h); -1 with the file failed when
 * none can be chosen. */
static int choose_set(epg_regexport *x)
{
    epg_buf msg;
    size_t i;
    int chosen = -1, ok;

    for (i = 0; i < x->set_count; i++) {
        if (strcmp(x->sets[i].name, "CurrentControlSet") == 0) {
            x->control_set_why = "the export's CurrentControlSet";
            return (int)i;
        }
    }
    epg_buf_init(&msg);
    if (x->select_current.presence == EPG_PRESENT) {
        uint32_t n = dword_of(&x->select_current, &ok);
        char name[20];
        if (ok && n <= 999) {
            snprintf(name, sizeof name, "ControlSet%03lu", (unsigned long)n);
            for (i = 0; i < x->set_count; i++)
                if (strcmp(x->sets[i].name, name) == 0)
                    chosen = (int)i;
            x->control_set_why = "named by HKLM\\SYSTEM\\Select\\Current";
            if (chosen < 0)
                epg_buf_printf(&msg, "HKLM\\SYSTEM\\Select\\Current names %s, "
                               "which the export does not hold", name);
        } else {
            epg_buf_puts(&msg, "HKLM\\SYSTEM\\Select\\Current is not a "
                         "control set number");
        }
    } else if (x->set_count == 1) {
        chosen = 0;
        x->control_set_why = "the only control set in the export";
    } else if (x->set_count == 0) {
        epg_buf_puts(&msg, "the export holds no control set (no key under "
                     "HKLM\\SYSTEM\\CurrentControlSet or HKLM\\SYSTEM\\"
                     "ControlSetNNN)");
    } else {
        epg_buf_puts(&msg, "the export holds several control sets and no "
                     "HKLM\\SYSTEM\\Select\\Current to choose among them");
    }
    if (chosen < 0) {
        if (x->set_count) {
            epg_buf_puts(&msg, "; it holds ");
            for (i = 0; i < x->set_count; i++)
                epg_buf_printf(&msg, "%s%s", i ? ", " : "", x->sets[i].name);
        }
        epg_rx_fail(x, EPG_ERR_FILE_NOT_FOUND, epg_buf_str(&msg));
    }
    epg_buf_free(&msg);
    return chosen;
}

int epg_regexport_finish(epg_regexport *x, epg_snapshot *snap)
{
    int s;

    if (!x->file)
        return -1;
    if (!x->failed) {
        if (x->ncarry && !x->utf16 && !x->bom_checked) {
            size_t c = x->ncarry;      /* a file of one or two bytes */
            x->ncarry = 0;
            x->bom_checked = 1;
            lines(x, x->carry, c, 1);
        }
        if (!x->at_line_start && !x->failed)
            end_line(x);            /* the last line had no line break */
        x->at_line_start = 1;
        if (x->cont)
            epg_rx_value_end(x);
        if (x->format == 0)
            epg_rx_fail(x, EPG_ERR_INVALID_DATA, "not a registry export: the file "
                 "is empty");
    }
    if (x->failed)
        return -1;
    s = choose_set(x);
    if (s < 0)
        return -1;
    snprintf(x->control_set, sizeof x->control_set, "%s", x->sets[s].name);
    epg_snapshot_free(snap);
    *snap = x->sets[s].snap;
    epg_snapshot_init(&x->sets[s].snap);
    x->os_known = epg_os_from_readings(&x->cv_version, &x->cv_major, &x->cv_minor,
                                       &x->os_major, &x->os_minor) == 0;
    if (x->os_known) {
        snap->os_major = x->os_major;
        snap->os_minor = x->os_minor;
    }
    if (x->note_count > EPG_EXPORT_MAX_NOTES)
        epg_buf_printf(&x->notes, "%s: %lu more note(s) not shown\n", x->file,
                       (unsigned long)(x->note_count - EPG_EXPORT_MAX_NOTES));
    return 0;
}
