/* The strict build's shim (tests/strict/README.md): force-included
 * (-include) first into every translation unit of service/ in the
 * win64-strict preset (EPG_STRICT_WIN32=ON), never in a release build.
 *
 * It includes <windows.h> and then renames each wrapped Win32 call to its
 * wrapper in strict_win32.c, which checks what Microsoft documents and Wine
 * does not, calls the real function, and on a breach prints
 *   STRICT WIN32 BREACH: <call>(<argument>): <documented rule> (<source>)
 * to stderr and to the file named by EPG_STRICT_LOG, then ends the process
 * with exit code 0xE57.  A macro, not -Wl,--wrap: mingw-w64's headers
 * declare these functions dllimport, so the code calls through the import
 * pointer (__imp_RegSetValueExW), which --wrap does not see. */
#ifndef EPG_STRICT_WIN32_H
#define EPG_STRICT_WIN32_H

#include <windows.h>
#include <winreg.h>
#include <winsvc.h>

/* The exit code of a process that breached a rule. */
#define STRICT_WIN32_EXIT 0xE57u
/* The most WCHARs one WriteConsoleW call may write (strict_win32.c). */
#define STRICT_CONSOLE_MAX_CHARS 16383u

#ifndef REG_NOTIFY_THREAD_AGNOSTIC
#define REG_NOTIFY_THREAD_AGNOSTIC 0x10000000L
#endif

LONG WINAPI strict_RegOpenKeyExW(HKEY key, LPCWSTR sub, DWORD options,
                                 REGSAM sam, PHKEY result);
LONG WINAPI strict_RegCreateKeyExW(HKEY key, LPCWSTR sub, DWORD reserved,
                                   LPWSTR cls, DWORD options, REGSAM sam,
                                   LPSECURITY_ATTRIBUTES sa, PHKEY result,
                                   LPDWORD disposition);
LONG WINAPI strict_RegConnectRegistryW(LPCWSTR machine, HKEY key, PHKEY result);
LONG WINAPI strict_RegCloseKey(HKEY key);
LONG WINAPI strict_RegSetValueExW(HKEY key, LPCWSTR name, DWORD reserved,
                                  DWORD type, const BYTE *data, DWORD size);
LONG WINAPI strict_RegQueryValueExW(HKEY key, LPCWSTR name, LPDWORD reserved,
                                    LPDWORD type, LPBYTE data, LPDWORD size);
LONG WINAPI strict_RegEnumValueW(HKEY key, DWORD index, LPWSTR name,
                                 LPDWORD name_len, LPDWORD reserved,
                                 LPDWORD type, LPBYTE data, LPDWORD size);
LONG WINAPI strict_RegQueryInfoKeyW(HKEY key, LPWSTR cls, LPDWORD cls_len,
                                    LPDWORD reserved, LPDWORD subkeys,
                                    LPDWORD max_subkey, LPDWORD max_class,
                                    LPDWORD values, LPDWORD max_value_name,
                                    LPDWORD max_value, LPDWORD sd_size,
                                    PFILETIME written);
LONG WINAPI strict_RegDeleteValueW(HKEY key, LPCWSTR name);
LONG WINAPI strict_RegNotifyChangeKeyValue(HKEY key, BOOL subtree, DWORD filter,
                                           HANDLE event, BOOL async);

SC_HANDLE WINAPI strict_OpenSCManagerW(LPCWSTR machine, LPCWSTR db, DWORD access);
SC_HANDLE WINAPI strict_OpenServiceW(SC_HANDLE scm, LPCWSTR name, DWORD access);
SC_HANDLE WINAPI strict_CreateServiceW(SC_HANDLE scm, LPCWSTR name,
                                       LPCWSTR display, DWORD access, DWORD type,
                                       DWORD start, DWORD error, LPCWSTR path,
                                       LPCWSTR group, LPDWORD tag, LPCWSTR deps,
                                       LPCWSTR user, LPCWSTR password);
