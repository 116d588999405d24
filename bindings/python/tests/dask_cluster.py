"""polisi.dask: a LocalCluster of 2 worker processes gives exactly the
entities of a single-process run over ../shared/corpus/bench.jsonl, each
worker builds its extractor once, and a bad record costs only its own row.

Needs Dask, distributed and pandas, so it is not a test_*.py file (the
stdlib-only suite of `python -m unittest discover` does not import it).
ctest runs it as `python_dask` through run_dask.py, which picks an
interpreter that has Dask (Debian's /usr/bin/python3 after
`apt-get install python3-dask python3-distributed python3-pandas`):

    POLISI_LIBRARY=build/libpolisi.so /usr/bin/python3 -m unittest discover \
        -s bindings/python/tests -p 'dask_*.py' -v
"""
import json
import logging
import os
import unittest

import _support
from _support import polisi

import dask  # noqa: E402  (no Dask is an error here: run_dask.py decides about skipping)
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import polisi.dask as pdask  # noqa: E402

BENCH = os.path.join(_support.SHARED_DIR, "corpus", "bench.jsonl")
WORKERS = 2


def reference_rows(records, **options):
    """The rows of a plain single-process run: polisi.Extractor and
    Entity.to_dict(), no polisi.dask code."""
    ex = polisi.Extractor(**options)
    rows = []
    for r in records:
        for e in ex.extract(r["text"], r.get("date")):
            d = e.to_dict()
            rows.append((r["id"], d["type"], d["start"], d["end"], d["text"])
                        + tuple(_plain(d.get(f)) for f in pdask.FIELDS) + (None,))
    return rows


def _plain(v):
    """A cell as a comparable Python value: lists as tuples, NA as None."""
    if isinstance(v, (list, tuple)):
        return tuple(v)
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def bag_rows(dicts):
    return [tuple(_plain(d[c]) for c in pdask.COLUMNS) for d in dicts]


def frame_rows(df):
    cells = df[list(pdask.COLUMNS)].itertuples(index=False)
    return [tuple(_plain(v) for v in row) for row in cells]


class RowsTestCase(unittest.TestCase):
    def assertSameRows(self, got, want):
        """Equal lists of rows, with the first difference in the message
        (not 13,000 rows)."""
        self.assertTrue(want, "the reference run found no entities")
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                self.fail("row %d differs:\n  got  %r\n  want %r" % (i, g, w))
        self.assertEqual(len(got), len(want), "row counts differ")


