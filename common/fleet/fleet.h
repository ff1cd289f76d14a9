/* Many computers in one check: each computer's snapshot and evaluation, how
 * it was read (a registry export or the remote registry), and the verdict
 * over all of them.  The reports for many computers
 * (common/report/fleet_report_*.c) and both command lines
 * (service/commands/cmd_check.c, cli/main.c) are built on it. */
#ifndef EPG_FLEET_H
#define EPG_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "check/checks.h"
#include "check/snapshot.h"
#include "regexport/regexport.h"
#include "strbuf.h"

typedef enum epg_computer_state {
    EPG_COMPUTER_READ = 0,      /* snap and ev hold its check */
    EPG_COMPUTER_UNREADABLE,    /* could not be read at all: error says why */
    EPG_COMPUTER_TIMED_OUT,     /* its reader did not finish in time */
    EPG_COMPUTER_NOT_ATTEMPTED  /* never read: the readers that did not
                                 * finish in time still hold every thread
                                 * allowed (docs/fleet.md) */
} epg_computer_state;

typedef struct epg_computer {
    char *name;                 /* the computer's name, as reported */
    char *source;               /* the export file, or NULL for remote */
    epg_computer_state state;
    uint32_t error;             /* Win32 code when not read */
    char *error_text;
    epg_buf notes;              /* one note a line: what was assumed */
    epg_snapshot snap;
    epg_evaluation ev;
} epg_computer;

typedef struct epg_fleet {
    epg_computer *items;
    size_t count, cap;
} epg_fleet;

void epg_fleet_init(epg_fleet *f);
void epg_fleet_free(epg_fleet *f);
/* Adds a computer (state READ, empty snapshot); NULL when memory ran out. */
epg_computer *epg_fleet_add(epg_fleet *f, const char *name, const char *source);

/* Marks c as not read, with the Win32 code and text of why. */
void epg_computer_fail(epg_computer *c, epg_computer_state state, uint32_t code,
                       const char *text);
/* Appends one note line. */
void epg_computer_note(epg_computer *c, const char *text);

/* The OS version a registry export's computer is checked with when the
 * export does not hold it (--os MAJOR.MINOR); known 0 when not given. */
typedef struct epg_os_option {
    int known;
    uint32_t major, minor;
} epg_os_option;
/* "6.1" into o; returns 0, or -1 when text is not MAJOR.MINOR. */
int epg_os_option_parse(const char *text, epg_os_option *o);

/* Finishes an export reader that was fed the whole file and takes what it
 * read into c: the snapshot and its notes, or its failure; then says what
 * an export cannot hold (netsh's range) and evaluates. */
void epg_computer_take_export(epg_computer *c, epg_regexport *x,
                              const epg_os_option *os);
/* After the remote reader filled c->snap: says what cannot be known
 * remotely, and evaluates. */
void epg_computer_finish_remote(epg_computer *c);
/* Runs the checks on c->snap (an out-of-memory makes c unreadable). */
void epg_computer_evaluate(epg_computer *c);

/* One computer's exit code: its check's verdict, 3 when not read. */
int epg_computer_verdict(const epg_computer *c);
/* "clean", "warnings", "conflict", "unreadable", "timed-out",
 * "not-attempted". */
const char *epg_computer_verdict_name(const epg_computer *c);
/* How far c was read: "read", "unreadable", "timed-out", "not-attempted". */
const char *epg_computer_state_name(const epg_computer *c);
/* Whether c has a finding of severity error that is not about reading. */
int epg_computer_has_error(const epg_computer *c);

/* The exit code for many computers: 2 if any computer has an error, else 3
 * if any computer could not be read (or read whole), else 1 for warnings,
 * else 0.  An unreachable server must not hide conflicts found on the
 * others. */
int epg_fleet_exit(const epg_fleet *f);

/* The computer name for an export file: its file name without directory
 * and extension ("C:\exports\EX01.reg" -> "EX01"). */
char *epg_name_from_file(const char *path);

/* Counts over the fleet, for summaries. */
typedef struct epg_fleet_counts {
    size_t computers, clean, warnings, conflict, unreadable;
} epg_fleet_counts;
void epg_fleet_count(const epg_fleet *f, epg_fleet_counts *out);



/* A file to read an export from, for both command lines: read() fills buf
 * with up to size bytes and returns how many (0 at the end), or -1 after
 * setting src->error and src->error_text (a Win32 code and its text). */
typedef struct epg_byte_source {
    long (*read)(struct epg_byte_source *src, uint8_t *buf, size_t size);
    void *ctx;
    uint32_t error;
    char error_text[256];
} epg_byte_source;

/* Reads a whole export from src into c (streaming, EPG_EXPORT_CHUNK bytes
 * at a time) and evaluates it. */
#define EPG_EXPORT_CHUNK (64u * 1024u)
void epg_computer_read_export(epg_computer *c, epg_byte_source *src,
                              uint32_t codepage, const epg_os_option *os);

#endif
