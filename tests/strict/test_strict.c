/* The strict build's own tests (tests/strict/README.md): for each rule the
 * wrappers enforce, a child process (this program, run again with
 * "breach NAME") breaks it, and must end with exit code 0xE57 and the
 * breach line, naming the call and the rule, on its stderr and in its
 * EPG_STRICT_LOG file; and a child run with "pass NAME" makes the same call
 * correctly and must end with 0 and no breach line.  The wrapper that hands
 * string data back without its NUL is checked in this process.
 *
 * Compiled with strict_win32.h included first, like service/.  Runs under
 * Wine in the shared unit prefix; keys under HKCU\Software\EpgStrictTest
 * and services named EpgStrict* are its own and removed at the end. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinytest.h"

#define TEST_KEY L"Software\\EpgStrictTest"
#define TEST_SERVICE L"EpgStrictTest"

static int fail(const char *what)
{
    fprintf(stderr, "child: %s failed: %lu\n", what, (unsigned long)GetLastError());
    return 2;
}

static HKEY test_key(REGSAM sam)
{
    HKEY k = NULL;

    if (RegCreateKeyExW(HKEY_CURRENT_USER, TEST_KEY, 0, NULL, 0, sam, NULL, &k,
                        NULL) != ERROR_SUCCESS)
        return NULL;
    return k;
}

/* --- the children: each does one thing, rightly (ok) or not ------------- */

static int console(int ok)
{
    static WCHAR buf[STRICT_CONSOLE_MAX_CHARS + 1];
    DWORD n = STRICT_CONSOLE_MAX_CHARS + (ok ? 0 : 1), done;
    DWORD i;

    for (i = 0; i < n; i++)
        buf[i] = L'x';
    /* stdout is a file here: the real call fails, the check comes first. */
    WriteConsoleW(GetStdHandle(STD_OUTPUT_HANDLE), buf, n, &done, NULL);
    return 0;
}

static int set_sz(int ok)
{
    HKEY k = test_key(KEY_SET_VALUE);
    static const WCHAR abc[] = L"abc";

    if (!k)
        return fail("RegCreateKeyExW");
    RegSetValueExW(k, L"sz", 0, REG_SZ, (const BYTE *)abc,
                   ok ? sizeof abc : sizeof abc - sizeof(WCHAR));
    RegCloseKey(k);
    return 0;
}

static int set_multi(int ok)
{
    HKEY k = test_key(KEY_SET_VALUE);
    static const WCHAR two[] = L"a\0b\0";   /* a, b, NUL, NUL (the literal's) */

    if (!k)
        return fail("RegCreateKeyExW");
    RegSetValueExW(k, L"multi", 0, REG_MULTI_SZ, (const BYTE *)two,
                   ok ? sizeof two : sizeof two - sizeof(WCHAR));
    RegCloseKey(k);
    return 0;
}

static int set_access(int ok)
{
    HKEY k = test_key(ok ? KEY_SET_VALUE : KEY_QUERY_VALUE);
    DWORD v = 1;

    if (!k)
        return fail("RegCreateKeyExW");
    RegSetValueExW(k, L"dword", 0, REG_DWORD, (const BYTE *)&v, sizeof v);
    RegCloseKey(k);
    return 0;
}

static int query_access(int ok)
{
    HKEY k = test_key(ok ? KEY_QUERY_VALUE : KEY_SET_VALUE);
    BYTE buf[64];
    DWORD size = sizeof buf, type;

    if (!k)
        return fail("RegCreateKeyExW");
    RegQueryValueExW(k, L"sz", NULL, &type, buf, &size);
    RegCloseKey(k);
    return 0;
}

/* What the watcher asks of every level of a chain (chain_alive). */
static int info_access(int ok)
{
    HKEY k = test_key(ok ? KEY_NOTIFY | KEY_QUERY_VALUE : KEY_NOTIFY);
    DWORD subkeys;

    if (!k)
        return fail("RegCreateKeyExW");
    RegQueryInfoKeyW(k, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL);
    RegCloseKey(k);
    return 0;
}

