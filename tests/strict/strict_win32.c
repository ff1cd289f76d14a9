/* The strict build's wrappers (tests/strict/README.md): each checks what
 * Microsoft documents for its call and Wine 8.0 does not enforce, then
 * calls the real function.  A breach is said on stderr and in the file
 * named by EPG_STRICT_LOG as
 *   STRICT WIN32 BREACH: <call>(<argument>): <documented rule> (<source>)
 * and ends the process at once with exit code 0xE57 (TerminateProcess: no
 * DLL detach code runs, so a breach on one thread cannot deadlock in
 * ExitProcess while another holds a lock; ExitProcess, Remarks).
 *
 * Handles are remembered with the access they were opened with: registry
 * keys (RegOpenKeyExW, RegCreateKeyExW), the Service Control Manager
 * (OpenSCManagerW) and services (OpenServiceW, CreateServiceW); closing
 * forgets them.  A handle not opened through a wrapper (a predefined key,
 * a remote root from RegConnectRegistryW) is not checked.
 *
 * Sources, all on learn.microsoft.com (Win32 API reference):
 *   [REGSET]  RegSetValueExW function (winreg.h)
 *   [REGQRY]  RegQueryValueExW function (winreg.h)
 *   [REGENUM] RegEnumValueW function (winreg.h)
 *   [REGDEL]  RegDeleteValueW function (winreg.h)
 *   [REGINFO] RegQueryInfoKeyW function (winreg.h)
 *   [REGNOT]  RegNotifyChangeKeyValue function (winreg.h)
 *   [KEYSEC]  Registry Key Security and Access Rights
 *   [SVCSEC]  Service Security and Access Rights
 *   [OPENSCM] OpenSCManagerW function (winsvc.h)
 *   [CREATES] CreateServiceW function (winsvc.h)
 *   [ENUMSVC] EnumServicesStatusExW function (winsvc.h)
 *   [CHGCFG]  ChangeServiceConfigW function (winsvc.h)
 *   [CHGCFG2] ChangeServiceConfig2W function (winsvc.h)
 *   [QSS]     QueryServiceStatus / QueryServiceStatusEx function (winsvc.h)
 *   [START]   StartServiceW function (winsvc.h)
 *   [CTRL]    ControlService function (winsvc.h)
 *   [DELSVC]  DeleteService function (winsvc.h)
 *   [WFMO]    WaitForMultipleObjects function (synchapi.h)
 *   [CONSOLE] WriteConsole function (Console API reference)
 *   [REPORT]  ReportEventW function (winbase.h)
 *   [FMTMSG]  FormatMessage function (winbase.h)
 */
#define STRICT_WIN32_IMPL
#include "strict_win32.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define URL "https://learn.microsoft.com/windows/win32/api/"
#define SRC_REGSET URL "winreg/nf-winreg-regsetvalueexw"
#define SRC_REGQRY URL "winreg/nf-winreg-regqueryvalueexw"
#define SRC_REGENUM URL "winreg/nf-winreg-regenumvaluew"
#define SRC_REGDEL URL "winreg/nf-winreg-regdeletevaluew"
#define SRC_REGINFO URL "winreg/nf-winreg-regqueryinfokeyw"
#define SRC_REGNOT URL "winreg/nf-winreg-regnotifychangekeyvalue"
#define SRC_OPENSCM URL "winsvc/nf-winsvc-openscmanagerw"
#define SRC_CREATES URL "winsvc/nf-winsvc-createservicew"
#define SRC_ENUMSVC URL "winsvc/nf-winsvc-enumservicesstatusexw"
#define SRC_CHGCFG URL "winsvc/nf-winsvc-changeserviceconfigw"
#define SRC_CHGCFG2 URL "winsvc/nf-winsvc-changeserviceconfig2w"
#define SRC_QSS URL "winsvc/nf-winsvc-queryservicestatus"
#define SRC_QSSEX URL "winsvc/nf-winsvc-queryservicestatusex"
#define SRC_START URL "winsvc/nf-winsvc-startservicew"
#define SRC_CTRL URL "winsvc/nf-winsvc-controlservice"
#define SRC_DELSVC URL "winsvc/nf-winsvc-deleteservice"
#define SRC_WFMO URL "synchapi/nf-synchapi-waitformultipleobjects"
#define SRC_CONSOLE "https://learn.microsoft.com/windows/console/writeconsole"
#define SRC_REPORT URL "winbase/nf-winbase-reporteventw"
#define SRC_FMTMSG URL "winbase/nf-winbase-formatmessagew"

