/* A streaming reader of registry export files (.reg), as written by
 * `reg export` and regedit, into a snapshot: the same values, keys and
 * readings the live registry reader gives, so the same checks and reports
 * apply to an export as to a running computer.
 *
 * Formats (docs/fleet.md describes both):
 *   "Windows Registry Editor Version 5.00"  UTF-16LE with a byte order mark
 *                                           (UTF-8 without one is accepted)
 *   "REGEDIT4"                              an ANSI code page: Windows-1252
 *                                           unless told otherwise
 * Data: "strings" with \\ \" \n \r \0 escapes, dword:, hex:, hex(0)..hex(b)
 * (any hex type number), lines continued with a trailing backslash,
 * deletions ([-key], "name"=-), comments (; or #) and blank lines.
 *
 * The caller feeds the file in chunks of any size (epg_regexport_feed) and
 * then asks for the snapshot (epg_regexport_finish).  Memory does not grow
 * with the file: only lines of the keys a check reads are decoded and kept
 * (one line at a time, at most EPG_EXPORT_LINE_MAX bytes), every other line
 * is skipped by looking at its first character and its end.
 *
 * Control sets: every key under HKLM\SYSTEM\CurrentControlSet or
 * HKLM\SYSTEM\ControlSetNNN is read into its own set; at the end
 * CurrentControlSet is used if the export has it, else the set named by
 * HKLM\SYSTEM\Select\Current if exported, else the only ControlSetNNN, else
 * the export is unreadable and says which sets it holds. */
#ifndef EPG_REGEXPORT_H
#define EPG_REGEXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "check/regdata.h"
#include "check/snapshot.h"
#include "codepage.h"
#include "strbuf.h"

/* Longest physical line kept from a watched key; longer lines make their
 * value unreadable.  No port value comes anywhere near it. */
#define EPG_EXPORT_LINE_MAX (256u * 1024u)
/* Control sets kept apart; Windows keeps at most a handful. */
#define EPG_EXPORT_MAX_SETS 8
/* Notes kept per file; more are counted, not kept. */
#define EPG_EXPORT_MAX_NOTES 20

/* Win32 codes the reader reports, so an export's failures read like the
 * live registry's: ERROR_INVALID_DATA (13) for a line or file that cannot
 * be parsed, ERROR_FILE_NOT_FOUND (2) for a control set that is not there,
 * ERROR_NOT_ENOUGH_MEMORY (8). */
#define EPG_ERR_FILE_NOT_FOUND 2u
#define EPG_ERR_INVALID_DATA 13u
#define EPG_ERR_NOT_ENOUGH_MEMORY 8u

typedef struct epg_export_set {
    char name[20];              /* "CurrentControlSet", "ControlSet001" */
    epg_snapshot snap;          /* its keys and values */
} epg_export_set;

typedef struct epg_regexport {
    /* Options. */
    char *file;                 /* how the file is named in messages */
    uint32_t codepage;          /* for REGEDIT4 */

    /* Outcome. */
    int failed;                 /* the file is not a usable export */
    uint32_t error;             /* Win32 code when failed */
    epg_buf error_text;
    epg_buf notes;              /* one note a line */
    size_t note_count;
    char control_set[20];       /* the set used, after finish */
    const char *control_set_why;    /* "named by HKLM\SYSTEM\Select\Current" */
    int os_known;
    uint32_t os_major, os_minor;

    /* Decoding state. */
    int format;                 /* 0 before the header line, else 4 or 5 */
    int utf16;
    int bom_checked;
    uint8_t carry[4];           /* bytes of an unfinished unit or sequence */
    size_t ncarry;
    uint32_t high_surrogate;
    unsigned long line_no;      /* of the line being read, from 1 */
    int at_line_start;
    int collecting;             /* decoding this line (else skipping it) */
    epg_buf line;
    int line_long;
    char *text;                 /* the line decoded to UTF-8 */
    size_t text_cap;
    /* The read plan's keys, looked up once: the catalogue derives them. */
    const char *key_paths[EPG_MAX_KEYS];
    size_t key_count;

    /* Where we are in the file. */
    int key_kind;               /* what the current key is (regexport.c) */
    size_t key_set, key_index;
    int cont;                   /* the previous line ended in a backslash */
    int cont_keep;              /* and its value is being kept */
    epg_reading *cont_slot;     /* where it goes, NULL for a note-only key */
    uint32_t cont_type;
    unsigned long cont_line;
    epg_buf cont_data;          /* bytes so far, up to EPG_READ_LIMIT */
    size_t cont_full;           /* bytes in all */
    int cont_error;
    epg_buf cont_error_text;

    /* What was read. */
    epg_export_set sets[EPG_EXPORT_MAX_SETS];
    size_t set_count;
    epg_reading select_current; /* HKLM\SYSTEM\Select\Current */
    epg_reading cv_version;     /* ...\Windows NT\CurrentVersion values */
    epg_reading cv_major, cv_minor;
} epg_regexport;

/* file labels the messages ("EX01.reg:12: ..."); codepage is for REGEDIT4
 * files (0: Windows-1252). */
void epg_regexport_init(epg_regexport *x, const char *file, uint32_t codepage);
void epg_regexport_free(epg_regexport *x);
/* Feeds the next n bytes of the file.  Returns 0, or -1 once the file is
 * known not to be a usable export (x->error and x->error_text say why;
 * further input is ignored). */
int epg_regexport_feed(epg_regexport *x, const uint8_t *data, size_t n);
/* Ends the file: chooses the control set and moves its keys and values
 * into snap (which must be initialised), with the OS version when the
 * export holds it (x->os_known).  Returns 0, or -1 when the file is not a
 * usable export (x->error, x->error_text). */
int epg_regexport_finish(epg_regexport *x, epg_snapshot *snap);

/* The OS version from the values of HKLM\SOFTWARE\Microsoft\Windows NT\
 * CurrentVersion: CurrentMajorVersionNumber and CurrentMinorVersionNumber
 * (REG_DWORD, Windows 10 and later) if present, else CurrentVersion
 * ("5.2", "6.1").  Returns 0, or -1 when neither is usable.  The remote
 * reader uses it too. */
int epg_os_from_readings(const epg_reading *version, const epg_reading *major,
                         const epg_reading *minor, uint32_t *os_major,
                         uint32_t *os_minor);
#define EPG_CURRENTVERSION_KEY "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

#endif
