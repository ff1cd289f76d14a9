/* sleeper: stands in for a program that never answers.  It ignores its
 * arguments and sleeps for a minute.  wine.start installs it as netsh.exe,
 * so the service's first check waits for netsh's timeout twice, and the
 * test can watch what the service tells the SCM while it waits. */
#include <windows.h>

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    (void)argc;
    (void)argv;
    Sleep(60000);
    return 0;
}
