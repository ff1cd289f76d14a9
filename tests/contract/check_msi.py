#!/usr/bin/env python3
"""The MSI's tables, read with msiinfo: the ServiceInstall, ServiceControl,
Registry, CustomAction and upgrade rows installer/exchportguard.wxs designs,
and the product version taken from the project version."""
import argparse
import subprocess
import sys

failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)


def table(msi, name):
    out = subprocess.run(["msiinfo", "export", msi, name], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    cols = out[0].split("\t")
    return [dict(zip(cols, line.split("\t"))) for line in out[3:] if line]


ap = argparse.ArgumentParser()
ap.add_argument("--msi", required=True)
ap.add_argument("--version", required=True)
args = ap.parse_args()
msi = args.msi

# msidbServiceInstall: SERVICE_WIN32_OWN_PROCESS 0x10, SERVICE_AUTO_START 2,
# SERVICE_ERROR_NORMAL 1 with msidbServiceInstallErrorControlVital 0x8000,
# as the WiX Toolset writes Vital="yes" (wixl's output is patched to match,
# installer/CMakeLists.txt).
svc = table(msi, "ServiceInstall")
check(len(svc) == 1, "one ServiceInstall row")
if svc:
    s = svc[0]
    check(s["Name"] == "ExchPortGuard", "service name ExchPortGuard")
    check(s["ServiceType"] == "16", "own process")
    check(s["StartType"] == "2", "automatic start")
    check(s["ErrorControl"] == str(0x8000 | 1), "normal error control, vital (%s)"
          % s["ErrorControl"])
    check(s["StartName"] == r"NT AUTHORITY\LocalService", "runs as LocalService")
    check(s["Arguments"] == "service", "started with the argument 'service'")
    check("Exchange" in s["Description"], "has a description")

# msidbServiceControlEvent: start on install 1, stop on install 2, stop on
# uninstall 32, delete on uninstall 128.
ctl = table(msi, "ServiceControl")
check(len(ctl) == 1 and ctl[0]["Name"] == "ExchPortGuard", "one ServiceControl row")
if ctl:
    check(int(ctl[0]["Event"]) == 1 | 2 | 32 | 128,
          "start on install, stop on both, delete on uninstall (%s)" % ctl[0]["Event"])
    check(ctl[0]["Wait"] == "1", "waits for the service")

reg = {r["Name"]: r for r in table(msi, "Registry")}
key = r"SYSTEM\CurrentControlSet\Services\EventLog\Application\ExchPortGuard"
for name, value in (("EventMessageFile", "#%[#ExchPortGuardExe]"),
                    ("CategoryMessageFile", "#%[#ExchPortGuardExe]"),
                    ("CategoryCount", "#3"), ("TypesSupported", "#7")):
    r = reg.get(name)
    check(r is not None and r["Root"] == "2" and r["Key"].rstrip("\\") == key and
          r["Value"] == value, "Registry: HKLM\\...\\ExchPortGuard %s = %s (%s)"
          % (name, value, r and r["Value"]))

# ForceCreateOnInstall + ForceDeleteOnUninstall: the "*" row WiX writes.
star = [r for r in table(msi, "Registry") if r["Name"] == "*"]
check(len(star) == 1 and star[0]["Root"] == "2" and star[0]["Key"].rstrip("\\") == key and
      star[0]["Value"] == "" and star[0]["Component_"] == "ExchPortGuardService",
      "Registry: one '*' row for the event source key (create on install, delete on "
      "uninstall): %s" % star)

ca = {r["Action"]: r for r in table(msi, "CustomAction")}
c = ca.get("ConfigureExchPortGuard")
# 18 (exe from an installed file) + 1024 (deferred) + 2048 (no impersonation)
check(c is not None and int(c["Type"]) == 18 | 1024 | 2048 and c["Target"] == "configure"
      and c["Source"] == "ExchPortGuardExe",
      "deferred, elevated custom action: exchportguard.exe configure")
seq = {r["Action"]: r for r in table(msi, "InstallExecuteSequence")}
if c is not None:
    s = int(seq["ConfigureExchPortGuard"]["Sequence"])
    check(int(seq["InstallServices"]["Sequence"]) < s < int(seq["StartServices"]["Sequence"]),
          "configure runs after InstallServices and before StartServices")
    check(seq["ConfigureExchPortGuard"]["Condition"] == 'NOT REMOVE~="ALL"',
          "and not on removal")
rep = int(seq["RemoveExistingProducts"]["Sequence"])
check("InstallExecute" in seq and
      int(seq["StartServices"]["Sequence"]) < int(seq["InstallExecute"]["Sequence"]) < rep
      < int(seq["InstallFinalize"]["Sequence"]),
      "major upgrade removes the old product after the new one is installed "
      "(afterInstallExecute: the service is never deleted and re-created)")

up = table(msi, "Upgrade")
check(any(u["Attributes"] == "1" or "WIX_UPGRADE_DETECTED" in u["ActionProperty"] for u in up),
      "Upgrade table detects older versions")
props = {r["Property"]: r["Value"] for r in table(msi, "Property")}
check(props.get("ProductVersion") == args.version, "ProductVersion %s" % args.version)
check(props.get("ALLUSERS") == "1", "per-machine")
check(props.get("UpgradeCode") == "{8F5157F2-E7E1-4761-BD4C-87FB083A5E31}",
      "the UpgradeCode that never changes")
comp = table(msi, "Component")
# msidbComponentAttributes64bit = 256
check(comp and all(int(x["Attributes"]) & 256 for x in comp), "64-bit components")
dirs = {d["Directory"]: d for d in table(msi, "Directory")}
check("ProgramFiles64Folder" in dirs and dirs.get("INSTALLDIR", {}).get("DefaultDir") ==
      "ExchPortGuard", "installs to Program Files\\ExchPortGuard")

if failures:
    print("msi tables: %d failure(s)" % len(failures))
    sys.exit(1)
print("msi tables: all checks passed")
