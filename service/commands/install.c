/* exchportguard install / configure / uninstall.
 *
 * install writes exactly: the service (image path "<exe>" service, account,
 * start type, description, failure actions, and on Windows 6.0 and later a
 * restricted service SID, no privileges beyond the one Windows never
 * removes, and the delayed-start flag), and the event source key
 * EventLog\Application\ExchPortGuard with EventMessageFile,
 * CategoryMessageFile, CategoryCount and TypesSupported.  uninstall stops
 * the service and removes exactly that.  Both can be run again safely.
 *
 * configure applies the part that Windows Installer's ServiceInstall table
 * cannot express (quoted image path, failure actions, service SID,
 * privileges) to a service that already exists; the MSI runs it as a
 * deferred custom action, and install runs the very same code. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "commands/commands.h"
#include "events/events.h"
#include "monitor/scm_access.h"
#include "winutil.h"

/* The core's access table spells the documented constants itself (it has no
 * windows.h); they must be the SDK's. */
#define EPG_SAME(a) typedef char epg_same_##a[(EPG_##a) == (a) ? 1 : -1]
EPG_SAME(SC_MANAGER_CONNECT);
EPG_SAME(SC_MANAGER_CREATE_SERVICE);
EPG_SAME(SERVICE_QUERY_CONFIG);
EPG_SAME(SERVICE_CHANGE_CONFIG);
EPG_SAME(SERVICE_QUERY_STATUS);
EPG_SAME(SERVICE_START);
EPG_SAME(SERVICE_STOP);
EPG_SAME(DELETE);

#define SERVICE_DISPLAY L"ExchPortGuard"
#define SERVICE_DESCRIPTION \
    L"Watches the Exchange static RPC port values in the registry and writes " \
    L"an event the moment two of them hold the same TCP port."
#define EVENT_SOURCE_KEY \
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\" \
    L"" EPG_SERVICE_NAME
#define STOP_TIMEOUT_MS 30000

/* Info levels and structures of ChangeServiceConfig2W from Windows 6.0 on,
 * declared here with the documented values: not every SDK declares them when
 * targeting Windows Server 2003 (_WIN32_WINNT 0x0502).  Older systems
 * reject them with ERROR_INVALID_LEVEL, which is why they are only asked
 * for on 6.0 and later. */
#define EPG_CONFIG_DELAYED_AUTO_START 3
#define EPG_CONFIG_FAILURE_ACTIONS_FLAG 4
#define EPG_CONFIG_SERVICE_SID 5
#define EPG_CONFIG_REQUIRED_PRIVILEGES 6
#define EPG_SID_TYPE_RESTRICTED 3
typedef struct { BOOL delayed; } epg_delayed_info;
typedef struct { BOOL on_non_crash_failures; } epg_failure_flag_info;
typedef struct { DWORD sid_type; } epg_sid_info;
typedef struct { WCHAR *privileges; } epg_privileges_info;

typedef struct install_options {
    const WCHAR *account;       /* NULL: LocalSystem */
    const char *account_name;
    DWORD start;
    int delayed;
} install_options;

/* Says what failed; for access denied, that an administrator is needed. */
static int fail(const char *cmd, const char *what, DWORD err)
{
    char *text = win32_error_text(err);

    if (err == ERROR_ACCESS_DENIED)
        complain("exchportguard %s: administrator rights are needed; run it "
                 "from an elevated command prompt.\n  %s failed: %s (error %lu)\n",
                 cmd, what, text ? text : "", (unsigned long)err);
    else
        complain("exchportguard %s: %s failed: %s (error %lu)\n", cmd, what,
                 text ? text : "", (unsigned long)err);
    free(text);
    return 1;
}

