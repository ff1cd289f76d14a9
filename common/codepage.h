/* Text decoding for registry exports (regexport/regexport.c): REGEDIT4
 * files are in an ANSI code page, version 5.00 files in UTF-16LE (or
 * UTF-8), and the registry holds strings in UTF-16LE.  Shared, beside
 * strbuf.h: the port reader (check/portvalue.c) decodes UTF-8 with it and
 * the fix report (report/fix_report.c) writes UTF-16LE. */
#ifndef EPG_CODEPAGE_H
#define EPG_CODEPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Code pages REGEDIT4 files may be read in (--codepage). */
int epg_codepage_supported(uint32_t cp);
/* "1252 (Windows Latin 1, the default), ...": for usage messages. */
const char *epg_codepages_list(void);

/* Decodes one character at s[*i] (n bytes), advancing *i; malformed input
 * decodes to U+FFFD and consumes one byte. */
uint32_t epg_utf8_next(const uint8_t *s, size_t n, size_t *i);
/* The same in code page cp (one of epg_codepage_supported). */
uint32_t epg_ansi_next(uint32_t cp, const uint8_t *s, size_t n, size_t *i);
/* Appends cp to b in UTF-16LE (a surrogate pair above U+FFFF). */
void epg_utf16_put(epg_buf *b, uint32_t cp);
/* Stores cp as UTF-8 at out[o] (room for 4 bytes); returns the new o. */
size_t epg_utf8_store(char *out, size_t o, uint32_t cp);

#endif
