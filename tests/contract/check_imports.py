#!/usr/bin/env python3
"""The product targets Windows Server 2003 (_WIN32_WINNT 0x0502): anything
newer must be loaded at run time (GetProcAddress) and its absence handled,
never imported, or the exe would not even load there.  This reads the exe's
import table with objdump and judges every imported function:

  * kernel32, advapi32, iphlpapi, ws2_32: an ALLOW-list.  Microsoft documents
    each of their functions with a "Minimum supported server" in the
    Requirements table of its Microsoft Learn page (learn.microsoft.com,
    Win32 API reference; the same data is the req.target-min-winversvr field
    of the MicrosoftDocs/sdk-api sources).  A function is listed here only
    with that minimum: Windows 2000 Server or Windows Server 2003 (RTM, no
    service pack).  An import not on the list fails, whatever it is: look up
    its Requirements table and add it with the version it names, or load it
    at run time.
  * msvcrt: no such list is public for the system msvcrt.dll, so a DENY-list
    of functions known to be missing from Windows Server 2003's msvcrt.dll:
    the "secure" _s family and the other additions of the Visual C++ 2005
    runtime, which the system msvcrt.dll received with Windows Vista.
  * any other DLL fails: the product links these five only.

Usage: check_imports.py <objdump> <exe>...  Exit 0 when every import passes.
"""
import re
import subprocess
import sys

W2K = "Windows 2000 Server"
W2K3 = "Windows Server 2003"

# name -> minimum supported server, as its Microsoft Learn page states.
ALLOWED = {
    "kernel32.dll": {
        "CloseHandle": W2K, "CreateEventW": W2K, "CreateFileW": W2K,
        "CreatePipe": W2K, "CreateProcessW": W2K, "CreateThread": W2K,
        "DeleteCriticalSection": W2K, "DeleteFileW": W2K, "EnterCriticalSection": W2K,
        "FlushFileBuffers": W2K,
        "FormatMessageW": W2K, "FreeLibrary": W2K, "GetConsoleMode": W2K,
        "GetCurrentProcess": W2K, "GetExitCodeProcess": W2K,
        "GetExitCodeThread": W2K, "GetFileAttributesW": W2K, "GetLastError": W2K,
        "GetLocalTime": W2K, "GetModuleFileNameW": W2K, "GetModuleHandleA": W2K,
        "GetModuleHandleW": W2K, "GetProcAddress": W2K, "GetStartupInfoW": W2K,
        "GetStdHandle": W2K, "GetSystemDirectoryW": W2K,
        "GetSystemTimeAsFileTime": W2K, "GetVersionExW": W2K,
        "GetWindowsDirectoryW": W2K, "InitializeCriticalSection": W2K,
        "IsDBCSLeadByteEx": W2K, "LeaveCriticalSection": W2K, "LoadLibraryA": W2K,
        "LocalFree": W2K, "MultiByteToWideChar": W2K, "PeekNamedPipe": W2K,
        "QueryPerformanceCounter": W2K, "QueryPerformanceFrequency": W2K,
        "ReadFile": W2K, "ResetEvent": W2K, "SetConsoleCtrlHandler": W2K,
        "SetEvent": W2K, "SetHandleInformation": W2K,
        "SetUnhandledExceptionFilter": W2K, "Sleep": W2K, "TerminateProcess": W2K,
        "TlsGetValue": W2K, "VirtualProtect": W2K, "VirtualQuery": W2K,
        "WaitForMultipleObjects": W2K, "WaitForSingleObject": W2K,
        "WideCharToMultiByte": W2K, "WriteConsoleW": W2K, "WriteFile": W2K,
        "CreateToolhelp32Snapshot": W2K, "Process32FirstW": W2K,
        # Who holds a pinned port: iphlpapi.dll loaded by full path, GetExtendedTcpTable
        # looked up in it (Windows Server 2003 SP1).
        "LoadLibraryW": W2K3,
        "Process32NextW": W2K,
        # The x64 structured exception handler the compiler's unwind data
        # names; every x64 Windows exports it (x64 starts with Windows
        # Server 2003 SP1 x64 Edition, the first x64 server).
        "__C_specific_handler": W2K3,
        # Fiber local storage: "Minimum supported server: Windows Server
        # 2003" (the old deny-list had it as the dead entry "FlsAlloc_").
        "FlsAlloc": W2K3,
        # check --reg's wildcards (service/commands/check_many.c); their
        # pages name Windows Server 2003 as the minimum.
        "FindFirstFileW": W2K3, "FindNextFileW": W2K3, "FindClose": W2K3,
    },
    "advapi32.dll": {
        "ChangeServiceConfig2W": W2K, "ChangeServiceConfigW": W2K,
        "CloseServiceHandle": W2K, "ControlService": W2K, "CreateServiceW": W2K,
        "DeleteService": W2K, "DeregisterEventSource": W2K,
        "OpenSCManagerW": W2K, "OpenServiceW": W2K, "QueryServiceStatus": W2K,
        "RegCloseKey": W2K, "RegCreateKeyExW": W2K, "RegDeleteKeyW": W2K,
        "RegDeleteValueW": W2K, "RegNotifyChangeKeyValue": W2K,
        "RegOpenKeyExW": W2K, "RegQueryInfoKeyW": W2K, "RegQueryValueExW": W2K,
        "RegSetValueExW": W2K, "RegisterEventSourceW": W2K,
        "RegisterServiceCtrlHandlerExW": W2K, "ReportEventW": W2K,
        "SetServiceStatus": W2K, "StartServiceCtrlDispatcherW": W2K,
        "OpenEventLogW": W2K, "ReadEventLogW": W2K, "CloseEventLog": W2K,
        "GetNumberOfEventLogRecords": W2K, "GetOldestEventLogRecord": W2K,
        "ConvertStringSecurityDescriptorToSecurityDescriptorW": W2K,
        "RegSetKeySecurity": W2K,
        # check --computer (service/readers/remote.c)
        "RegConnectRegistryW": W2K,
        # Who holds a pinned port (service/readers/tcptable.c); its page
        # lists Windows Server 2003 (and a 64 KB limit on the buffer there).
        "EnumServicesStatusExW": W2K3,
        # Windows 2000 Server; the old deny-list named it by mistake, as the
        # dead entry "QueryServiceConfig2W_".
        "QueryServiceConfig2W": W2K,
    },
    # Nothing is imported from these today; an import must be added here
    # with its documented minimum first.  (GetExtendedTcpTable needs Windows
    # Server 2003 SP1, so service/readers/tcptable.c looks it up at run time.)
    "iphlpapi.dll": {},
    "ws2_32.dll": {},
}