static int parse_options(int argc, WCHAR **argv, install_options *o)
{
    int i;

    o->account = L"NT AUTHORITY\\LocalService";
    o->account_name = "NT AUTHORITY\\LocalService";
    o->start = SERVICE_AUTO_START;
    o->delayed = 0;
    for (i = 0; i < argc; i++) {
        const WCHAR *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!wcscmp(argv[i], L"--account") && v) {
            if (!_wcsicmp(v, L"LocalService")) {
                o->account = L"NT AUTHORITY\\LocalService";
                o->account_name = "NT AUTHORITY\\LocalService";
            } else if (!_wcsicmp(v, L"NetworkService")) {
                o->account = L"NT AUTHORITY\\NetworkService";
                o->account_name = "NT AUTHORITY\\NetworkService";
            } else if (!_wcsicmp(v, L"LocalSystem")) {
                o->account = NULL;
                o->account_name = "LocalSystem";
            } else {
                complain("exchportguard install: --account must be LocalService, "
                         "NetworkService or LocalSystem\n");
                return -1;
            }
            i++;
        } else if (!wcscmp(argv[i], L"--start") && v) {
            if (!_wcsicmp(v, L"auto")) {
                o->start = SERVICE_AUTO_START;
            } else if (!_wcsicmp(v, L"delayed")) {
                o->start = SERVICE_AUTO_START;
                o->delayed = 1;
            } else if (!_wcsicmp(v, L"demand")) {
                o->start = SERVICE_DEMAND_START;
            } else {
                complain("exchportguard install: --start must be auto, delayed "
                         "or demand\n");
                return -1;
            }
            i++;
        } else {
            char *bad = utf8_from_wide(argv[i]);
            complain("exchportguard install: unknown or incomplete option \"%s\"\n\n",
                     bad ? bad : "?");
            free(bad);
            return -1;
        }
    }
    return 0;
}

/* Full path of this exe; malloc'd. */
static WCHAR *exe_path(DWORD *err)
{
    DWORD size = MAX_PATH, n;
    WCHAR *p = NULL;

    for (;;) {
        WCHAR *q = realloc(p, size * sizeof *p);
        if (!q) {
            free(p);
            *err = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        p = q;
        n = GetModuleFileNameW(NULL, p, size);
        if (n == 0) {
            *err = GetLastError();
            free(p);
            return NULL;
        }
        if (n < size)
            return p;
        size *= 2;  /* truncated: try a larger buffer */
    }
}

static DWORD set_config2(SC_HANDLE svc, DWORD level, void *info)
{
    return ChangeServiceConfig2W(svc, level, info) ? 0 : GetLastError();
}

/* A setting that exists from Windows 6.0 on.  An SCM that does not know
 * the info level answers ERROR_INVALID_LEVEL: Windows before 6.0 (not asked
 * at all, see configure) and Wine 8.0, whose SCM lacks SERVICE_SID_INFO and
 * REQUIRED_PRIVILEGES_INFO.  That is said and skipped; any other failure is
 * an error. */
static int optional_config2(const char *cmd, SC_HANDLE svc, DWORD level, void *info,
                            const char *what)
{
    DWORD err = set_config2(svc, level, info);

    if (err == ERROR_INVALID_LEVEL) {
        say("Note: this Service Control Manager does not support %s; skipped.\n",
            what);
        return 0;
    }
    if (err) {
        char buf[128];
        snprintf(buf, sizeof buf, "setting %s", what);
        return fail(cmd, buf, err);
    }
    return 0;
}

/* Image path, description, failure actions and, from Windows 6.0 on, the
 * hardening.  delayed < 0 leaves the delayed-start flag as it is. */
static int configure_service(const char *cmd, SC_HANDLE svc, const WCHAR *image,
                             int delayed)
{
    SERVICE_DESCRIPTIONW desc;
    SC_ACTION actions[3];
    SERVICE_FAILURE_ACTIONSW fa;
    epg_sid_info sid;
    epg_privileges_info priv;
    epg_delayed_info delayed_info;
    epg_failure_flag_info flag;
    WCHAR privileges[] = L"SeChangeNotifyPrivilege\0";
    DWORD major, minor, err;

    /* Quoted, so a path with spaces (Program Files) is not split.  Windows
     * Installer quotes it too; Wine's does not, which this repairs. */
    if (!ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, SERVICE_NO_CHANGE,
                              SERVICE_NO_CHANGE, image, NULL, NULL, NULL, NULL,
                              NULL, NULL))
        return fail(cmd, "setting the image path", GetLastError());
    desc.lpDescription = SERVICE_DESCRIPTION;
    if ((err = set_config2(svc, SERVICE_CONFIG_DESCRIPTION, &desc)) != 0)
        return fail(cmd, "setting the description", err);

    /* Restart after 60 s twice, then nothing; the count resets after a
     * day without failure. */
    actions[0].Type = SC_ACTION_RESTART;
    actions[0].Delay = 60000;
    actions[1].Type = SC_ACTION_RESTART;
    actions[1].Delay = 60000;
    actions[2].Type = SC_ACTION_NONE;
    actions[2].Delay = 0;
    memset(&fa, 0, sizeof fa);
    fa.dwResetPeriod = 86400;
    fa.cActions = 3;
    fa.lpsaActions = actions;
    /* Wine 8.0 accepts this and keeps nothing (its SCM has a FIXME there),
     * so QueryServiceConfig2 cannot confirm it under Wine. */
    if ((err = set_config2(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa)) != 0)
        return fail(cmd, "setting the failure actions", err);
    say("Failure actions: restart after 60 s, restart after 60 s, then none; "
        "the count resets after 1 day.\n");

    os_version(&major, &minor);
    if (major < 6) {
        say("Windows %lu.%lu: failure actions on a stop with an error, a "
            "restricted service SID, required privileges and delayed start "
            "need Windows 6.0 or later; skipped.\n",
            (unsigned long)major, (unsigned long)minor);
        return 0;
    }
    /* Without this flag the SCM runs the failure actions only when the
     * process dies without reporting STOPPED; the service reports STOPPED
     * with a non-zero exit code when its engine fails, and
     * docs/operations.md promises a restart then too
     * (SERVICE_FAILURE_ACTIONS_FLAG, Windows 6.0 and later). */
    flag.on_non_crash_failures = TRUE;
    if (optional_config2(cmd, svc, EPG_CONFIG_FAILURE_ACTIONS_FLAG, &flag,
                         "failure actions on a stop with an error"))
        return 1;
    /* A write-restricted token: the service only reads the registry and
     * writes events, which the Application log allows to restricted
     * services (S-1-5-33). */
    sid.sid_type = EPG_SID_TYPE_RESTRICTED;
    if (optional_config2(cmd, svc, EPG_CONFIG_SERVICE_SID, &sid,
                         "a restricted service SID"))
        return 1;
    /* SeChangeNotifyPrivilege is never removed (ChangeServiceConfig2
     * documentation), so listing only it means "no privileges". */
    priv.privileges = privileges;
    if (optional_config2(cmd, svc, EPG_CONFIG_REQUIRED_PRIVILEGES, &priv,
                         "required privileges"))
        return 1;
    if (delayed >= 0) {
        delayed_info.delayed = delayed;
        if (optional_config2(cmd, svc, EPG_CONFIG_DELAYED_AUTO_START, &delayed_info,
                             "delayed automatic start"))
            return 1;
    }
    return 0;
}

