/* Inside the registry export reader: what the streaming part (regexport.c)
 * asks of the line parser (regexport_lines.c).  Not for other callers. */
#ifndef EPG_REGEXPORT_LINES_H
#define EPG_REGEXPORT_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "regexport/regexport.h"

/* What the current key is (epg_regexport.key_kind). */
enum {
    EPG_RX_KEY_NONE = 0,        /* a key no check reads: its lines are skipped */
    EPG_RX_KEY_WATCHED,         /* key_set, key_index: a key of the read plan */
    EPG_RX_KEY_SELECT,          /* HKLM\SYSTEM\Select */
    EPG_RX_KEY_CURRENTVERSION   /* HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion */
};

/* The file is not a usable export: code and why. */
void epg_rx_fail(epg_regexport *x, uint32_t code, const char *what);
/* A note about line `line`. */
void epg_rx_note(epg_regexport *x, unsigned long line, const char *what);
/* One whole line (the header line first), in UTF-8, without its break. */
void epg_rx_line(epg_regexport *x, const char *s, size_t n);
/* The end of the file ends a value whose last line ended in a backslash. */
void epg_rx_value_end(epg_regexport *x);

#endif
