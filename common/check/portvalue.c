#include "check/portvalue.h"

#include <stdio.h>
#include <string.h>

#include "codepage.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static void set_bad(epg_port_value *out, epg_bad bad, uint32_t detail)
{
    out->status = EPG_PORT_INVALID;
    out->bad = bad;
    out->detail = detail;
}

static void set_number(epg_port_value *out, uint64_t n)
{
    if (n == 0)
        set_bad(out, EPG_BAD_ZERO, 0);
    else if (n > 65535)
        set_bad(out, EPG_BAD_ABOVE_MAX, n > 0xFFFFFFFFu ? 0 : (uint32_t)n);
    else {
        out->status = EPG_PORT_OK;
        out->port = (uint16_t)n;
    }
}

static int is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_hex_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 ||
           c == 0x3000;
}

/* Classifies the text of a string value (n UTF-16 units, no NUL).  The
 * decisions, each with its reason, are in docs/check-json.md ("How data is
 * read"); the reason names the real fault, the most specific first:
 *   - only decimal digits: a number (leading zeros allowed);
 *   - decimal digits and white space only: "contains white space";
 *   - a sign in front of decimal digits: "has a sign";
 *   - "0x" and hex digits, or decimal digits mixed with the letters a-f:
 *     "looks hexadecimal" (a word such as "abc" or "face" made only of
 *     those letters is not taken for hex: nobody types a port that way);
 *   - anything else: "not a number". */
static void parse_text(const uint8_t *s, size_t n, epg_port_value *out)
{
    size_t i = 0, count = 0;
    size_t digits = 0, spaces = 0, hex_letters = 0, others = 0;
    int sign = 0, prefix = 0, huge = 0;
    uint64_t value = 0;

    if (n == 0) {
        set_bad(out, EPG_BAD_STRING_EMPTY, 0);
        return;
    }
    /* "0x" prefix: typed by someone who thought in hex. */
    if (n >= 2 && s[0] == '0' && s[1] == 0 && (s[2] == 'x' || s[2] == 'X') &&
        s[3] == 0)
        prefix = 1;
    while (i < n) {
        uint32_t c = epg_utf16_next(s, n, &i);
        size_t at = count++;

        if (is_digit(c)) {
            digits++;
            if (value <= UINT64_C(999999999999))
                value = value * 10 + (c - '0');
            else
                huge = 1;   /* too many digits to hold; certainly above 65535 */
        } else if (is_space(c)) {
            spaces++;
        } else if ((c == '+' || c == '-') && at == 0) {
            sign = 1;
        } else if (is_hex_letter(c)) {
            hex_letters++;
        } else if (!(prefix && at == 1)) {
            others++;
        }
    }
    if (others || (sign && (hex_letters || prefix)))
        set_bad(out, EPG_BAD_STRING_NOT_DECIMAL, 0);
    else if (spaces)
        set_bad(out, (hex_letters || prefix || (sign && !digits)) ?
                EPG_BAD_STRING_NOT_DECIMAL : EPG_BAD_STRING_SPACE, 0);
    else if (sign)
        set_bad(out, digits ? EPG_BAD_STRING_SIGN : EPG_BAD_STRING_NOT_DECIMAL, 0);
    else if (prefix)
        set_bad(out, count > 2 ? EPG_BAD_STRING_HEX : EPG_BAD_STRING_NOT_DECIMAL, 0);
    else if (hex_letters)
        set_bad(out, digits ? EPG_BAD_STRING_HEX : EPG_BAD_STRING_NOT_DECIMAL, 0);
    else
        set_number(out, huge ? UINT64_MAX : value);
}

