"""How polisi.dask scales with worker processes (issue 9's measurement).

    /usr/bin/python3 bench/dask_scaling.py            # 10 copies of bench.jsonl, 1 vs 2 workers

Builds COPIES copies of ../shared/corpus/bench.jsonl in a scratch folder,
then for each worker count starts a LocalCluster of that many processes with
one thread each, warms it (imports, each worker's extractor), and times the
pipeline of bindings/python/examples/dask_corpus.py: read the JSON Lines
(one partition per file), extract, write one JSON Lines file of entity rows
per partition (--sink jsonl; --sink count only counts the rows). The
clusters run side by side and the runs alternate between them, so that a
change in the machine's load hits each alike. Prints the best of --runs
runs per worker count in documents/s and input MB/s, the
ratio to the first worker count, and the plain single-process loop
(polisi.Extractor, no Dask) for reference. Cluster start-up is not timed.

Environment: PYTHONPATH=bindings/python and POLISI_LIBRARY=build/libpolisi.so
as for the binding, when it is not installed.
"""
import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import dask.bag as db  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import polisi  # noqa: E402
import polisi.dask  # noqa: E402


def make_corpus(src, copies, folder):
    paths = []
    for i in range(copies):
        path = os.path.join(folder, "copy-%02d.jsonl" % i)
        shutil.copyfile(src, path)
        paths.append(path)
    return paths


def pipeline(paths, sink, out):
    rows = polisi.dask.extract_bag(db.read_text(paths, blocksize=None))
    if sink == "count":
        return rows.count()
    return rows.map(json.dumps, ensure_ascii=False).to_textfiles(
        os.path.join(out, "part-*.jsonl"), encoding="utf-8", last_endline=True, compute=False)


def warm():
    """Run on each worker before timing: imports done, extractor built."""
    polisi.dask.extractor()
    return polisi.dask.extractor_builds()


def plain_loop(paths):
    """Documents/s of one process, one thread, no Dask: read, extract, rows."""
    ex = polisi.Extractor()
    start = time.perf_counter()
    docs = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                [e.to_dict() for e in ex.extract(r["text"], r.get("date"))]
                docs += 1
    return docs, time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus",
                                                     "bench.jsonl"))
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sink", choices=("jsonl", "count"), default="jsonl")
    args = ap.parse_args()
    counts = [int(w) for w in args.workers.split(",")]

    scratch = tempfile.mkdtemp(prefix="polisi-dask-scaling-")
    try:
        paths = make_corpus(args.corpus, args.copies, scratch)
        size = sum(os.path.getsize(p) for p in paths)
        with open(paths[0], encoding="utf-8") as f:
            docs = sum(1 for line in f if line.strip()) * args.copies
        print("load average (1 min) at the start: %.2f" % os.getloadavg()[0])
        print("input: %d copies of %s: %d documents, %.1f MB; %d cores; libpolisi %s"
              % (args.copies, os.path.basename(args.corpus), docs, size / 1e6,
                 os.cpu_count() or 0, polisi.__version__))
        n, took = plain_loop(paths)
        print("plain loop, 1 process, no Dask: %.2f s, %.0f docs/s, %.2f MB/s"
              % (took, n / took, size / took / 1e6))
        # All clusters up at once, runs interleaved (1, 2, 1, 2, ...): a
        # change in the machine's load hits every worker count alike.
        clusters = {}
        try:
            for w in counts:
                cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                clusters[w] = (cluster, Client(cluster, set_as_default=False))
                clusters[w][1].run(warm)
            times = {w: [] for w in counts}
            for _ in range(args.runs):
                for w in counts:
                    client = clusters[w][1]
                    out = tempfile.mkdtemp(dir=scratch)
                    graph = pipeline(paths, args.sink, out)
                    start = time.perf_counter()
                    client.compute(graph, sync=True)
                    times[w].append(time.perf_counter() - start)
                    shutil.rmtree(out)
            builds = {w: sorted(clusters[w][1].run(polisi.dask.extractor_builds).values())
                      for w in counts}
        finally:
            for cluster, client in clusters.values():
                client.close()
                cluster.close()
        base = None
        for w in counts:
            best = min(times[w])
            rate = docs / best
            base = base or rate
            print("%d worker(s) x 1 thread: best %.2f s of %s: %.0f docs/s, %.2f MB/s, "
                  "%.2fx; extractors built per worker: %s"
                  % (w, best, ", ".join("%.2f" % t for t in times[w]), rate, size / best / 1e6,
                     rate / base, builds[w]))
        print("load average (1 min) at the end: %.2f" % os.getloadavg()[0])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
