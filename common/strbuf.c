#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void epg_buf_init(epg_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = 0;
}

void epg_buf_free(epg_buf *b)
{
    free(b->p);
    epg_buf_init(b);
}

void epg_buf_clear(epg_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int reserve(epg_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->oom)
        return 0;
    if (extra > (size_t)-1 - b->len - 1) {
        b->oom = 1;
        return 0;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void epg_buf_putn(epg_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void epg_buf_puts(epg_buf *b, const char *s)
{
    epg_buf_putn(b, s, strlen(s));
}

void epg_buf_putc(epg_buf *b, char c)
{
    epg_buf_putn(b, &c, 1);
}

void epg_buf_pad(epg_buf *b, size_t n)
{
    while (n--)
        epg_buf_putc(b, ' ');
}

void epg_buf_printf(epg_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *epg_buf_str(const epg_buf *b)
{
    return b->p ? b->p : "";
}

char *epg_buf_detach(epg_buf *b)
{
    char *p = b->p;

    if (!p)
        p = epg_strdup("");
    epg_buf_init(b);
    return p;
}

char *epg_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    if (p)
        memcpy(p, s, n);
    return p;
}