/* --- the breach ---------------------------------------------------------- */

static void say(const char *line)
{
    char path[MAX_PATH];
    DWORD n = (DWORD)strlen(line), done;
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);

    if (err && err != INVALID_HANDLE_VALUE)
        WriteFile(err, line, n, &done, NULL);
    n = GetEnvironmentVariableA("EPG_STRICT_LOG", path, sizeof path);
    if (n > 0 && n < sizeof path) {
        HANDLE f = CreateFileA(path, FILE_APPEND_DATA,
                               FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                               OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f != INVALID_HANDLE_VALUE) {
            WriteFile(f, line, (DWORD)strlen(line), &done, NULL);
            CloseHandle(f);
        }
    }
}

/* call: the function; rule: what Microsoft documents; src: where;
 * fmt: the offending argument(s). */
static void breach(const char *call, const char *rule, const char *src,
                   const char *fmt, ...)
{
    char arg[256], line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(arg, sizeof arg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "STRICT WIN32 BREACH: %s(%s): %s (%s) [pid %lu]\r\n",
             call, arg, rule, src, (unsigned long)GetCurrentProcessId());
    say(line);
    TerminateProcess(GetCurrentProcess(), STRICT_WIN32_EXIT);
    ExitProcess(STRICT_WIN32_EXIT);     /* not reached */
}

/* --- handles and the access they were opened with ------------------------ */

enum kind { KEY = 1, SCM, SVC };

typedef struct {
    void *h;
    int kind;
    DWORD access;
} handle_rec;

typedef struct {
    HANDLE event;
    HKEY key;
    DWORD tid;
    HANDLE thread;  /* SYNCHRONIZE | THREAD_QUERY_INFORMATION */
} watch_rec;

#define MAX_HANDLES 8192
#define MAX_WATCHES 1024

/* A spin lock, not a critical section: it needs no initialisation, so the
 * first wrapper called on any thread can take it. */
static volatile LONG lock;
static handle_rec handles[MAX_HANDLES];
static size_t nhandles;
static watch_rec watches[MAX_WATCHES];
static size_t nwatches;

static void take(void)
{
    while (InterlockedExchange(&lock, 1))
        Sleep(0);
}

static void give(void)
{
    InterlockedExchange(&lock, 0);
}

static void remember(void *h, int kind, DWORD access)
{
    size_t i;

    take();
    for (i = 0; i < nhandles; i++)
        if (handles[i].h == h)
            break;
    if (i == nhandles && nhandles < MAX_HANDLES)
        nhandles++;
    if (i < MAX_HANDLES) {
        handles[i].h = h;
        handles[i].kind = kind;
        handles[i].access = access;
    }
    give();
}

static void forget(void *h)
{
    size_t i;

    take();
    for (i = 0; i < nhandles; i++)
        if (handles[i].h == h) {
            handles[i] = handles[--nhandles];
            break;
        }
    give();
}

/* 1 and the access h was opened with, or 0 for a handle not opened through
 * a wrapper. */
static int access_of(void *h, int kind, DWORD *access)
{
    size_t i;
    int found = 0;

    take();
    for (i = 0; i < nhandles; i++)
        if (handles[i].h == h && handles[i].kind == kind) {
            *access = handles[i].access;
            found = 1;
            break;
        }
    give();
    return found;
}

/* Generic rights as each object maps them ([KEYSEC], [SVCSEC]);
 * MAXIMUM_ALLOWED is taken as everything. */
static DWORD key_rights(REGSAM sam)
{
    DWORD r = (DWORD)sam & ~(DWORD)(KEY_WOW64_64KEY | KEY_WOW64_32KEY);

    if (r & (MAXIMUM_ALLOWED | GENERIC_ALL))
        r |= KEY_ALL_ACCESS;
    if (r & GENERIC_READ)
        r |= KEY_READ;
    if (r & GENERIC_WRITE)
        r |= KEY_WRITE;
    if (r & GENERIC_EXECUTE)
        r |= KEY_EXECUTE;
    return r;
}