/* An SCM handle and a service handle with the access asked for; the
 * service is created first if it is not there (with all access). */
static SC_HANDLE open_test_service(DWORD access, SC_HANDLE *scm_out)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
    SC_HANDLE s;

    if (!scm)
        return NULL;
    s = CreateServiceW(scm, TEST_SERVICE, TEST_SERVICE, SERVICE_ALL_ACCESS,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                       SERVICE_ERROR_IGNORE, L"C:\\nonexistent\\epgstrict.exe",
                       NULL, NULL, NULL, NULL, NULL);
    if (s)
        CloseServiceHandle(s);
    s = OpenServiceW(scm, TEST_SERVICE, access);
    *scm_out = scm;
    return s;
}

static int scm_query(int ok, int ex)
{
    SC_HANDLE scm, s = open_test_service(ok ? SERVICE_QUERY_STATUS
                                            : SERVICE_QUERY_CONFIG, &scm);
    SERVICE_STATUS st;
    SERVICE_STATUS_PROCESS sp;
    DWORD needed;

    if (!s)
        return fail("OpenServiceW");
    if (ex)
        QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp, sizeof sp,
                             &needed);
    else
        QueryServiceStatus(s, &st);
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_describe(int ok)
{
    SC_HANDLE scm, s = open_test_service(ok ? SERVICE_CHANGE_CONFIG
                                            : SERVICE_QUERY_STATUS, &scm);
    SERVICE_DESCRIPTIONW d = { L"strict test" };

    if (!s)
        return fail("OpenServiceW");
    ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &d);
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_restart(int ok)
{
    SC_HANDLE scm, s = open_test_service(SERVICE_CHANGE_CONFIG |
                                         (ok ? SERVICE_START : 0), &scm);
    SC_ACTION a[1] = { { SC_ACTION_RESTART, 60000 } };
    SERVICE_FAILURE_ACTIONSW fa = { 86400, NULL, NULL, 1, a };

    if (!s)
        return fail("OpenServiceW");
    ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa);
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_config(int ok)
{
    SC_HANDLE scm, s = open_test_service(ok ? SERVICE_CHANGE_CONFIG
                                            : SERVICE_QUERY_CONFIG, &scm);

    if (!s)
        return fail("OpenServiceW");
    ChangeServiceConfigW(s, SERVICE_NO_CHANGE, SERVICE_DEMAND_START,
                         SERVICE_NO_CHANGE, NULL, NULL, NULL, NULL, NULL, NULL,
                         NULL);
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_start(int ok)
{
    SC_HANDLE scm, s = open_test_service(ok ? SERVICE_START : SERVICE_STOP, &scm);

    if (!s)
        return fail("OpenServiceW");
    StartServiceW(s, 0, NULL);      /* its image does not exist: fails */
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_stop(int ok)
{
    SC_HANDLE scm, s = open_test_service(ok ? SERVICE_STOP : SERVICE_START, &scm);
    SERVICE_STATUS st;

    if (!s)
        return fail("OpenServiceW");
    ControlService(s, SERVICE_CONTROL_STOP, &st);     /* not running: fails */
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_delete(int ok)
{
    SC_HANDLE scm, s = open_test_service(ok ? DELETE : SERVICE_STOP, &scm);

    if (!s)
        return fail("OpenServiceW");
    DeleteService(s);
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    return 0;
}

static int scm_create(int ok)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, ok ? SC_MANAGER_CREATE_SERVICE
                                                  : SC_MANAGER_CONNECT);
    SC_HANDLE s;

    if (!scm)
        return fail("OpenSCManagerW");
    s = CreateServiceW(scm, TEST_SERVICE L"2", TEST_SERVICE, DELETE,
                       SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                       SERVICE_ERROR_IGNORE, L"C:\\nonexistent\\epgstrict.exe",
                       NULL, NULL, NULL, NULL, NULL);
    if (s) {
        DeleteService(s);
        CloseServiceHandle(s);
    }
    CloseServiceHandle(scm);
    return 0;
}

static int scm_enum(int ok)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, ok ? SC_MANAGER_ENUMERATE_SERVICE
                                                  : SC_MANAGER_CONNECT);
    DWORD needed = 0, n = 0, resume = 0;

    if (!scm)
        return fail("OpenSCManagerW");
    EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                          SERVICE_STATE_ALL, NULL, 0, &needed, &n, &resume, NULL);
    CloseServiceHandle(scm);
    return 0;
}

