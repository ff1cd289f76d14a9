#!/usr/bin/env python3
"""Benchmarks of the registry export reader (the Linux build, linux-release
preset; see docs/performance.md "Registry exports"):

  export  a generated, realistic UTF-16LE export of a busy server's whole
          HKLM\\SYSTEM (two control sets, thousands of services, long
          binary values continued over many lines, the Exchange keys in the
          middle), checked with `exchportguard check --reg`; next to it, in
          the same run, `iconv -f UTF-16LE -t UTF-8` on the same file (the
          decode floor).  Budgets: at least half of iconv's throughput, peak
          memory (maximum resident set) under 16 MB.
  fleet   200 exports of ~1 MB checked in one run: total time, and the
          per-file median from the progress lines on stderr.

  scripts/bench_export.py [--smoke] EXE WORKDIR
--smoke uses tiny sizes so the benchmark cannot rot; budgets are then not
judged (start-up dominates)."""
import os
import statistics
import subprocess
import sys
import time

smoke = "--smoke" in sys.argv[1:]
pos = [a for a in sys.argv[1:] if not a.startswith("--")]
EXE, WORK = pos[0], pos[1]
os.makedirs(WORK, exist_ok=True)

SIZE = (4 if smoke else 200) * 1024 * 1024
FLEET = 5 if smoke else 200
FLEET_SIZE = (64 if smoke else 1024) * 1024

EXCHANGE = (
    '[HKEY_LOCAL_MACHINE\\SYSTEM\\{cs}\\Services\\MSExchangeIS\\ParametersSystem]\r\n'
    '"TCP/IP Port"=dword:{p1:08x}\r\n"Rpc/HTTP Port"=dword:00001771\r\n\r\n'
    '[HKEY_LOCAL_MACHINE\\SYSTEM\\{cs}\\Services\\MSExchangeSA\\Parameters]\r\n'
    '"TCP/IP NSPI Port"=dword:{p2:08x}\r\n"HTTP Port"=dword:00001772\r\n'
    '"Rpc/HTTP NSPI Port"=dword:00001774\r\n\r\n')


def service(cs, i):
    """One service key of a busy server: a Security descriptor continued
    over lines as regedit writes it, strings, a REG_MULTI_SZ, DWORDs."""
    sec = ",".join("%02x" % ((i * 7 + k) & 0xFF) for k in range(180))
    parts = sec.split(",")
    lines = []
    row = '"Security"=hex:'
    for k, b in enumerate(parts):
        row += b + ("," if k + 1 < len(parts) else "")
        if len(row) > 76 and k + 1 < len(parts):
            lines.append(row + "\\")
            row = "  "
    lines.append(row)
    deps = ",".join("%02x,00" % ord(c) for c in "RpcSs\0Tcpip\0\0")
    return ("[HKEY_LOCAL_MACHINE\\SYSTEM\\%s\\Services\\Svc%05d]\r\n"
            '"DisplayName"="Service number %d with a realistic display name"\r\n'
            '"ImagePath"=hex(2):%s\r\n'
            '"ObjectName"="NT AUTHORITY\\\\LocalService"\r\n'
            '"Start"=dword:00000002\r\n"Type"=dword:00000010\r\n'
            '"ErrorControl"=dword:00000001\r\n'
            '"DependOnService"=hex(7):%s\r\n\r\n'
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\%s\\Services\\Svc%05d\\Security]\r\n"
            "%s\r\n\r\n"
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\%s\\Services\\Svc%05d\\Parameters]\r\n"
            '"ServiceDll"="C:\\\\Windows\\\\system32\\\\svc%05d.dll"\r\n\r\n'
            % (cs, i, i, ",".join("%02x,00" % ord(c) for c in
                                  "%%SystemRoot%%\\system32\\svc%05d.exe" % i) + ",00,00",
               deps, cs, i, "\r\n".join(lines), cs, i, i))