static DWORD scm_rights(DWORD a)
{
    /* "The SC_MANAGER_CONNECT access right is implicitly specified by
     * calling this function." [OPENSCM] */
    a |= SC_MANAGER_CONNECT;
    if (a & (MAXIMUM_ALLOWED | GENERIC_ALL))
        a |= SC_MANAGER_ALL_ACCESS;
    if (a & GENERIC_READ)
        a |= STANDARD_RIGHTS_READ | SC_MANAGER_ENUMERATE_SERVICE |
             SC_MANAGER_QUERY_LOCK_STATUS;
    if (a & GENERIC_WRITE)
        a |= STANDARD_RIGHTS_WRITE | SC_MANAGER_CREATE_SERVICE |
             SC_MANAGER_MODIFY_BOOT_CONFIG;
    if (a & GENERIC_EXECUTE)
        a |= STANDARD_RIGHTS_EXECUTE | SC_MANAGER_CONNECT | SC_MANAGER_LOCK;
    return a;
}

static DWORD svc_rights(DWORD a)
{
    if (a & (MAXIMUM_ALLOWED | GENERIC_ALL))
        a |= SERVICE_ALL_ACCESS;
    if (a & GENERIC_READ)
        a |= STANDARD_RIGHTS_READ | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS |
             SERVICE_INTERROGATE | SERVICE_ENUMERATE_DEPENDENTS;
    if (a & GENERIC_WRITE)
        a |= STANDARD_RIGHTS_WRITE | SERVICE_CHANGE_CONFIG;
    if (a & GENERIC_EXECUTE)
        a |= STANDARD_RIGHTS_EXECUTE | SERVICE_START | SERVICE_STOP |
             SERVICE_PAUSE_CONTINUE | SERVICE_USER_DEFINED_CONTROL;
    return a;
}

static void need(void *h, int kind, DWORD right, const char *right_name,
                 const char *call, const char *rule, const char *src)
{
    DWORD have;

    if (access_of(h, kind, &have) && (have & right) != right)
        breach(call, rule, src, "handle %p opened with access 0x%lx, without %s",
               h, (unsigned long)have, right_name);
}

/* --- registry ------------------------------------------------------------ */

LONG WINAPI strict_RegOpenKeyExW(HKEY key, LPCWSTR sub, DWORD options,
                                 REGSAM sam, PHKEY result)
{
    LONG rc = RegOpenKeyExW(key, sub, options, sam, result);

    if (rc == ERROR_SUCCESS)
        remember(*result, KEY, key_rights(sam));
    return rc;
}

LONG WINAPI strict_RegCreateKeyExW(HKEY key, LPCWSTR sub, DWORD reserved,
                                   LPWSTR cls, DWORD options, REGSAM sam,
                                   LPSECURITY_ATTRIBUTES sa, PHKEY result,
                                   LPDWORD disposition)
{
    LONG rc = RegCreateKeyExW(key, sub, reserved, cls, options, sam, sa, result,
                              disposition);

    if (rc == ERROR_SUCCESS)
        remember(*result, KEY, key_rights(sam));
    return rc;
}

LONG WINAPI strict_RegConnectRegistryW(LPCWSTR machine, HKEY key, PHKEY result)
{
    /* A remote predefined key: not checked (see the top of the file). */
    return RegConnectRegistryW(machine, key, result);
}

static void watches_forget(HANDLE event, HKEY key);

LONG WINAPI strict_RegCloseKey(HKEY key)
{
    forget(key);
    /* Closing the key ends its watch and signals the event [REGNOT]. */
    watches_forget(NULL, key);
    return RegCloseKey(key);
}

static const char *type_name(DWORD type)
{
    switch (type) {
    case REG_SZ: return "REG_SZ";
    case REG_EXPAND_SZ: return "REG_EXPAND_SZ";
    case REG_MULTI_SZ: return "REG_MULTI_SZ";
    default: return "?";
    }
}

