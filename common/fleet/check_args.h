/* The options of `exchportguard check` for many computers, parsed the same
 * way by the Windows and the Linux command line (UTF-8 arguments):
 *   --reg FILE...         registry exports (one computer each)
 *   --computer NAME       a computer read through the remote registry
 *   --computers-file F    names one a line, # comments
 *   --name NAME           the computer name of a single --reg file
 *   --os MAJOR.MINOR      OS version for exports that do not hold it
 *   --codepage N          code page of REGEDIT4 exports (default 1252)
 *   --parallel N          computers read at once (default 8, at most 64)
 *   --timeout SECONDS     per remote computer (default 60)
 *   --json | --csv        what goes to stdout (default: text)
 *   --html FILE           also write the HTML report
 * and of `exchportguard fix`, which takes the same computers and also:
 *   --plan FILE           write the proposed changes as a .reg file; an
 *                         existing FILE is refused, and none is left on
 *                         exit code 3 (no plan)
 *   --force               with --plan: replace an existing FILE
 *   --apply               write the changes (this computer only)
 *   --undo FILE           with --apply: where the undo .reg file goes
 *   --yes                 with --apply: do not ask before writing */
#ifndef EPG_CHECK_ARGS_H
#define EPG_CHECK_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "fleet/fleet.h"
#include "strbuf.h"

typedef enum epg_out_format {
    EPG_OUT_TEXT = 0,
    EPG_OUT_JSON,
    EPG_OUT_CSV
} epg_out_format;

#define EPG_PARALLEL_DEFAULT 8u
#define EPG_PARALLEL_MAX 64u       /* MAXIMUM_WAIT_OBJECTS */
#define EPG_TIMEOUT_DEFAULT 60u

typedef struct epg_check_args {
    epg_out_format format;
    const char *html;           /* NULL: no HTML */
    const char **reg;           /* pointers into argv */
    size_t reg_count;
    const char **computers;
    size_t computer_count;
    const char **computer_files;
    size_t computer_file_count;
    const char *name;
    epg_os_option os;
    uint32_t codepage;
    unsigned parallel;
    unsigned timeout_s;
    int many;                   /* --reg, --computer or --computers-file */
    /* fix only */
    const char *plan_file;
    const char *undo_file;
    int apply, yes, force;
} epg_check_args;

/* Returns 0, or -1 with the reason in err (a usage error, exit code 3). */
int epg_check_args_parse(int argc, char **argv, epg_check_args *a, epg_buf *err);
/* The same for fix: its own options, and neither --csv nor --html. */
int epg_fix_args_parse(int argc, char **argv, epg_check_args *a, epg_buf *err);
void epg_check_args_free(epg_check_args *a);

/* Appends the names of a --computers-file's text to names (malloc'd
 * copies; the caller frees each and the array).  Returns 0 or -1. */
int epg_computers_parse(const char *text, char ***names, size_t *count);

#endif