static int wait_count(int n)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS + 1];
    int i;

    for (i = 0; i < MAXIMUM_WAIT_OBJECTS + 1; i++)
        h[i] = CreateEventW(NULL, TRUE, TRUE, NULL);
    WaitForMultipleObjects((DWORD)n, h, FALSE, 0);
    return 0;
}

static int report(int ok, int many)
{
    HANDLE log = RegisterEventSourceW(NULL, L"EpgStrictTest");
    static LPCWSTR strings[100];
    static WCHAR big[31841];
    WORD n;
    int i;

    if (!log)
        return fail("RegisterEventSourceW");
    for (i = 0; i < 31840; i++)
        big[i] = L'x';
    if (many) {
        n = ok ? 99 : 100;
        for (i = 0; i < n; i++)
            strings[i] = L"s";
    } else {
        n = 1;
        big[ok ? 31839 : 31840] = 0;
        strings[0] = big;
    }
    ReportEventW(log, EVENTLOG_INFORMATION_TYPE, 0, 1000, NULL, n, 0, strings,
                 NULL);
    DeregisterEventSource(log);
    return 0;
}

typedef struct {
    HKEY key;
    HANDLE event, armed, stop;
} arm_args;

static DWORD WINAPI arm_thread(LPVOID p)
{
    arm_args *a = p;

    RegNotifyChangeKeyValue(a->key, FALSE, REG_NOTIFY_CHANGE_LAST_SET, a->event,
                            TRUE);
    SetEvent(a->armed);
    if (a->stop)
        WaitForSingleObject(a->stop, INFINITE);
    return 0;
}

/* ok: the arming thread is alive while the watch is waited on; not ok: it
 * has exited.  multi: the wait is WaitForMultipleObjects. */
static int watch_thread(int ok, int multi)
{
    arm_args a;
    HANDLE t, h[2];

    a.key = test_key(KEY_NOTIFY);
    a.event = CreateEventW(NULL, TRUE, FALSE, NULL);
    a.armed = CreateEventW(NULL, TRUE, FALSE, NULL);
    a.stop = ok ? CreateEventW(NULL, TRUE, FALSE, NULL) : NULL;
    if (!a.key)
        return fail("RegCreateKeyExW");
    t = CreateThread(NULL, 0, arm_thread, &a, 0, NULL);
    if (!t)
        return fail("CreateThread");
    if (ok)
        WaitForSingleObject(a.armed, INFINITE);
    else
        WaitForSingleObject(t, INFINITE);       /* the thread has exited */
    h[0] = a.armed;
    h[1] = a.event;
    if (multi)
        WaitForMultipleObjects(2, h, TRUE, 0);
    else
        WaitForSingleObject(a.event, 0);
    if (ok) {
        SetEvent(a.stop);
        WaitForSingleObject(t, INFINITE);
    }
    RegCloseKey(a.key);
    return 0;
}

static int watch_access(int ok)
{
    HKEY k = test_key(ok ? KEY_NOTIFY : KEY_QUERY_VALUE);
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);

    if (!k)
        return fail("RegCreateKeyExW");
    RegNotifyChangeKeyValue(k, FALSE, REG_NOTIFY_CHANGE_LAST_SET, e, TRUE);
    RegCloseKey(k);
    return 0;
}

/* name, the child, its argument, and what its breach line must say: the
 * call and a part of the rule. */
typedef struct {
    const char *name;
    int (*run)(int ok, int arg);
    int arg;
    const char *call, *rule;
} scenario;