LONG WINAPI strict_RegSetValueExW(HKEY key, LPCWSTR name, DWORD reserved,
                                  DWORD type, const BYTE *data, DWORD size)
{
    /* "The key must have been opened with the KEY_SET_VALUE access right."
     * [REGSET] */
    need(key, KEY, KEY_SET_VALUE, "KEY_SET_VALUE", "RegSetValueExW",
         "the key must have been opened with KEY_SET_VALUE", SRC_REGSET);
    if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ) {
        const WCHAR *w = (const WCHAR *)data;
        DWORD n = size / sizeof(WCHAR);

        /* "If the data is of type REG_SZ, REG_EXPAND_SZ, or REG_MULTI_SZ,
         * cbData must include the size of the terminating null character
         * or characters." "With the REG_MULTI_SZ data type, the string must
         * be terminated with two null characters." [REGSET] */
        if (size % sizeof(WCHAR) != 0)
            breach("RegSetValueExW", "string data is whole WCHARs", SRC_REGSET,
                   "%s, cbData=%lu", type_name(type), (unsigned long)size);
        if (n == 0 || w[n - 1] != 0)
            breach("RegSetValueExW",
                   "cbData of REG_SZ/REG_EXPAND_SZ/REG_MULTI_SZ must include "
                   "the terminating null character", SRC_REGSET,
                   "%s, cbData=%lu, last character not NUL", type_name(type),
                   (unsigned long)size);
        if (type == REG_MULTI_SZ && (n < 2 || w[n - 2] != 0))
            breach("RegSetValueExW",
                   "REG_MULTI_SZ must be terminated with two null characters",
                   SRC_REGSET, "REG_MULTI_SZ, cbData=%lu", (unsigned long)size);
    }
    return RegSetValueExW(key, name, reserved, type, data, size);
}

/* "If the data has the REG_SZ, REG_MULTI_SZ, or REG_EXPAND_SZ type, the
 * string may not have been stored with the proper terminating null
 * characters. Therefore, even if the function returns ERROR_SUCCESS, the
 * application should ensure that the string is properly terminated before
 * using it" [REGQRY], [REGENUM].  Windows returns the stored bytes and
 * writes nothing after them: the wrapper fills the rest of the caller's
 * buffer (past *lpcbData) with non-NUL bytes, so that code which finds a
 * terminator only because the buffer happened to hold zeros reads garbage
 * here, as it may on Windows; on ERROR_MORE_DATA the whole buffer.  It does
 * not remove a NUL that was stored: Windows never does, and the product
 * reports a string stored without one as unusable (EPG_BAD_STRING_
 * UNTERMINATED, common/check/portvalue.c), which the end-to-end tests
 * write on purpose.  Not a breach: a behaviour Windows is allowed to have. */
static void poison_tail(LONG rc, DWORD type, LPBYTE data, DWORD cap,
                        const DWORD *size)
{
    DWORD from;

    if (!data || !size)
        return;
    if (type != REG_SZ && type != REG_EXPAND_SZ && type != REG_MULTI_SZ)
        return;
    if (rc == ERROR_SUCCESS)
        from = *size;
    else if (rc == ERROR_MORE_DATA)
        from = 0;
    else
        return;
    if (from < cap)
        memset(data + from, 0xFD, cap - from);
}

LONG WINAPI strict_RegQueryValueExW(HKEY key, LPCWSTR name, LPDWORD reserved,
                                    LPDWORD type, LPBYTE data, LPDWORD size)
{
    DWORD t = 0, cap = size ? *size : 0;
    LONG rc;

    /* "The key must have been opened with the KEY_QUERY_VALUE access
     * right." [REGQRY] */
    need(key, KEY, KEY_QUERY_VALUE, "KEY_QUERY_VALUE", "RegQueryValueExW",
         "the key must have been opened with KEY_QUERY_VALUE", SRC_REGQRY);
    rc = RegQueryValueExW(key, name, reserved, &t, data, size);
    if (type)
        *type = t;
    poison_tail(rc, t, data, cap, size);
    return rc;
}

LONG WINAPI strict_RegEnumValueW(HKEY key, DWORD index, LPWSTR name,
                                 LPDWORD name_len, LPDWORD reserved,
                                 LPDWORD type, LPBYTE data, LPDWORD size)
{
    DWORD t = 0, cap = size ? *size : 0;
    LONG rc;

    /* "The key must have been opened with the KEY_QUERY_VALUE access
     * right." [REGENUM] */
    need(key, KEY, KEY_QUERY_VALUE, "KEY_QUERY_VALUE", "RegEnumValueW",
         "the key must have been opened with KEY_QUERY_VALUE", SRC_REGENUM);
    rc = RegEnumValueW(key, index, name, name_len, reserved, &t, data, size);
    if (type)
        *type = t;
    poison_tail(rc, t, data, cap, size);
    return rc;
}

