"""How polisi.dask scales with worker processes (issue 9's measurement).

    /usr/bin/python3 bench/dask_scaling.py            # 10 copies of bench.jsonl, 1 vs 2 workers

Builds COPIES copies of ../shared/corpus/bench.jsonl in a scratch folder,
starts a LocalCluster per worker count (processes with one thread each),
warms them (imports, each worker's extractor), then times, per worker count:

  dask   the pipeline of bindings/python/examples/dask_corpus.py: read the
         JSON Lines (--blocksize bytes a partition), extract, write one JSON
         Lines file of entity rows per partition (--sink count: only count
         the rows);
  plain  the same work without Dask tasks: each worker process reads its
         share of the files, extracts (polisi.dask.extract_records) and
         writes the rows, all workers at once (client.run). Its ratio is what
         the machine itself allows at that moment: the ceiling for dask's.

The clusters run side by side and the runs alternate (dask 1, dask 2, plain
1, plain 2, ...), so that a change in the machine's load (other jobs on a
shared machine) hits each alike. Prints every run, the best and the median
in documents/s and input MB/s, the ratios to the first worker count, the
workers' CPU seconds and the extractors each worker built. Cluster start-up
is not timed.

Environment: POLISI_LIBRARY=build/libpolisi.so as for the binding, when
libpolisi is not installed (the package is taken from bindings/python).
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


def dask_run(client, paths, out, args):
    rows = polisi.dask.extract_bag(db.read_text(paths, blocksize=args.blocksize))
    if args.sink == "count":
        graph = rows.count()
    else:
        graph = rows.map(json.dumps, ensure_ascii=False).to_textfiles(
            os.path.join(out, "part-*.jsonl"), encoding="utf-8", last_endline=True,
            compute=False)
    client.compute(graph, sync=True)


def plain_share(paths, addresses, out, sink, dask_worker=None):
    """On each worker: its share of the files, no Dask tasks."""
    mine = paths[addresses.index(dask_worker.address)::len(addresses)]
    n = 0
    for path in mine:
        with open(path, encoding="utf-8") as f:
            rows = polisi.dask.extract_records(f)
        n += len(rows)
        if sink == "jsonl":
            name = os.path.join(out, os.path.basename(path))
            with open(name, "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return n


def plain_run(client, paths, out, args):
    addresses = sorted(client.scheduler_info()["workers"])
    client.run(plain_share, paths, addresses, out, args.sink)


def warm():
    """Run on each worker before timing: imports done, extractor built."""
    polisi.dask.extractor()
    return polisi.dask.extractor_builds()


def cpu_seconds():
    """This process's CPU time (all its threads)."""
    return time.process_time()


def report(what, counts, times, cpu, builds, docs, size):
    base = None
    for w in counts:
        t = sorted(times[w])
        best, median = t[0], t[len(t) // 2]
        base = base or (best, median)
        print("%s, %d worker(s) x 1 thread: runs %s s"
              % (what, w, ", ".join("%.2f" % x for x in times[w])))
        print("  best %.2f s: %.0f docs/s, %.2f MB/s, %.2fx | median %.2f s: %.0f docs/s, "
              "%.2f MB/s, %.2fx | workers' CPU %.2f s (median); extractors per worker: %s"
              % (best, docs / best, size / best / 1e6, base[0] / best, median, docs / median,
                 size / median / 1e6, base[1] / median, sorted(cpu[w])[len(cpu[w]) // 2],
                 builds[w]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus",
                                                     "bench.jsonl"))
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sink", choices=("jsonl", "count"), default="jsonl")
    # 600 kB: about 40 partitions of 50-100 ms, so that 2 workers finish
    # together (one partition per file, 10, left one worker 20% busier)
    ap.add_argument("--blocksize", default="600kB",
                    help="bytes of JSON Lines per partition (default 600kB; 'none': one a file)")
    args = ap.parse_args()
    if args.blocksize.lower() == "none":
        args.blocksize = None
    counts = [int(w) for w in args.workers.split(",")]
    kinds = (("dask", dask_run), ("plain", plain_run))

    scratch = tempfile.mkdtemp(prefix="polisi-dask-scaling-")
    clusters = {}
    try:
        paths = make_corpus(args.corpus, args.copies, scratch)
        size = sum(os.path.getsize(p) for p in paths)
        with open(paths[0], encoding="utf-8") as f:
            docs = sum(1 for line in f if line.strip()) * args.copies
        print("input: %d copies of %s: %d documents, %.1f MB; %d cores; libpolisi %s; "
              "load average %.2f" % (args.copies, os.path.basename(args.corpus), docs,
                                     size / 1e6, os.cpu_count() or 0, polisi.__version__,
                                     os.getloadavg()[0]))
        for w in counts:
            cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            clusters[w] = (cluster, Client(cluster, set_as_default=False))
            clusters[w][1].run(warm)
        times = {k: {w: [] for w in counts} for k, _ in kinds}
        cpu = {k: {w: [] for w in counts} for k, _ in kinds}
        for _ in range(args.runs):
            for kind, run in kinds:
                for w in counts:
                    client = clusters[w][1]
                    out = tempfile.mkdtemp(dir=scratch)
                    cpu0 = client.run(cpu_seconds)
                    start = time.perf_counter()
                    run(client, paths, out, args)
                    times[kind][w].append(time.perf_counter() - start)
                    cpu1 = client.run(cpu_seconds)
                    cpu[kind][w].append(sum(cpu1[k] - cpu0[k] for k in cpu1))
                    shutil.rmtree(out)
        builds = {w: sorted(clusters[w][1].run(polisi.dask.extractor_builds).values())
                  for w in counts}
        for kind, _ in kinds:
            report(kind, counts, times[kind], cpu[kind], builds, docs, size)
        print("load average at the end: %.2f" % os.getloadavg()[0])
    finally:
        for cluster, client in clusters.values():
            client.close()
            cluster.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
