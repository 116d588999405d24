"""From a folder of JSON Lines articles to a table of entities, with Dask.

    python3 dask_corpus.py CORPUS OUT                      # a local cluster, one worker per core
    python3 dask_corpus.py CORPUS OUT --workers 2
    python3 dask_corpus.py CORPUS OUT --scheduler tcp://HOST:8786   # a running cluster

CORPUS is a folder (every *.jsonl in it), a file or a glob; each line a
record {"id", "text", "date"?} as the `polisi --jsonl` tool reads them. OUT
gets one row per entity (polisi.dask.COLUMNS: the document id, type, start,
end, text, every SPEC.md field and error), one file per partition:

  * Parquet when an engine (pyarrow or fastparquet) can be imported here and
    on every worker;
  * otherwise JSON Lines (OUT/part-*.jsonl, one object per row, lists kept as
    lists), and a message says why. Debian 12 packages no Parquet engine, so
    with Debian's Dask alone this is what you get. --format parquet makes a
    missing engine an error instead.

On a cluster, every worker needs libpolisi and the polisi package (or
POLISI_LIBRARY and PYTHONPATH set where `dask worker` starts), and CORPUS and
OUT must be paths every worker can read and write (a shared file system, or
an fsspec URL such as s3://... with its package installed).
"""
import argparse
import glob
import importlib.util
import json
import os
import sys
import time

import dask
import dask.bag as db
from distributed import Client, LocalCluster

import polisi.dask

ENGINES = ("pyarrow", "fastparquet")


def parquet_engine():
    """The first Parquet engine this process can import, or None."""
    for name in ENGINES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def input_paths(corpus):
    if os.path.isdir(corpus):
        paths = sorted(glob.glob(os.path.join(corpus, "*.jsonl")))
    elif any(c in corpus for c in "*?["):
        paths = sorted(glob.glob(corpus))
    else:
        paths = [corpus]
    if not paths:
        sys.exit("dask_corpus: no *.jsonl in %s" % corpus)
    return paths


def choose_format(requested, client):
    """("parquet", engine) or ("jsonl", why not Parquet or None)."""
    if requested == "jsonl":
        return "jsonl", None
    here = parquet_engine()
    workers = set(client.run(parquet_engine).values())
    if here and workers == {here}:
        return "parquet", here
    where = "here" if not here else "on %d worker(s)" % sum(1 for w in workers if not w)
    why = ("no Parquet engine (%s) can be imported %s (Debian 12 packages neither; "
           "pip install pyarrow adds one)" % (" or ".join(ENGINES), where))
    if requested == "parquet":
        sys.exit("dask_corpus: --format parquet: " + why)
    return "jsonl", why


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="a folder of *.jsonl, a .jsonl file or a glob")
    ap.add_argument("out", help="the output folder")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="a running scheduler (tcp://HOST:8786); default: a local cluster")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="local worker processes (default: one per core)")
    ap.add_argument("--blocksize", default="16MiB",
                    help="bytes of JSON Lines per partition (default 16MiB; 'none': one a file)")
    ap.add_argument("--format", choices=("auto", "parquet", "jsonl"), default="auto")
    ap.add_argument("--types", help="entity types, e.g. person,rank (default: all)")
    ap.add_argument("--ref-date", help="reference date for records without a \"date\"")
    args = ap.parse_args(argv)

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    print("dask_corpus: %s, %d worker(s)" % (client.scheduler.address,
                                             len(client.scheduler_info()["workers"])))

    fmt, detail = choose_format(args.format, client)
    if fmt == "jsonl" and detail:
        print("dask_corpus: " + detail + ": writing JSON Lines (%s) instead of Parquet"
              % os.path.join(args.out, "part-*.jsonl"), file=sys.stderr)

    blocksize = None if args.blocksize.lower() == "none" else args.blocksize
    lines = db.read_text(input_paths(args.corpus), blocksize=blocksize)
    rows = polisi.dask.extract_bag(lines, ref_date=args.ref_date, types=args.types)
    if fmt == "parquet":
        frame = rows.to_dataframe(meta=polisi.dask.meta())
        write = frame.to_parquet(args.out, engine=detail, write_index=False,
                                 compute=False)
    else:
        os.makedirs(args.out, exist_ok=True)
        write = rows.map(json.dumps, ensure_ascii=False).to_textfiles(
            os.path.join(args.out, "part-*.jsonl"), encoding="utf-8", last_endline=True,
            compute=False)
    # one pass: the writes and the summary share the extraction tasks
    kinds = rows.map(lambda r: r["type"] if r["error"] is None else "error").frequencies()
    start = time.perf_counter()
    _, counts = dask.compute(write, kinds)
    took = time.perf_counter() - start
    counts = dict(counts)
    errors = counts.pop("error", 0)
    print("dask_corpus: %d entities (%s), %d error row(s) in %.1f s -> %s (%s)"
          % (sum(counts.values()), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
             errors, took, args.out, fmt))
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