# msvcrt.dll functions Windows Server 2003's msvcrt.dll lacks.
MSVCRT_MISSING = {
    "_snwprintf_s", "_snprintf_s", "sprintf_s", "swprintf_s", "vsprintf_s",
    "vswprintf_s", "_vsnprintf_s", "_vsnwprintf_s", "strcpy_s", "wcscpy_s",
    "strcat_s", "wcscat_s", "strncpy_s", "wcsncpy_s", "strtok_s", "wcstok_s",
    "memcpy_s", "memmove_s", "fopen_s", "_wfopen_s", "_itoa_s", "_itow_s",
    "_ltoa_s", "_ultoa_s", "_i64toa_s", "_ui64toa_s", "_localtime64_s",
    "_gmtime64_s", "_ctime64_s", "localtime_s", "gmtime_s", "_strerror_s",
    "strerror_s", "_wcserror_s", "_get_errno", "_set_errno",
    "_set_invalid_parameter_handler", "_get_invalid_parameter_handler",
    "qsort_s", "bsearch_s", "_vscprintf_p", "_vscwprintf_p", "_dupenv_s",
    "_wdupenv_s", "getenv_s", "_wgetenv_s", "_splitpath_s", "_wsplitpath_s",
    "_makepath_s", "_wmakepath_s", "_strlwr_s", "_strupr_s", "_wcslwr_s",
    "_wcsupr_s", "mbstowcs_s", "wcstombs_s", "_mbstowcs_s_l", "_wcstombs_s_l",
}

CHECKED = dict(ALLOWED)
CHECKED["msvcrt.dll"] = None    # judged by the deny-list


def imports(objdump, exe):
    """{dll (lower case): {function names}} from objdump -p."""
    out = subprocess.run([objdump, "-p", exe], check=True, capture_output=True,
                         text=True).stdout
    found, dll, in_imports = {}, None, False
    for line in out.splitlines():
        if "The Import Tables" in line:
            in_imports = True
        elif in_imports and line.startswith("The ") and "Import" not in line:
            in_imports = False
        elif in_imports and "DLL Name:" in line:
            dll = line.split("DLL Name:")[1].strip().lower()
            found.setdefault(dll, set())
        elif in_imports and dll:
            # "\t<vma>\t <hint>  <name>": one imported function.  The
            # import directory's own rows start with a space and hold hex
            # only (all digits in a 32-bit exe), so they do not match.
            m = re.match(r"^\t[0-9a-fA-F]+\s+\d+\s+([A-Za-z_?@$][\w?@$]*)", line)
            if m:
                found[dll].add(m.group(1))
    return found


def judge(found):
    """The list of problems with an import table, empty when it passes."""
    problems = []
    for dll, names in sorted(found.items()):
        if dll not in CHECKED:
            problems.append("%s: a DLL this check does not know; add its "
                            "documented Windows Server 2003 exports first" % dll)
        elif dll == "msvcrt.dll":
            for n in sorted(names & MSVCRT_MISSING):
                problems.append("msvcrt.dll!%s: not in Windows Server 2003's msvcrt.dll" % n)
        else:
            for n in sorted(names - set(ALLOWED[dll])):
                problems.append("%s!%s: not on the list of functions documented "
                                "for Windows Server 2003 or earlier" % (dll, n))
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    failed = False
    for exe in argv[2:]:
        found = imports(argv[1], exe)
        total = sum(len(v) for v in found.values())
        problems = judge(found)
        print("%s: %d imports from %s" % (exe, total, ", ".join(sorted(found))))
        if not total:
            print("  FAIL no import table read")
            failed = True
        for p in problems:
            print("  FAIL " + p)
        if total and not problems:
            print("  ok   every import exists on Windows Server 2003")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