LONG WINAPI strict_RegQueryInfoKeyW(HKEY key, LPWSTR cls, LPDWORD cls_len,
                                    LPDWORD reserved, LPDWORD subkeys,
                                    LPDWORD max_subkey, LPDWORD max_class,
                                    LPDWORD values, LPDWORD max_value_name,
                                    LPDWORD max_value, LPDWORD sd_size,
                                    PFILETIME written)
{
    /* "The key must have been opened with the KEY_QUERY_VALUE access
     * right." [REGINFO]  Wine 8.0's wineserver asks no access at all for
     * it (enum_key with index -1), so a handle opened with KEY_NOTIFY
     * alone works there and fails on Windows. */
    need(key, KEY, KEY_QUERY_VALUE, "KEY_QUERY_VALUE", "RegQueryInfoKeyW",
         "the key must have been opened with KEY_QUERY_VALUE", SRC_REGINFO);
    return RegQueryInfoKeyW(key, cls, cls_len, reserved, subkeys, max_subkey,
                            max_class, values, max_value_name, max_value,
                            sd_size, written);
}

LONG WINAPI strict_RegDeleteValueW(HKEY key, LPCWSTR name)
{
    /* "The key must have been opened with the KEY_SET_VALUE access right."
     * [REGDEL] */
    need(key, KEY, KEY_SET_VALUE, "KEY_SET_VALUE", "RegDeleteValueW",
         "the key must have been opened with KEY_SET_VALUE", SRC_REGDEL);
    return RegDeleteValueW(key, name);
}

/* --- registry watches and the thread that armed them --------------------- */

static void watches_forget(HANDLE event, HKEY key)
{
    size_t i = 0;

    take();
    while (i < nwatches) {
        if ((event && watches[i].event == event) || (key && watches[i].key == key)) {
            if (watches[i].thread)
                CloseHandle(watches[i].thread);
            watches[i] = watches[--nwatches];
        } else {
            i++;
        }
    }
    give();
}

LONG WINAPI strict_RegNotifyChangeKeyValue(HKEY key, BOOL subtree, DWORD filter,
                                           HANDLE event, BOOL async)
{
    LONG rc;

    /* "The key must have been opened with the KEY_NOTIFY access right."
     * [REGNOT] */
    need(key, KEY, KEY_NOTIFY, "KEY_NOTIFY", "RegNotifyChangeKeyValue",
         "the key must have been opened with KEY_NOTIFY", SRC_REGNOT);
    /* REG_NOTIFY_THREAD_AGNOSTIC: "This flag value is only supported in
     * Windows 8 and later." [REGNOT]  The product runs on Windows Server
     * 2003. */
    if (filter & REG_NOTIFY_THREAD_AGNOSTIC)
        breach("RegNotifyChangeKeyValue",
               "REG_NOTIFY_THREAD_AGNOSTIC is supported on Windows 8 and later "
               "only", SRC_REGNOT, "dwNotifyFilter=0x%lx", (unsigned long)filter);
    rc = RegNotifyChangeKeyValue(key, subtree, filter, event, async);
    if (rc == ERROR_SUCCESS && async && event) {
        HANDLE self = OpenThread(SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE,
                                 GetCurrentThreadId());
        watches_forget(event, NULL);
        take();
        if (nwatches < MAX_WATCHES) {
            watches[nwatches].event = event;
            watches[nwatches].key = key;
            watches[nwatches].tid = GetCurrentThreadId();
            watches[nwatches].thread = self;
            nwatches++;
            self = NULL;
        }
        give();
        if (self)
            CloseHandle(self);
    }
    return rc;
}

/* "If the thread that called RegNotifyChangeKeyValue exits, the event is
 * signaled." [REGNOT]  Without REG_NOTIFY_THREAD_AGNOSTIC a watch lives as
 * long as the thread that armed it: waiting on a watch whose thread has
 * exited waits on a watch that is no longer there (Wine keeps it). */
static void check_watch_threads(const char *call, DWORD n, const HANDLE *h)
{
    DWORD i, dead_tid = 0;
    size_t k;
    HANDLE dead_event = NULL;

    take();
    for (i = 0; i < n && !dead_event; i++)
        for (k = 0; k < nwatches; k++) {
            DWORD code = STILL_ACTIVE;

            if (watches[k].event != h[i])
                continue;
            if (watches[k].thread &&
                GetExitCodeThread(watches[k].thread, &code) &&
                code != STILL_ACTIVE) {
                dead_event = h[i];
                dead_tid = watches[k].tid;
            }
            break;
        }
    give();
    if (dead_event)
        breach(call,
               "a RegNotifyChangeKeyValue watch without REG_NOTIFY_THREAD_AGNOSTIC "
               "ends when the thread that armed it exits",
               SRC_REGNOT, "event %p armed by thread %lu, which has exited",
               dead_event, (unsigned long)dead_tid);
}

