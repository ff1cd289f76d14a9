#!/usr/bin/env python3
"""The product targets Windows Server 2003 (_WIN32_WINNT 0x0502): anything
newer must be loaded at run time (GetProcAddress) and its absence handled,
never imported, or the exe would not even load there.  This reads the
exe's import table with objdump and fails on any function Windows Server
2003 lacks, from a list of those a service like this could reach for."""
import subprocess
import sys

# kernel32/advapi32 functions that exist only from Windows Vista/2008 on.
NEWER = {
    "GetTickCount64", "InterlockedCompareExchange64", "InitOnceExecuteOnce",
    "InitOnceBeginInitialize", "InitializeConditionVariable", "SleepConditionVariableCS",
    "WakeConditionVariable", "InitializeSRWLock", "AcquireSRWLockExclusive",
    "CreateEventExW", "CreateMutexExW", "CreateSemaphoreExW", "CreateWaitableTimerExW",
    "CancelSynchronousIo", "CancelIoEx", "GetFinalPathNameByHandleW",
    "CreateSymbolicLinkW", "QueryFullProcessImageNameW", "GetProductInfo",
    "RegDeleteTreeW", "RegGetValueW", "RegCopyTreeW", "RegLoadMUIStringW",
    "RegDeleteKeyExW", "RegSetKeyValueW", "RegDeleteKeyValueW",
    "EvtQuery", "EvtNext", "EvtRender", "EventRegister", "EventWrite",
    "NotifyServiceStatusChangeW", "ControlServiceExW", "QueryServiceConfig2W_",
    "LocaleNameToLCID", "GetLocaleInfoEx", "FormatMessageEx", "GetThreadId",
    "GetProcessIdOfThread", "SetFileInformationByHandle", "GetQueuedCompletionStatusEx",
    "FlsAlloc_", "RaiseFailFastException", "GetErrorMode", "Wow64DisableWow64FsRedirection_",
}

failed = False
for exe in sys.argv[2:]:
    out = subprocess.run([sys.argv[1], "-p", exe], check=True, capture_output=True,
                         text=True).stdout
    names = set()
    in_imports = False
    for line in out.splitlines():
        if "The Import Tables" in line:
            in_imports = True
        elif in_imports and line.startswith("The ") and "Import" not in line:
            in_imports = False
        elif in_imports:
            parts = line.split()
            if len(parts) >= 3 and parts[1].isdigit():
                names.add(parts[2])
    bad = sorted(names & NEWER)
    print("%s: %d imports%s" % (exe, len(names), "; newer than Windows Server 2003: "
                                + ", ".join(bad) if bad else ", all on Windows Server 2003"))
    if not names:
        print("  FAIL no import table read")
        failed = True
    failed |= bool(bad)
sys.exit(1 if failed else 0)
