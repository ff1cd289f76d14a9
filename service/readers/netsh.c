#include "readers/netsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "winutil.h"

#define NETSH_TIMEOUT_MS 10000
#define NETSH_OUTPUT_MAX (256 * 1024)

typedef BOOL(WINAPI *is_wow64_process_fn)(HANDLE, PBOOL);

/* The directory netsh.exe is run from: the system directory, except in a
 * 32-bit process on 64-bit Windows (the win32 build there), where the file
 * system redirector turns System32 into SysWOW64 and the 32-bit netsh may
 * not show what the 64-bit stack holds.  There %windir%\Sysnative names
 * the real System32 ("File System Redirector"); it exists from Vista on,
 * and on Server 2003 x64 / XP x64 only with KB942589, so without it the
 * redirected System32 is all there is.  IsWow64Process itself is missing
 * before Server 2003 SP1, so it is looked up at run time (and its absence
 * means a 32-bit Windows).  Returns the length written, 0 on failure. */
static UINT netsh_dir(WCHAR *dir, UINT size)
{
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    is_wow64_process_fn is_wow64 = NULL;
    BOOL wow64 = FALSE;
    UINT len;

    if (k32)
        is_wow64 = (is_wow64_process_fn)(void (*)(void))GetProcAddress(k32, "IsWow64Process");
    if (is_wow64 && is_wow64(GetCurrentProcess(), &wow64) && wow64) {
        len = GetWindowsDirectoryW(dir, size);
        if (len && len + 11 < size) {
            DWORD attr;
            wcscpy(dir + len, L"\\Sysnative");
            attr = GetFileAttributesW(dir);
            if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
                return len + 10;
        }
    }
    return GetSystemDirectoryW(dir, size);
}

/* Runs "netsh.exe <args>" from the system directory with stdout captured.
 * Returns the output (malloc'd) or NULL with *why set (malloc'd). */
