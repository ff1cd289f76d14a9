"""Helpers for ExchPortGuard's end-to-end tests under Wine.

Every test gets its own Wine prefix, cloned from a template made once per
build (tests/wine/make_prefix.py), and its own wineserver.  The traps of
docs/wine.md are handled here, once:

  * never a pipe to a wine process (the wineserver would inherit it and the
    pipe would never close): every command writes to files;
  * services live only as long as the wineserver: a session starts it
    persistent (wineserver -p) and ends it with wineserver -k;
  * ReportEventW in Wine stores nothing but prints the event on the
    "eventlog" debug channel of the process that started the session, so the
    session's first wine process runs with WINEDEBUG=+eventlog and its stderr
    in a file, and EventLog parses that file.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HKLM_SERVICES = r"HKLM\System\CurrentControlSet\Services"
# The keys the tests write to, as reg.exe names them.
IS = HKLM_SERVICES + r"\MSExchangeIS\ParametersSystem"
SA = HKLM_SERVICES + r"\MSExchangeSA\Parameters"
SRS = HKLM_SERVICES + r"\MSExchangeSRS\Parameters"
RPC = HKLM_SERVICES + r"\MSExchangeRPC\ParametersSystem"
AB = HKLM_SERVICES + r"\MSExchangeAB\Parameters"
OWN = HKLM_SERVICES + r"\ExchPortGuard\Parameters"
NTDS = HKLM_SERVICES + r"\NTDS\Parameters"
NETLOGON = HKLM_SERVICES + r"\Netlogon\Parameters"
NTFRS = HKLM_SERVICES + r"\NtFrs\Parameters"
# ReportEventW's trace (the events), and OutputDebugString's lines (channel
# debugstr, class warn: the perturbed build says its seed there).  For a
# diagnosis, EPG_WINEDEBUG_EXTRA adds channels to every session, e.g.
# ",+timestamp" (each line then starts with Wine's milliseconds, which the
# parsers below skip) to time what the service did in a failing burst.
EVENTLOG_DEBUG = ("fixme-all,fixme+advapi,+eventlog,warn+debugstr" +
                  os.environ.get("EPG_WINEDEBUG_EXTRA", ""))
# The watched values as (key under Services, value name), catalogue order
# (common/check/catalogue.c).
VALUES = [
    (r"MSExchangeSA\Parameters", "HTTP Port"),
    (r"MSExchangeSA\Parameters", "Rpc/HTTP NSPI Port"),
    (r"MSExchangeIS\ParametersSystem", "Rpc/HTTP Port"),
    (r"MSExchangeSA\Parameters", "TCP/IP NSPI Port"),
    (r"MSExchangeSA\Parameters", "TCP/IP Port"),
    (r"MSExchangeSRS\Parameters", "TCP/IP"),
    (r"MSExchangeIS\ParametersSystem", "TCP/IP Port"),
    (r"MSExchangeRPC\ParametersSystem", "TCP/IP Port"),
    (r"MSExchangeAB\Parameters", "RpcTcpPort"),
]



def native_cli(host, exe, source, work):
    """The Linux exchportguard, built from this tree's core and cli/ with
    the Windows build's version string (exe, as installed in host), so the
    two builds' reports can be compared whole.  Returns its path."""
    version = host.run(exe, "--version").out.split()[-1]
    out = os.path.join(work, "exchportguard-linux")
    sources = sorted(os.path.join(d, f)
                     for d, _, names in os.walk(os.path.join(source, "common"))
                     for f in names if f.endswith(".c"))
    cmd = ["cc", "-std=c11", "-O1", "-Wall", "-Werror",
           "-DEPG_VERSION=\"%s\"" % version, "-I", os.path.join(source, "common"),
           "-o", out, os.path.join(source, "cli", "main.c")] + sources
    subprocess.run(cmd, check=True)
    return out


