/* regtool: registry operations the end-to-end tests need and reg.exe cannot
 * do.  Test tool only; not part of the product.
 *
 *   regtool put <key> <value> <type-number> hex <hex bytes>
 *   regtool put <key> <value> <type-number> fill <byte> <count>
 *       Writes any type with any bytes (a 3-byte REG_DWORD, a 1 MB string).
 *   regtool deny <key>     Denies everyone all access to the key (DACL).
 *   regtool readonly <key> Lets everyone read the key, nobody write it.
 *   regtool allow <key>    Restores full access for everyone.
 *   regtool churn <key> <value> <count> <port-a> <port-b>
 *       Writes the value count times, alternating the two ports, ending on
 *       port-b; prints the elapsed milliseconds.
 *   regtool recreate <key> <count>
 *       Deletes and re-creates the key count times (values are lost).
 *   regtool script <file>
 *       Runs many steps in one process, one per line, fields separated by
 *       tabs: put<TAB>key<TAB>value<TAB>type<TAB>hex|fill<TAB>..., 
 *       delete<TAB>key<TAB>value, deletekey<TAB>key, deletetree<TAB>key
 *       (the key and everything under it, as "reg delete /f" does),
 *       createkey<TAB>key, sleep<TAB>ms, spin<TAB>microseconds (a busy
 *       wait, finer than sleep); and, for random sequences where a step
 *       may meet a key that is gone or denied, tryput (put that may fail),
 *       deny<TAB>key, denyread<TAB>key (read denied, deletion allowed) and
 *       allow<TAB>key (may fail likewise).
 *       Under Wine, where the service's events are trace lines in a file
 *       (docs/wine.md), a step can wait for the service instead of a fixed
 *       sleep: eventmark<TAB>file (the events so far are old) and
 *       waitevent<TAB>file<TAB>id<TAB>timeout-ms (wait for the next event
 *       with that ID).  A wait that times out is reported on stderr, and
 *       every later waitevent becomes a 50 ms sleep, so a broken service
 *       costs no more than the fixed sleeps did and the test's own checks
 *       say what was missing.
 *   regtool proc <image name>
 *       Prints "<pid> <handle count>" of the first process with that image
 *       name.
 * Keys are under HKEY_LOCAL_MACHINE. */
#include <windows.h>
#include <sddl.h>
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procstat.h"

static int fail(const char *what, LONG rc)
{
    fprintf(stderr, "regtool: %s failed: error %ld\n", what, rc);
    return 1;
}

static int hexval(WCHAR c)
{
    if (c >= L'0' && c <= L'9') return c - L'0';
    if (c >= L'a' && c <= L'f') return c - L'a' + 10;
    if (c >= L'A' && c <= L'F') return c - L'A' + 10;
    return -1;
}

/* RegSetValueExW may add a NUL to a string that lacks one (Wine does);
 * NtSetValueKey stores exactly the bytes given, on Windows and Wine alike,
 * which is what a test of unterminated strings needs. */
typedef struct { USHORT Length, MaximumLength; PWSTR Buffer; } nt_unicode_string;
typedef LONG(NTAPI *nt_set_value_key_fn)(HANDLE, nt_unicode_string *, ULONG, ULONG,
                                         const void *, ULONG);

static LONG set_exact(HKEY key, const WCHAR *name, DWORD type, const BYTE *data,
                      DWORD n)
{
    nt_set_value_key_fn set = (nt_set_value_key_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"ntdll.dll"), "NtSetValueKey");
    nt_unicode_string us;

    if (!set)
        return RegSetValueExW(key, name, 0, type, data, n);
    us.Length = (USHORT)(wcslen(name) * sizeof(WCHAR));
    us.MaximumLength = us.Length;
    us.Buffer = (PWSTR)name;
    return set(key, &us, 0, type, data, n) ? ERROR_GEN_FAILURE : 0;
}