static void parse_string(const epg_reading *r, epg_port_value *out)
{
    size_t units, len, i;

    if (r->size == 0) {
        set_bad(out, EPG_BAD_STRING_EMPTY, 0);
        return;
    }
    if (r->size % 2) {
        set_bad(out, EPG_BAD_STRING_ODD_SIZE, (uint32_t)r->size);
        return;
    }
    units = r->size / 2;
    len = epg_utf16_len(r->data, units);
    if (len == units) {
        set_bad(out, EPG_BAD_STRING_UNTERMINATED, 0);
        return;
    }
    /* Extra NULs after the terminator are harmless padding; anything else
     * means the string is not what the registry APIs would show. */
    for (i = 2 * (len + 1); i < r->size; i++) {
        if (r->data[i]) {
            set_bad(out, EPG_BAD_STRING_TRAILING, 0);
            return;
        }
    }
    parse_text(r->data, len, out);
}

void epg_port_parse(const epg_reading *r, epg_port_value *out)
{
    memset(out, 0, sizeof *out);
    out->type = r->type;
    switch (r->presence) {
    case EPG_ABSENT:
        out->status = EPG_PORT_ABSENT;
        return;
    case EPG_UNREADABLE:
        out->status = EPG_PORT_UNREADABLE;
        return;
    case EPG_PRESENT:
        break;
    }
    if (r->full_size > r->size) {
        set_bad(out, EPG_BAD_TOO_LARGE,
                r->full_size > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)r->full_size);
        return;
    }
    switch (r->type) {
    case EPG_REG_DWORD:
        if (r->size != 4)
            set_bad(out, EPG_BAD_DWORD_SIZE, (uint32_t)r->size);
        else
            set_number(out, le32(r->data));
        return;
    case EPG_REG_SZ:
    case EPG_REG_EXPAND_SZ:
        parse_string(r, out);
        return;
    default:
        set_bad(out, EPG_BAD_TYPE, r->type);
        return;
    }
}

int epg_port_lenient(const epg_reading *r, uint16_t *port)
{
    size_t units, n, i = 0;
    uint32_t c = 0, value = 0;
    int digits = 0;

    if (r->presence != EPG_PRESENT || r->full_size > r->size ||
        (r->type != EPG_REG_SZ && r->type != EPG_REG_EXPAND_SZ))
        return 0;
    units = r->size / 2;
    n = epg_utf16_len(r->data, units);
    while (i < n && is_space(c = epg_utf16_next(r->data, n, &i)))
        ;
    if (c == '+' && i < n)
        c = epg_utf16_next(r->data, n, &i);
    while (is_digit(c) && value <= 65535u) {
        value = value * 10u + (c - '0');
        digits = 1;
        if (i >= n)
            break;
        c = epg_utf16_next(r->data, n, &i);
    }
    if (!digits || value == 0 || value > 65535u)
        return 0;
    *port = (uint16_t)value;
    return 1;
}

int epg_port_effective(const epg_port_value *p)
{
    return p->status == EPG_PORT_OK || p->status == EPG_PORT_DEFAULT;
}

const char *epg_port_status_token(epg_port_status s)
{
    switch (s) {
    case EPG_PORT_ABSENT: return "absent";
    case EPG_PORT_OK: return "ok";
    case EPG_PORT_INVALID: return "invalid";
    case EPG_PORT_UNREADABLE: return "unreadable";
    case EPG_PORT_DEFAULT: return "default";
    case EPG_PORT_DYNAMIC: return "dynamic";
    }
    return "absent";
}