def hold_port(host, exe, port, work):
    """Starts tests/tools/holdport.exe (exe, as installed in host) listening
    on port and returns the process once it listens: a real Windows program
    on a pinned port (the holder check, docs/events.md 1240).  The caller kills it."""
    out = os.path.join(work, "holdport-%d.out" % port)
    proc = host.popen([exe, str(port), "120"], out, out + ".err")
    want = "listening %d" % port
    deadline = time.time() + 60
    while time.time() < deadline and want not in open(out).read():
        time.sleep(0.2)
    require(want in open(out).read(), "holdport listens on %d" % port)
    return proc

def find_wine():
    for cand in ("/usr/lib/wine/wine64", "/usr/lib64/wine/wine64"):
        if os.access(cand, os.X_OK):
            return cand
    return shutil.which("wine64") or shutil.which("wine")


WINE = find_wine()
WINESERVER = shutil.which("wineserver") or "/usr/lib/wine/wineserver"


class TestFailure(Exception):
    pass


_failures = []


def check(cond, what):
    """Records a failed assertion and keeps going, so one run shows every
    problem; finish() turns them into the exit code."""
    if cond:
        print("  ok   " + what, flush=True)
    else:
        print("  FAIL " + what, flush=True)
        _failures.append(what)
    return cond


def require(cond, what):
    """An assertion the rest of the test cannot go on without."""
    if not check(cond, what):
        raise TestFailure(what)


# The strict build (tests/strict/README.md): every Windows process of the
# test appends any breach of a documented Win32 rule to the file named by
# EPG_STRICT_LOG (a Windows path on Wine's Z: drive, set by CTest).
BREACH = "STRICT WIN32 BREACH"


def strict_log_path():
    """The Unix path of the strict build's breach log, or None."""
    p = os.environ.get("EPG_STRICT_LOG")
    if not p:
        return None
    if p[:2].upper() == "Z:":
        p = p[2:]
    return p.replace("\\", "/")


_breach_checked = False


def _breach_at_exit():
    """A test that ends by an exception (require) never reaches finish():
    its breaches are still said."""
    if not _breach_checked:
        check_no_breach()


import atexit
atexit.register(_breach_at_exit)


def check_no_breach():
    """Fails the test on any breach line in the strict log; a no-op outside
    the strict build."""
    path = strict_log_path()
    if path is None:
        return
    try:
        with open(path, "rb") as f:
            lines = [l for l in f.read().decode("utf-8", "replace").splitlines()
                     if BREACH in l]
    except FileNotFoundError:
        lines = []
    for l in lines:
        print("  " + l, flush=True)
    check(not lines, "strict build: no breach of a documented Win32 rule (%d in %s)"
          % (len(lines), path))


def finish(name):
    global _breach_checked
    _breach_checked = True
    check_no_breach()
    if _failures:
        print("%s: %d failure(s)" % (name, len(_failures)))
        for f in _failures:
            print("  - " + f)
        sys.exit(1)
    print("%s: all checks passed" % name)
    sys.exit(0)


# --- prefixes ---------------------------------------------------------------

def base_env(prefix):
    env = dict(os.environ)
    env["WINEPREFIX"] = prefix
    env["WINEDLLOVERRIDES"] = "mscoree,mshtml="
    env["WINEDEBUG"] = "-all"
    env.pop("DISPLAY", None)    # no X server: keep wine from looking for one
    return env


def make_template(path):
    """Creates a booted prefix at path (docs/wine.md item 1).  Callers use
    ensure_template(), which also makes the directories and serialises
    concurrent callers."""
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    env = base_env(tmp)
    with open(path + ".log", "w") as log:
        subprocess.run([WINE, "wineboot", "-i"], env=env, stdout=log,
                       stderr=log, stdin=subprocess.DEVNULL, check=True,
                       timeout=300)
        # msiexec run right after wineboot -i fails to start services.
        subprocess.run([WINESERVER, "-w"], env=env, stdout=log, stderr=log,
                       check=True, timeout=300)
    os.rename(tmp, path)


