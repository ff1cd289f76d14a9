/* A growable UTF-8 string.  Every piece of text the core renders (event
 * insertion strings, the check report, JSON) is built in one of these.
 *
 * Allocation failure does not abort: the buffer remembers it (oom) and keeps
 * what it had, so a service under memory pressure writes a shortened event
 * instead of crashing. */
#ifndef EPG_STRBUF_H
#define EPG_STRBUF_H

#include <stddef.h>

typedef struct epg_buf {
    char *p;
    size_t len;
    size_t cap;
    int oom;
} epg_buf;

#if defined(__GNUC__)
#define EPG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define EPG_PRINTF(f, a)
#endif

void epg_buf_init(epg_buf *b);
void epg_buf_free(epg_buf *b);
void epg_buf_clear(epg_buf *b);
void epg_buf_putn(epg_buf *b, const char *s, size_t n);
void epg_buf_puts(epg_buf *b, const char *s);
void epg_buf_putc(epg_buf *b, char c);
void epg_buf_printf(epg_buf *b, const char *fmt, ...) EPG_PRINTF(2, 3);
/* Appends n spaces. */
void epg_buf_pad(epg_buf *b, size_t n);
/* The text so far; never NULL. */
const char *epg_buf_str(const epg_buf *b);
/* Hands the text over to the caller (free() it); the buffer is left empty.
 * Returns NULL only when even an empty string cannot be allocated. */
char *epg_buf_detach(epg_buf *b);

/* strdup that exists on every C library this builds with. */
char *epg_strdup(const char *s);

#endif