static int register_event_source(const WCHAR *exe)
{
    HKEY key;
    DWORD disp, count = EPG_CATEGORY_COUNT, types = EVENTLOG_ERROR_TYPE |
                                                    EVENTLOG_WARNING_TYPE |
                                                    EVENTLOG_INFORMATION_TYPE;
    DWORD bytes = (DWORD)((wcslen(exe) + 1) * sizeof(WCHAR));
    LONG rc;

    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0, NULL, 0,
                         KEY_SET_VALUE | EPG_REG_VIEW, NULL, &key, &disp);
    if (rc != ERROR_SUCCESS)
        return fail("install", "creating the event source key", (DWORD)rc);
    /* REG_EXPAND_SZ, as Event Viewer expects for message files. */
    if ((rc = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                             (const BYTE *)exe, bytes)) != ERROR_SUCCESS ||
        (rc = RegSetValueExW(key, L"CategoryMessageFile", 0, REG_EXPAND_SZ,
                             (const BYTE *)exe, bytes)) != ERROR_SUCCESS ||
        (rc = RegSetValueExW(key, L"CategoryCount", 0, REG_DWORD,
                             (const BYTE *)&count, sizeof count)) != ERROR_SUCCESS ||
        (rc = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD,
                             (const BYTE *)&types, sizeof types)) != ERROR_SUCCESS) {
        RegCloseKey(key);
        return fail("install", "writing the event source values", (DWORD)rc);
    }
    RegCloseKey(key);
    return 0;
}

