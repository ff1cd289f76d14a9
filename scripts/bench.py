#!/usr/bin/env python3
"""Runs tests/bench under Wine (see scripts/bench.sh)."""
import datetime
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "wine"))
import winetest  # noqa: E402

smoke = "--smoke" in sys.argv[1:]
# Benchmarks named on the command line run alone (scripts/bench.sh latency).
only = [a for a in sys.argv[1:] if not a.startswith("--")]
BUILD = os.path.join(ROOT, "build", "win64")
WORK = os.path.join(ROOT, "build", "bench" + ("-smoke" if smoke else ""))
TEMPLATE = winetest.template_for(BUILD)

# (mode, full counts, smoke counts)
RUNS = [
    ("latency", ["10000", "30"], ["50", "2"]),
    ("storm", ["100000", "20"], ["2000", "2"]),
    ("idle", ["30"], ["1"]),
    ("others", ["10000"], ["300"]),
    ("soak", ["1000000"], ["5000"]),
    ("eventcost", ["10000"], ["100"]),
]


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wine = subprocess.run([winetest.WINE, "--version"], capture_output=True,
                          text=True).stdout.strip()
    return "%s, %d cores, %s, Linux %s" % (cpu, os.cpu_count(), wine, platform.release())


os.makedirs(WORK, exist_ok=True)
winetest.ensure_template(TEMPLATE, "creating the template Wine prefix (once)...")
pfx = winetest.Prefix(os.path.join(WORK, "prefix"), TEMPLATE)
results, failed = [], []
# Each benchmark's seconds, for scripts/bench.sh's closing table.
durations = open(os.path.join(WORK, "durations.tsv"), "w")
try:
    exe = pfx.install_file(os.path.join(BUILD, "service", "exchportguard.exe"),
                           r"C:\epg\exchportguard.exe")
    for name in ("bench.exe", "bench_writer.exe"):
        pfx.install_file(os.path.join(BUILD, "tests", "bench", name), "C:\\epg\\" + name)
    subprocess.run([winetest.WINESERVER, "-p"], env=pfx.env, check=True)
    # The event source, for eventcost's "real source".  Demand start: an
    # auto-start service would be started by the next boot of this prefix
    # and watch the same keys as the engine under test, doubling the work
    # every change costs.
    r = pfx.run(exe, "install", "--start", "demand")
    if r.rc != 0:
        sys.exit("bench: exchportguard install failed: %r" % r)
    for mode, full, small in RUNS:
        if only and mode not in only:
            continue
        counts = small if smoke else full
        print("== bench %s %s" % (mode, " ".join(counts)), flush=True)
        out = os.path.join(WORK, mode + ".out")
        t0 = time.time()
        p = pfx.popen([r"C:\epg\bench.exe"] + (["--smoke"] if smoke else []) + [mode] + counts,
                      out, out + ".err")
        rc = p.wait(timeout=3600)
        durations.write("bench %s\t%.0f\n" % (mode, time.time() - t0))
        durations.flush()
        text = open(out, encoding="utf-8", errors="replace").read()
        for line in text.splitlines():
            if line.startswith("RESULT "):
                results.append(line[7:])
            else:
                print("   " + line)
        if rc != 0:
            err = open(out + ".err", errors="replace").read().strip()
            print("   exit code %s%s" % (rc, (": " + err[-500:]) if err else ""))
            failed.append(mode)
finally:
    durations.close()
    pfx.kill()

stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
with open(os.path.join(WORK, "results.md"), "w") as f:
    f.write("Measured %s on %s%s.\n\n" % (stamp, machine(), " (smoke counts)" if smoke else ""))
    for r in results:
        f.write("    %s\n" % r)
print("results: %s" % os.path.join(WORK, "results.md"))
if failed:
    print("bench: failed: %s" % ", ".join(failed))
    sys.exit(1)
print("bench: done")
