/* Text decoding for registry exports: the ANSI code pages REGEDIT4 files
 * are written in, UTF-8, and UTF-16LE as the registry holds strings. */
#include "codepage.h"

/* Windows-1252's 0x80..0x9F (the rest is Latin-1); undefined bytes map to
 * the C1 control of the same number, as MultiByteToWideChar does.  Source:
 * the Unicode Consortium's mapping file for cp1252. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

int epg_codepage_supported(uint32_t cp)
{
    return cp == 1252 || cp == 28591 || cp == 20127 || cp == 65001;
}

const char *epg_codepages_list(void)
{
    return "1252 (Windows Latin 1, the default), 28591 (ISO 8859-1), "
           "20127 (US-ASCII), 65001 (UTF-8)";
}

/* Decodes one UTF-8 sequence at s[*i] (n bytes), advancing *i; a malformed
 * sequence decodes to U+FFFD and consumes one byte. */
uint32_t epg_utf8_next(const uint8_t *s, size_t n, size_t *i)
{
    uint32_t c = s[*i], cp;
    size_t len, k;

    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + len > n) {
        (*i)++;
        return 0xFFFD;
    }
    for (k = 1; k < len; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        (*i)++;
        return 0xFFFD;
    }
    *i += len;
    return cp;
}

uint32_t epg_ansi_next(uint32_t cp, const uint8_t *s, size_t n, size_t *i)
{
    uint8_t c;

    if (cp == 65001)
        return epg_utf8_next(s, n, i);
    c = s[(*i)++];
    if (c < 0x80)
        return c;
    if (cp == 20127)
        return 0xFFFD;
    if (cp == 1252 && c < 0xA0)
        return cp1252_high[c - 0x80];
    return c;
}

void epg_utf16_put(epg_buf *b, uint32_t cp)
{
    char u[4];

    if (cp >= 0x10000) {
        uint32_t v = cp - 0x10000;
        unsigned hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
        u[0] = (char)(hi & 0xFF);
        u[1] = (char)(hi >> 8);
        u[2] = (char)(lo & 0xFF);
        u[3] = (char)(lo >> 8);
        epg_buf_putn(b, u, 4);
    } else {
        u[0] = (char)(cp & 0xFF);
        u[1] = (char)(cp >> 8);
        epg_buf_putn(b, u, 2);
    }
}

/* Appends code point cp as UTF-8 at out[o]; returns the new length. */
size_t epg_utf8_store(char *out, size_t o, uint32_t cp)
{
    if (cp < 0x80) {
        out[o++] = (char)cp;
    } else if (cp < 0x800) {
        out[o++] = (char)(0xC0 | (cp >> 6));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[o++] = (char)(0xE0 | (cp >> 12));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[o++] = (char)(0xF0 | (cp >> 18));
        out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}