BOOL WINAPI strict_CloseServiceHandle(SC_HANDLE h);
BOOL WINAPI strict_ChangeServiceConfigW(SC_HANDLE svc, DWORD type, DWORD start,
                                        DWORD error, LPCWSTR path, LPCWSTR group,
                                        LPDWORD tag, LPCWSTR deps, LPCWSTR user,
                                        LPCWSTR password, LPCWSTR display);
BOOL WINAPI strict_ChangeServiceConfig2W(SC_HANDLE svc, DWORD level, LPVOID info);
BOOL WINAPI strict_QueryServiceStatus(SC_HANDLE svc, LPSERVICE_STATUS st);
BOOL WINAPI strict_QueryServiceStatusEx(SC_HANDLE svc, SC_STATUS_TYPE level,
                                        LPBYTE buf, DWORD size, LPDWORD needed);
BOOL WINAPI strict_StartServiceW(SC_HANDLE svc, DWORD argc, LPCWSTR *argv);
BOOL WINAPI strict_ControlService(SC_HANDLE svc, DWORD control,
                                  LPSERVICE_STATUS st);
BOOL WINAPI strict_DeleteService(SC_HANDLE svc);
BOOL WINAPI strict_EnumServicesStatusExW(SC_HANDLE scm, SC_ENUM_TYPE level,
                                         DWORD type, DWORD state, LPBYTE buf,
                                         DWORD size, LPDWORD needed,
                                         LPDWORD returned, LPDWORD resume,
                                         LPCWSTR group);

DWORD WINAPI strict_WaitForSingleObject(HANDLE h, DWORD ms);
DWORD WINAPI strict_WaitForMultipleObjects(DWORD n, const HANDLE *h, BOOL all,
                                           DWORD ms);
BOOL WINAPI strict_CloseHandle(HANDLE h);
BOOL WINAPI strict_WriteConsoleW(HANDLE h, const VOID *buf, DWORD n,
                                 LPDWORD written, LPVOID reserved);
BOOL WINAPI strict_ReportEventW(HANDLE log, WORD type, WORD category, DWORD id,
                                PSID sid, WORD nstrings, DWORD datasize,
                                LPCWSTR *strings, LPVOID data);

/* strict_win32.c calls the real functions. */
#ifndef STRICT_WIN32_IMPL
#define RegOpenKeyExW strict_RegOpenKeyExW
#define RegCreateKeyExW strict_RegCreateKeyExW
#define RegConnectRegistryW strict_RegConnectRegistryW
#define RegCloseKey strict_RegCloseKey
#define RegSetValueExW strict_RegSetValueExW
#define RegQueryValueExW strict_RegQueryValueExW
#define RegEnumValueW strict_RegEnumValueW
#define RegQueryInfoKeyW strict_RegQueryInfoKeyW
#define RegDeleteValueW strict_RegDeleteValueW
#define RegNotifyChangeKeyValue strict_RegNotifyChangeKeyValue
#define OpenSCManagerW strict_OpenSCManagerW
#define OpenServiceW strict_OpenServiceW
#define CreateServiceW strict_CreateServiceW
#define CloseServiceHandle strict_CloseServiceHandle
#define ChangeServiceConfigW strict_ChangeServiceConfigW
#define ChangeServiceConfig2W strict_ChangeServiceConfig2W
#define QueryServiceStatus strict_QueryServiceStatus
#define QueryServiceStatusEx strict_QueryServiceStatusEx
#define StartServiceW strict_StartServiceW
#define ControlService strict_ControlService
#define DeleteService strict_DeleteService
#define EnumServicesStatusExW strict_EnumServicesStatusExW
#define WaitForSingleObject strict_WaitForSingleObject
#define WaitForMultipleObjects strict_WaitForMultipleObjects
#define CloseHandle strict_CloseHandle
#define WriteConsoleW strict_WriteConsoleW
#define ReportEventW strict_ReportEventW
#endif

#endif