static int put(int argc, WCHAR **argv)
{
    HKEY key;
    DWORD type;
    BYTE *data = NULL;
    size_t n = 0;
    LONG rc;

    if (argc < 5)
        return fail("usage", 0);
    type = (DWORD)wcstoul(argv[2], NULL, 0);
    if (!wcscmp(argv[3], L"hex")) {
        const WCHAR *h = argc > 4 ? argv[4] : L"";
        size_t len = wcslen(h), i;
        data = malloc(len / 2 + 1);
        for (i = 0; i + 1 < len; ) {
            int hi, lo;
            if (h[i] == L',' || h[i] == L' ') { i++; continue; }
            hi = hexval(h[i]);
            lo = hexval(h[i + 1]);
            if (hi < 0 || lo < 0)
                return fail("hex parse", 0);
            data[n++] = (BYTE)(hi * 16 + lo);
            i += 2;
        }
    } else if (!wcscmp(argv[3], L"fill") && argc >= 6) {
        int byte = (int)wcstol(argv[4], NULL, 0);
        n = (size_t)wcstoul(argv[5], NULL, 0);
        data = malloc(n ? n : 1);
        memset(data, byte, n);
    } else {
        return fail("usage", 0);
    }
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                         KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
    if (rc)
        return fail("RegCreateKeyExW", rc);
    rc = set_exact(key, argv[1], type, data, (DWORD)n);
    RegCloseKey(key);
    free(data);
    return rc ? fail("RegSetValueExW", rc) : 0;
}

static int set_dacl(const WCHAR *path, const WCHAR *sddl)
{
    HKEY key;
    PSECURITY_DESCRIPTOR sd;
    LONG rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, WRITE_DAC | KEY_WOW64_64KEY,
                            &key);

    if (rc)
        return fail("RegOpenKeyExW", rc);
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
                                                              &sd, NULL))
        return fail("ConvertStringSecurityDescriptor", (LONG)GetLastError());
    rc = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
    LocalFree(sd);
    RegCloseKey(key);
    return rc ? fail("RegSetKeySecurity", rc) : 0;
}

static int churn(int argc, WCHAR **argv)
{
    HKEY key;
    DWORD count, a, b, i;
    LARGE_INTEGER f, t0, t1;
    LONG rc;

    if (argc < 5)
        return fail("usage", 0);
    count = (DWORD)wcstoul(argv[2], NULL, 0);
    a = (DWORD)wcstoul(argv[3], NULL, 0);
    b = (DWORD)wcstoul(argv[4], NULL, 0);
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                         KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
    if (rc)
        return fail("RegCreateKeyExW", rc);
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    for (i = 0; i < count; i++) {
        /* The last write is port-b whatever the parity of count. */
        DWORD v = ((count - 1 - i) % 2 == 0) ? b : a;
        rc = RegSetValueExW(key, argv[1], 0, REG_DWORD, (BYTE *)&v, sizeof v);
        if (rc)
            return fail("RegSetValueExW", rc);
    }
    QueryPerformanceCounter(&t1);
    RegCloseKey(key);
    printf("%.0f\n", (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)f.QuadPart);
    return 0;
}

static int recreate(int argc, WCHAR **argv)
{
    DWORD count, i;
    HKEY key;
    LONG rc;

    if (argc < 2)
        return fail("usage", 0);
    count = (DWORD)wcstoul(argv[1], NULL, 0);
    for (i = 0; i < count; i++) {
        rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, argv[0]);
        if (rc && rc != ERROR_FILE_NOT_FOUND)
            return fail("RegDeleteKeyW", rc);
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                             KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
        if (rc)
            return fail("RegCreateKeyExW", rc);
        RegCloseKey(key);
    }
    return 0;
}

/* Busy-waits us microseconds: Sleep's granularity (a millisecond or more)
 * is too coarse to place a step inside the service's reaction to the one
 * before it. */
static void spin_us(unsigned long us)
{
    LARGE_INTEGER f, t0, t;

    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    do
        QueryPerformanceCounter(&t);
    while ((double)(t.QuadPart - t0.QuadPart) * 1e6 / (double)f.QuadPart < (double)us);
}

/* Where eventmark/waitevent have read the trace file to: only whole lines
 * are consumed, so a header still being written is read on the next poll. */
static LONGLONG event_cursor;
static int event_waits_failed;