void epg_port_reason(const epg_port_value *p, epg_buf *out)
{
    char tb[32];
    const char *type = epg_regtype_name(p->type, tb);

    switch (p->bad) {
    case EPG_BAD_NONE:
        epg_buf_puts(out, "usable");
        break;
    case EPG_BAD_TYPE:
        epg_buf_printf(out, "%s data is not read as a port; the value must be "
                       "a REG_DWORD (or a REG_SZ of decimal digits)", type);
        break;
    case EPG_BAD_TYPE_FOR_VALUE:
        epg_buf_printf(out, "the component reads this value only as a "
                       "REG_DWORD and ignores a %s", type);
        break;
    case EPG_BAD_DWORD_SIZE:
        epg_buf_printf(out, "a REG_DWORD must be 4 bytes long; this one is "
                       "%lu bytes", (unsigned long)p->detail);
        break;
    case EPG_BAD_ZERO:
        epg_buf_puts(out, "0 is not a port number; a port is 1 to 65535");
        break;
    case EPG_BAD_ABOVE_MAX:
        if (p->detail)
            epg_buf_printf(out, "%lu is above 65535, the highest port number",
                           (unsigned long)p->detail);
        else
            epg_buf_puts(out, "the number is above 65535, the highest port number");
        break;
    case EPG_BAD_STRING_ODD_SIZE:
        epg_buf_printf(out, "a %s holds 2-byte characters; this one is %lu "
                       "bytes long, so it is cut in the middle of a character",
                       type, (unsigned long)p->detail);
        break;
    case EPG_BAD_STRING_UNTERMINATED:
        epg_buf_printf(out, "the %s is not terminated by a NUL character, so "
                       "programs may read past its end", type);
        break;
    case EPG_BAD_STRING_TRAILING:
        epg_buf_printf(out, "the %s holds more data after its terminating NUL "
                       "character", type);
        break;
    case EPG_BAD_STRING_EMPTY:
        epg_buf_printf(out, "the %s is empty", type);
        break;
    case EPG_BAD_STRING_SPACE:
        epg_buf_puts(out, "the text contains white space; write the port as "
                     "plain decimal digits, such as 6001");
        break;
    case EPG_BAD_STRING_SIGN:
        epg_buf_puts(out, "the text has a sign (+ or -); write the port as "
                     "plain decimal digits, such as 6001");
        break;
    case EPG_BAD_STRING_HEX:
        epg_buf_puts(out, "the text looks hexadecimal; the port must be "
                     "written in decimal digits, such as 6001");
        break;
    case EPG_BAD_STRING_NOT_DECIMAL:
        epg_buf_puts(out, "the text is not a number; write the port as "
                     "plain decimal digits, such as 6001");
        break;
    case EPG_BAD_TOO_LARGE:
        epg_buf_printf(out, "the value is %lu bytes long, far too long to be a "
                       "port", (unsigned long)p->detail);
        break;
    }
}

/* --- showing data ------------------------------------------------------ */

typedef struct shower {
    epg_buf *out;
    size_t max;
    size_t chars;
    int full;
    epg_buf tmp;
} shower;

/* Control characters, and the two characters that would make the shown
 * text mean something else, are written \xNN.  '%': Event Viewer expands
 * "%1" inside an insertion string as another insertion, and MS-EVEN
 * 3.2.4.1.5 gives insertion strings no escape, so registry data holding
 * "%1" would be misread; written \x25 it cannot be.  '\\': so that every
 * backslash in shown data starts an escape, and "\x25" in the data itself
 * (written \x5Cx25) is told apart.  The same text goes to the event, the
 * check report and SCOM's suppression key (docs/events.md).  Returns the
 * characters written (the display limit counts them). */
static size_t escape_cp(epg_buf *out, uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || cp == '%' || cp == '\\') {
        char esc[8];
        snprintf(esc, sizeof esc, "\\x%02X", (unsigned)cp);
        epg_buf_puts(out, esc);
        return 4;
    }
    epg_utf8_put(out, cp);
    return 1;
}

static void show_cp(shower *sh, uint32_t cp)
{
    sh->chars += escape_cp(&sh->tmp, cp);
}

void epg_text_escape(const char *s, epg_buf *out)
{
    size_t n = strlen(s), i = 0;

    while (i < n)
        escape_cp(out, epg_utf8_next((const uint8_t *)s, n, &i));
}

static void show_text(shower *sh, const char *s)
{
    for (; *s; s++)
        show_cp(sh, (unsigned char)*s);
}

/* Appends one UTF-16 string (n units) in quotes. */
static void show_utf16(shower *sh, const uint8_t *s, size_t n)
{
    size_t i = 0;

    show_cp(sh, '"');
    while (i < n && sh->chars <= sh->max)
        show_cp(sh, epg_utf16_next(s, n, &i));
    show_cp(sh, '"');
}