static char *run_netsh(const WCHAR *args, HANDLE cancel, char **why)
{
    WCHAR sysdir[MAX_PATH], *cmd = NULL;
    SECURITY_ATTRIBUTES sa;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    HANDLE rd = NULL, wr = NULL, nul = INVALID_HANDLE_VALUE;
    epg_buf out, msg;
    UINT len;
    size_t cmdlen;
    uint64_t deadline;
    int done = 0;
    DWORD exit_code = 0;

    epg_buf_init(&out);
    epg_buf_init(&msg);
    *why = NULL;
    memset(&pi, 0, sizeof pi);
    len = netsh_dir(sysdir, MAX_PATH);
    if (!len || len >= MAX_PATH) {
        char *t = win32_error_text(GetLastError());
        epg_buf_printf(&msg, "netsh could not be located: %s", t ? t : "");
        free(t);
        goto fail;
    }
    cmdlen = wcslen(sysdir) + wcslen(args) + 32;
    cmd = malloc(cmdlen * sizeof *cmd);
    if (!cmd)
        goto oom;
    _snwprintf(cmd, cmdlen, L"\"%ls\\netsh.exe\" %ls", sysdir, args);
    cmd[cmdlen - 1] = L'\0';

    /* Only the pipe's write end is inheritable, so netsh gets nothing else
     * of ours.  Our copy is closed right after CreateProcess, so the pipe
     * reports end-of-file when netsh exits.
     *
     * No explicit security descriptor: under the restricted service SID
     * (a write-restricted token) access is checked when a handle is opened,
     * and an inherited handle "refers to the same object and has the same
     * access rights as the original handle" (Handle Inheritance, Microsoft
     * Learn): netsh writes through the handle it inherits and never opens
     * the pipe, so the pipe's DACL is never consulted for it.  Creating the
     * pipe is this process's own access, granted as asked.  Wine has no
     * restricted tokens; docs/windows-fidelity.md says so. */
    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    if (!CreatePipe(&rd, &wr, &sa, 64 * 1024) ||
        !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0)) {
        char *t = win32_error_text(GetLastError());
        epg_buf_printf(&msg, "netsh could not be run: CreatePipe failed: %s", t ? t : "");
        free(t);
        goto fail;
    }
    nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      &sa, OPEN_EXISTING, 0, NULL);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = nul;
    si.hStdOutput = wr;
    si.hStdError = wr;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL,
                        NULL, &si, &pi)) {
        DWORD e = GetLastError();
        char *t = win32_error_text(e);
        epg_buf_printf(&msg, "netsh could not be started: %s (error %lu)",
                       t ? t : "", (unsigned long)e);
        free(t);
        goto fail;
    }
    CloseHandle(wr);
    wr = NULL;

    /* Read without blocking on the pipe: peek, read what is there, and wait
     * on the process and the cancel event in between.  A hung netsh is
     * ended after NETSH_TIMEOUT_MS. */
    deadline = clock_ms() + NETSH_TIMEOUT_MS;
    while (!done) {
        HANDLE waits[2];
        DWORD nwait = 0, avail = 0, got, w;
        char chunk[4096];

        while (PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) && avail) {
            if (!ReadFile(rd, chunk, sizeof chunk, &got, NULL) || !got)
                break;
            if (out.len + got <= NETSH_OUTPUT_MAX)
                epg_buf_putn(&out, chunk, got);
        }
        waits[nwait++] = pi.hProcess;
        if (cancel)
            waits[nwait++] = cancel;
        w = WaitForMultipleObjects(nwait, waits, FALSE, 20);
        if (w == WAIT_OBJECT_0) {
            done = 1;   /* drain below */
        } else if (w == WAIT_OBJECT_0 + 1 || clock_ms() > deadline) {
            TerminateProcess(pi.hProcess, 1);
            epg_buf_puts(&msg, w == WAIT_OBJECT_0 + 1
                                   ? "netsh was not asked: the service is stopping"
                                   : "netsh did not answer within 10 seconds");
            goto fail;
        } else if (w == WAIT_FAILED) {
            char *t = win32_error_text(GetLastError());
            epg_buf_printf(&msg, "waiting for netsh failed: %s", t ? t : "");
            free(t);
            goto fail;
        }
    }
    for (;;) {
        DWORD got;
        char chunk[4096];
        if (!ReadFile(rd, chunk, sizeof chunk, &got, NULL) || !got)
            break;
        if (out.len + got <= NETSH_OUTPUT_MAX)
            epg_buf_putn(&out, chunk, got);
    }
    GetExitCodeProcess(pi.hProcess, &exit_code);
    if (exit_code != 0) {
        epg_buf_printf(&msg, "netsh ended with exit code %lu",
                       (unsigned long)exit_code);
        goto fail;
    }
    if (out.oom)
        goto oom;
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    free(cmd);
    epg_buf_free(&msg);
    return epg_buf_detach(&out);

oom:
    epg_buf_clear(&msg);
    epg_buf_puts(&msg, "netsh could not be run: out of memory");
fail:
    if (pi.hProcess) {
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    if (rd)
        CloseHandle(rd);
    if (wr)
        CloseHandle(wr);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    free(cmd);
    epg_buf_free(&out);
    *why = epg_buf_detach(&msg);
    return NULL;
}

void netsh_query(epg_snapshot *s, HANDLE cancel)
{
    char *why = NULL, *why2 = NULL;

    free(s->netsh_dynamic);
    free(s->netsh_excluded);
    free(s->netsh_note);
    s->netsh_dynamic = run_netsh(L"int ipv4 show dynamicport tcp", cancel, &why);
    s->netsh_excluded = NULL;
    if (s->netsh_dynamic)
        s->netsh_excluded = run_netsh(L"int ipv4 show excludedportrange protocol=tcp",
                                      cancel, &why2);
    /* The exclusions are optional: without them no port counts as excluded,
     * which can only add a warning, never hide one; the core says once that
     * they were not checked, and why. */
    free(s->netsh_excluded_note);
    s->netsh_excluded_note = why2;
    s->netsh_note = why;
}