def template_ready(path):
    return os.path.isfile(os.path.join(path, "system.reg"))


def ensure_template(path, announce=None):
    """Makes sure the template prefix at path exists, creating it and every
    directory above it if needed: the one place that owns the template, so
    that any script (the demo, the benchmarks, the CTest fixture) works as
    the first command on a clean clone.  A lock file beside it lets
    concurrent callers (CTest with -j, two scripts) wait for one boot
    instead of racing two wineboots into the same directory."""
    import fcntl
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template_ready(path):
            if announce:
                print(announce, flush=True)
            make_template(path)
    return path


def template_for(build_dir):
    """Where a build tree keeps its template prefix (tests/CMakeLists.txt
    sets EPG_WINE_DIR to <build>/wine)."""
    return os.path.join(build_dir, "wine", "template")


def clone_prefix(template, dest):
    """Copies a template prefix.  The 600 MB of builtin DLLs under
    system32 are hard-linked (Wine never writes them); everything else,
    the registry files above all, is copied."""
    shutil.rmtree(dest, ignore_errors=True)
    sys32 = os.path.join(template, "drive_c", "windows", "system32") + os.sep

    def link_or_copy(src, dst):
        if src.startswith(sys32):
            try:
                os.link(src, dst)
                return dst
            except OSError:
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(template, dest, symlinks=True, copy_function=link_or_copy)


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return "rc=%s out=%r err=%r" % (self.rc, self.out[-400:], self.err[-400:])


def run_captured(argv, env, timeout, stdin_text=None, cwd=None):
    """Runs argv (in directory cwd) with stdin, stdout and stderr in
    temporary files (never pipes: docs/wine.md item 2); a Result, rc
    "timeout" if it hung."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryFile() as stdin:
        if stdin_text is not None:
            stdin.write(stdin_text.encode())
            stdin.seek(0)
        try:
            p = subprocess.run(argv, env=env, stdout=out, stderr=err,
                               stdin=stdin if stdin_text is not None else subprocess.DEVNULL,
                               timeout=timeout, cwd=cwd)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
        out.seek(0)
        err.seek(0)
        return Result(rc, out.read().decode("utf-8", "replace"),
                      err.read().decode("utf-8", "replace"))


def run_in_pty(argv, env, timeout):
    """Runs argv with a pseudo-terminal as its standard handles, so that Wine
    gives it a real console (GetConsoleMode succeeds, output goes through
    WriteConsoleW); returns (rc, what the terminal showed, as text without
    its escape sequences and line breaks), rc "timeout" if it hung."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    shown, deadline, rc = b"", time.time() + timeout, None
    while True:
        left = deadline - time.time()
        if left <= 0:
            os.kill(pid, 9)
            rc = "timeout"
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:     # EIO: the terminal's other side closed
            break
        if not data:
            break
        shown += data
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    if rc is None:
        rc = os.waitstatus_to_exitcode(status)
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", shown).replace(b"\r", b"").replace(b"\n", b"")
    return rc, text.decode("utf-8", "replace")


