#include "check/regdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void epg_reading_free(epg_reading *r)
{
    free(r->data);
    free(r->error_text);
    memset(r, 0, sizeof *r);
}

int epg_reading_set(epg_reading *r, uint32_t type, const void *data, size_t size)
{
    epg_reading_free(r);
    if (size) {
        r->data = malloc(size);
        if (!r->data)
            return -1;
        memcpy(r->data, data, size);
    }
    r->presence = EPG_PRESENT;
    r->type = type;
    r->size = size;
    r->full_size = size;
    return 0;
}

void epg_reading_set_error(epg_reading *r, uint32_t error, const char *text)
{
    epg_reading_free(r);
    r->presence = EPG_UNREADABLE;
    r->error = error;
    r->error_text = text ? epg_strdup(text) : NULL;
}

const char *epg_regtype_name(uint32_t type, char buf[32])
{
    static const char *const names[] = {
        "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN", "REG_LINK", "REG_MULTI_SZ",
        "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR",
        "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD"
    };

    if (type < sizeof names / sizeof names[0])
        return names[type];
    snprintf(buf, 32, "registry type %lu", (unsigned long)type);
    return buf;
}

static unsigned unit_at(const uint8_t *s, size_t i)
{
    return (unsigned)s[2 * i] | ((unsigned)s[2 * i + 1] << 8);
}

size_t epg_utf16_len(const uint8_t *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (unit_at(s, i) == 0)
            return i;
    return n;
}

uint32_t epg_utf16_next(const uint8_t *s, size_t n, size_t *i)
{
    unsigned u = unit_at(s, (*i)++);

    if (u >= 0xD800 && u <= 0xDBFF && *i < n) {
        unsigned lo = unit_at(s, *i);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            (*i)++;
            return 0x10000u + (((uint32_t)u - 0xD800u) << 10) + (lo - 0xDC00u);
        }
    }
    if (u >= 0xD800 && u <= 0xDFFF)
        return 0xFFFD;
    return u;
}

void epg_utf8_put(epg_buf *b, uint32_t cp)
{
    char out[4];
    size_t n;

    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    epg_buf_putn(b, out, n);
}

uint32_t epg_data_hash(uint32_t type, const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < 4; i++) {
        h ^= (type >> (8 * i)) & 0xFF;
        h *= 16777619u;
    }
    for (i = 0; i < size; i++) {
        h ^= data[i];
        h *= 16777619u;
    }
    return h;
}

int epg_reading_same(const epg_reading *x, const epg_reading *y)
{
    if (x->presence != y->presence)
        return 0;
    if (x->presence != EPG_PRESENT)
        return 1;
    return x->type == y->type && x->size == y->size && x->full_size == y->full_size &&
           (x->size == 0 || memcmp(x->data, y->data, x->size) == 0);
}