@unittest.skipUnless(os.path.isfile(BENCH), "no %s (the shared directory is absent)" % BENCH)
class Cluster(RowsTestCase):
    """One LocalCluster (2 processes, 1 thread each) for the class."""

    @classmethod
    def setUpClass(cls):
        with open(BENCH, encoding="utf-8") as f:
            cls.records = [json.loads(line) for line in f if line.strip()]
        cls.want = reference_rows(cls.records)
        cls.cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        cls.client = Client(cls.cluster)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()

    def builds(self):
        """{worker pid: extractors built in it}."""
        pids = self.client.run(os.getpid)
        builds = self.client.run(pdask.extractor_builds)
        return {pids[w]: n for w, n in builds.items()}

    def test_1_bag_of_lines_equals_single_process(self):
        # 8 partitions of JSON Lines text, parsed on the workers
        size = os.path.getsize(BENCH)
        lines = db.read_text(BENCH, blocksize=size // 8)
        self.assertGreaterEqual(lines.npartitions, 8)
        got = pdask.extract_bag(lines).compute()
        self.assertSameRows(bag_rows(got), self.want)
        builds = self.builds()
        self.assertEqual(len(builds), WORKERS)
        self.assertNotIn(os.getpid(), builds)  # the work ran in the worker processes
        self.assertEqual(sorted(builds.values()), [1] * WORKERS, builds)

    def test_2_frame_equals_single_process_and_reuses_the_extractors(self):
        pdf = pd.DataFrame(self.records)
        ddf = dd.from_pandas(pdf, npartitions=6)
        out = pdask.extract_frame(ddf)
        self.assertEqual(list(out.columns), list(pdask.COLUMNS))
        got = out.compute()
        self.assertSameRows(frame_rows(got), self.want)
        dtypes = {c: str(t) for c, t in pdask.meta().dtypes.items()}
        self.assertEqual({c for c, t in dtypes.items() if t != "object"},
                         {"start", "end", "grade", "retired", "weekday_ok"})
        self.assertEqual((dtypes["grade"], dtypes["retired"], dtypes["weekday_ok"]),
                         ("Int64", "boolean", "boolean"))
        for col, dtype in pdask.meta().dtypes.items():
            if col != "id":
                self.assertEqual(str(got[col].dtype), str(dtype), col)
        # the bag again, then the frame: still one extractor per worker
        pdask.extract_bag(db.from_sequence(self.records[:40], npartitions=4)).compute()
        self.assertEqual(sorted(self.builds().values()), [1] * WORKERS)

    def test_3_bad_records_cost_only_their_row(self):
        good = self.records[:30]
        limit = max(len(r["text"].encode("utf-8")) for r in good)  # max_input: all good fit
        bad = [
            {"id": "bad-date", "text": "Kapolres Magetan AKBP MUSLIMIN.", "date": "2018-02-30"},
            {"id": "bad-text", "text": 12345},
            {"id": "no-text"},
            "not JSON at all",
            "[1, 2]",
            {"id": "too-large", "text": "AKBP " * (limit // 5 + 1)},
        ]
        # 2 partitions, each with good records before and after its bad ones
        mixed = good[:10] + bad[:3] + good[10:20] + bad[3:] + good[20:]
        bag = db.from_sequence(mixed, npartitions=2)
        got = pdask.extract_bag(bag, max_input=limit).compute()
        errors = [(d["id"], d["type"], d["error"]) for d in got if d["error"] is not None]
        self.assertEqual([e[0] for e in errors],
                         ["bad-date", "bad-text", "no-text", None, None, "too-large"])
        self.assertTrue(all(e[1] is None for e in errors))
        self.assertIn("POLISI_ERR_BAD_DATE", errors[0][2])
        self.assertEqual(errors[1][2], "TypeError: text must be a str, not int")
        self.assertEqual(errors[2][2], "ValueError: the record has no text")
        self.assertEqual(errors[3][2], "JSONDecodeError: Expecting value: line 1 column 1 "
                                       "(char 0) in 'not JSON at all'")
        self.assertEqual(errors[4][2], "ValueError: a JSON Lines record must be an object, "
                                       "not list in '[1, 2]'")
        self.assertIn("POLISI_ERR_TOO_LARGE", errors[5][2])
        # every good record of both partitions is there, whole and in order
        ok = [d for d in got if d["error"] is None]
        self.assertSameRows(bag_rows(ok), reference_rows(good))

    def test_4_frame_error_rows(self):
        short = "Kapolres Magetan AKBP MUSLIMIN, Senin (5/11)."
        pdf = pd.DataFrame([
            {"id": "a", "text": self.records[0]["text"], "date": "2018-11-05"},
            {"id": "b", "text": None, "date": None},
            {"id": "c", "text": short, "date": "2018-13-01"},
            {"id": "d", "text": short, "date": None},
        ])
        got = pdask.extract_frame(dd.from_pandas(pdf, npartitions=1), date="date",
                                  ref_date="2018-11-06").compute()
        err = got[got["error"].notna()]
        self.assertEqual(err["id"].tolist(), ["b", "c"])
        self.assertTrue(err["type"].isna().all())
        self.assertEqual(err["error"].tolist()[0], "ValueError: the record has no text")
        self.assertIn("POLISI_ERR_BAD_DATE", err["error"].tolist()[1])
        # "d" took ref_date: its year-less date resolves to 2018
        dates = got[(got["id"] == "d") & (got["type"] == "date")]["value"].tolist()
        self.assertEqual(dates, ["2018-11-05"])
        want = reference_rows([{"id": "a", "text": self.records[0]["text"], "date": "2018-11-05"}])
        self.assertSameRows(frame_rows(got[got["id"] == "a"]), want)


class LocalSchedulers(RowsTestCase):
    """The threaded scheduler shares this process's extractor; the
    process pool works too."""

    def records(self):
        if os.path.isfile(BENCH):
            with open(BENCH, encoding="utf-8") as f:
                return [json.loads(line) for _, line in zip(range(120), f)]
        text = "Kapolres Magetan AKBP MUSLIMIN, S.I.K. hadir Senin (05/11/2018) pukul 08.00 WIB."
        return [{"id": "doc-%d" % i, "text": text * (1 + i % 3)} for i in range(60)]

    def test_threads_build_one_extractor_per_process(self):
        records = self.records()
        types = "person,rank"  # options no other test uses: a new extractor
        before = pdask.extractor_builds()
        bag = db.from_sequence(records, npartitions=8)
        with dask.config.set(scheduler="threads", num_workers=4):
            got = pdask.extract_bag(bag, types=types).compute()
            again = pdask.extract_bag(bag, types=["rank", polisi.Person]).compute()
        self.assertEqual(pdask.extractor_builds() - before, 1)
        want = reference_rows(records, types=types)
        self.assertEqual({r[1] for r in want}, {"person", "rank"})
        self.assertSameRows(bag_rows(got), want)
        self.assertSameRows(bag_rows(again), want)

    def test_process_pool(self):
        records = self.records()[:30]
        got = pdask.extract_bag(db.from_sequence(records, npartitions=2)).compute(
            scheduler="processes", num_workers=2)
        self.assertSameRows(bag_rows(got), reference_rows(records))

    def test_bad_arguments_fail_before_any_task(self):
        bag = db.from_sequence([{"id": 1, "text": "AKBP"}])
        with self.assertRaises(polisi.PolisiError):
            pdask.extract_bag(bag, types="rank,nope")
        with self.assertRaises(polisi.PolisiError):
            pdask.extract_bag(bag, ref_date="2018-02-30")
        with self.assertRaises(TypeError):
            pdask.extract_bag([{"id": 1, "text": "AKBP"}])
        ddf = dd.from_pandas(pd.DataFrame({"id": [1], "body": ["AKBP"]}), npartitions=1)
        with self.assertRaises(KeyError):
            pdask.extract_frame(ddf)  # no "text" column
        got = pdask.extract_frame(ddf, text="body", id=None).compute()
        self.assertEqual(got["id"].tolist(), [0])  # the index
        self.assertEqual(got["code"].tolist(), ["AKBP"])


if __name__ == "__main__":
    unittest.main()
