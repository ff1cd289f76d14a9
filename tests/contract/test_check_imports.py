#!/usr/bin/env python3
"""check_imports.py judges what it is given: documented functions pass,
anything newer or unknown fails, on import tables made up for the purpose
(the real exes are checked by installer.imports_2003)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_imports  # noqa: E402

failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)


ok = {"kernel32.dll": {"CreatePipe", "FlsAlloc"},
      "advapi32.dll": {"ChangeServiceConfig2W", "QueryServiceConfig2W"},
      "msvcrt.dll": {"malloc", "_snwprintf"}}
check(check_imports.judge(ok) == [], "documented Windows 2000/2003 functions pass")

cases = [
    ({"kernel32.dll": {"GetTickCount64"}}, "kernel32.dll!GetTickCount64"),
    ({"kernel32.dll": {"Wow64DisableWow64FsRedirection"}},
     "kernel32.dll!Wow64DisableWow64FsRedirection"),   # Server 2003 SP1
    ({"advapi32.dll": {"RegGetValueW"}}, "advapi32.dll!RegGetValueW"),
    ({"kernel32.dll": {"NoSuchFunction"}}, "kernel32.dll!NoSuchFunction"),
    ({"iphlpapi.dll": {"GetExtendedTcpTable"}}, "iphlpapi.dll!GetExtendedTcpTable"),
    ({"ws2_32.dll": {"WSAStartup"}}, "ws2_32.dll!WSAStartup"),
    ({"msvcrt.dll": {"_snwprintf_s"}}, "msvcrt.dll!_snwprintf_s"),
    ({"user32.dll": {"MessageBoxW"}}, "user32.dll"),
]
for table, name in cases:
    problems = check_imports.judge(table)
    check(len(problems) == 1 and problems[0].startswith(name),
          "%s fails (%s)" % (name, problems))

# No entry of either list is dead: every name is a plain identifier (the
# old deny-list had three ending in "_", which could never match).
names = [n for d in check_imports.ALLOWED.values() for n in d] + \
    sorted(check_imports.MSVCRT_MISSING)
check(all(n.replace("_", "a").isalnum() and not n.endswith("_") for n in names),
      "no list entry ends in '_' or holds anything but a name")
check(all(v in (check_imports.W2K, check_imports.W2K3)
          for d in check_imports.ALLOWED.values() for v in d.values()),
      "every allowed function names its documented minimum server")

if failures:
    print("check_imports: %d failure(s)" % len(failures))
    sys.exit(1)
print("check_imports: all checks passed")