/* "\"<this exe>\" service", malloc'd; *exe receives the bare path. */
static WCHAR *image_path(WCHAR **exe, DWORD *err)
{
    size_t len;
    WCHAR *image;

    *exe = exe_path(err);
    if (!*exe)
        return NULL;
    len = wcslen(*exe) + 16;
    image = malloc(len * sizeof *image);
    if (!image) {
        free(*exe);
        *exe = NULL;
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    _snwprintf(image, len, L"\"%ls\" service", *exe);
    image[len - 1] = L'\0';
    return image;
}

int cmd_configure(int argc, WCHAR **argv)
{
    WCHAR *exe, *image;
    SC_HANDLE scm, svc;
    DWORD err = 0;
    int rc;

    if (argc > 0)
        return bad_option("configure", argv[0]);
    image = image_path(&exe, &err);
    if (!image)
        return fail("configure", "finding this program's path", err);
    scm = OpenSCManagerW(NULL, NULL, epg_scm_access(EPG_SCMH_CONFIGURE_MANAGER));
    if (!scm) {
        rc = fail("configure", "opening the Service Control Manager", GetLastError());
    } else {
        svc = OpenServiceW(scm, L"" EPG_SERVICE_NAME,
                           epg_scm_access(EPG_SCMH_CONFIGURE_SERVICE));
        if (!svc) {
            rc = fail("configure", "opening the ExchPortGuard service", GetLastError());
        } else {
            rc = configure_service("configure", svc, image, -1);
            CloseServiceHandle(svc);
        }
        CloseServiceHandle(scm);
    }
    if (rc == 0)
        say("Configured the ExchPortGuard service.\n");
    free(image);
    free(exe);
    return rc;
}

int cmd_install(int argc, WCHAR **argv)
{
    install_options o;
    WCHAR *exe, *image;
    SC_HANDLE scm, svc;
    DWORD err = 0;
    int rc = 1, existed = 0;

    if (parse_options(argc, argv, &o)) {
        usage(1);
        return EXIT_USAGE;
    }
    image = image_path(&exe, &err);
    if (!image)
        return fail("install", "finding this program's path", err);

    scm = OpenSCManagerW(NULL, NULL, epg_scm_access(EPG_SCMH_INSTALL_MANAGER));
    if (!scm) {
        rc = fail("install", "opening the Service Control Manager", GetLastError());
        goto out;
    }
    svc = CreateServiceW(scm, L"" EPG_SERVICE_NAME, SERVICE_DISPLAY,
                         epg_scm_access(EPG_SCMH_INSTALL_SERVICE),
                         SERVICE_WIN32_OWN_PROCESS, o.start, SERVICE_ERROR_NORMAL,
                         image, NULL, NULL, NULL, o.account, NULL);
    if (!svc && GetLastError() == ERROR_SERVICE_EXISTS) {
        /* Installed already: bring it to the requested configuration. */
        existed = 1;
        svc = OpenServiceW(scm, L"" EPG_SERVICE_NAME,
                           epg_scm_access(EPG_SCMH_INSTALL_SERVICE));
        if (svc && !ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, o.start,
                                         SERVICE_ERROR_NORMAL, image, NULL, NULL,
                                         NULL, o.account ? o.account : L"LocalSystem",
                                         L"", SERVICE_DISPLAY)) {
            err = GetLastError();
            CloseServiceHandle(svc);
            CloseServiceHandle(scm);
            rc = fail("install", "updating the existing service", err);
            goto out;
        }
    }
    if (!svc) {
        err = GetLastError();
        CloseServiceHandle(scm);
        rc = fail("install", "creating the service", err);
        goto out;
    }
    rc = configure_service("install", svc, image, o.delayed);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    if (rc == 0)
        rc = register_event_source(exe);
    if (rc == 0) {
        char *p = utf8_from_wide(image);
        say("%s the ExchPortGuard service (%s, start %s) and its event source.\n"
            "Image path: %s\n"
            "Start it with: sc start ExchPortGuard\n",
            existed ? "Updated" : "Installed", o.account_name,
            o.delayed ? "delayed" : o.start == SERVICE_AUTO_START ? "auto" : "demand",
            p ? p : "");
        free(p);
    }
out:
    free(image);
    free(exe);
    return rc;
}

