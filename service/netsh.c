#include "netsh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "winutil.h"

#define NETSH_TIMEOUT_MS 10000
#define NETSH_OUTPUT_MAX (256 * 1024)

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
    len = GetSystemDirectoryW(sysdir, MAX_PATH);
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
     * reports end-of-file when netsh exits. */
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