/* --- waits and handles --------------------------------------------------- */

DWORD WINAPI strict_WaitForSingleObject(HANDLE h, DWORD ms)
{
    check_watch_threads("WaitForSingleObject", 1, &h);
    return WaitForSingleObject(h, ms);
}

DWORD WINAPI strict_WaitForMultipleObjects(DWORD n, const HANDLE *h, BOOL all,
                                           DWORD ms)
{
    /* "The maximum number of object handles is MAXIMUM_WAIT_OBJECTS. This
     * parameter cannot be zero." [WFMO] */
    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS)
        breach("WaitForMultipleObjects",
               "nCount is 1 to MAXIMUM_WAIT_OBJECTS (64)", SRC_WFMO,
               "nCount=%lu", (unsigned long)n);
    check_watch_threads("WaitForMultipleObjects", n, h);
    return WaitForMultipleObjects(n, h, all, ms);
}

BOOL WINAPI strict_CloseHandle(HANDLE h)
{
    watches_forget(h, NULL);
    return CloseHandle(h);
}

/* --- the console --------------------------------------------------------- */

BOOL WINAPI strict_WriteConsoleW(HANDLE h, const VOID *buf, DWORD n,
                                 LPDWORD written, LPVOID reserved)
{
    /* "The storage for this buffer is allocated from a shared heap for the
     * process that is 64 KB in size. The maximum size of the buffer will
     * depend on heap usage." A larger call fails with
     * ERROR_NOT_ENOUGH_MEMORY (before Windows 8) [CONSOLE].  The strict
     * limit is half that heap, 16383 WCHARs (32,766 bytes): the heap has
     * its own overhead and other console calls share it, so a call of the
     * whole 64 KB can fail even alone. */
    if (n > STRICT_CONSOLE_MAX_CHARS)
        breach("WriteConsoleW",
               "before Windows 8 one call's buffer comes from a 64 KB shared "
               "heap (ERROR_NOT_ENOUGH_MEMORY beyond it); strict limit 16383 "
               "WCHARs per call", SRC_CONSOLE,
               "nNumberOfCharsToWrite=%lu", (unsigned long)n);
    return WriteConsoleW(h, buf, n, written, reserved);
}

/* --- the event log ------------------------------------------------------- */

/* "Each string is limited to 31,839 characters. Prior to Windows Vista:
 * Each string is limited to 32K characters." [REPORT]: the later, smaller
 * limit.  Server 2003 answers ERROR_INVALID_PARAMETER when dwDataSize is
 * larger than 261,991 (0x3ff67) [REPORT].  A message's inserts are %1 to
 * %99 [FMTMSG]: a 100th string can never be shown. */
#define REPORT_MAX_STRING 31839u
#define REPORT_MAX_DATA 261991u
#define REPORT_MAX_STRINGS 99u

BOOL WINAPI strict_ReportEventW(HANDLE log, WORD type, WORD category, DWORD id,
                                PSID sid, WORD nstrings, DWORD datasize,
                                LPCWSTR *strings, LPVOID data)
{
    WORD i;

    if (nstrings > REPORT_MAX_STRINGS)
        breach("ReportEventW", "a message has insertion strings %1 to %99 only",
               SRC_FMTMSG, "wNumStrings=%u", (unsigned)nstrings);
    if (nstrings && !strings)
        breach("ReportEventW", "lpStrings points to wNumStrings strings",
               SRC_REPORT, "wNumStrings=%u, lpStrings=NULL", (unsigned)nstrings);
    for (i = 0; i < nstrings; i++) {
        size_t len;

        if (!strings[i])
            breach("ReportEventW", "lpStrings holds null-terminated strings",
                   SRC_REPORT, "lpStrings[%u]=NULL", (unsigned)i);
        len = wcslen(strings[i]);
        if (len > REPORT_MAX_STRING)
            breach("ReportEventW", "each string is limited to 31,839 characters",
                   SRC_REPORT, "lpStrings[%u] of %lu characters", (unsigned)i,
                   (unsigned long)len);
    }
    if (datasize > REPORT_MAX_DATA)
        breach("ReportEventW",
               "dwDataSize larger than 261,991 fails on Windows Server 2003",
               SRC_REPORT, "dwDataSize=%lu", (unsigned long)datasize);
    if (datasize && !data)
        breach("ReportEventW", "lpRawData points to dwDataSize bytes", SRC_REPORT,
               "dwDataSize=%lu, lpRawData=NULL", (unsigned long)datasize);
    return ReportEventW(log, type, category, id, sid, nstrings, datasize, strings,
                        data);
}

