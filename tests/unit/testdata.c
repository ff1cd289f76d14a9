#include "testdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void td_bytes(epg_reading *r, uint32_t type, const void *data, size_t n)
{
    if (epg_reading_set(r, type, data, n)) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
}

void td_dword(epg_reading *r, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 24) };
    td_bytes(r, EPG_REG_DWORD, b, 4);
}

/* UTF-8 to UTF-16LE, enough for the tests' strings (BMP only). */
static size_t to_utf16(const char *s, uint8_t *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned cp;
        if (*p < 0x80) {
            cp = *p++;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            p += 2;
        } else {
            cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) |
                 (p[2] & 0x3F);
            p += 3;
        }
        out[n++] = (uint8_t)cp;
        out[n++] = (uint8_t)(cp >> 8);
    }
    return n;
}

void td_string(epg_reading *r, uint32_t type, const char *text)
{
    size_t len = strlen(text);
    uint8_t *b = calloc(2 * len + 2, 1);
    size_t n = to_utf16(text, b);

    td_bytes(r, type, b, n + 2);
    free(b);
}

void td_sz(epg_reading *r, const char *text)
{
    td_string(r, EPG_REG_SZ, text);
}

void td_multi_sz(epg_reading *r, const char *const *lines)
{
    size_t total = 2, i, n = 0;
    uint8_t *b;

    for (i = 0; lines[i]; i++)
        total += 2 * strlen(lines[i]) + 2;
    b = calloc(total, 1);
    for (i = 0; lines[i]; i++) {
        n += to_utf16(lines[i], b + n);
        n += 2;
    }
    td_bytes(r, EPG_REG_MULTI_SZ, b, n + 2);
    free(b);
}

size_t td_value(const char *id)
{
    size_t v;

    for (v = 0; v < EPG_VALUE_COUNT; v++)
        if (strcmp(epg_values[v].id, id) == 0)
            return v;
    fprintf(stderr, "no value %s\n", id);
    abort();
}

void td_snapshot(epg_snapshot *s)
{
    epg_snapshot_init(s);
    s->os_major = 10;
}

void td_port(epg_snapshot *s, const char *id, uint32_t port)
{
    td_dword(&s->values[td_value(id)], port);
}
