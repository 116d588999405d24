#!/usr/bin/env python3
"""Accuracy gate: run the polisi CLI on the shared corpora and compare the
per-type F1 with the floors in floors.json.

Usage:
  check.py --cli PATH --shared DIR --floors FILE [--update [--allow-lower]]

For every corpus named in FILE (paths relative to DIR, e.g. corpus/dev.jsonl)
it runs `PATH --jsonl < corpus > out`, scores out with DIR/tools/score.py
--json and prints P/R/F1 per type next to the floor. It fails (exit 1) when a
type's F1 is below its floor (minus 0.0005 for rounding), when an entity's
text is not its slice of the input (bad_offsets), or when a document is
missing from the output. Without the shared directory it exits 77 (skipped).

--update writes the current F1s (rounded down to three decimals) into FILE as
the new floors. It never lowers a floor unless --allow-lower is given.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

SKIP = 77
TOLERANCE = 0.0005


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="the polisi command-line tool")
    ap.add_argument("--shared", required=True, help="the shared directory (corpus/, tools/)")
    ap.add_argument("--floors", required=True, help="floors.json")
    ap.add_argument("--update", action="store_true",
                    help="raise the floors in FILE to the current F1 (rounded down)")
    ap.add_argument("--allow-lower", action="store_true",
                    help="with --update: also lower floors")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="seconds allowed for one CLI run (default 600)")
    return ap.parse_args(argv)


def load_floors(path):
    with open(path, encoding="utf-8") as f:
        floors = json.load(f)
    if not isinstance(floors, dict) or not floors:
        raise ValueError("%s: expected a non-empty object {corpus: {type: floor}}" % path)
    for corpus, per_type in floors.items():
        if not isinstance(per_type, dict):
            raise ValueError("%s: %s: expected an object {type: floor}" % (path, corpus))
        for t, v in per_type.items():
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1:
                raise ValueError("%s: %s: %s: floor must be a number in [0, 1]" % (path, corpus, t))
    return floors


def run_cli(cli, corpus_path, out_path, timeout):
    with open(corpus_path, "rb") as src, open(out_path, "wb") as dst:
        proc = subprocess.run([cli, "--jsonl"], stdin=src, stdout=dst,
                              stderr=subprocess.PIPE, timeout=timeout)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError("%s --jsonl < %s exited with %d%s"
                           % (cli, corpus_path, proc.returncode, (": " + err[-2000:]) if err else ""))


def score(score_py, gold_path, out_path):
    proc = subprocess.run([sys.executable, score_py, gold_path, out_path, "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("score.py failed (%d): %s"
                           % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip()))
    return json.loads(proc.stdout.decode("utf-8"))


def floor3(x):
    """Round down to three decimals, robust to float noise (0.7 stays 0.7)."""
    return math.floor(x * 1000 + 1e-9) / 1000


def report(corpus, result, floors):
    """Prints the table for one corpus; returns the list of failure messages."""
    failures = []
    types = result.get("types", {})
    print("\n%s: %d docs, micro F1 %.3f" % (corpus, result.get("docs", 0), result.get("micro_f1", 0.0)))
    print("  %-9s %6s %6s %6s %7s  %5s %5s %5s" % ("type", "P", "R", "F1", "floor", "tp", "fp", "fn"))
    for t in sorted(set(types) | set(floors)):
        x = types.get(t)
        floor = floors.get(t)
        if x is None:
            print("  %-9s %6s %6s %6s %7.3f  (not scored)" % (t, "-", "-", "-", floor))
            failures.append("%s: type %s has a floor but score.py does not report it" % (corpus, t))
            continue
        mark = ""
        if floor is not None and x["f1"] < floor - TOLERANCE:
            mark = "  << BELOW FLOOR"
            failures.append("%s: %s F1 %.4f < floor %.3f" % (corpus, t, x["f1"], floor))
        print("  %-9s %6.3f %6.3f %6.3f %7s  %5d %5d %5d%s"
              % (t, x["precision"], x["recall"], x["f1"],
                 "-" if floor is None else "%.3f" % floor, x["tp"], x["fp"], x["fn"], mark))
    attrs = result.get("person_attributes") or {}
    if attrs:
        print("  person attributes on matched persons: " + ", ".join(
            "%s %s" % (k, "n/a" if v is None else "%.3f" % v) for k, v in sorted(attrs.items())))
    if result.get("bad_offsets", 0) > 0:
        failures.append("%s: %d entities whose text is not their slice of the input"
                        % (corpus, result["bad_offsets"]))
    if result.get("missing_docs", 0) > 0:
        failures.append("%s: %d documents missing from the CLI output" % (corpus, result["missing_docs"]))
    print("  bad offsets: %d, missing docs: %d" % (result.get("bad_offsets", 0), result.get("missing_docs", 0)))
    return failures


def update_floors(path, floors, results, allow_lower):
    changed = []
    new = {}
    for corpus, per_type in floors.items():
        res = results[corpus]["types"]
        new[corpus] = {}
        for t in sorted(set(per_type) | set(res)):
            old = per_type.get(t)
            cur = floor3(res[t]["f1"]) if t in res else old
            if old is not None and cur < old and not allow_lower:
                cur = old
            new[corpus][t] = cur
            if cur != old:
                changed.append("%s %s: %s -> %.3f" % (corpus, t, "-" if old is None else "%.3f" % old, cur))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(new, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print("floors updated in %s:" % path)
    for c in changed or ["(no change)"]:
        print("  " + c)
    return new


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    score_py = os.path.join(args.shared, "tools", "score.py")
    dev = os.path.join(args.shared, "corpus", "dev.jsonl")
    if not (os.path.isfile(dev) and os.path.isfile(score_py)):
        print("SKIP: ../shared not found (accuracy not measured)")
        return SKIP
    if not (os.path.isfile(args.cli) and os.access(args.cli, os.X_OK)):
        print("FAIL: the CLI %s is not an executable file" % args.cli)
        return 1
    try:
        floors = load_floors(args.floors)
    except (OSError, ValueError) as err:
        print("FAIL: %s" % err)
        return 1

    failures, results = [], {}
    with tempfile.TemporaryDirectory(prefix="polisi-accuracy-") as tmp:
        for corpus in floors:
            gold = os.path.join(args.shared, corpus)
            if not os.path.isfile(gold):
                failures.append("%s: corpus file not found" % gold)
                continue
            out = os.path.join(tmp, os.path.basename(corpus) + ".out")
            try:
                run_cli(args.cli, gold, out, args.timeout)
                results[corpus] = score(score_py, gold, out)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError, OSError) as err:
                failures.append("%s: %s" % (corpus, err))

    if args.update:
        broken = [c for c, r in results.items() if r.get("bad_offsets") or r.get("missing_docs")]
        if failures or broken:
            print("floors NOT updated: some corpora could not be measured or have"
                  " bad offsets / missing documents")
        else:
            floors = update_floors(args.floors, floors, results, args.allow_lower)
    for corpus in floors:
        if corpus in results:
            failures += report(corpus, results[corpus], floors[corpus])

    if failures:
        print("\nFAIL:")
        for f in failures:
            print("  " + f)
        return 1
    print("\nOK: every type at or above its floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
