"""The native backend of the end-to-end tests: the same test scripts, run on
a real Windows machine instead of in a Wine prefix.

There is no prefix: commands run directly, the registry written is the real
HKLM, the service is installed in the real Service Control Manager, and the
events are read back from the Application log with tests/tools/evtread.exe
(the Win32 event logging API, JSON on stdout), where under Wine they come
from the eventlog debug channel.

Because it changes the machine, the backend
  * runs only when asked for explicitly (--backend native, or
    EPG_TEST_BACKEND=native; the default is wine);
  * refuses anywhere but Windows, and without administrator rights;
  * refuses a machine that already has any key the tests plant (an Exchange
    server, or an ExchPortGuard installed for real): it would not know what
    to give back;
  * runs its tests one at a time (a lock file here; RUN_SERIAL in CTest);
  * removes what it planted: every key of that list, the service, the event
    source and the files it installed, when the test ends, passed or not.

None of this can run on the Linux machines the project is developed on; the
backend selection and the event reader's output parser are tested there
(tests/contract/check_native_backend.py), the rest in the GitHub Actions
workflow .github/workflows/windows.yml.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from winetest import HKLM_SERVICES, Event, Host, run_captured

# Every key a test plants.  None may exist before (see above); all are
# deleted at the end.
PLANTED_KEYS = [HKLM_SERVICES + "\\" + k for k in (
    "MSExchangeSA", "MSExchangeIS", "MSExchangeSRS", "MSExchangeRPC",
    "MSExchangeAB", "ExchPortGuard", r"EventLog\Application\ExchPortGuard")]
# EVENTLOG_*_TYPE, as the reader reports them, to the names the tests use.
LEVELS = {1: "Error", 2: "Warning", 4: "Information", 0: "Information",
          8: "Information", 16: "Information"}
SCHEMA = "exchportguard-evtread/1"


class BackendRefused(Exception):
    pass


def may_plant(key):
    """Whether a test may write key: only at or under PLANTED_KEYS, which
    the backend deletes at the end (reg.exe names are case-insensitive)."""
    k = key.lower().rstrip("\\")
    return any(k == p.lower() or k.startswith(p.lower() + "\\") for p in PLANTED_KEYS)


def planted_already(key_exists):
    """The first of PLANTED_KEYS that exists, or None: a machine with one
    is refused, since the backend could not give it back as it was."""
    for key in PLANTED_KEYS:
        if key_exists(key):
            return key
    return None


def running_as_admin():
    """True when this process has administrator rights (Windows only)."""
    try:
        import ctypes
        return bool(ctypes.windll.shell32.IsUserAnAdmin())
    except (AttributeError, OSError):
        return False


def select_backend(requested, platform=None, is_admin=running_as_admin):
    """The backend to run: "wine" unless "native" was asked for.  Raises
    BackendRefused with the reason when native cannot run here."""
    platform = sys.platform if platform is None else platform
    if requested in (None, "", "wine"):
        return "wine"
    if requested != "native":
        raise BackendRefused("unknown backend %r: wine or native" % requested)
    if not platform.startswith("win"):
        raise BackendRefused("the native backend runs on Windows only (this is %s); "
                             "here the tests run under Wine" % platform)
    if not is_admin():
        raise BackendRefused("the native backend installs a service and writes HKLM: "
                             "run it from an elevated prompt (administrator rights)")
    return "native"


def parse_evtread(text):
    """The events in evtread's output (format: tests/tools/evtread.c), as
    winetest.Event objects in log order, each with .record, .full_id and
    .source.  Raises ValueError on anything that is not that format."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError("not an evtread document (schema %r)" %
                         (doc.get("schema") if isinstance(doc, dict) else None))
    if not isinstance(doc.get("newest_record"), int) or not isinstance(doc.get("events"), list):
        raise ValueError("newest_record and events are required")
    evs = []
    last = 0
    for i, e in enumerate(doc["events"]):
        for k, t in (("record", int), ("event_id", int), ("full_id", int), ("type", int),
                     ("category", int), ("source", str), ("strings", list)):
            if not isinstance(e.get(k), t):
                raise ValueError("event %d: %s missing or not %s" % (i, k, t.__name__))
        if not all(isinstance(s, str) for s in e["strings"]):
            raise ValueError("event %d: strings must be strings" % i)
        if e["event_id"] != e["full_id"] & 0xFFFF:
            raise ValueError("event %d: event_id is not the low word of full_id" % i)
        if e["record"] <= last:
            raise ValueError("event %d: records out of order" % i)
        last = e["record"]
        ev = Event(e["event_id"], LEVELS.get(e["type"], str(e["type"])), e["category"],
                   list(e["strings"]), seq=i)
        ev.record, ev.full_id, ev.source = e["record"], e["full_id"], e["source"]
        evs.append(ev)
    return evs, doc["newest_record"]