/* The event ID of a trace line written for ReportEventW, or -1.  The line
 * is "<tid>:fixme:advapi:ReportEventW (<handle>,0x<type>,0x<category>,
 * 0x<id>,...": the ID is the fourth field, its low 16 bits the message
 * number (tests/wine/winetest.py parses the same line). */
static long event_id_of(const char *line)
{
    const char *p = strstr(line, ":fixme:advapi:ReportEventW (");
    int commas = 0;

    if (!p)
        return -1;
    for (p += 28; *p && commas < 3; p++)
        if (*p == ',')
            commas++;
    if (commas < 3 || p[0] != '0' || p[1] != 'x')
        return -1;
    return (long)(strtoul(p + 2, NULL, 16) & 0xFFFF);
}

/* Reads the trace file's whole lines after the cursor; returns 1 when one
 * of them is event `id` (the cursor is left after it), 0 when none is, -1
 * when the file cannot be read.  With id < 0 it only moves the cursor to
 * the end. */
static int scan_events(const WCHAR *file, long id)
{
    HANDLE h = CreateFileW(file, GENERIC_READ,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, 0, NULL);
    static char buf[1 << 16];
    LARGE_INTEGER at;
    DWORD got;
    int found = 0;

    if (h == INVALID_HANDLE_VALUE)
        return -1;
    for (;;) {
        char *line, *nl;
        at.QuadPart = event_cursor;
        if (!SetFilePointerEx(h, at, NULL, FILE_BEGIN) ||
            !ReadFile(h, buf, sizeof buf - 1, &got, NULL) || got == 0)
            break;
        buf[got] = '\0';
        for (line = buf; !found && (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
            *nl = '\0';
            event_cursor += nl + 1 - line;
            if (id >= 0 && event_id_of(line) == id)
                found = 1;
        }
        if (found || line == buf)
            break;      /* a match, or a line longer than the buffer is not whole yet */
    }
    CloseHandle(h);
    return found;
}

static int wait_event(const WCHAR *file, long id, DWORD timeout_ms, int lineno)
{
    DWORD start = GetTickCount();

    if (event_waits_failed) {
        Sleep(50);
        return 0;
    }
    for (;;) {
        int r = scan_events(file, id);
        if (r < 0)
            return fail("opening the event trace", (LONG)GetLastError());
        if (r)
            return 0;
        if (GetTickCount() - start >= timeout_ms)
            break;
        Sleep(2);
    }
    fprintf(stderr, "regtool: script line %d: event %ld not seen within %lu ms; "
            "later waits are 50 ms sleeps\n", lineno, id, (unsigned long)timeout_ms);
    event_waits_failed = 1;
    return 0;
}

static int script(const WCHAR *file)
{
    FILE *f = _wfopen(file, L"rb");
    char line[4096];
    int lineno = 0;

    if (!f)
        return fail("opening the script", (LONG)GetLastError());
    while (fgets(line, sizeof line, f)) {
        WCHAR wline[4096], *fields[8], *p;
        int n = 0, rc = 0;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        MultiByteToWideChar(CP_UTF8, 0, line, -1, wline, 4096);
        for (p = wline; n < 8; ) {
            fields[n++] = p;
            p = wcschr(p, L'\t');
            if (!p)
                break;
            *p++ = L'\0';
        }
        if (!wcscmp(fields[0], L"put")) {
            rc = put(n - 1, fields + 1);
        } else if (!wcscmp(fields[0], L"tryput")) {
            (void)put(n - 1, fields + 1);
        } else if (!wcscmp(fields[0], L"deny") && n == 2) {
            (void)set_dacl(fields[1], L"D:(D;;KA;;;WD)");
        } else if (!wcscmp(fields[0], L"denyread") && n == 2) {
            /* Unreadable and unwatchable, yet deletable: KEY_READ is denied
             * (query, enumerate, notify), DELETE is not, so the key can be
             * deleted while the service cannot open it. */
            (void)set_dacl(fields[1], L"D:(D;;KR;;;WD)(A;;KA;;;WD)");
        } else if (!wcscmp(fields[0], L"allow") && n == 2) {
            (void)set_dacl(fields[1], L"D:(A;;KA;;;WD)");
        } else if (!wcscmp(fields[0], L"delete") && n == 3) {
            HKEY key;
            if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, fields[1], 0,
                              KEY_SET_VALUE | KEY_WOW64_64KEY, &key) == 0) {
                RegDeleteValueW(key, fields[2]);
                RegCloseKey(key);
            }
        } else if (!wcscmp(fields[0], L"deletekey") && n == 2) {
            RegDeleteKeyW(HKEY_LOCAL_MACHINE, fields[1]);
        } else if (!wcscmp(fields[0], L"deletetree") && n == 2) {
            /* RegDeleteTreeW is Windows 6.0 and later (this tool is built
             * for 5.2 like the product), so it is looked up. */
            typedef LONG(WINAPI *delete_tree_fn)(HKEY, LPCWSTR);
            delete_tree_fn del = (delete_tree_fn)(void (*)(void))GetProcAddress(
                GetModuleHandleW(L"advapi32.dll"), "RegDeleteTreeW");
            if (del)
                del(HKEY_LOCAL_MACHINE, fields[1]);
            RegDeleteKeyW(HKEY_LOCAL_MACHINE, fields[1]);
        } else if (!wcscmp(fields[0], L"createkey") && n == 2) {
            HKEY k;
            if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, fields[1], 0, NULL, 0, KEY_WRITE,
                                NULL, &k, NULL) == ERROR_SUCCESS)
                RegCloseKey(k);
        } else if (!wcscmp(fields[0], L"sleep") && n == 2) {
            Sleep((DWORD)wcstoul(fields[1], NULL, 10));
        } else if (!wcscmp(fields[0], L"eventmark") && n == 2) {
            event_cursor = 0;
            if (scan_events(fields[1], -1) < 0)
                rc = fail("opening the event trace", (LONG)GetLastError());
        } else if (!wcscmp(fields[0], L"waitevent") && n == 4) {
            rc = wait_event(fields[1], wcstol(fields[2], NULL, 10),
                            (DWORD)wcstoul(fields[3], NULL, 10), lineno);
        } else if (!wcscmp(fields[0], L"spin") && n == 2) {
            spin_us(wcstoul(fields[1], NULL, 10));
        } else {
            fprintf(stderr, "regtool: script line %d not understood\n", lineno);
            rc = 1;
        }
        if (rc) {
            fclose(f);
            return rc;
        }
    }
    fclose(f);
    return 0;
}

