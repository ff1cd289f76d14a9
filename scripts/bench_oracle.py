#!/usr/bin/env python3
"""The full bench's long Wine proofs (scripts/bench.sh runs each as a step):

  bench_oracle.py oracle   the state-equivalence oracle: three random seeds
                           of 20,000 steps each, side by side, each in its
                           own prefix, every seed printed with the command
                           that replays it: the first with the win64 build
                           and the differential oracle (reg export, then
                           check --reg with both builds) on its first 5,000
                           steps, the other two with the schedule-perturbed
                           build (win64-perturb, common/perturb.h), the
                           service's delays drawn from the same seed; two
                           flood-limit episodes per seed
                           (tests/wine/test_oracle.py)
  bench_oracle.py stale    the stale regression test at 1,000 repetitions
                           with the perturbed build, and beside it 1,000
                           with the win64 build (tests/wine/test_stale.py)
"""
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "wine"))
import winetest  # noqa: E402

os.chdir(ROOT)
# Both builds' programs run in prefixes cloned from the win64 build's
# template (a booted prefix; nothing of either build is in it).
template = winetest.template_for(os.path.abspath("build/win64"))
winetest.ensure_template(template, "creating the template Wine prefix (once)...")


def common(preset):
    build = os.path.abspath(os.path.join("build", preset))
    return ["--exe", os.path.join(build, "service", "exchportguard.exe"),
            "--tools", os.path.join(build, "tests", "tools"),
            "--template", template, "--source", os.path.abspath(".")]


# (build, perturbed) of each seed: at least two of three perturbed (issue 25).
RUNS = [("win64", False), ("win64-perturb", True), ("win64-perturb", True)]


def side_by_side(runs):
    """Runs each (title, log, args) at once, each test in its own prefix
    (two cores: about a third of the time one after another takes), then
    prints each log (without the per-script lines) and, for a run that
    failed, the command that replays it.  Returns 0 or 1."""
    procs = []
    for title, log, args in runs:
        os.makedirs(os.path.dirname(log), exist_ok=True)
        procs.append((title, log, args, subprocess.Popen(args, stdout=open(log, "w"),
                                                         stderr=subprocess.STDOUT)))
    rc = 0
    for title, log, args, p in procs:
        code = p.wait()
        rc = rc or int(code != 0)
        print("== %s" % title, flush=True)
        for line in open(log):
            if not line.startswith("  ok   regtool"):
                print(line, end="")
        if code:
            print("%s FAILED (log %s); replay it with: %s"
                  % (title, log, " ".join(args).replace("build/bench/", "build/bench/replay-")),
                  flush=True)
    return rc


def oracle():
    seeds = [random.SystemRandom().randrange(1 << 30) for _ in RUNS]
    print("oracle: seeds %s" % ", ".join("%d (%s)" % (seed, "perturbed" if perturbed else preset)
                                         for seed, (preset, perturbed) in zip(seeds, RUNS)),
          flush=True)
    runs = []
    for seed, (preset, perturbed) in zip(seeds, RUNS):
        # The differential oracle compares export reading, not timing: on
        # the unperturbed seed only.
        extra = ["--steps", "20000", "--bursts", "400", "--flood-bursts", "2"] + (
            ["--perturb"] if perturbed else ["--differential-steps", "5000"])
        runs.append(("oracle: seed %d%s" % (seed, ", perturbed" if perturbed else ""),
                     os.path.abspath("build/bench/oracle-%d.log" % seed),
                     [sys.executable, "tests/wine/test_oracle.py"] + common(preset) +
                     ["--work", os.path.abspath("build/bench/oracle"), "--seed", str(seed)] +
                     extra))
    return side_by_side(runs)


def stale():
    # One seed for both: the same sequences, with and without the delays.
    seed = random.SystemRandom().randrange(1 << 30)
    return side_by_side([
        ("stale: seed %d%s" % (seed, ", perturbed" if perturbed else ""),
         os.path.abspath("build/bench/stale-%s.log" % preset),
         [sys.executable, "tests/wine/test_stale.py"] + common(preset) +
         ["--work", os.path.abspath("build/bench/stale-" + preset), "--reps", "1000",
          "--seed", str(seed)] + (["--perturb"] if perturbed else []))
        for preset, perturbed in (("win64-perturb", True), ("win64", False))])


if __name__ == "__main__":
    sys.exit({"oracle": oracle, "stale": stale}[sys.argv[1]]())
