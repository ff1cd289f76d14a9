/* The commands of exchportguard.exe, one file each.  Each returns the
 * process exit code.  Exit code 3 means "could not do what was asked"
 * for check and a usage error for every command. */
#ifndef EPG_COMMANDS_H
#define EPG_COMMANDS_H

#include <windows.h>

#define EXIT_USAGE 3

int cmd_check(int argc, WCHAR **argv);
/* check with --reg, --computer or --computers-file (check_many.c). */
int check_many(int argc, WCHAR **argv);
int cmd_run(int argc, WCHAR **argv);
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
