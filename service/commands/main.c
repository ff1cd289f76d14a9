/* exchportguard.exe: the command line.  Everything else is in the files
 * named for what they hold: cmd_*.c beside this one for commands, scm.c for
 * the Service Control Manager, engine/engine.c and engine/watcher.c for the
 * watching itself, readers/ for what is read from the system. */
#include <windows.h>

#include <stdlib.h>

#include "commands/commands.h"
#include "report/report.h"
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
        "  check --reg FILE... | --computer NAME | --computers-file FILE\n"
        "        [--json | --csv] [--html FILE] [--name NAME] [--os MAJOR.MINOR]\n"
        "        [--codepage N] [--parallel N] [--timeout SECONDS]\n"
        "                    Check registry exports (reg export, regedit) or\n"
        "                    other computers through the remote registry, in\n"
        "                    one report; exit code 2 if any computer has a\n"
        "                    conflict, else 3 if any could not be read, else 1\n"
        "                    for warnings, else 0. See docs/fleet.md.\n"
        "  fix [--json] [--plan FILE [--force]] [--apply --undo FILE [--yes]]\n"
        "      [--reg FILE... | --computer NAME | --computers-file FILE]\n"
        "                    For each conflict and each error about a port,\n"
        "                    propose a new port for one value (see\n"
        "                    docs/operations.md, \"Fixing a conflict\"); --plan\n"
        "                    writes the changes as a .reg file (an existing\n"
        "                    file only with --force); --apply writes\n"
        "                    them to this computer's registry after writing the\n"
        "                    undo file and asking (--yes: do not ask). Exit: 0\n"
        "                    nothing to fix or all written, 1 changes proposed\n"
        "                    and not written, 3 no plan, refused or failed.\n"
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

int bad_option(const char *cmd, const WCHAR *arg)
{
    char *bad = utf8_from_wide(arg);

    complain("exchportguard %s: unknown option \"%s\"\n\n", cmd, bad ? bad : "?");
    free(bad);
    usage(1);
    return EXIT_USAGE;
}

static const struct {
    const WCHAR *name;
    int (*run)(int argc, WCHAR **argv);
} commands[] = {
    { L"check", cmd_check },
    { L"fix", cmd_fix },
    { L"run", cmd_run },
    { L"service", cmd_service },
    { L"install", cmd_install },
    { L"configure", cmd_configure },
    { L"uninstall", cmd_uninstall },
};

int wmain(int argc, WCHAR **argv)
{
    const WCHAR *cmd = argc > 1 ? argv[1] : L"";
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!wcscmp(cmd, commands[i].name))
            return commands[i].run(argc - 2, argv + 2);
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
