#!/usr/bin/env python3
"""The state-equivalence oracle: random sequences of value writes (every
registry type), bad data, key and ancestor deletes and re-creates, ACL
denials and restores (keys deleted while denied among them), settings flips
and flood-limit changes, against the installed service under Wine.

After each burst of steps and a quiet period, the state the service has
reported (every finding raised and not cleared since it started) must equal
the verdict of `exchportguard check --json` at that moment:
  * every conflict (1100, and 1104 between domain-controller values),
    unusable value, port in the dynamic range, range-rule finding
    (1220/1222/1224) and unreadable key or value that involves no
    unreadable value;
  * those that involve values under a key denied from before the burst to
    its end kept the state they had at the last comparison, unless the
    readable value of a conflict left the port (if it left and came back
    within the burst, the service may have seen it leave, or not: both
    states are right then, left_port);
  * the keys reported missing (1310 not followed by 1311) are the keys
    check finds missing;
  * the last word on "no port conflicts" (1103 after the last 1100) holds
    exactly when check finds no conflict, whenever every value was read.

A burst that lowers MaxEventsPerMinute (the flood limit, 2, 3 or 5) may
leave the service's transitions owed: after the episode's 1400 the owed
state follows at most MaxEventsPerMinute in any 60 seconds, over as many
minutes as it takes (docs/events.md), so after such a burst the service's
side is compared only if it came right within FLOOD_WAIT seconds, and the
burst must have ended in a 1400 or in the right state.  The next burst
lifts the limit first (MaxEventsPerMinute 0 applies at once), and its
comparison is the exact one as after any burst: whatever was owed must
have been written by then (nothing is lost).

The differential oracle (--differential-steps N: the bursts within the first
N steps of each seed): after each such burst `reg export` of
HKLM\\SYSTEM\\CurrentControlSet\\Services, then `check --reg` on it with the
Windows build under Wine and with the Linux build, compared with the live
`check --json` (every value, every key's state, every finding, field by
field) and with the service's reported state.  What an export cannot carry
is compared apart (docs/fleet.md, "What an export cannot carry").

Wine signals no ACL change (docs/wine.md item 15): after each DACL step the
script creates and deletes a subkey beside the key, the change the service
looks again on.  Each seed is printed; --seed repeats it (several --seed
run one after another, each in a fresh prefix).
"""
import json
import os
import random
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_state import involves, reported, verdict  # noqa: E402
from winetest import (arg_parser, HKLM_SERVICES, OWN, Prefix, check,  # noqa: E402
                      check_perturbed, finish, native_cli, perturb_service, require,
                      settle)

ap = arg_parser()
ap.add_argument("--steps", type=int, default=200, help="steps per seed")
ap.add_argument("--bursts", type=int, default=20, help="bursts per seed")
ap.add_argument("--seed", type=int, action="append", default=[],
                help="a seed to run (repeatable); none: one random seed")
ap.add_argument("--random-seeds", type=int, default=0,
                help="this many random seeds after the --seed ones")
ap.add_argument("--differential-steps", type=int, default=0,
                help="the differential oracle after each burst within the "
                     "first N steps of each seed")
ap.add_argument("--flood-bursts", type=int, default=1,
                help="bursts that lower MaxEventsPerMinute, over the whole run: "
                     "one per seed, from the first seed on, until they are spent")
ap.add_argument("--perturb", action="store_true",
                help="the schedule-perturbed build (win64-perturb): the service "
                     "draws its delays from each seed as well, so --seed N "
                     "replays both the steps and the delays' choices")
args = ap.parse_args()
seeds = list(args.seed) + [random.SystemRandom().randrange(1 << 30)
                           for _ in range(args.random_seeds or (0 if args.seed else 1))]
print("oracle: seeds %s, %d steps in %d bursts each; differential on the first %d "
      "steps of each (repeat one with --seed N)" % (
          ", ".join(map(str, seeds)), args.steps, args.bursts, args.differential_steps),
      flush=True)

SVC = "System\\CurrentControlSet\\Services\\"
PORTS = [6001, 6002, 6003, 6004, 50000]     # 50000: inside the default dynamic range
FLOOD_WAIT = 75.0


def dword(v):
    return struct.pack("<I", v).hex()