static void show_hex(shower *sh, const uint8_t *d, size_t n)
{
    size_t i;
    char hx[4];

    if (n == 0) {
        show_text(sh, "(no data)");
        return;
    }
    for (i = 0; i < n && sh->chars <= sh->max; i++) {
        snprintf(hx, sizeof hx, i ? " %02X" : "%02X", d[i]);
        show_text(sh, hx);
    }
}

static void show_reading(shower *sh, const epg_reading *r)
{
    char num[64];   /* the longest text below with a 20-digit number */

    switch (r->presence) {
    case EPG_ABSENT:
        show_text(sh, "absent");
        return;
    case EPG_UNREADABLE:
        snprintf(num, sizeof num, "unreadable (error %lu)", (unsigned long)r->error);
        show_text(sh, num);
        return;
    case EPG_PRESENT:
        break;
    }
    if (r->size == 0 && r->full_size > 0) {
        snprintf(num, sizeof num, "(%llu bytes, not read)",
                 (unsigned long long)r->full_size);
        show_text(sh, num);
        return;
    }
    if (r->type == EPG_REG_DWORD && r->size == 4) {
        snprintf(num, sizeof num, "%lu", (unsigned long)le32(r->data));
        show_text(sh, num);
    } else if (r->type == EPG_REG_QWORD && r->size == 8) {
        snprintf(num, sizeof num, "%llu", (unsigned long long)le64(r->data));
        show_text(sh, num);
    } else if ((r->type == EPG_REG_SZ || r->type == EPG_REG_EXPAND_SZ) &&
               r->size % 2 == 0) {
        size_t units = r->size / 2, len = epg_utf16_len(r->data, units);
        show_utf16(sh, r->data, len);
        if (len + 1 < units) {
            /* Say that something follows the NUL, without guessing what. */
            show_text(sh, " + ");
            show_hex(sh, r->data + 2 * (len + 1), r->size - 2 * (len + 1));
        }
    } else if (r->type == EPG_REG_MULTI_SZ && r->size % 2 == 0) {
        size_t units = r->size / 2, at = 0;
        int first = 1;
        while (at < units && sh->chars <= sh->max) {
            size_t len = epg_utf16_len(r->data + 2 * at, units - at);
            if (len == 0)
                break;  /* the empty string that ends the list */
            if (!first)
                show_text(sh, ", ");
            show_utf16(sh, r->data + 2 * at, len);
            first = 0;
            at += len + 1;
        }
        if (first)
            show_text(sh, "(no strings)");
    } else {
        show_hex(sh, r->data, r->size);
    }
    if (r->full_size > r->size) {
        snprintf(num, sizeof num, " ... (%llu bytes)",
                 (unsigned long long)r->full_size);
        show_text(sh, num);
    }
}

void epg_data_show(const epg_reading *r, size_t max_chars, epg_buf *out)
{
    shower sh;
    const char *p;
    size_t kept = 0, limit;

    sh.out = out;
    sh.max = max_chars;
    sh.chars = 0;
    sh.full = 0;
    epg_buf_init(&sh.tmp);
    show_reading(&sh, r);
    if (sh.chars <= max_chars) {
        epg_buf_puts(out, epg_buf_str(&sh.tmp));
        epg_buf_free(&sh.tmp);
        return;
    }
    /* Too long: keep max_chars - 3 code points and mark the cut. */
    limit = max_chars > 3 ? max_chars - 3 : 0;
    for (p = epg_buf_str(&sh.tmp); *p && kept < limit; kept++) {
        const char *start = p++;
        while ((*p & 0xC0) == 0x80)
            p++;
        epg_buf_putn(out, start, (size_t)(p - start));
    }
    epg_buf_puts(out, max_chars >= 3 ? "..." : "");
    epg_buf_free(&sh.tmp);
}
