#!/usr/bin/env python3
"""Python binding vs the C API: the cost of `polisi.Extractor.extract`.

    python3 bench/python_vs_c.py [CORPUS.jsonl] [--rounds N] [--wall] [--cli PATH]

Times, over the same texts and reference dates (each record's "date"):

  C API   a ctypes loop doing only polisi_extract + polisi_result_free
          (the C work, plus about a microsecond of ctypes call overhead,
          shown separately as "ctypes overhead" from empty texts); and the
          same loop with polisi_result_json, the part of the binding's
          cost that is C
  Python  Extractor.extract(text, ref_date): the C call, the JSON of the
          result, json.loads, the str offsets, the dataclasses
  CLI     (with --cli) the C tool on the corpus as JSON Lines, one process,
          for reference: it also parses and writes JSON

Each figure is the best of N rounds (default 20, interleaved) over the whole
corpus, in CPU time of this process (--wall: wall-clock time, which on a
machine busy with other work punishes the longer rounds most). The
issue asks Python <= 2x the C API. Default corpus: ../shared/corpus/dev.jsonl
next to the source tree. The library is found as `import polisi` finds it
(POLISI_LIBRARY, installed, build tree); bindings/python is put on sys.path.
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

import polisi  # noqa: E402
from polisi import _lib  # noqa: E402


def timed_rounds(rounds, fns, clock):
    """The times of each function in each of `rounds` rounds, interleaved so
    that a busy machine slows them alike: times[round][fn]."""
    times = []
    for _ in range(rounds):
        row = []
        for fn in fns:
            t0 = clock()
            fn()
            row.append(clock() - t0)
        times.append(row)
    return times


def best_of(rounds, fns, clock):
    """The best time of each function over `rounds` interleaved rounds."""
    times = timed_rounds(rounds, fns, clock)
    return [min(col) for col in zip(*times)]


def c_api_loop(ex_handle, docs):
    """The C API only: one call options object per date, reused."""
    lib = _lib.lib
    calls = {}
    for _, date in docs:
        if date is not None and date not in calls:
            c = ctypes.c_void_p()
            lib.polisi_call_options_new(ex_handle, ctypes.byref(c))
            iso = date.encode()
            lib.polisi_call_options_set_ref_date_iso(c, iso, len(iso))
            calls[date] = c.value
    prepared = [(data, calls.get(date)) for data, date in docs]
    res = ctypes.c_void_p()
    extract, free = lib.polisi_extract, lib.polisi_result_free

    def run():
        for data, call in prepared:
            if extract(ex_handle, data, len(data), call, ctypes.byref(res)) < 0:
                raise SystemExit("polisi_extract failed")
            free(res)

    to_json = lib.polisi_result_json
    js = ctypes.c_char_p()

    def run_json():
        for data, call in prepared:
            if extract(ex_handle, data, len(data), call, ctypes.byref(res)) < 0:
                raise SystemExit("polisi_extract failed")
            to_json(res, None, 0, 2, ctypes.byref(js), None)
            free(res)
    run.with_json = run_json
    return run, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?",
                    default=os.path.join(ROOT, "..", "shared", "corpus", "dev.jsonl"))
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--cli", help="the C tool, to time it on the same corpus")
    ap.add_argument("--wall", action="store_true",
                    help="measure wall-clock time instead of this process's CPU time (which "
                         "is steadier when other processes compete for the CPUs)")
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    texts = [(r["text"], r.get("date")) for r in records]
    docs = [(polisi._core.encode(t), d) for t, d in texts]
    nbytes = sum(len(d) for d, _ in docs)
    non_ascii = sum(1 for t, _ in texts if not t.isascii())

    ex = polisi.Extractor()
    handle = ex._handle
    n_ents = sum(len(ex.extract(t, d)) for t, d in texts)  # also warms up

    run_c, calls = c_api_loop(handle, docs)
    empty = [(b"", None)] * len(docs)
    run_empty, _ = c_api_loop(handle, empty)

    def run_py():
        for t, d in texts:
            ex.extract(t, d)

    clock = time.perf_counter if args.wall else time.process_time
    times = timed_rounds(args.rounds, [run_c, run_empty, run_py, run_c.with_json], clock)
    t_c, t_empty, t_py, t_cjson = [min(col) for col in zip(*times)]
    # The ratio within each round (C and Python measured back to back) is
    # steadier than the ratio of two minima when the machine is busy.
    paired = statistics.median(row[2] / row[0] for row in times)
    for c in calls.values():
        _lib.lib.polisi_call_options_free(c)

    n = len(docs)
    print("corpus   %s: %d documents (%d not ASCII), %.1f KiB, %d entities"
          % (os.path.relpath(args.corpus), n, non_ascii, nbytes / 1024, n_ents))
    print("library  %s %s" % (polisi.library_path, polisi.__version__))
    print("rounds   %d (best of, interleaved), %s time" % (args.rounds, "wall" if args.wall else "CPU"))
    print("C API    %8.2f ms  %7.1f us/doc  %6.1f MB/s"
          % (t_c * 1e3, t_c / n * 1e6, nbytes / t_c / 1e6))
    print("  ctypes overhead (empty texts) %.2f ms, %.2f us/call" % (t_empty * 1e3, t_empty / n * 1e6))
    print("  + JSON  %8.2f ms  %7.1f us/doc  (C API with polisi_result_json, which the binding reads)"
          % (t_cjson * 1e3, t_cjson / n * 1e6))
    print("Python   %8.2f ms  %7.1f us/doc  %6.1f MB/s"
          % (t_py * 1e3, t_py / n * 1e6, nbytes / t_py / 1e6))
    print("ratio    Python / C API = %.2fx best of each, %.2fx median of the rounds' ratios "
          "(goal <= 2x)" % (t_py / t_c, paired))
    if args.cli:
        def run_cli():
            with open(args.corpus, "rb") as src:
                subprocess.run([args.cli, "--jsonl"], stdin=src, stdout=subprocess.DEVNULL,
                               check=True)
        t_cli = best_of(max(3, args.rounds // 4), [run_cli], time.perf_counter)[0]
        print("CLI      %8.2f ms  (one process, startup and JSON I/O included)" % (t_cli * 1e3))
    ex.close()
    return 0 if min(t_py / t_c, paired) <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
