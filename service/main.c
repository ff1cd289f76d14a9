/* exchportguard.exe: the command line.  Everything else is in the files
 * named for what they hold: cmd_*.c for commands, scm.c for the Service
 * Control Manager, engine.c / watcher.c for the watching itself. */
#include <windows.h>

#include <stdlib.h>

#include "commands.h"
#include "report.h"
#include "winutil.h"

void usage(int to_stderr)
{
    void (*out)(const char *, ...) = to_stderr ? complain : say;

    out("Usage: exchportguard <command> [options]\n"
        "\n"
        "Watches the Exchange static RPC port values under\n"
        "HKLM\\System\\CurrentControlSet\\Services and reports when two of them\n"
        "hold the same TCP port.\n"
        "\n"
        "Commands:\n"
        "  check [--json]    Check the values now and exit with\n"
        "                      0  nothing found\n"
        "                      1  warnings only (unusable value, port in the\n"
        "                         dynamic range)\n"
        "                      2  at least one port conflict\n"
        "                      3  the registry could not be read, or bad usage\n"
        "  run [--eventlog]  Watch in this console and print every event until\n"
        "                    Ctrl+C; --eventlog also writes them to the\n"
        "                    Application event log.\n"
        "  install [--account LocalService|NetworkService|LocalSystem]\n"
        "          [--start auto|delayed|demand]\n"
        "                    Install the service and its event source\n"
        "                    (defaults: LocalService, auto). Needs an\n"
        "                    administrator.\n"
        "  configure         Apply install's service settings (quoted image path,\n"
        "                    failure actions, restricted SID, privileges) to an\n"
        "                    existing service; the MSI runs this.\n"
        "  uninstall         Stop the service and remove what install wrote.\n"
        "  service           The entry point the Service Control Manager runs.\n"
        "  --help            Show this text.\n"
        "  --version         Show the version.\n");
}

int wmain(int argc, WCHAR **argv)
{
    const WCHAR *cmd = argc > 1 ? argv[1] : L"";

    if (!wcscmp(cmd, L"check"))
        return cmd_check(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"run"))
        return cmd_run(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"service"))
        return cmd_service(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"install"))
        return cmd_install(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"configure"))
        return cmd_configure(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"uninstall"))
        return cmd_uninstall(argc - 2, argv + 2);
    if (!wcscmp(cmd, L"--help") || !wcscmp(cmd, L"-h") || !wcscmp(cmd, L"/?") ||
        !wcscmp(cmd, L"help")) {
        usage(0);
        return 0;
    }
    if (!wcscmp(cmd, L"--version")) {
        say("ExchPortGuard %s\n", EPG_VERSION);
        return 0;
    }
    if (argc > 1) {
        char *bad = utf8_from_wide(cmd);
        complain("exchportguard: unknown command \"%s\"\n\n", bad ? bad : "?");
        free(bad);
    }
    usage(1);
    return EXIT_USAGE;
}
