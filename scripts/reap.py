#!/usr/bin/env python3
"""Ends what a script started, on any way out (scripts/bench.sh's trap,
scripts/mutants.py after each mutant):

    reap.py [--tree PID] [--list] DIR...

--tree PID   every descendant of PID (not PID itself, nor this script) gets
             SIGTERM, then SIGKILL if still there 3 s later;
DIR...       every process whose WINEPREFIX lies under one of the DIRs:
             `wineserver -k` in each such prefix (docs/wine.md item 3), then
             SIGKILL for whatever is left 10 s later.  Wine's own processes
             (wineserver, services.exe, the service, ...) are reparented to
             init, so only their WINEPREFIX says whose they are;
--list       prints the processes of the DIRs' prefixes (pid, name, prefix)
             and ends nothing: exit status 1 if there are any.

Nothing is looked up by name: only this tree and these prefixes are
touched, so other work trees' Wine tests on the same machine are safe.
"""
import os
import signal
import subprocess
import sys
import time


def proc_stat(pid):
    """(name, ppid) of a live process (not a zombie), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    name = s[s.index("(") + 1:s.rindex(")")]
    state, ppid = s[s.rindex(")") + 2:].split()[:2]
    return None if state in ("Z", "X") else (name, int(ppid))


def pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def descendants(root):
    children = {}
    for pid in pids():
        st = proc_stat(pid)
        if st:
            children.setdefault(st[1], []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def wine_prefix(pid):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
    except OSError:
        return None
    for item in env:
        if item.startswith(b"WINEPREFIX="):
            return os.path.realpath(item[11:].decode("utf-8", "replace"))
    return None


def under(path, dirs):
    return any(path == d or path.startswith(d + os.sep) for d in dirs)


def wine_processes(dirs):
    """[(pid, name, prefix)] of the processes whose prefix is under dirs."""
    out, me = [], os.getpid()
    for pid in pids():
        if pid == me:
            continue
        pfx = wine_prefix(pid)
        if pfx and under(pfx, dirs):
            st = proc_stat(pid)
            if st:
                out.append((pid, st[0], pfx))
    return out


def signal_all(targets, sig):
    for pid in targets:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def wait_gone(targets, timeout):
    end = time.time() + timeout
    while True:
        alive = [p for p in targets if proc_stat(p) is not None]
        if not alive or time.time() >= end:
            return alive
        time.sleep(0.1)


def end_tree(root):
    mine = set([os.getpid()])
    targets = [p for p in descendants(root) if p not in mine]
    signal_all(targets, signal.SIGTERM)
    left = wait_gone(targets, 3.0)
    signal_all(left, signal.SIGKILL)
    return len(targets)


def end_prefixes(dirs):
    found = wine_processes(dirs)
    servers = sorted({pfx for _, _, pfx in found})
    for pfx in servers:
        env = dict(os.environ, WINEPREFIX=pfx)
        if os.path.isdir(pfx):
            try:
                subprocess.run(["wineserver", "-k"], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                pass
    # wineserver -k returns before its processes are gone, and a prefix
    # whose directory was removed has no server socket to reach.
    left = wait_gone([p for p, _, _ in found], 10.0)
    left += [p for p, _, _ in wine_processes(dirs) if p not in left]
    signal_all(left, signal.SIGKILL)
    wait_gone(left, 5.0)
    return len(found), len(servers)


def main(argv):
    tree, listing, dirs = None, False, []
    it = iter(argv)
    for a in it:
        if a == "--tree":
            tree = int(next(it))
        elif a == "--list":
            listing = True
        else:
            dirs.append(os.path.realpath(a))
    if listing:
        found = wine_processes(dirs)
        for pid, name, pfx in found:
            print("%d %s %s" % (pid, name, pfx))
        return 1 if found else 0
    n = end_tree(tree) if tree else 0
    m, s = end_prefixes(dirs) if dirs else (0, 0)
    if n or m:
        print("reap: ended %d process(es) started here and %d Wine process(es) "
              "of %d prefix(es)" % (n, m, s), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
