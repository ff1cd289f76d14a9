/* The commands of exchportguard.exe, one file each.  Each returns the
 * process exit code.  Exit code 3 means "could not do what was asked"
 * for check and a usage error for every command. */
#ifndef EPG_COMMANDS_H
#define EPG_COMMANDS_H

#include <windows.h>

#include "fleet/check_args.h"
#include "fleet/fleet.h"

#define EXIT_USAGE 3

int cmd_check(int argc, WCHAR **argv);
/* check with --reg, --computer or --computers-file (check_many.c). */
int check_many(int argc, WCHAR **argv);
int cmd_run(int argc, WCHAR **argv);
/* exchportguard fix (cmd_fix.c; --apply in fix_apply.c). */
int cmd_fix(int argc, WCHAR **argv);

/* Reads the local registry, and netsh's and the TCP table's answers when
 * the settings want them, into snap, as check and the service do. */
void read_local(epg_snapshot *snap);

/* The options of check or fix (fix 1) and every computer they name, read:
 * exports, remote computers.  For fix without --reg, --computer or
 * --computers-file the fleet is empty (the caller reads this computer).
 * Returns 0, or EXIT_USAGE after saying why. */
typedef struct many_set {
    int argc;
    char **args;                /* UTF-8 copies; a points into them */
    char **files;               /* --reg patterns expanded */
    size_t file_count;
    epg_check_args a;
    epg_fleet fleet;
    /* Remote readers still running (abandoned after --timeout): the
     * command ends through remote_pool_exit(readers_left, code). */
    size_t readers_left;
} many_set;
int many_read(int argc, WCHAR **argv, int fix, many_set *m);
void many_free(many_set *m);
/* Whether a file (or anything) is at path. */
int file_exists(const char *path);
/* Writes b to path (CreateFileW with disposition) and flushes it to disk;
 * on failure says so, naming what and path, with the Win32 error, deletes
 * whatever part was written, and returns -1. */
int write_whole_file(const char *path, const epg_buf *b, DWORD disposition,
                     const char *what);
int cmd_service(int argc, WCHAR **argv);
int cmd_install(int argc, WCHAR **argv);
int cmd_configure(int argc, WCHAR **argv);
int cmd_uninstall(int argc, WCHAR **argv);

void usage(int to_stderr);
/* Says that arg is not an option of cmd, prints the usage on stderr, and
 * returns EXIT_USAGE. */
int bad_option(const char *cmd, const WCHAR *arg);

/* The entry point (-municode with mingw-w64). */
int wmain(int argc, WCHAR **argv);

#endif
