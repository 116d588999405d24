#!/usr/bin/env python3
"""A deterministic gauge of one pass of extract, per function.

    bench/cycle_estimate.py [--bench PATH] [--baseline PATH] [--top N] [--match RE] [CORPUS]

On a shared machine a change of 1-2% is lost in the wall clock's noise
(single samples move +-25% with the neighbours). This runs `polisi_bench
--passes 1` and `--passes 2` under cachegrind, with its branch and cache
simulation, and takes the difference: one pass of extract over the corpus
(default: polisi_bench's), without extractor creation or corpus loading.
Per function (code inlined into a function counts in it) it prints the
instructions (Ir), the simulated mispredicted branches (Bcm + Bim), the D1
misses (D1mr + D1mw) and a cycle estimate

    est = Ir / 3.5 + 15 * mispredicts + 5 * D1 misses

which fits the measured time per pass on the machine of bench/README.md
(an AMD EPYC, Zen 3). It over-weights the block scanner, whose real
instructions per cycle are above 3.5: judge scanner changes by Ir.
The simulated mispredictions of a function move by 1-2 K between builds
when only the code layout changed; differences under about 50 K est are
noise.

With --baseline OTHER_POLISI_BENCH, the same for the other build, and the
differences (this build minus the other). Needs valgrind. Takes a minute
or two per build.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cachegrind(bench, passes, corpus, tmp, reuse=False):
    out = os.path.join(tmp, "cg.%d" % len(os.listdir(tmp)))
    cmd = ["valgrind", "-q", "--tool=cachegrind", "--branch-sim=yes", "--cache-sim=yes",
           "--cachegrind-out-file=" + out, bench, "--passes", str(passes)]
    if reuse:
        cmd.append("--reuse")
    if corpus:
        cmd.append(corpus)
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        last = run.stderr.strip().splitlines()[-3:]
        sys.exit("cycle_estimate: %s --passes %d failed (exit %d; a polisi_bench older than "
                 "--passes?):\n  %s" % (bench, passes, run.returncode, "\n  ".join(last)))
    events, fn, per = None, None, collections.defaultdict(collections.Counter)
    with open(out) as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("fn="):
                fn = line[3:].strip()
            elif line[:1].isdigit() and events:
                for e, v in zip(events, line.split()[1:]):
                    per[fn][e] += int(v)
    return per


def one_pass(bench, corpus, tmp, reuse=False):
    """Per function: (Ir, mispredicts, D1 misses) of the second pass alone."""
    a = cachegrind(bench, 1, corpus, tmp, reuse)
    b = cachegrind(bench, 2, corpus, tmp, reuse)
    rows = {}
    for fn in set(a) | set(b):
        d = collections.Counter(b.get(fn, {}))
        d.subtract(a.get(fn, {}))
        rows[fn] = (d["Ir"], d["Bcm"] + d["Bim"], d["D1mr"] + d["D1mw"])
    return rows


def est(r):
    return r[0] / 3.5 + 15 * r[1] + 5 * r[2]


def show(rows, top, match, title, signed=False):
    print(title)
    f = "%+12.0f %+12d %+9d %+9d" if signed else "%12.0f %12d %9d %9d"
    print("%12s %12s %9s %9s  function" % ("est", "Ir", "mispred", "D1 miss"))
    total = [0, 0, 0, 0]
    keys = sorted((k for k in rows if match.search(k)), key=lambda k: -abs(est(rows[k])))
    for i, k in enumerate(keys):
        r = rows[k]
        total = [total[0] + est(r), total[1] + r[0], total[2] + r[1], total[3] + r[2]]
        if i < top:
            print(f % (est(r), r[0], r[1], r[2]) + "  " + k)
    print(f % tuple(total) + "  TOTAL (%d functions)\n" % len(keys))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", help="JSON Lines corpus (polisi_bench's default)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "bench", "polisi_bench"))
    ap.add_argument("--baseline", help="another build's polisi_bench to compare with")
    ap.add_argument("--top", type=int, default=25, help="functions shown (default 25)")
    ap.add_argument("--match", default=".", help="only functions whose name matches RE")
    ap.add_argument("--reuse", action="store_true",
                    help="--bench's passes with polisi_extract_into (not the baseline's)")
    a = ap.parse_args()
    for b in [a.bench] + ([a.baseline] if a.baseline else []):
        if not os.access(b, os.X_OK):
            sys.exit("cycle_estimate: no polisi_bench at %s (-DPOLISI_BUILD_BENCH=ON)" % b)
    match = re.compile(a.match)
    with tempfile.TemporaryDirectory() as tmp:
        new = one_pass(a.bench, a.corpus, tmp, a.reuse)
        show(new, a.top, match, "one pass of extract: " + a.bench)
        if a.baseline:
            old = one_pass(a.baseline, a.corpus, tmp)
            show(old, a.top, match, "one pass of extract: " + a.baseline)
            diff = {k: tuple(n - o for n, o in zip(new.get(k, (0, 0, 0)), old.get(k, (0, 0, 0))))
                    for k in set(new) | set(old)}
            show(diff, a.top, match, "this build minus the baseline", signed=True)


if __name__ == "__main__":
    main()