/* --- the Service Control Manager ----------------------------------------- */

SC_HANDLE WINAPI strict_OpenSCManagerW(LPCWSTR machine, LPCWSTR db, DWORD access)
{
    SC_HANDLE h = OpenSCManagerW(machine, db, access);

    if (h)
        remember(h, SCM, scm_rights(access));
    return h;
}

SC_HANDLE WINAPI strict_OpenServiceW(SC_HANDLE scm, LPCWSTR name, DWORD access)
{
    SC_HANDLE h;

    /* OpenServiceW needs SC_MANAGER_CONNECT, which every manager handle
     * has [OPENSCM]: nothing to check on scm. */
    h = OpenServiceW(scm, name, access);
    if (h)
        remember(h, SVC, svc_rights(access));
    return h;
}

SC_HANDLE WINAPI strict_CreateServiceW(SC_HANDLE scm, LPCWSTR name,
                                       LPCWSTR display, DWORD access, DWORD type,
                                       DWORD start, DWORD error, LPCWSTR path,
                                       LPCWSTR group, LPDWORD tag, LPCWSTR deps,
                                       LPCWSTR user, LPCWSTR password)
{
    SC_HANDLE h;

    /* "hSCManager: ... must have the SC_MANAGER_CREATE_SERVICE access
     * right." [CREATES] */
    need(scm, SCM, SC_MANAGER_CREATE_SERVICE, "SC_MANAGER_CREATE_SERVICE",
         "CreateServiceW", "the manager handle must have SC_MANAGER_CREATE_SERVICE",
         SRC_CREATES);
    h = CreateServiceW(scm, name, display, access, type, start, error, path,
                       group, tag, deps, user, password);
    if (h)
        remember(h, SVC, svc_rights(access));
    return h;
}

BOOL WINAPI strict_CloseServiceHandle(SC_HANDLE h)
{
    forget(h);
    return CloseServiceHandle(h);
}

BOOL WINAPI strict_EnumServicesStatusExW(SC_HANDLE scm, SC_ENUM_TYPE level,
                                         DWORD type, DWORD state, LPBYTE buf,
                                         DWORD size, LPDWORD needed,
                                         LPDWORD returned, LPDWORD resume,
                                         LPCWSTR group)
{
    /* "This handle must have the SC_MANAGER_ENUMERATE_SERVICE access
     * right." [ENUMSVC] */
    need(scm, SCM, SC_MANAGER_ENUMERATE_SERVICE, "SC_MANAGER_ENUMERATE_SERVICE",
         "EnumServicesStatusExW",
         "the manager handle must have SC_MANAGER_ENUMERATE_SERVICE", SRC_ENUMSVC);
    return EnumServicesStatusExW(scm, level, type, state, buf, size, needed,
                                 returned, resume, group);
}

BOOL WINAPI strict_ChangeServiceConfigW(SC_HANDLE svc, DWORD type, DWORD start,
                                        DWORD error, LPCWSTR path, LPCWSTR group,
                                        LPDWORD tag, LPCWSTR deps, LPCWSTR user,
                                        LPCWSTR password, LPCWSTR display)
{
    /* "The handle must have the SERVICE_CHANGE_CONFIG access right."
     * [CHGCFG] */
    need(svc, SVC, SERVICE_CHANGE_CONFIG, "SERVICE_CHANGE_CONFIG",
         "ChangeServiceConfigW", "the handle must have SERVICE_CHANGE_CONFIG",
         SRC_CHGCFG);
    return ChangeServiceConfigW(svc, type, start, error, path, group, tag, deps,
                                user, password, display);
}