static int console_(int ok, int arg) { (void)arg; return console(ok); }
static int set_sz_(int ok, int arg) { (void)arg; return set_sz(ok); }
static int set_multi_(int ok, int arg) { (void)arg; return set_multi(ok); }
static int set_access_(int ok, int arg) { (void)arg; return set_access(ok); }
static int query_access_(int ok, int arg) { (void)arg; return query_access(ok); }
static int info_access_(int ok, int arg) { (void)arg; return info_access(ok); }
static int scm_describe_(int ok, int arg) { (void)arg; return scm_describe(ok); }
static int scm_restart_(int ok, int arg) { (void)arg; return scm_restart(ok); }
static int scm_config_(int ok, int arg) { (void)arg; return scm_config(ok); }
static int scm_start_(int ok, int arg) { (void)arg; return scm_start(ok); }
static int scm_stop_(int ok, int arg) { (void)arg; return scm_stop(ok); }
static int scm_delete_(int ok, int arg) { (void)arg; return scm_delete(ok); }
static int scm_create_(int ok, int arg) { (void)arg; return scm_create(ok); }
static int scm_enum_(int ok, int arg) { (void)arg; return scm_enum(ok); }
static int scm_query_(int ok, int arg) { return scm_query(ok, arg); }
static int wait_many_(int ok, int arg) { (void)arg; return wait_count(ok ? 64 : 65); }
static int wait_none_(int ok, int arg) { (void)arg; return wait_count(ok ? 1 : 0); }
static int report_(int ok, int arg) { return report(ok, arg); }
static int watch_thread_(int ok, int arg) { return watch_thread(ok, arg); }
static int watch_access_(int ok, int arg) { (void)arg; return watch_access(ok); }