class Host:
    """What a test does to a Windows system, whichever it is: run programs,
    read and write the registry with reg.exe, drive the service with sc.exe.
    Prefix is a private Wine prefix; native.NativeHost the real Windows this
    runs on (tests/wine/native.py).  Subclasses provide run()."""

    is_wine = True
    tmp_win = "C:\\epgtest"   # self.tmp as the Windows programs name it

    def remember(self, key, name=None):
        """Called before a test changes key (or its value name): a host
        that outlives the test (native) notes how to undo it."""

    # --- the registry, through reg.exe (Wine's or Windows') ---------------

    def reg(self, *args):
        # On a loaded machine Wine's launcher now and then fails to start
        # reg.exe at all ("ShellExecuteEx failed: Internal error.", or an
        # exit code with no output: reg.exe itself always says why it
        # fails): that is not reg.exe's answer, so it is retried.
        for _ in range(3):
            r = self.run("reg", *args)
            silent = r.rc != 0 and not r.out and not r.err
            if not (silent or (r.rc != 0 and "ShellExecuteEx failed" in r.out + r.err)):
                break
            print("  reg %s: Wine did not run it (%r); run again" % (" ".join(args), r),
                  flush=True)
            time.sleep(0.5)
        return r

    def reg_add(self, key, name, typ, data):
        self.remember(key, name)
        r = self.reg("add", key, "/v", name, "/t", typ, "/d", str(data), "/f")
        if r.rc != 0:
            raise TestFailure("reg add %s\\%s failed: %r" % (key, name, r))
        return r

    def reg_delete_value(self, key, name):
        self.remember(key, name)
        return self.reg("delete", key, "/v", name, "/f")

    def reg_delete_key(self, key):
        self.remember(key)
        return self.reg("delete", key, "/f")

    def reg_import(self, text):
        """Imports a .reg file: the way to plant any type with any bytes,
        such as a 3-byte REG_DWORD (hex(4):01,02,03)."""
        for m in re.finditer(r"^\[-?HKEY_LOCAL_MACHINE\\(.*?)\]", text, re.M):
            self.remember("HKLM\\" + m.group(1))
        name = "import%d.reg" % int(time.time() * 1e6)
        path = os.path.join(self.tmp, name)
        with open(path, "w", newline="\r\n") as f:
            f.write("Windows Registry Editor Version 5.00\n\n" + text)
        r = self.reg("import", self.tmp_win + "\\" + name)
        if r.rc != 0:
            raise TestFailure("reg import failed: %r\n%s" % (r, text))
        return r

    def reg_query(self, key, name=None):
        """Returns {value name: (type, data text)} or None if the key is
        missing (or just the pair for one value)."""
        args = ["query", key] + (["/v", name] if name else [])
        r = self.reg(*args)
        if r.rc != 0:
            return None
        values = {}
        for line in r.out.splitlines():
            m = re.match(r"^    (.*?)    (REG_\w+)    ?(.*)$", line)
            if m:
                values[m.group(1)] = (m.group(2), m.group(3))
        if name:
            return values.get(name)
        return values

    def reg_dump(self, keys):
        """reg_query of each key, {key: values or None}, from one
        `reg query /s` of their common parent: one Wine process instead of
        one per key."""
        def full(k):
            return ("HKEY_LOCAL_MACHINE" + k[4:] if k.upper().startswith("HKLM\\") else k).lower()
        parent = os.path.commonpath([k.replace("\\", "/") for k in keys]).replace("/", "\\")
        r = self.reg("query", parent, "/s")
        require(r.rc == 0, "reg query %s /s (%r)" % (parent, r))
        found, cur = {}, None
        for line in r.out.splitlines():
            if line and not line.startswith(" "):
                cur = found.setdefault(line.strip().lower(), {})
                continue
            m = re.match(r"^    (.*?)    (REG_\w+)    ?(.*)$", line)
            if m and cur is not None:
                cur[m.group(1)] = (m.group(2), m.group(3))
        return {k: found.get(full(k)) for k in keys}

    def key_exists(self, key):
        return self.reg("query", key).rc == 0

    def run_again_if_silent(self, *args, **kw):
        """run(), once more if the program failed without a word.  The
        programs run this way (regtool, exchportguard check) say why
        whenever they fail; an exit code with no output at all is Wine
        failing to run them (seen under the load of three oracle seeds side
        by side: regtool rc 1, check with no report).  The first failure
        is printed."""
        r = self.run(*args, **kw)
        if r.rc != 0 and not r.out and not r.err:
            print("  %s: exit code %r and no output; run again"
                  % (" ".join(map(str, args)), r.rc), flush=True)
            r = self.run(*args, **kw)
        return r

    def script(self, regtool, lines, name):
        """Runs regtool's script mode over lines (tests/tools/regtool.c):
        many registry steps in one process, as fast as a script would."""
        path_ = os.path.join(self.tmp, name)
        with open(path_, "w") as f:
            f.write("\n".join(lines) + "\n")
        # Every caller compares the service with the registry as it is
        # afterwards, so the steps run again are still a test of the same
        # kind.
        r = self.run_again_if_silent(regtool, "script", self.tmp_win + "\\" + name,
                                     timeout=600)
        require(r.rc == 0, "regtool script %s ran%s" % (name, "" if r.rc == 0 else " (%r)" % r))
        return r

    # --- services ----------------------------------------------------------

    def sc(self, *args):
        return self.run("sc", *args)

    def service_state(self, name="ExchPortGuard"):
        r = self.sc("query", name)
        m = re.search(r"STATE\s*:\s*\d+\s+(\w+)", r.out)
        return m.group(1) if m else None

    def interrupt(self, proc):
        """Ctrl+C to a console program started with popen: Wine turns
        SIGINT into CTRL_C_EVENT for the process."""
        import signal
        proc.send_signal(signal.SIGINT)

    def wait_state(self, state, timeout=10.0, name="ExchPortGuard"):
        end = time.time() + timeout
        while True:
            s = self.service_state(name)
            if s == state or time.time() > end:
                return s
            time.sleep(0.1)