static int proc(const WCHAR *image)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe;

    if (snap == INVALID_HANDLE_VALUE)
        return fail("CreateToolhelp32Snapshot", (LONG)GetLastError());
    pe.dwSize = sizeof pe;
    if (Process32FirstW(snap, &pe)) {
        do {
            if (!_wcsicmp(pe.szExeFile, image)) {
                printf("%lu %ld\n", (unsigned long)pe.th32ProcessID,
                       procstat_handles(pe.th32ProcessID));
                CloseHandle(snap);
                return 0;
            }
        } while (Process32NextW(snap, &pe));
    }
    CloseHandle(snap);
    fprintf(stderr, "regtool: no process %ls\n", image);
    return 1;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    if (argc >= 3 && !wcscmp(argv[1], L"put"))
        return put(argc - 2, argv + 2);
    if (argc == 3 && !wcscmp(argv[1], L"deny"))
        return set_dacl(argv[2], L"D:(D;;KA;;;WD)");
    if (argc == 3 && !wcscmp(argv[1], L"readonly"))
        return set_dacl(argv[2], L"D:(A;;KR;;;WD)");
    if (argc == 3 && !wcscmp(argv[1], L"allow"))
        return set_dacl(argv[2], L"D:(A;;KA;;;WD)");
    if (argc >= 3 && !wcscmp(argv[1], L"churn"))
        return churn(argc - 2, argv + 2);
    if (argc >= 3 && !wcscmp(argv[1], L"recreate"))
        return recreate(argc - 2, argv + 2);
    if (argc == 3 && !wcscmp(argv[1], L"script"))
        return script(argv[2]);
    if (argc == 3 && !wcscmp(argv[1], L"proc"))
        return proc(argv[2]);
    fprintf(stderr, "usage: regtool put|deny|readonly|allow|churn|recreate|proc ...\n");
    return 2;
}
