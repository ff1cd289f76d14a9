#include "winutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

WCHAR *wide_from_utf8(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w;

    if (n <= 0)
        n = 1;
    w = malloc((size_t)n * sizeof *w);
    if (!w)
        return NULL;
    if (MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0)
        w[0] = L'\0';
    return w;
}

char *utf8_from_wide(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s;

    if (n <= 0)
        n = 1;
    s = malloc((size_t)n);
    if (!s)
        return NULL;
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0)
        s[0] = '\0';
    return s;
}

char *win32_error_text(DWORD code)
{
    WCHAR *msg = NULL;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM |
                                 FORMAT_MESSAGE_IGNORE_INSERTS |
                                 FORMAT_MESSAGE_ALLOCATE_BUFFER,
                             NULL, code, 0, (LPWSTR)&msg, 0, NULL);
    char *s;

    if (!n || !msg) {
        char buf[64];
        snprintf(buf, sizeof buf, "unknown Win32 error %lu", (unsigned long)code);
        return epg_strdup(buf);
    }
    while (n && (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L' '))
        msg[--n] = L'\0';
    s = utf8_from_wide(msg);
    LocalFree(msg);
    return s;
}

/* Before Windows 8 the buffer of one WriteConsoleW call is carved from a
 * 64 KB heap the console shares with other uses, and a larger call fails
 * with ERROR_NOT_ENOUGH_MEMORY (the WriteConsole documentation).  8,192
 * characters (16 KB) a call stays far below it on every version. */
#define CONSOLE_PIECE 8192u
/* WriteFile takes a DWORD; a MiB a call keeps pipes and files moving. */
#define FILE_PIECE (1024u * 1024u)

static DWORD write_console(HANDLE h, const WCHAR *w)
{
    size_t left = wcslen(w);

    while (left) {
        DWORD n = left > CONSOLE_PIECE ? CONSOLE_PIECE : (DWORD)left, done = 0;
        /* Never split a surrogate pair between two calls. */
        if (n < left && w[n - 1] >= 0xD800 && w[n - 1] <= 0xDBFF)
            n--;
        if (!WriteConsoleW(h, w, n, &done, NULL))
            return GetLastError();
        if (done == 0)
            return ERROR_WRITE_FAULT;
        w += done;
        left -= done;
    }
    return ERROR_SUCCESS;
}

DWORD out_text(DWORD std_handle, const char *utf8)
{
    HANDLE h = GetStdHandle(std_handle);
    DWORD mode, e;
    size_t left = strlen(utf8);

    /* No handle at all (a process started without one): nothing to write
     * to, which is not a failure of the write. */
    if (h == NULL || h == INVALID_HANDLE_VALUE)
        return ERROR_SUCCESS;
    /* A console shows UTF-16 correctly whatever its code page; files and
     * pipes get UTF-8, which every script language reads. */
    if (GetConsoleMode(h, &mode)) {
        WCHAR *w = wide_from_utf8(utf8);
        if (!w)
            return ERROR_NOT_ENOUGH_MEMORY;
        e = write_console(h, w);
        free(w);
        return e;
    }
    /* A pipe or a file may take less than asked (a full disk, a pipe
     * closed by the reader): every piece is checked, and so is the count. */
    while (left) {
        DWORD n = left > FILE_PIECE ? FILE_PIECE : (DWORD)left, done = 0;
        if (!WriteFile(h, utf8, n, &done, NULL))
            return GetLastError();
        if (done == 0)
            return ERROR_WRITE_FAULT;
        utf8 += done;
        left -= done;
    }
    return ERROR_SUCCESS;
}

int out_report(const char *cmd, const char *utf8)
{
    DWORD e = out_text(STD_OUTPUT_HANDLE, utf8);
    char *text;

    if (e == ERROR_SUCCESS)
        return 0;
    text = win32_error_text(e);
    complain("exchportguard %s: the report could not be written to standard output: "
             "%s (error %lu)\n", cmd, text ? text : "unknown error", (unsigned long)e);
    free(text);
    return -1;
}

static void vout(DWORD std_handle, const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    char *p;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n <= 0)
        return;
    p = malloc((size_t)n + 1);
    if (!p)
        return;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    out_text(std_handle, p);
    free(p);
}

void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vout(STD_OUTPUT_HANDLE, fmt, ap);
    va_end(ap);
}

void complain(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vout(STD_ERROR_HANDLE, fmt, ap);
    va_end(ap);
}

DWORD report_error(const char *what, DWORD code)
{
    char *text = win32_error_text(code);

    complain("exchportguard: %s failed: %s (error %lu)\n", what,
             text ? text : "unknown error", (unsigned long)code);
    free(text);
    return code;
}

uint64_t clock_ms(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER now;

    /* QueryPerformanceFrequency is fixed at boot; a racy first store writes
     * the same value from every thread. */
    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (uint64_t)(now.QuadPart / freq.QuadPart) * 1000u +
           (uint64_t)(now.QuadPart % freq.QuadPart) * 1000u / (uint64_t)freq.QuadPart;
}

int64_t wall_unix(void)
{
    FILETIME ft;
    ULARGE_INTEGER u;

    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    /* 100 ns intervals since 1601-01-01 */
    return (int64_t)(u.QuadPart / 10000000u) - INT64_C(11644473600);
}

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

void os_version(DWORD *major, DWORD *minor)
{
    OSVERSIONINFOW vi;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    rtl_get_version_fn rtl = NULL;

    memset(&vi, 0, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    if (ntdll)
        rtl = (rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
    if (!(rtl && rtl(&vi) == 0) && !GetVersionExW(&vi)) {
        /* Cannot happen on any Windows this runs on; assume a modern one,
         * whose default range is the documented one. */
        vi.dwMajorVersion = 6;
        vi.dwMinorVersion = 0;
    }
    *major = vi.dwMajorVersion;
    *minor = vi.dwMinorVersion;
}