class Prefix(Host):
    """A private Wine prefix with its own wineserver."""

    def __init__(self, path, template):
        self.path = path
        clone_prefix(template, path)
        self.env = base_env(path)
        self.tmp = os.path.join(path, "drive_c", "epgtest")
        os.makedirs(self.tmp, exist_ok=True)
        self.session_log = None

    def unix_path(self, winpath):
        assert winpath[:3].upper() == "C:\\"
        return os.path.join(self.path, "drive_c", *winpath[3:].split("\\"))

    def install_file(self, src, winpath):
        dst = self.unix_path(winpath)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        return winpath

    def run(self, *args, timeout=120, env=None, stdin_text=None, cwd=None):
        """Runs a wine program; output goes through files, never pipes.
        cwd: the Unix directory it starts in (Wine maps it to a drive)."""
        e = dict(self.env)
        if env:
            e.update(env)
        return run_captured([WINE] + list(args), e, timeout, stdin_text, cwd)

    def popen(self, args, stdout_path, stderr_path, env=None):
        """Starts a wine program in the background with output in files."""
        e = dict(self.env)
        if env:
            e.update(env)
        out = open(stdout_path, "wb")
        err = open(stderr_path, "wb")
        p = subprocess.Popen([WINE] + list(args), env=e, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        return p

    # --- sessions ----------------------------------------------------------

    def start_session(self, log_path, service_trace=False):
        """A persistent wineserver whose services report into log_path.
        service_trace adds Wine's "service" channel, whose SetServiceStatus
        trace lines land in the same file, in order with the events."""
        self.session_log = log_path
        e = dict(self.env)
        e["WINEDEBUG"] = EVENTLOG_DEBUG + (",+service" if service_trace else "")
        with open(log_path + ".server", "wb") as f:
            subprocess.run([WINESERVER, "-p"], env=e, stdout=f, stderr=f,
                           check=True)
        # The first process starts services.exe, which inherits its
        # environment and stderr: this file is where events appear.
        with open(log_path, "wb") as err:
            subprocess.run([WINE, "cmd", "/c", "exit"], env=e,
                           stdout=subprocess.DEVNULL, stderr=err,
                           stdin=subprocess.DEVNULL, timeout=120)
        return EventLog(log_path)

    def kill(self):
        subprocess.run([WINESERVER, "-k"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wineserver -k returns before every process is gone.
        subprocess.run([WINESERVER, "-w"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)

# --- events ------------------------------------------------------------------

class Event:
    def __init__(self, eid, level, category, strings, text=None, seq=0):
        self.id = eid
        self.level = level
        self.category = category
        self.strings = strings
        self.text = text            # rendered message (run mode)
        self.seq = seq
        self.time = None

    def blob(self):
        """What "contains" looks in: the insertion strings, and the
        rendered text when there is one."""
        return "\n".join(self.strings) + ("\n" + self.text if self.text else "")

    def __repr__(self):
        return "Event(%d, %r)" % (self.id, self.strings if self.strings else
                                  (self.text or "")[:200])


_FIXME = re.compile(r"^(?:\d+\.\d+:)?([0-9a-f]+):fixme:advapi:ReportEventW \(([0-9A-Fa-f]+),"
                    r"0x([0-9a-f]+),0x([0-9a-f]+),0x([0-9a-f]+),[0-9A-Fa-f]+,"
                    r"0x([0-9a-f]+),")
_STRING = re.compile(r'^(?:\d+\.\d+:)?([0-9a-f]+):(?:err|warn|trace):eventlog:ReportEventW '
                     r'L"(.*)"(\.\.\.)?$')


_HEX4 = re.compile(r"[0-9a-fA-F]{4}")


def unescape_debugstr(s):
    """Undoes Wine's debugstr_w escaping: \\n, \\r, \\t, \\" and \\\\ as
    in C, and every other character below 0x20 or above 0x7e as a backslash
    and four hex digits (docs/wine.md item 14; not octal).  A backslash in
    the string itself is always doubled, so a backslash followed by four
    hex digits is always an escape."""
    out, i = [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in simple:
                out.append(simple[n]); i += 2; continue
            if _HEX4.fullmatch(s[i + 1:i + 5]):
                out.append(chr(int(s[i + 1:i + 5], 16))); i += 5; continue
            out.append(n); i += 2; continue
        out.append(c)
        i += 1
    return "".join(out)


LEVELS = {1: "Error", 2: "Warning", 4: "Information"}


def read_lines(path):
    """The lines of a log that may not exist yet, decoded leniently."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return []


class EventLog:
    """Events the service wrote, parsed from the Wine session's stderr.

    The file is read incrementally: each call parses only the lines added
    since the last one.  Tests poll it every few milliseconds while it
    grows to thousands of events (wine.stale, the oracle), and parsing it
    whole each time made every poll cost tens of milliseconds more the
    longer a test ran."""

    def __init__(self, path):
        self.path = path
        self._reset()

    def _reset(self):
        self._pos, self._lines = 0, 0
        self._evs, self._open = [], {}

    def _read(self):
        try:
            with open(self.path, "rb") as f:
                if os.fstat(f.fileno()).st_size < self._pos:
                    self._reset()       # the file was started over
                f.seek(self._pos)
                data = f.read()
        except FileNotFoundError:
            self._reset()
            return
        # Only whole lines: a line still being written is read next time.
        end = data.rfind(b"\n") + 1
        if not end:
            return
        self._pos += end
        for line in data[:end].decode("utf-8", "replace").splitlines():
            self._parse(self._lines, line)
            self._lines += 1

    def _parse(self, n, line):
        m = _FIXME.match(line)
        if m:
            tid = m.group(1)
            ev = Event(int(m.group(5), 16) & 0xFFFF,
                       LEVELS.get(int(m.group(3), 16), m.group(3)),
                       int(m.group(4), 16), [], seq=len(self._evs))
            ev.expected = int(m.group(6), 16)
            ev.full_id = int(m.group(5), 16)
            ev.line = n
            self._evs.append(ev)
            self._open[tid] = ev
            return
        m = _STRING.match(line)
        if m and m.group(1) in self._open:
            ev = self._open[m.group(1)]
            s = unescape_debugstr(m.group(2))
            if m.group(3):
                s += "..."      # Wine shortens long strings in traces
            ev.strings.append(s)

    def events(self):
        self._read()
        evs, open_ev = self._evs, self._open
        # A poll can read the trace while the service is still writing an
        # event: its header line is there, some of its strings are not yet.
        # That event has not happened yet for a reader; it is read whole at
        # the next poll.  (Only a thread's last event can be partial; one
        # short of strings earlier in the trace stays, for the caller's
        # assertions to name.)
        partial = {id(ev) for ev in open_ev.values() if len(ev.strings) < ev.expected}
        return [ev for ev in evs if id(ev) not in partial] if partial else list(evs)

    def count(self):
        return len(self.events())

    def status_reports(self, name="ExchPortGuard"):
        """[(line number, state)] of every SetServiceStatus the named
        service made (a session started with service_trace); 4 is
        SERVICE_RUNNING.  Other services (winedevice, ...) report too: the
        service's status handle is the one its thread used right after
        RegisterServiceCtrlHandlerExW for that name."""
        out, tid, handle = [], None, None
        for n, line in enumerate(read_lines(self.path)):
            m = _REGISTER.match(line)
            if m and m.group(2) == name:
                tid = m.group(1)
                continue
            m = _STATUS.match(line)
            if not m:
                continue
            if handle is None and m.group(1) == tid:
                handle = m.group(2)
            if handle is not None and m.group(2) == handle:
                out.append((n, int(m.group(3), 16)))
        return out


_REGISTER = re.compile(r'^([0-9a-f]+):trace:service:RegisterServiceCtrlHandlerExW L"([^"]*)"')
_STATUS = re.compile(r"^([0-9a-f]+):trace:service:SetServiceStatus (\S+) 0x[0-9a-f]+ 0x([0-9a-f]+) ")


class ConsoleLog:
    """Events printed by "exchportguard run", parsed from its stdout."""

    HEADER = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (Information|Warning|"
                        r"Error) (\d+) \((.*)\)\r?$")

    def __init__(self, path):
        self.path = path

    def events(self):
        evs, cur, body = [], None, []
        for line in read_lines(self.path):
            m = self.HEADER.match(line)
            if m:
                if cur:
                    cur.text = "\n".join(body).strip()
                cur = Event(int(m.group(3)), m.group(2), m.group(4), [],
                            seq=len(evs))
                cur.time = m.group(1)
                evs.append(cur)
                body = []
            elif cur:
                body.append(line.rstrip("\r"))
        if cur:
            cur.text = "\n".join(body).strip()
        return evs

    def count(self):
        return len(self.events())


def wait_for(log, pred, timeout=5.0, after=0):
    """Waits until an event at index >= after satisfies pred; returns it
    and the time it took, or (None, timeout)."""
    start = time.time()
    while True:
        for ev in log.events()[after:]:
            if pred(ev):
                return ev, time.time() - start
        if time.time() - start > timeout:
            return None, timeout
        time.sleep(0.02)


def has(eid, *needles):
    """Predicate: event eid whose strings/text contain every needle."""
    def pred(ev):
        return ev.id == eid and all(n in ev.blob() for n in needles)
    pred.__doc__ = "%d containing %r" % (eid, needles)
    return pred


def settle(log, quiet=0.6, timeout=10.0, expect_quiet=True):
    """Waits until no new event arrived for `quiet` seconds.  Running out of
    time means events kept coming: a failed check, unless the caller said
    that may happen (expect_quiet=False)."""
    end = time.time() + timeout
    n = log.count()
    last = time.time()
    while True:
        time.sleep(0.05)
        m = log.count()
        if m != n:
            n, last = m, time.time()
        elif time.time() - last >= quiet:
            return n
        if time.time() >= end:
            if expect_quiet:
                check(False, "settle: events still arriving after %.1f s (%d so far)"
                      % (timeout, n))
            return n


def exact(eid, strings):
    """Predicate: event eid whose insertion strings are exactly these, in
    this order (service mode, where the strings are known)."""
    def pred(ev):
        return ev.id == eid and ev.strings == list(strings)
    pred.__doc__ = "%d with strings %r" % (eid, list(strings))
    return pred


def path(key, value=None):
    """Full display path as events print it."""
    p = HKLM_SERVICES + "\\" + key
    return p + "\\" + value if value else p


def common_args(argv=None):
    return arg_parser().parse_args(argv)


def arg_parser():
    """The options every end-to-end test takes (tests/wine/CMakeLists.txt),
    for a test to add its own to."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True, help="exchportguard.exe")
    ap.add_argument("--backend", default=os.environ.get("EPG_TEST_BACKEND", "wine"),
                    help="wine (the default) or native: the real Windows this "
                         "runs on (changes HKLM; asked for explicitly only)")
    ap.add_argument("--template", help="template prefix (the wine backend)")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--msi", action="append", default=[], help="MSI files")
    ap.add_argument("--tools", help="directory of test tools (*.exe)")
    ap.add_argument("--source", help="source tree")
    return ap


def open_host(args):
    """The system the test runs against: a Wine prefix cloned from the
    template, or, when asked for explicitly, the real Windows this runs on
    (tests/wine/native.py refuses anywhere else, and without administrator
    rights).  A refusal ends the test with exit code 2 and the reason."""
    import native
    path = strict_log_path()
    if path and os.path.exists(path):
        os.remove(path)     # breaches of an earlier run are not this run's
    try:
        backend = native.select_backend(args.backend)
    except native.BackendRefused as e:
        print("backend refused: %s" % e)
        sys.exit(2)
    if backend == "native":
        return native.NativeHost(args)
    if not args.template:
        print("backend refused: the wine backend needs --template")
        sys.exit(2)
    pfx = Prefix(os.path.join(args.work, "prefix"), args.template)
    if path:
        # The log's name goes to the service too, so that its own breaches
        # are written down.
        service_environment(pfx, {"EPG_STRICT_LOG": os.environ["EPG_STRICT_LOG"]})
    return pfx


def service_environment(pfx, values):
    """Sets environment variables for the prefix's services, before its
    session starts.  Wine's services.exe gives a service the environment of
    its account (CreateEnvironmentBlock: the registry's), not the session's,
    so they go to the system environment in the registry, read when the
    next session starts."""
    for name, value in values.items():
        r = pfx.reg("add", r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment",
                    "/v", name, "/t", "REG_SZ", "/d", str(value), "/f")
        require(r.rc == 0, "%s set for services (%r)" % (name, r))
    subprocess.run([WINESERVER, "-w"], env=pfx.env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)


PERTURB_LINE = "exchportguard: schedule perturbation seed "


def perturb_service(pfx, seed):
    """The schedule-perturbed build (common/perturb.h): the service draws
    its delays from this seed.  Call before the session starts."""
    print("perturbed: the service's delays are drawn from seed %d" % seed, flush=True)
    service_environment(pfx, {"EPG_PERTURB_SEED": seed})


def check_perturbed(log_path, seed):
    """The service said it ran perturbed with this seed (its engine's
    OutputDebugStringA line, EPG_PERTURB_ANNOUNCE in common/perturb.h, which
    Wine's debugstr channel puts in the session log): a perturbed run whose
    service was not perturbed (a build without EPG_PERTURB, a seed that did
    not reach it) fails loudly instead of passing as one."""
    seen = sorted({re.match(r"\d*", l[l.index(PERTURB_LINE) + len(PERTURB_LINE):]).group(0)
                   for l in read_lines(log_path) if PERTURB_LINE in l})
    check(seen == [str(seed)], "the service ran perturbed with seed %d (it said: %s)"
          % (seed, ", ".join(seen) or "nothing: not a perturbed build?"))
