#!/usr/bin/env python3
"""What can be tested here of the tests on real Windows (a Windows CI run, .github/workflows/windows.yml):

  * the backend selection: wine unless native is asked for, and native
    refused off Windows and without administrator rights, by the function
    and by a real test script (exit code 2, the reason said);
  * the event reader's output parser (tests/wine/native.py) on the samples
    in tests/contract/samples/, written to the format tests/tools/evtread.c
    documents, and its refusal of anything else;
  * the GitHub Actions workflow .github/workflows/windows.yml: it parses,
    runs on a hosted Windows runner, builds with MSVC and mingw-w64, runs the
    unit tests and the native end-to-end tests, installs the MSI and reads
    the events, and names only presets and files that exist.

The native run itself needs Windows: .github/workflows/windows.yml."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import yaml

failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


ap = argparse.ArgumentParser()
ap.add_argument("--source", required=True)
args = ap.parse_args()
SRC = args.source
sys.path.insert(0, os.path.join(SRC, "tests", "wine"))
import native  # noqa: E402


def refused(requested, **kw):
    try:
        native.select_backend(requested, **kw)
    except native.BackendRefused as e:
        return str(e)
    return None


print("backend selection")
check(native.select_backend(None) == "wine" and native.select_backend("") == "wine" and
      native.select_backend("wine") == "wine", "wine unless asked otherwise")
why = refused("native", platform="linux")
check(why is not None and "Windows only" in why, "native refused off Windows (%s)" % why)
why = refused("native", platform="win32", is_admin=lambda: False)
check(why is not None and "administrator" in why, "native refused without admin rights (%s)" % why)
check(native.select_backend("native", platform="win32", is_admin=lambda: True) == "native",
      "native on Windows with admin rights")
why = refused("vmware")
check(why is not None and "unknown backend" in why, "an unknown backend refused (%s)" % why)

with tempfile.TemporaryDirectory() as work:
    for how, extra, env in (("--backend native", ["--backend", "native"], {}),
                            ("EPG_TEST_BACKEND=native", [], {"EPG_TEST_BACKEND": "native"})):
        e = dict(os.environ)
        e.update(env)
        r = subprocess.run([sys.executable, os.path.join(SRC, "tests", "wine", "test_service.py"),
                            "--exe", "exchportguard.exe", "--work", work] + extra,
                           capture_output=True, text=True, env=e, timeout=60)
        check(r.returncode == 2 and "backend refused" in r.stdout and "Windows only" in r.stdout,
              "a test script asked for native here (%s) refuses: exit 2, says why (%r)"
              % (how, (r.returncode, r.stdout[-200:])))
    check(not os.listdir(work), "and touches nothing")

print("what the native backend may change")
svc = r"HKLM\System\CurrentControlSet\Services"
check(native.may_plant(svc + r"\MSExchangeIS\ParametersSystem") and
      native.may_plant(svc.upper() + r"\EXCHPORTGUARD\Parameters") and
      native.may_plant(svc + r"\EventLog\Application\ExchPortGuard"),
      "the Exchange keys, its own and its event source: yes, in any case")
check(not native.may_plant(svc + r"\Tcpip\Parameters") and
      not native.may_plant(svc + r"\MSExchangeISX") and
      not native.may_plant(svc + r"\EventLog\Application") and
      not native.may_plant(svc), "anything else, even a key sharing a prefix: no")
existing = {svc + r"\MSExchangeSA"}
check(native.planted_already(lambda k: k in existing) == svc + r"\MSExchangeSA",
      "a machine that has an Exchange key is refused")
check(native.planted_already(lambda k: False) is None, "a clean machine is not")

print("the event reader's output parser")
samples = os.path.join(SRC, "tests", "contract", "samples")
with open(os.path.join(samples, "evtread-service-start.json"), encoding="utf-8") as f:
    evs, newest = native.parse_evtread(f.read())
check(newest == 4127, "newest_record read (%s)" % newest)
check([e.id for e in evs] == [1000, 1100, 1200], "events in log order (%s)" % [e.id for e in evs])
check([e.level for e in evs] == ["Information", "Error", "Warning"],
      "levels from the event types 4, 1, 2")
check([e.category for e in evs] == [1, 2, 3], "categories")
check([e.record for e in evs] == [4120, 4121, 4127], "record numbers")
check(evs[1].full_id == 0xC000044C and evs[1].strings[0] == "6001" and len(evs[1].strings) == 5,
      "1100: full message ID 0xC000044C and its five insertion strings")
check(evs[0].strings[2].count("\r\n") == 1, "escaped line breaks decoded")
check(evs[2].strings[2] == '"60\\x251 \u00e9"', "escaped quotes, backslashes and \\u00e9 decoded")
with open(os.path.join(samples, "evtread-empty.json"), encoding="utf-8") as f:
    evs, newest = native.parse_evtread(f.read())
check(evs == [] and newest == 0, "an empty log")

good = json.loads(open(os.path.join(samples, "evtread-service-start.json"),
                       encoding="utf-8").read())


def mutated(change):
    doc = json.loads(json.dumps(good))
    change(doc)
    return json.dumps(doc)


bad = {
    "not JSON": "{\"schema\": ",
    "another schema": mutated(lambda d: d.update(schema="exchportguard-evtread/2")),
    "no events": mutated(lambda d: d.pop("events")),
    "event_id not the low word of full_id":
        mutated(lambda d: d["events"][1].update(event_id=1101)),
    "records out of order": mutated(lambda d: d["events"][2].update(record=4000)),
    "a string that is a number": mutated(lambda d: d["events"][1]["strings"].append(6001)),
    "a missing field": mutated(lambda d: d["events"][0].pop("category")),
}
for what, text in bad.items():
    try:
        native.parse_evtread(text)
        ok = False
    except ValueError:      # json.JSONDecodeError is a ValueError too
        ok = True
    check(ok, "refused: %s" % what)

print(".github/workflows/windows.yml")
wf_path = os.path.join(SRC, ".github", "workflows", "windows.yml")
with open(wf_path, encoding="utf-8") as f:
    wf = yaml.safe_load(f)
check(isinstance(wf, dict) and isinstance(wf.get("jobs"), dict), "parses: a mapping with jobs")
# YAML 1.1 reads the key "on" as true.
triggers = wf.get("on", wf.get(True)) or {}
check("push" in triggers and "pull_request" in triggers, "runs on push and pull requests")
jobs = wf.get("jobs", {})
runs = {}
for name, job in jobs.items():
    check(str(job.get("runs-on", "")).startswith("windows-"),
          "job %s runs on a hosted Windows runner (%s)" % (name, job.get("runs-on")))
    steps = job.get("steps") or []
    check(steps and all(("run" in s) != ("uses" in s) for s in steps),
          "job %s: every step either runs or uses" % name)
    runs[name] = "\n".join(s.get("run", "") for s in steps)
allrun = "\n".join(runs.values())
presets = json.load(open(os.path.join(SRC, "CMakePresets.json"), encoding="utf-8"))
configure = {p["name"] for p in presets["configurePresets"]}
build = {p["name"] for p in presets["buildPresets"]}
test = {p["name"] for p in presets["testPresets"]}
check("cmake --preset msvc-x64" in allrun and "msvc-x64" in configure,
      "configures with the msvc-x64 preset, which exists")
check("cmake --build --preset msvc-x64" in allrun and "msvc-x64" in build, "builds with MSVC")
check("ctest --preset msvc-x64" in allrun and "msvc-x64" in test, "runs the unit tests (MSVC)")
check("-DEPG_NATIVE_TESTS=ON" in allrun and "-L native" in allrun,
      "registers and runs the native end-to-end tests")
check(any("mingw" in name for name in jobs) and "-L unit" in runs.get("mingw", ""),
      "builds with mingw-w64 and runs the unit tests there")
check("msiexec.exe" in allrun and "/i " in allrun and "evtread.exe" in allrun and
      "1100" in allrun, "installs the MSI and reads event 1100 back with evtread")
check(os.path.isfile(os.path.join(SRC, "tests", "tools", "evtread.c")),
      "the reader it runs is built from tests/tools/evtread.c")

if failures:
    print("native backend: %d failure(s)" % len(failures))
    sys.exit(1)
print("native backend: all checks passed")