static const scenario scenarios[] = {
    { "console", console_, 0, "WriteConsoleW", "64 KB shared heap" },
    { "set_sz", set_sz_, 0, "RegSetValueExW", "terminating null character" },
    { "set_multi", set_multi_, 0, "RegSetValueExW", "two null characters" },
    { "set_access", set_access_, 0, "RegSetValueExW", "KEY_SET_VALUE" },
    { "query_access", query_access_, 0, "RegQueryValueExW", "KEY_QUERY_VALUE" },
    { "info_access", info_access_, 0, "RegQueryInfoKeyW", "KEY_QUERY_VALUE" },
    { "query_status", scm_query_, 0, "QueryServiceStatus", "SERVICE_QUERY_STATUS" },
    { "query_status_ex", scm_query_, 1, "QueryServiceStatusEx", "SERVICE_QUERY_STATUS" },
    { "describe", scm_describe_, 0, "ChangeServiceConfig2W", "SERVICE_CHANGE_CONFIG" },
    { "restart_actions", scm_restart_, 0, "ChangeServiceConfig2W", "SC_ACTION_RESTART need SERVICE_START" },
    { "config", scm_config_, 0, "ChangeServiceConfigW", "SERVICE_CHANGE_CONFIG" },
    { "start", scm_start_, 0, "StartServiceW", "SERVICE_START" },
    { "stop", scm_stop_, 0, "ControlService", "SERVICE_CONTROL_STOP needs SERVICE_STOP" },
    { "delete", scm_delete_, 0, "DeleteService", "DELETE" },
    { "create", scm_create_, 0, "CreateServiceW", "SC_MANAGER_CREATE_SERVICE" },
    { "enumerate", scm_enum_, 0, "EnumServicesStatusExW", "SC_MANAGER_ENUMERATE_SERVICE" },
    { "wait_65", wait_many_, 0, "WaitForMultipleObjects", "MAXIMUM_WAIT_OBJECTS" },
    { "wait_0", wait_none_, 0, "WaitForMultipleObjects", "MAXIMUM_WAIT_OBJECTS" },
    { "report_string", report_, 0, "ReportEventW", "31,839 characters" },
    { "report_count", report_, 1, "ReportEventW", "%1 to %99" },
    { "watch_thread", watch_thread_, 0, "WaitForSingleObject", "thread that armed it exits" },
    { "watch_thread_multi", watch_thread_, 1, "WaitForMultipleObjects", "thread that armed it exits" },
    { "watch_access", watch_access_, 0, "RegNotifyChangeKeyValue", "KEY_NOTIFY" },
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* --- the parent ---------------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;

    if (!f)
        return _strdup("");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

/* Runs this program with "mode name"; its exit code, its stderr and its
 * strict log, malloc'd. */
static DWORD run_child(const char *mode, const char *name, char **err, char **log)
{
    char exe[MAX_PATH], cmd[MAX_PATH * 2], errpath[MAX_PATH], logpath[MAX_PATH];
    char tmp[MAX_PATH];
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE errf;
    DWORD code = 0xFFFFFFFF;

    GetModuleFileNameA(NULL, exe, sizeof exe);
    GetTempPathA(sizeof tmp, tmp);
    snprintf(errpath, sizeof errpath, "%sepgstrict-%lu-%s-%s.err", tmp,
             (unsigned long)GetCurrentProcessId(), mode, name);
    snprintf(logpath, sizeof logpath, "%sepgstrict-%lu-%s-%s.log", tmp,
             (unsigned long)GetCurrentProcessId(), mode, name);
    DeleteFileA(logpath);
    SetEnvironmentVariableA("EPG_STRICT_LOG", logpath);
    errf = CreateFileA(errpath, GENERIC_WRITE, FILE_SHARE_READ, &sa, CREATE_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = errf;
    si.hStdError = errf;
    snprintf(cmd, sizeof cmd, "\"%s\" %s %s", exe, mode, name);
    if (CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        WaitForSingleObject(pi.hProcess, 60000);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }
    CloseHandle(errf);
    SetEnvironmentVariableA("EPG_STRICT_LOG", NULL);
    *err = read_file(errpath);
    *log = read_file(logpath);
    DeleteFileA(errpath);
    DeleteFileA(logpath);
    return code;
}

static void check_breach(const scenario *s)
{
    char *err, *log, head[128];
    DWORD code = run_child("breach", s->name, &err, &log);

    snprintf(head, sizeof head, "STRICT WIN32 BREACH: %s(", s->call);
    printf("breach %-20s exit 0x%lx\n", s->name, (unsigned long)code);
    CHECK_INT(code, STRICT_WIN32_EXIT);
    CHECK(strstr(err, head) != NULL);
    CHECK(strstr(err, s->rule) != NULL);
    CHECK(strstr(log, head) != NULL);
    CHECK(strstr(log, s->rule) != NULL);
    CHECK(strstr(log, "learn.microsoft.com") != NULL);
    if (!strstr(log, head) || !strstr(log, s->rule))
        fprintf(stderr, "  %s: stderr: %s\n  log: %s\n", s->name, err, log);
    free(err);
    free(log);
}

static void check_pass(const scenario *s)
{
    char *err, *log;
    DWORD code = run_child("pass", s->name, &err, &log);

    printf("pass   %-20s exit 0x%lx\n", s->name, (unsigned long)code);
    CHECK_INT(code, 0);
    CHECK(strstr(err, "STRICT WIN32 BREACH") == NULL);
    CHECK(strstr(log, "STRICT WIN32 BREACH") == NULL);
    if (code != 0)
        fprintf(stderr, "  %s: stderr: %s\n  log: %s\n", s->name, err, log);
    free(err);
    free(log);
}

/* "the string may not have been stored with the proper terminating null
 * characters" (RegQueryValueExW, RegEnumValueW): the wrapper returns the
 * stored bytes, a stored NUL included, and fills the rest of the buffer
 * with non-NUL bytes; a string stored without its NUL (by the real
 * RegSetValueExW, as another program may) comes back without one and
 * with no zero after it. */
static void unterminated_strings(void)
{
    typedef LONG(WINAPI * set_fn)(HKEY, LPCWSTR, DWORD, DWORD, const BYTE *, DWORD);
    set_fn real_set = (set_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"advapi32.dll"), "RegSetValueExW");
    HKEY k = test_key(KEY_SET_VALUE | KEY_QUERY_VALUE);
    static const WCHAR abc[] = L"abc", abcd[] = L"abcd";
    WCHAR buf[16], name[16];
    DWORD size, type = 0, name_len = 16;

    CHECK(k != NULL && real_set != NULL);
    if (!k || !real_set)
        return;
    RegDeleteValueW(k, L"multi");
    RegDeleteValueW(k, L"dword");
    RegDeleteValueW(k, L"bare");
    CHECK_INT(RegSetValueExW(k, L"sz", 0, REG_SZ, (const BYTE *)abc, sizeof abc),
              ERROR_SUCCESS);
    memset(buf, 0, sizeof buf);
    size = sizeof buf;
    CHECK_INT(RegQueryValueExW(k, L"sz", NULL, &type, (LPBYTE)buf, &size),
              ERROR_SUCCESS);
    CHECK_INT(type, REG_SZ);
    CHECK_INT(size, sizeof abc);
    CHECK(buf[3] == 0);         /* the stored NUL */
    CHECK(buf[4] != 0);         /* nothing after it is zero */
    CHECK(buf[15] != 0);
    memset(buf, 0, sizeof buf);
    size = sizeof buf;
    CHECK_INT(RegEnumValueW(k, 0, name, &name_len, NULL, &type, (LPBYTE)buf, &size),
              ERROR_SUCCESS);
    CHECK_INT(size, sizeof abc);
    CHECK(buf[4] != 0);
    /* Stored without its NUL: no terminator anywhere in the buffer.  The
     * character after the data is not a NUL: given "abc" and its NUL but a
     * size without it, RegSetValueExW adds the NUL ("yes NT does this",
     * Wine's advapi32), which would hide what this stores. */
    CHECK_INT(real_set(k, L"bare", 0, REG_SZ, (const BYTE *)abcd,
                       3 * sizeof(WCHAR)), ERROR_SUCCESS);
    memset(buf, 0, sizeof buf);
    size = sizeof buf;
    CHECK_INT(RegQueryValueExW(k, L"bare", NULL, &type, (LPBYTE)buf, &size),
              ERROR_SUCCESS);
    CHECK_INT(size, 3 * sizeof(WCHAR));
    CHECK(buf[3] != 0);
    /* Too small a buffer: ERROR_MORE_DATA, nothing in it to rely on. */
    memset(buf, 0, sizeof buf);
    size = 2;
    CHECK_INT(RegQueryValueExW(k, L"sz", NULL, &type, (LPBYTE)buf, &size),
              ERROR_MORE_DATA);
    CHECK(buf[0] != 0);
    RegCloseKey(k);
}

static void cleanup(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    const WCHAR *names[] = { TEST_SERVICE, TEST_SERVICE L"2" };
    size_t i;

    for (i = 0; scm && i < 2; i++) {
        SC_HANDLE s = OpenServiceW(scm, names[i], DELETE);
        if (s) {
            DeleteService(s);
            CloseServiceHandle(s);
        }
    }
    if (scm)
        CloseServiceHandle(scm);
    RegDeleteKeyW(HKEY_CURRENT_USER, TEST_KEY);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc == 3) {
        for (i = 0; i < NSCENARIOS; i++)
            if (strcmp(argv[2], scenarios[i].name) == 0)
                return scenarios[i].run(strcmp(argv[1], "pass") == 0,
                                        scenarios[i].arg);
        fprintf(stderr, "no scenario %s\n", argv[2]);
        return 2;
    }
    for (i = 0; i < NSCENARIOS; i++) {
        const char *only = argc == 2 ? argv[1] : NULL;

        if (only && strcmp(only, scenarios[i].name) != 0)
            continue;
        check_breach(&scenarios[i]);
        check_pass(&scenarios[i]);
    }
    if (argc == 1)
        unterminated_strings();
    cleanup();
    return tt_summary("test_strict");
}
