#!/usr/bin/env python3
"""The full bench's long Wine proofs (scripts/bench.sh runs each as a step):

  bench_oracle.py oracle   the state-equivalence oracle: three random seeds
                           of 20,000 steps each, side by side, each in its
                           own prefix, every seed printed with the command
                           that replays it; the differential oracle (reg
                           export, then check --reg with both builds) on the
                           first 5,000 steps of each; two flood-limit
                           episodes per seed (tests/wine/test_oracle.py)
  bench_oracle.py stale    the stale regression test at 1,000 repetitions
                           (tests/wine/test_stale.py)
"""
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "wine"))
import winetest  # noqa: E402

os.chdir(ROOT)
build = os.path.abspath("build/win64")
template = winetest.template_for(build)
winetest.ensure_template(template, "creating the template Wine prefix (once)...")
common = ["--exe", os.path.join(build, "service", "exchportguard.exe"),
          "--tools", os.path.join(build, "tests", "tools"),
          "--template", template, "--source", os.path.abspath(".")]


def oracle():
    # The seeds run side by side, each in its own prefix (two cores: about a
    # third of the time one after another takes); each log is kept.
    seeds = [random.SystemRandom().randrange(1 << 30) for _ in range(3)]
    print("oracle: seeds %s" % ", ".join(map(str, seeds)), flush=True)
    procs = []
    for seed in seeds:
        log = os.path.abspath("build/bench/oracle-%d.log" % seed)
        os.makedirs(os.path.dirname(log), exist_ok=True)
        args = [sys.executable, "tests/wine/test_oracle.py"] + common + [
            "--work", os.path.abspath("build/bench/oracle"), "--seed", str(seed),
            "--steps", "20000", "--bursts", "400", "--differential-steps", "5000",
            "--flood-bursts", "2"]
        procs.append((seed, log, subprocess.Popen(args, stdout=open(log, "w"),
                                                  stderr=subprocess.STDOUT)))
    rc = 0
    for seed, log, p in procs:
        code = p.wait()
        rc = rc or code
        for line in open(log):
            if not line.startswith("  ok   regtool"):
                print(line, end="")
        if code:
            print("oracle: seed %d FAILED (log %s); replay it with: python3 "
                  "tests/wine/test_oracle.py %s --work build/bench/replay --steps 20000 "
                  "--bursts 400 --differential-steps 5000 --seed %d"
                  % (seed, log, " ".join(common), seed), flush=True)
    return rc


def stale():
    return subprocess.call([sys.executable, "tests/wine/test_stale.py"] + common + [
        "--work", os.path.abspath("build/bench/stale"), "--reps", "1000"])


if __name__ == "__main__":
    sys.exit({"oracle": oracle, "stale": stale}[sys.argv[1]]())
