/* A stand-in for sc.exe, installed as sc.exe first in PATH for
 * uninstall.cmd's tests (tests/wine/test_cmd_scripts.py).  Every command
 * goes to the real %SystemRoot%\system32\sc.exe and is logged, one line
 * each, to calls.txt next to this program; the output of "sc query" comes
 * back reshaped by EPG_SC_SHAPE: "blank" puts one blank line first (as
 * Windows' sc.exe prints it), anything else leaves no blank line (as
 * Wine's prints it).  An exe, not a .cmd: a batch file that runs another
 * batch file without "call" never returns to it. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The command line after the program's own name. */
static const WCHAR *rest_of_line(void)
{
    const WCHAR *p = GetCommandLineW();

    if (*p == L'"') {
        for (p++; *p && *p != L'"'; p++)
            ;
        if (*p)
            p++;
    } else {
        while (*p && *p != L' ' && *p != L'\t')
            p++;
    }
    while (*p == L' ' || *p == L'\t')
        p++;
    return p;
}

static void log_call(const WCHAR *args)
{
    WCHAR path[MAX_PATH + 16], *slash;
    FILE *f;

    if (!GetModuleFileNameW(NULL, path, MAX_PATH))
        return;
    slash = wcsrchr(path, L'\\');
    if (!slash)
        return;
    wcscpy(slash + 1, L"calls.txt");
    f = _wfopen(path, L"a");
    if (f) {
        fprintf(f, "%ls\n", args);
        fclose(f);
    }
}

static void put(const char *s, size_t n)
{
    DWORD done;

    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)n, &done, NULL);
}

int wmain(void);
int wmain(void)
{
    const WCHAR *args = rest_of_line();
    WCHAR sys[MAX_PATH], *cmd;
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    HANDLE rd, wr;
    char *out = NULL, chunk[4096], shape[16];
    size_t len = 0, i, start;
    DWORD got, code = 1;
    int query = !_wcsnicmp(args, L"query", 5) && (args[5] == L' ' || !args[5]);
    int blank;

    log_call(args);
    if (!GetSystemDirectoryW(sys, MAX_PATH))
        return 1;
    cmd = malloc((wcslen(sys) + wcslen(args) + 16) * sizeof *cmd);
    if (!cmd || !CreatePipe(&rd, &wr, &sa, 0))
        return 1;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    swprintf(cmd, wcslen(sys) + wcslen(args) + 16, L"\"%ls\\sc.exe\" %ls", sys, args);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "screshape: CreateProcessW failed (%lu)\n", GetLastError());
        return 1;
    }
    CloseHandle(wr);
    while (ReadFile(rd, chunk, sizeof chunk, &got, NULL) && got) {
        char *grown = realloc(out, len + got);
        if (!grown)
            return 1;
        out = grown;
        memcpy(out + len, chunk, got);
        len += got;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    if (!query) {
        put(out ? out : "", len);
        return (int)code;
    }
    blank = GetEnvironmentVariableA("EPG_SC_SHAPE", shape, sizeof shape) &&
            !strcmp(shape, "blank");
    if (blank)
        put("\r\n", 2);
    /* Every line that holds more than spaces, with its line end. */
    for (start = 0, i = 0; i < len; i++) {
        if (out[i] != '\n')
            continue;
        {
            size_t j;
            int empty = 1;
            for (j = start; j < i; j++)
                if (out[j] != ' ' && out[j] != '\r' && out[j] != '\t')
                    empty = 0;
            if (!empty)
                put(out + start, i + 1 - start);
        }
        start = i + 1;
    }
    if (start < len)
        put(out + start, len - start);
    return (int)code;
}