class NativeEventLog:
    """ExchPortGuard's events in the real Application log, written after
    the mark taken when the session started."""

    def __init__(self, host, after):
        self.host, self.after = host, after

    def read(self):
        r = self.host.run(self.host.evtread, "--after", str(self.after))
        if r.rc != 0:
            raise RuntimeError("evtread failed: %r" % r)
        return parse_evtread(r.out)

    def events(self):
        return self.read()[0]

    def count(self):
        return len(self.events())


class NativeHost(Host):
    """The real Windows this runs on, for one test."""

    is_wine = False

    def __init__(self, args):
        self.args = args
        self.path = args.work
        os.makedirs(self.path, exist_ok=True)
        self.evtread = os.path.join(args.tools or "", "evtread.exe")
        self.regtool = os.path.join(args.tools or "", "regtool.exe")
        self.env = dict(os.environ)
        self.lock = self._take_lock()
        self.installed = []
        self.tmp = self.tmp_win = "C:\\epgtest"
        found = planted_already(self.key_exists)
        if found:
            self._release_lock()
            raise SystemExit("backend refused: %s exists already; the native backend "
                             "runs only on a machine without Exchange or "
                             "ExchPortGuard keys" % found)
        os.makedirs(self.tmp, exist_ok=True)

    # One test at a time, even outside CTest.
    def _take_lock(self):
        path = os.path.join(tempfile.gettempdir(), "exchportguard-native-tests.lock")
        f = open(path, "a+")
        try:
            import msvcrt
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            f.close()
            raise SystemExit("backend refused: another native test is running (%s)" % path)
        return f

    def _release_lock(self):
        if self.lock:
            self.lock.close()
            self.lock = None

    def remember(self, key, name=None):
        """The real HKLM is changed only under the keys this backend gives
        back."""
        if not may_plant(key):
            raise RuntimeError("the native backend plants only under %s, not %s"
                               % (", ".join(PLANTED_KEYS), key))

    def unix_path(self, winpath):
        return winpath      # the same file system

    def install_file(self, src, winpath):
        os.makedirs(os.path.dirname(winpath), exist_ok=True)
        shutil.copy2(src, winpath)
        self.installed.append(winpath)
        return winpath

    def run(self, *args, timeout=120, env=None, stdin_text=None, cwd=None):
        e = dict(self.env)
        if env:
            e.update({k: v for k, v in env.items() if k != "WINEDEBUG"})
        return run_captured(list(args), e, timeout, stdin_text, cwd)

    def popen(self, args, stdout_path, stderr_path, env=None):
        e = dict(self.env)
        if env:
            e.update({k: v for k, v in env.items() if k != "WINEDEBUG"})
        # Its own process group, so that interrupt() reaches it alone.
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            return subprocess.Popen(list(args), env=e, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL,
                                    creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)

    def interrupt(self, proc):
        """CTRL_BREAK_EVENT: Windows delivers no Ctrl+C to another process
        group, and "exchportguard run" treats both alike."""
        import signal
        proc.send_signal(signal.CTRL_BREAK_EVENT)

    def start_session(self, log_path, service_trace=False):
        """No server to start: the mark in the real log, after which this
        test's events count.  (service_trace is Wine's debug channel; there
        is none here.)"""
        r = self.run(self.evtread, "--source", "*")
        if r.rc != 0:
            raise RuntimeError("evtread failed: %r" % r)
        newest = parse_evtread(r.out)[1]
        with open(log_path, "w") as f:
            f.write("native session: events after record %d\n" % newest)
        return NativeEventLog(self, newest)

    def kill(self):
        """Gives back what the test planted, passed or failed."""
        try:
            if self.service_state() is not None:
                self.sc("stop", "ExchPortGuard")
                self.wait_state("STOPPED", timeout=30)
                self.sc("delete", "ExchPortGuard")
            for key in PLANTED_KEYS:
                if self.key_exists(key):
                    # A test may have left it denied to everyone.
                    if os.path.exists(self.regtool):
                        self.run(self.regtool, "allow", key[len("HKLM\\"):])
                    self.run("reg", "delete", key, "/f")
            for f in reversed(self.installed):
                try:
                    os.remove(f)
                    os.rmdir(os.path.dirname(f))
                except OSError:
                    pass
            shutil.rmtree(self.tmp, ignore_errors=True)
            time.sleep(0.1)
        finally:
            self._release_lock()