def make_export(path, size, p1=6001, p2=6001):
    """Writes about size bytes of UTF-16LE export; returns the real size."""
    half = size // 2
    with open(path, "wb") as f:
        f.write("\ufeffWindows Registry Editor Version 5.00\r\n\r\n"
                "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000001\r\n"
                "\"Default\"=dword:00000001\r\n\r\n".encode("utf-16-le"))
        for cs in ("ControlSet001", "ControlSet002"):
            written, i, block = 0, 0, []
            target = half - 64
            placed = False
            while written < target:
                text = service(cs, i)
                i += 1
                if not placed and written >= target // 2:
                    text += EXCHANGE.format(cs=cs, p1=p1, p2=p2)
                    placed = True
                block.append(text)
                if len(block) == 20:
                    data = "".join(block).encode("utf-16-le")
                    f.write(data)
                    written += len(data)
                    block = []
            if block:
                f.write("".join(block).encode("utf-16-le"))
            if not placed:
                f.write(EXCHANGE.format(cs=cs, p1=p1, p2=p2).encode("utf-16-le"))
    return os.path.getsize(path)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall time and peak resident set (bytes) of one command, the latter
    from GNU time: the child's own figure, not the forking Python's."""
    mem = os.path.join(WORK, "maxrss")
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", mem] + cmd,
                       stdout=stdout, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    return p.returncode, wall, int(open(mem).read().split()[-1]) * 1024


results, failed = [], []

print("== bench export: generating %d MB" % (SIZE >> 20), flush=True)
big = os.path.join(WORK, "EXBIG.reg")
if not os.path.isfile(big) or abs(os.path.getsize(big) - SIZE) > SIZE // 10:
    make_export(big, SIZE)
size = os.path.getsize(big)
subprocess.run(["cat", big], stdout=subprocess.DEVNULL)     # warm the cache
runs = 1 if smoke else 3
reader, floor, peaks = [], [], []
for _ in range(runs):
    rc, wall, peak = timed([EXE, "check", "--reg", big, "--json"],
                              stdout=open(os.path.join(WORK, "big.json"), "wb"))
    if rc != 2:
        failed.append("export (exit code %s, expected 2: the planted conflict)" % rc)
    reader.append(wall)
    peaks.append(peak)
for _ in range(runs):
    with open(os.devnull, "wb") as null:
        t = time.perf_counter()
        subprocess.run(["iconv", "-f", "UTF-16LE", "-t", "UTF-8", big], stdout=null,
                       check=True)
        floor.append(time.perf_counter() - t)
mb = size / 1e6
r_best, i_best = min(reader), min(floor)
ratio = (mb / r_best) / (mb / i_best)
peak_mb = max(peaks) / (1 << 20)
line = ("export: %.0f MB UTF-16LE, reader %.0f MB/s (best of %d, %.2f s), iconv "
        "%.0f MB/s (%.2f s): %.2fx iconv; reader peak RSS %.1f MiB"
        % (mb, mb / r_best, runs, r_best, mb / i_best, i_best, ratio, peak_mb))
print("   " + line, flush=True)
results.append(line)
if not smoke:
    if ratio < 0.5:
        failed.append("export: %.2fx iconv, budget 0.5x" % ratio)
    if peak_mb >= 16:
        failed.append("export: peak %.1f MiB, budget 16 MiB" % peak_mb)

print("== bench fleet: %d exports of %d KB" % (FLEET, FLEET_SIZE >> 10), flush=True)
fleet_dir = os.path.join(WORK, "fleet")
os.makedirs(fleet_dir, exist_ok=True)
seed = os.path.join(fleet_dir, "seed.reg")
if not os.path.isfile(seed) or os.path.getsize(seed) < FLEET_SIZE // 2:
    make_export(seed, FLEET_SIZE)
files = []
for n in range(FLEET):
    path = os.path.join(fleet_dir, "EX%03d.reg" % n)
    if not os.path.isfile(path):
        os.link(seed, path)
    files.append(path)
t = time.perf_counter()
p = subprocess.Popen([EXE, "check", "--reg"] + files + ["--csv"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
stamps = []
for line in p.stderr:
    stamps.append(time.perf_counter())
rc = p.wait()
total = time.perf_counter() - t
per = [b - a for a, b in zip([t] + stamps[:-1], stamps)]
if rc != 2 or len(stamps) != FLEET:
    failed.append("fleet (exit code %s, %d progress lines)" % (rc, len(stamps)))
line = ("fleet: %d exports of %.1f MB in one run: total %.2f s, per file median "
        "%.1f ms, max %.1f ms" % (FLEET, os.path.getsize(seed) / 1e6, total,
                                  statistics.median(per) * 1e3 if per else 0,
                                  max(per) * 1e3 if per else 0))
print("   " + line, flush=True)
results.append(line)

with open(os.path.join(WORK, "results-export.md"), "w") as f:
    for r in results:
        f.write("    %s\n" % r)
if failed:
    print("bench_export: failed: %s" % "; ".join(failed))
    sys.exit(1)
print("bench_export: done")