def utf16(text):
    return text.encode("utf-16-le").hex()


def typed(rnd):
    """A port as data of another registry type (type number, hex)."""
    p = rnd.choice(PORTS)
    return rnd.choice([
        ("1", utf16("%d\0" % p)),                   # REG_SZ
        ("1", utf16(" %d \0" % p)),                 # REG_SZ with spaces
        ("1", utf16("%d %d\0" % (p // 100, p % 100))),
        ("2", utf16("%d\0" % p)),                   # REG_EXPAND_SZ
        ("7", utf16("%d\0\0" % p)),                 # REG_MULTI_SZ
        ("7", utf16("%d\0%d\0\0" % (p, p + 1))),
        ("11", struct.pack("<Q", p).hex()),         # REG_QWORD
        ("3", dword(p)),                            # REG_BINARY
        ("5", struct.pack(">I", p).hex()),          # REG_DWORD_BIG_ENDIAN
        ("0", ""),                                  # REG_NONE
    ])


class Generator:
    """Random steps as regtool script lines (tests/tools/regtool.c)."""

    def __init__(self, seed, values):
        self.rnd = random.Random(seed)
        self.values = values                    # (key under Services, name)
        self.keys = sorted({k for k, _ in values})
        self.denied = set()

    def poke(self, key):
        parent = key.split("\\")[0]
        return ["createkey\t%s%s\\OracleProbe" % (SVC, parent),
                "deletekey\t%s%s\\OracleProbe" % (SVC, parent)]

    def step(self):
        rnd = self.rnd
        r = rnd.random()
        key, name = rnd.choice(self.values)
        target = "%s%s\t%s" % (SVC, key, name)
        if r < 0.34:
            return ["tryput\t%s\t4\thex\t%s" % (target, dword(rnd.choice(PORTS)))]
        if r < 0.42:
            return ["tryput\t%s\t%s\thex\t%s" % ((target,) + typed(rnd))]
        if r < 0.48:
            bad = rnd.choice([("1", utf16("78")),        # unterminated
                              ("4", dword(0)), ("1", utf16("x\0"))])
            return ["tryput\t%s\t%s\thex\t%s" % (target, bad[0], bad[1])]
        if r < 0.58:
            return ["delete\t" + target]
        k = rnd.choice(self.keys)
        if r < 0.63:
            return ["deletetree\t" + SVC + k]
        if r < 0.66:
            return ["deletetree\t" + SVC + k.split("\\")[0]]
        if r < 0.71:
            return ["createkey\t" + SVC + k]
        if r < 0.78:
            # A read-only denial leaves DELETE and KEY_SET_VALUE allowed, so
            # the key can be written and deleted while the service cannot
            # open it.
            self.denied.add(k)
            verb = rnd.choice(["deny", "denyread"])
            return ["%s\t%s%s" % (verb, SVC, k)] + self.poke(k)
        if r < 0.80:
            self.denied.add(k)
            return (["denyread\t" + SVC + k] + self.poke(k) +
                    ["deletetree\t" + SVC + k])
        if r < 0.89 and self.denied:
            k = rnd.choice(sorted(self.denied))
            self.denied.discard(k)
            return ["allow\t" + SVC + k] + self.poke(k)
        # Settings: short windows and no flood limit keep quiet periods short.
        setting = rnd.choice([("CoalesceMilliseconds", rnd.choice([0, 10, 50])),
                              ("CheckDynamicRange", rnd.choice([0, 1]))])
        return ["put\t%s%s\t%s\t4\thex\t%s" % (SVC, r"ExchPortGuard\Parameters", setting[0],
                                               dword(setting[1]))]

    def burst(self, n, flood, after_flood):
        """n steps; a flood burst first lowers the limit (and leaves it
        low, so the burst's own transitions meet it), the burst after it
        lifts it again."""
        lines = []
        if flood or after_flood:
            limit = self.rnd.choice([2, 3, 5]) if flood else 0
            lines.append("put\t%s%s\tMaxEventsPerMinute\t4\thex\t%s"
                         % (SVC, r"ExchPortGuard\Parameters", dword(limit)))
        for _ in range(n):
            lines += self.step()
        return lines


def left_port(path, port, lines):
    """Whether a step of the burst may have taken the value at path off
    port (written otherwise, deleted, its key or an ancestor deleted, its
    key denied).  A conflict whose other value stays unreadable all burst
    long is over once the service sees this one leave its port, and stays
    over when it comes back (the service raises nothing from a value it
    cannot read); whether the service saw it leave depends on when it
    looked (coalescing, scheduling), so when it came back by the burst's
    end both states are right."""
    key, name = path[len(HKLM_SERVICES) + 1:].rsplit("\\", 1)
    for line in lines:
        f = line.split("\t")
        verb, target = f[0], f[1][len(SVC):]
        if verb in ("put", "tryput", "delete") and target == key and f[2] == name:
            if verb == "delete" or f[3] != "4" or f[5] != dword(port):
                return True
        elif verb in ("deletetree", "deletekey") and (key == target or
                                                      key.startswith(target + "\\")):
            return True
        elif verb in ("deny", "denyread") and target == key:
            return True
    return False


def live_check(pfx, exe):
    """check --json on the live registry (run again if Wine failed to run
    it: Host.run_again_if_silent).  A run that still gives no report, a
    crash among them, ends the seed with its exit code and stderr printed,
    not with a traceback that says nothing."""
    r = pfx.run_again_if_silent(exe, "check", "--json")
    try:
        return json.loads(r.out)
    except ValueError:
        pass
    check(False, "check --json gave a report (exit code %s): stdout %r; stderr %r"
          % (r.rc, r.out[-300:], r.err[-1500:]))
    raise SystemExit("oracle: check --json gave no report")


def differential(pfx, exe, linux, live, found, unknown, burst):
    """reg export, then check --reg with both builds: equal to each other
    and to the live check, but for what an export cannot carry; and the
    export's verdict equal to the service's reported state.  Returns the
    differences (empty when none)."""
    name = "burst%d.reg" % burst
    r = pfx.reg("export", r"HKLM\SYSTEM\CurrentControlSet\Services",
                pfx.tmp_win + "\\" + name, "/y")
    if r.rc != 0:
        return ["reg export failed: %r" % r]
    osv = live["os_version"] or "10.0"
    w = pfx.run(exe, "check", "--reg", name, "--os", osv, "--json", cwd=pfx.tmp)
    lin = subprocess.run([linux, "check", "--reg", name, "--os", osv, "--json"],
                         cwd=pfx.tmp, capture_output=True, text=True)
    diffs = []
    try:
        wdoc, ldoc = json.loads(w.out), json.loads(lin.stdout)
    except ValueError:
        return ["check --reg printed no JSON: Windows %r, Linux %r" % (w.out[:300], lin.stdout[:300])]
    if wdoc != ldoc:
        diffs.append("the Windows and Linux builds' check --reg differ")
    rep = wdoc["computers"][0]["report"]
    if rep is None:
        return diffs + ["the export could not be read: %r" % wdoc["computers"][0]]
    # What an export cannot carry (docs/fleet.md): a key check could not
    # read is left out of the export (Wine's reg export skips it), so it
    # and its values read as not installed; who holds a port (the TCP
    # table); netsh's dynamic range and exclusions (the export assumes the
    # documented default).
    denied = {k["path"] for k in live["keys"] if k["state"] == "unreadable"}
    under = lambda p: any(p == d or p.startswith(d + "\\") for d in denied)  # noqa: E731
    for lk, ek in zip(live["keys"], rep["keys"]):
        want = ("missing", None) if lk["path"] in denied else (lk["state"], lk["error"])
        if lk["path"] != ek["path"] or want != (ek["state"], ek["error"]):
            diffs.append("key %s: live %s, export %s" % (lk["path"], lk["state"], ek["state"]))
    # And a REG_SZ or REG_EXPAND_SZ stored without its terminating NUL:
    # Wine's reg export writes it one character short ("78" as "7"); what
    # the file then says is read as it stands.
    lossy = set()
    for lv, ev in zip(live["values"], rep["values"]):
        if under(lv["path"]):
            if ev["status"] != "absent":
                diffs.append("value %s under an unreadable key: export %s"
                             % (lv["path"], ev["status"]))
            continue
        if (lv["type"] in ("REG_SZ", "REG_EXPAND_SZ") and lv["data"] != ev["data"] and
                ev["data"] == lv["data"][:-2] + '"' and lv["size"] == 2 * (len(lv["data"]) - 2)):
            lossy.add(lv["path"])
            continue
        fields = {k: (lv[k], ev.get(k)) for k in lv if lv[k] != ev.get(k)}
        if fields:
            diffs.append("value %s: %s" % (lv["path"], fields))
    key_level = [f for f in live["findings"] if f["rule"] == "unreadable" and not f["paths"]]
    if len(key_level) != len(denied):
        diffs.append("%d keys unreadable, %d findings saying so" % (len(denied), len(key_level)))
    if any(f["rule"] == "unreadable" for f in rep["findings"]):
        diffs.append("the export reports data it could not read")
    apart = ("port-held", "port-excluded")
    range_same = (live["dynamic_range"]["start"], live["dynamic_range"]["end"],
                  live["dynamic_range"]["checked"]) == (
                  rep["dynamic_range"]["start"], rep["dynamic_range"]["end"],
                  rep["dynamic_range"]["checked"])

    def keyed(doc):
        out = []
        for f in doc["findings"]:
            if (f["rule"] in apart or (f["rule"] == "unreadable" and not f["paths"]) or
                    any(under(p) or p in lossy for p in f["paths"])):
                continue
            if f["rule"] == "dynamic-range" and not range_same:
                continue
            out.append(json.dumps({k: f[k] for k in f if k != "holder"}, sort_keys=True))
        return sorted(out)
    lf, ef = keyed(live), keyed(rep)
    if lf != ef:
        diffs.append("findings: only live %s; only the export %s"
                     % ([x for x in lf if x not in ef], [x for x in ef if x not in lf]))
    if any(f["rule"] in apart for f in rep["findings"]):
        diffs.append("the export reports a finding it cannot carry")
    if found is None:
        return diffs    # the service's side still owed (a flood burst)
    efound = verdict(rep)[0]
    cmp_s = {f for f in found if not involves(f, unknown | lossy) and not
             (f[0] == "unreadable" and f[1] in denied)}
    cmp_e = {f for f in efound if not involves(f, unknown | lossy)}
    if cmp_s != cmp_e:
        diffs.append("service and export: only the service %s; only the export %s"
                     % (sorted(cmp_s - cmp_e), sorted(cmp_e - cmp_s)))
    return diffs


def kept_mismatches(js, found, unknown, prev_found, stable, lines):
    """The findings under keys unreadable all burst long (stable) that did
    not keep their last compared state, and how many were checked."""
    port_of = {v["path"]: v["port"] for v in js["values"] if v["status"] == "ok"}
    wrong, checked = [], 0
    for f in prev_found | found:
        paths = [p for p in f[1:] if isinstance(p, str)]
        hidden = [p for p in paths if p in unknown]
        if not hidden or not all(p.rsplit("\\", 1)[0] in stable for p in hidden):
            continue
        should = f in prev_found
        checked += 1
        if f[0] == "conflict" and len(hidden) == 1:
            other = paths[0] if hidden[0] == paths[1] else paths[1]
            back = port_of.get(other) == f[1]
            if should and back and left_port(other, f[1], lines):
                continue    # seen leaving, or not: either is right
            should = should and back
        if (f in found) != should:
            wrong.append(f)
    return wrong, checked


def compare(log, js):
    """The service's reported state (its events so far) against check's
    verdict js, apart from the kept findings: (ok, found, missing,
    all_clear, the findings and check's findings that involve no unreadable
    value, check's missing keys, check's conflicts, the unreadable values)."""
    found, missing, all_clear = reported(log.events())
    want, want_missing, conflicts, unknown = verdict(js)
    cmp_found = {f for f in found if not involves(f, unknown)}
    cmp_want = {f for f in want if not involves(f, unknown)}
    ok = cmp_found == cmp_want and missing == want_missing
    if not unknown:
        ok = ok and all_clear == (not conflicts)
    return (ok, found, missing, all_clear, cmp_found, cmp_want, want_missing, conflicts,
            unknown)


def late_or_lost(pfx, exe, log, limit=10.0):
    """After a mismatch (which stands): whether the service's reported state
    comes right on its own within `limit` seconds (late: it was still
    working when the quiet period ended) or not (lost: it missed a change).
    Compares what every comparison compares apart from the kept findings,
    whose rule needs the previous burst."""
    t0 = time.time()
    while time.time() - t0 < limit:
        time.sleep(0.5)
        if compare(log, live_check(pfx, exe))[0]:
            return "it came right on its own after %.1f s (late, not lost)" % (time.time() - t0)
    return "it was still wrong %.0f s later (lost, not late)" % limit


def run_seed(seed, work, flood_count):
    """One seed's run in its own prefix; returns (mismatches, bursts,
    differential bursts, findings checked as kept)."""
    print("oracle: seed %d (repeat with --seed %d)" % (seed, seed), flush=True)
    pfx = Prefix(os.path.join(work, "prefix"), args.template)
    exe = pfx.install_file(args.exe, r"C:\epg\exchportguard.exe")
    regtool = pfx.install_file(os.path.join(args.tools, "regtool.exe"), r"C:\epg\regtool.exe")
    if args.perturb:
        perturb_service(pfx, seed)
    try:
        log = pfx.start_session(os.path.join(work, "events.log"))
        # The watched values as the product lists them
        # (common/check/catalogue.c), not a second table here.
        cat = live_check(pfx, exe)
        values = [(v["key"], v["name"]) for v in cat["values"]]
        gen = Generator(seed, values)
        for k in gen.keys:
            pfx.reg_add(HKLM_SERVICES + "\\" + k, "Unused", "REG_DWORD", 1)
        pfx.reg_add(OWN, "CoalesceMilliseconds", "REG_DWORD", 20)
        pfx.reg_add(OWN, "MaxEventsPerMinute", "REG_DWORD", 0)
        linux = native_cli(pfx, exe, args.source, work) if args.differential_steps else None
        require(pfx.run(exe, "install").rc == 0, "installed")
        pfx.sc("start", "ExchPortGuard")
        require(pfx.wait_state("RUNNING", timeout=15) == "RUNNING", "service RUNNING")
        settle(log)
        mismatches, compared, diffed, kept_checked, owed_bursts = 0, 0, 0, 0, 0
        prev_found, prev_unreadable_keys = set(), set()
        per_burst = max(1, args.steps // args.bursts)
        floods = set(random.Random(seed ^ 0x5EED).sample(
            range(args.bursts - 1), min(flood_count, max(args.bursts - 1, 0))))
        episodes = 0
        done = 0
        t0 = time.time()
        for burst in range(args.bursts):
            n = per_burst if burst < args.bursts - 1 else args.steps - done
            lines = gen.burst(n, burst in floods, burst - 1 in floods)
            before = log.count()
            done += n
            allowed = {l.split("\t")[1][len(SVC):] for l in lines if l.startswith("allow\t")}
            # Deleted (the key or an ancestor) or created: a key deleted
            # while denied and put back (tryput creates it) in the same
            # burst was missing in between, which ends what involved its
            # values (the data proves them over), however it reads now.
            gone = {l.split("\t")[1][len(SVC):] for l in lines
                    if l.split("\t")[0] in ("deletetree", "deletekey", "createkey")}
            # Keys unreadable at the last comparison, neither allowed nor
            # deleted since, stay unreadable all burst long: the service
            # could read nothing there, so what involves their values must
            # keep the state it had then.
            rel = {p: p[len(HKLM_SERVICES) + 1:] for p in prev_unreadable_keys}
            stable = {p for p, k in rel.items()
                      if k not in allowed and
                      not any(k == g or k.startswith(g + "\\") for g in gone)}
            log_from = os.path.getsize(log.path)
            pfx.script(regtool, lines, "burst%d.txt" % burst)
            settle(log, quiet=0.8, timeout=30 if burst not in floods else FLOOD_WAIT,
                   expect_quiet=burst not in floods)
            deadline = time.time() + (FLOOD_WAIT if burst in floods else 0)
            while True:
                js = live_check(pfx, exe)
                (ok, found, missing, all_clear, cmp_found, cmp_want, want_missing,
                 conflicts, unknown) = compare(log, js)
                # A flood episode may hold back the transitions of kept
                # findings as well: they are waited for like the others.
                kept_wrong, kept_n = kept_mismatches(js, found, unknown, prev_found,
                                                     stable, lines)
                ok = ok and not kept_wrong
                if ok or time.time() >= deadline:
                    break
                time.sleep(1.0)     # a flood episode still holds transitions
            episode = burst in floods and any(e.id == 1400 for e in log.events()[before:])
            episodes += episode
            if burst in floods and not ok:
                # Owed at the limit's pace: the next burst lifts the limit
                # and compares exactly.  What is known now is not the last
                # comparison's, so the next burst checks no kept findings.
                check(episode, "seed %d burst %d (flood): not yet right after %.0f s, "
                      "and a suppression episode (1400) ended" % (seed, burst, FLOOD_WAIT))
                if done <= args.differential_steps:
                    diffs = differential(pfx, exe, linux, js, None, unknown, burst)
                    diffed += 1
                    for d in diffs:
                        print("    differential (burst %d, flood): %s" % (burst, d))
                    mismatches += bool(diffs)
                prev_found, prev_unreadable_keys = set(), set()
                owed_bursts += 1
                continue
            kept_checked += kept_n
            diffs = []
            if done <= args.differential_steps:
                diffs = differential(pfx, exe, linux, js, found, unknown, burst)
                diffed += 1
            prev_found = found
            prev_unreadable_keys = {k["path"] for k in js["keys"] if k["state"] == "unreadable"}
            compared += 1
            if not ok or diffs:
                mismatches += 1
                print("  burst %d (seed %d%s): only the service reports %s; only check "
                      "finds %s;\n    missing keys: service %s, check %s; service "
                      "all-clear %s, check conflicts %s; unreadable values %s;"
                      % (burst, seed, ", flood" if burst in floods else "",
                         sorted(cmp_found - cmp_want), sorted(cmp_want - cmp_found),
                         sorted(missing), sorted(want_missing), all_clear, conflicts,
                         sorted(unknown)), flush=True)
                if kept_wrong:
                    print("    under keys unreadable all burst long, not kept as last "
                          "known (or raised from nothing): %s" % sorted(kept_wrong))
                for d in diffs:
                    print("    differential: %s" % d)
                print("    steps:\n      %s" % "\n      ".join(lines), flush=True)
                print("    the service's trace of this burst: bytes %d-%d of %s; %s"
                      % (log_from, os.path.getsize(log.path), log.path,
                         late_or_lost(pfx, exe, log)), flush=True)
        check(pfx.service_state() == "RUNNING", "seed %d: still running" % seed)
        if args.perturb:
            check_perturbed(log.path, seed)
        print("oracle: seed %d: %d bursts, %d steps, %.0f s, %d mismatches, %d compared "
              "with exports, %d kept findings checked, %d flood episodes (1400) of %d "
              "flood bursts, %d of them still owing state after %.0f s (compared after "
              "the next burst lifted the limit)"
              % (seed, compared, done, time.time() - t0, mismatches, diffed, kept_checked,
                 episodes, len(floods), owed_bursts, FLOOD_WAIT), flush=True)
        return mismatches, compared, diffed, kept_checked, done, episodes
    finally:
        pfx.kill()


os.makedirs(args.work, exist_ok=True)
totals = [0, 0, 0, 0, 0, 0]
t_all = time.time()
floods_left = args.flood_bursts
for seed in seeds:
    share = -(-floods_left // (len(seeds) - seeds.index(seed)))    # spread, first seeds first
    for i, v in enumerate(run_seed(seed, os.path.join(args.work, "seed-%d" % seed), share)):
        totals[i] += v
    floods_left -= share
mismatches, compared, diffed, kept, steps, episodes = totals
if args.flood_bursts and args.bursts > 1:
    check(episodes > 0, "the flood limit was met (%d suppression episodes, each ended by a "
          "1400), and what it held back reached the event log afterwards" % episodes)
check(mismatches == 0, "after each of %d bursts (%d steps over seeds %s, %.0f s) the "
      "service's reported state equals check --json, %d of them also equal to check "
      "--reg on a reg export with both builds, and %d findings under keys unreadable all "
      "burst long kept their last known state (%d mismatches)"
      % (compared, steps, ", ".join(map(str, seeds)), time.time() - t_all, diffed, kept,
         mismatches))
finish("wine.oracle")