BOOL WINAPI strict_ChangeServiceConfig2W(SC_HANDLE svc, DWORD level, LPVOID info)
{
    /* "The handle must have the SERVICE_CHANGE_CONFIG access right.": and
     * for SERVICE_CONFIG_FAILURE_ACTIONS with an SC_ACTION_RESTART action,
     * "the hService handle must have the SERVICE_START access right."
     * [CHGCFG2] */
    need(svc, SVC, SERVICE_CHANGE_CONFIG, "SERVICE_CHANGE_CONFIG",
         "ChangeServiceConfig2W", "the handle must have SERVICE_CHANGE_CONFIG",
         SRC_CHGCFG2);
    if (level == SERVICE_CONFIG_FAILURE_ACTIONS && info) {
        const SERVICE_FAILURE_ACTIONSW *fa = (const SERVICE_FAILURE_ACTIONSW *)info;
        DWORD i;

        for (i = 0; fa->lpsaActions && i < fa->cActions; i++)
            if (fa->lpsaActions[i].Type == SC_ACTION_RESTART) {
                need(svc, SVC, SERVICE_START, "SERVICE_START",
                     "ChangeServiceConfig2W",
                     "failure actions with SC_ACTION_RESTART need SERVICE_START",
                     SRC_CHGCFG2);
                break;
            }
    }
    return ChangeServiceConfig2W(svc, level, info);
}

BOOL WINAPI strict_QueryServiceStatus(SC_HANDLE svc, LPSERVICE_STATUS st)
{
    /* "This handle must have the SERVICE_QUERY_STATUS access right." [QSS] */
    need(svc, SVC, SERVICE_QUERY_STATUS, "SERVICE_QUERY_STATUS",
         "QueryServiceStatus", "the handle must have SERVICE_QUERY_STATUS",
         SRC_QSS);
    return QueryServiceStatus(svc, st);
}

BOOL WINAPI strict_QueryServiceStatusEx(SC_HANDLE svc, SC_STATUS_TYPE level,
                                        LPBYTE buf, DWORD size, LPDWORD needed)
{
    need(svc, SVC, SERVICE_QUERY_STATUS, "SERVICE_QUERY_STATUS",
         "QueryServiceStatusEx", "the handle must have SERVICE_QUERY_STATUS",
         SRC_QSSEX);
    return QueryServiceStatusEx(svc, level, buf, size, needed);
}

BOOL WINAPI strict_StartServiceW(SC_HANDLE svc, DWORD argc, LPCWSTR *argv)
{
    /* "The handle must have the SERVICE_START access right." [START] */
    need(svc, SVC, SERVICE_START, "SERVICE_START", "StartServiceW",
         "the handle must have SERVICE_START", SRC_START);
    return StartServiceW(svc, argc, argv);
}

BOOL WINAPI strict_ControlService(SC_HANDLE svc, DWORD control,
                                  LPSERVICE_STATUS st)
{
    /* The access each control code needs [CTRL]. */
    switch (control) {
    case SERVICE_CONTROL_STOP:
        need(svc, SVC, SERVICE_STOP, "SERVICE_STOP", "ControlService",
             "SERVICE_CONTROL_STOP needs SERVICE_STOP", SRC_CTRL);
        break;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE:
    case SERVICE_CONTROL_PARAMCHANGE:
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE:
        need(svc, SVC, SERVICE_PAUSE_CONTINUE, "SERVICE_PAUSE_CONTINUE",
             "ControlService", "this control needs SERVICE_PAUSE_CONTINUE",
             SRC_CTRL);
        break;
    case SERVICE_CONTROL_INTERROGATE:
        need(svc, SVC, SERVICE_INTERROGATE, "SERVICE_INTERROGATE",
             "ControlService", "SERVICE_CONTROL_INTERROGATE needs "
             "SERVICE_INTERROGATE", SRC_CTRL);
        break;
    default:
        if (control >= 128 && control <= 255)
            need(svc, SVC, SERVICE_USER_DEFINED_CONTROL,
                 "SERVICE_USER_DEFINED_CONTROL", "ControlService",
                 "codes 128-255 need SERVICE_USER_DEFINED_CONTROL", SRC_CTRL);
        break;
    }
    return ControlService(svc, control, st);
}

BOOL WINAPI strict_DeleteService(SC_HANDLE svc)
{
    /* "This handle must have the DELETE access right." [DELSVC] */
    need(svc, SVC, DELETE, "DELETE", "DeleteService",
         "the handle must have DELETE", SRC_DELSVC);
    return DeleteService(svc);
}
