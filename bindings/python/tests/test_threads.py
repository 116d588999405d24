"""One Extractor shared by 8 threads gives what one thread gives."""
import threading
import unittest

import _support
from _support import polisi

N_THREADS = 8


def corpus():
    if _support.have_dev_corpus():
        return [(r["text"], r.get("date")) for r in _support.dev_records()]
    base = ("Kapolres Magetan AKBP MUSLIMIN, S.I.K. hadir Senin (05/11/2018) pukul 08.00 WIB "
            "di Polres Magetan. “Kompol DJUMADI, S.H.” 😀 dan Iptu\u00a0Sari kemarin.")
    return [(base * (1 + i % 4), "2018-11-0%d" % (1 + i % 9)) for i in range(40)]


def dicts(ents):
    return [e.to_dict() for e in ents]


class Threads(unittest.TestCase):
    def test_eight_threads_share_one_extractor(self):
        docs = corpus()
        ex = polisi.Extractor()
        want = [dicts(ex.extract(t, d)) for t, d in docs]
        self.assertTrue(any(want))
        results = [None] * N_THREADS
        errors = []
        barrier = threading.Barrier(N_THREADS)

        def work(k):
            try:
                barrier.wait()
                out = [None] * len(docs)
                # each thread in its own order, several passes
                order = list(range(len(docs)))
                order = order[k % len(order):] + order[:k % len(order)]
                for _ in range(3):
                    for i in order:
                        t, d = docs[i]
                        out[i] = dicts(ex.extract(t, d))
                results[k] = out
            except BaseException as err:  # reported below
                errors.append(err)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(N_THREADS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(errors, [])
        for k in range(N_THREADS):
            self.assertEqual(results[k], want, "thread %d" % k)
        ex.close()

    def test_extract_many_eight_workers(self):
        docs = corpus()
        with polisi.Extractor() as ex:
            want = [ex.extract(t, d) for t, d in docs]
            got = list(ex.extract_many(docs * 3, workers=N_THREADS))
        self.assertEqual(got, want * 3)

    def test_default_extractor_created_once(self):
        """Concurrent first calls build one default extractor."""
        import importlib
        core = importlib.import_module("polisi._core")
        with core._default_lock:
            saved, core._default = core._default, None
        try:
            seen = []
            barrier = threading.Barrier(N_THREADS)

            def work():
                barrier.wait()
                seen.append(polisi.default_extractor())
                polisi.extract("AKBP Budi")
            threads = [threading.Thread(target=work) for _ in range(N_THREADS)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            self.assertEqual(len(seen), N_THREADS)
            self.assertEqual(len({id(x) for x in seen}), 1)
        finally:
            with core._default_lock:
                core._default = saved

    def test_close_waits_for_calls(self):
        ex = polisi.Extractor()
        text = corpus()[0][0] * 20
        started = threading.Event()
        out = []

        def work():
            started.set()
            for _ in range(5):
                try:
                    out.append(len(ex.extract(text)))
                except ValueError:  # closed meanwhile: fine
                    out.append("closed")
        th = threading.Thread(target=work)
        th.start()
        started.wait()
        ex.close()
        th.join()
        self.assertTrue(ex.closed)
        self.assertEqual(len(out), 5)


if __name__ == "__main__":
    unittest.main()