/* Stops the service and waits until it is stopped. */
static int stop_service(SC_HANDLE svc)
{
    SERVICE_STATUS st;
    uint64_t deadline = clock_ms() + STOP_TIMEOUT_MS;

    if (!QueryServiceStatus(svc, &st))
        return fail("uninstall", "querying the service", GetLastError());
    if (st.dwCurrentState == SERVICE_STOPPED)
        return 0;
    if (st.dwCurrentState != SERVICE_STOP_PENDING) {
        say("Stopping the ExchPortGuard service...\n");
        if (!ControlService(svc, SERVICE_CONTROL_STOP, &st) &&
            GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
            return fail("uninstall", "stopping the service", GetLastError());
    }
    while (st.dwCurrentState != SERVICE_STOPPED) {
        if (clock_ms() > deadline) {
            complain("exchportguard uninstall: the service did not stop within "
                     "%u seconds; it is removed once it stops\n",
                     STOP_TIMEOUT_MS / 1000);
            return 0;
        }
        Sleep(100);
        if (!QueryServiceStatus(svc, &st))
            return fail("uninstall", "querying the service", GetLastError());
    }
    return 0;
}

/* Returns 0 or the exit code of a failure; *removed says whether there was
 * anything to remove, so a second uninstall does not claim it again. */
static int remove_event_source(int *removed)
{
    static const WCHAR *const values[] = {
        L"EventMessageFile", L"CategoryMessageFile", L"CategoryCount",
        L"TypesSupported"
    };
    HKEY key;
    LONG rc;
    size_t i;
    DWORD subkeys = 0, nvalues = 0;

    *removed = 0;
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0,
                       KEY_SET_VALUE | KEY_QUERY_VALUE | EPG_REG_VIEW, &key);
    if (rc == ERROR_FILE_NOT_FOUND)
        return 0;
    *removed = 1;
    if (rc != ERROR_SUCCESS)
        return fail("uninstall", "opening the event source key", (DWORD)rc);
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        rc = RegDeleteValueW(key, values[i]);
        if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) {
            RegCloseKey(key);
            return fail("uninstall", "removing the event source values", (DWORD)rc);
        }
    }
    RegQueryInfoKeyW(key, NULL, NULL, NULL, &subkeys, NULL, NULL, &nvalues,
                     NULL, NULL, NULL, NULL);
    RegCloseKey(key);
    /* Remove the key install created, unless someone else put something
     * in it; that is theirs to keep. */
    if (subkeys || nvalues) {
        say("The event source key holds values ExchPortGuard did not write; "
            "it was left in place.\n");
        return 0;
    }
    rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY);
    if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND)
        return fail("uninstall", "deleting the event source key", (DWORD)rc);
    return 0;
}

int cmd_uninstall(int argc, WCHAR **argv)
{
    SC_HANDLE scm, svc;
    int rc = 0, removed;
    DWORD err;

    if (argc > 0)
        return bad_option("uninstall", argv[0]);
    scm = OpenSCManagerW(NULL, NULL, epg_scm_access(EPG_SCMH_UNINSTALL_MANAGER));
    if (!scm)
        return fail("uninstall", "opening the Service Control Manager", GetLastError());
    svc = OpenServiceW(scm, L"" EPG_SERVICE_NAME,
                       epg_scm_access(EPG_SCMH_UNINSTALL_SERVICE));
    if (!svc) {
        err = GetLastError();
        CloseServiceHandle(scm);
        if (err != ERROR_SERVICE_DOES_NOT_EXIST)
            return fail("uninstall", "opening the service", err);
        say("The ExchPortGuard service is not installed.\n");
    } else {
        rc = stop_service(svc);
        if (rc == 0 && !DeleteService(svc) &&
            GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
            rc = fail("uninstall", "deleting the service", GetLastError());
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        if (rc)
            return rc;
        say("Removed the ExchPortGuard service.\n");
    }
    rc = remove_event_source(&removed);
    if (rc == 0)
        say(removed ? "Removed the ExchPortGuard event source.\n"
                    : "The ExchPortGuard event source is not registered.\n");
    return rc;
}
