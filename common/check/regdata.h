/* Registry data as the core sees it: a type number and raw bytes, exactly as
 * RegQueryValueExW returned them.  The numeric type values are the documented
 * winnt.h constants; service/ checks at compile time that they agree. */
#ifndef EPG_REGDATA_H
#define EPG_REGDATA_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum {
    EPG_REG_NONE = 0,
    EPG_REG_SZ = 1,
    EPG_REG_EXPAND_SZ = 2,
    EPG_REG_BINARY = 3,
    EPG_REG_DWORD = 4,
    EPG_REG_DWORD_BIG_ENDIAN = 5,
    EPG_REG_LINK = 6,
    EPG_REG_MULTI_SZ = 7,
    EPG_REG_RESOURCE_LIST = 8,
    EPG_REG_FULL_RESOURCE_DESCRIPTOR = 9,
    EPG_REG_RESOURCE_REQUIREMENTS_LIST = 10,
    EPG_REG_QWORD = 11
};

typedef enum epg_presence {
    EPG_ABSENT = 0,     /* the value (or its key) does not exist */
    EPG_PRESENT,        /* type and bytes below are valid */
    EPG_UNREADABLE      /* reading failed; error and error_text say why */
} epg_presence;

/* One value read from the registry. */
typedef struct epg_reading {
    epg_presence presence;
    uint32_t type;
    uint8_t *data;      /* owned; NULL when size is 0 */
    size_t size;        /* bytes in data */
    size_t full_size;   /* bytes in the registry; larger than size when the
                           value was too large to read whole */
    uint32_t error;     /* Win32 error code when EPG_UNREADABLE */
    char *error_text;   /* owned; the system's text for error */
} epg_reading;

void epg_reading_free(epg_reading *r);
/* Sets r to a present value holding a copy of data.  Returns 0, or -1 when
 * memory ran out (r is then left absent). */
int epg_reading_set(epg_reading *r, uint32_t type, const void *data, size_t size);
/* Sets r to unreadable with the given error; text may be NULL. */
void epg_reading_set_error(epg_reading *r, uint32_t error, const char *text);
/* Whether two readings say the same: both absent, both unreadable, or
 * both present with the same type, size and bytes. */
int epg_reading_same(const epg_reading *x, const epg_reading *y);

/* "REG_DWORD", ..., or "registry type 4660" for a number with no name. */
const char *epg_regtype_name(uint32_t type, char buf[32]);

/* UTF-16LE helpers.  Registry strings are UTF-16LE whatever the platform
 * running the core, so the core decodes them itself. */

/* Number of UTF-16 code units before the first NUL in the first n units of
 * s; n when there is no NUL. */
size_t epg_utf16_len(const uint8_t *s, size_t n);
/* Decodes one code point from unit *i of s (n units), advancing *i.
 * An unpaired surrogate decodes to U+FFFD. */
uint32_t epg_utf16_next(const uint8_t *s, size_t n, size_t *i);
/* Appends a code point as UTF-8. */
void epg_utf8_put(epg_buf *b, uint32_t cp);
/* 32-bit FNV-1a over a type and bytes: an identity for "this exact data". */
uint32_t epg_data_hash(uint32_t type, const uint8_t *data, size_t size);

#endif
