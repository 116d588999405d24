"""The fast paths of Extractor.extract give what the plain ones give: the
cached JSON decoder against parsing the whole array, the incremental str
offsets against counting from the beginning, and the call options kept per
reference date against setting the date anew."""
import datetime
import json
import unittest

import _support
from _support import polisi
from polisi import _core, _decode


def plain(ents):
    return [(type(e), e.__dict__) for e in ents]


class Decode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ex = polisi.Extractor()

    def assertSameAsSlow(self, js):
        self.assertEqual(plain(_decode.decode(js)), plain(_decode.decode_slow(js)))

    @unittest.skipUnless(_support.have_dev_corpus(), _support.SHARED_MISSING)
    def test_dev_corpus(self):
        for rec in _support.dev_records():
            data = _core.encode(rec["text"])
            for ref_date in (rec.get("date"), None):
                js = self.ex.extract_json(data, ref_date)
                with self.subTest(id=rec.get("id"), ref_date=ref_date):
                    self.assertSameAsSlow(js)
                    self.assertSameAsSlow(js)  # again, from the cache

    def test_other_shapes_fall_back(self):
        ent = (b'{"type":"rank","text":"AKBP","code":"AKBP","name":"x},{y","force":"polri",'
               b'"group":"pamen","grade":17,"retired":false,"start":%d,"end":%d}')
        two = b"[" + ent % (0, 4) + b"," + ent % (10, 14) + b"]"
        self.assertEqual(len(_decode.decode(two)), 2)
        for js in (two,
                   b"[]",
                   b"[" + ent % (0, 4) + b"]",
                   json.dumps(json.loads(two), indent=2).encode(),  # pretty
                   two.replace(b',"end":14}', b',"end":14,"extra":1}'),  # a newer field
                   two.replace(b'"start":10', b'"start":1.5'),
                   two.replace(b'"end":4', b'"end":-4'),
                   b'[{"type":"rank","start":0,"end":4}]',
                   b'[{"type":"future","text":"x","new":[1,2],"start":0,"end":1}]'):
            with self.subTest(js=js):
                self.assertSameAsSlow(js)
        with self.assertRaises(ValueError):
            _decode.decode(b"[{]")

    def test_lists_are_not_shared(self):
        js = (b'[{"type":"person","text":"AKBP Budi","name":"Budi","display":"Budi",'
              b'"rank":"AKBP","titles":["S.H."],"position":null,"unit":null,'
              b'"start":%d,"end":%d}]')
        a = _decode.decode(js % (0, 9))[0]
        a.titles.append("M.H.")
        b = _decode.decode(js % (20, 29))[0]
        self.assertEqual(b.titles, ["S.H."])
        self.assertEqual((b.start, b.end), (20, 29))


def reference_offsets(ents, text):
    """Byte offsets -> str indices the slow way (well-formed UTF-8)."""
    data = text.encode("utf-8")
    for e in ents:
        d = e.__dict__
        s = d["start"] = len(data[:d["start"]].decode("utf-8"))
        t = d["end"] = len(data[:d["end"]].decode("utf-8"))
        d["text"] = text[s:t]


class StrOffsets(unittest.TestCase):
    TEXT = "“Kapolres AKBP Budi” berkata, ‘Kompol Sari’ hadir 😀 AKP Joko é."

    @classmethod
    def setUpClass(cls):
        cls.ex = polisi.Extractor()

    def decoded(self, text):
        return _decode.decode(self.ex.extract_json(text.encode("utf-8")))

    def check(self, text, order=lambda ents: ents):
        fast, slow = order(self.decoded(text)), order(self.decoded(text))
        _core._str_offsets(fast, text, text.encode("utf-8"), False)
        reference_offsets(slow, text)
        self.assertEqual(plain(fast), plain(slow))
        for e in fast:
            self.assertEqual(text[e.start:e.end], e.text)

    def test_sorted(self):
        self.assertGreaterEqual(len(self.decoded(self.TEXT)), 4)
        self.check(self.TEXT)
        self.check("é" * 50 + " AKBP Budi dan " + "ñ😀" * 30 + " Kompol Sari " + "é")

    def test_not_sorted(self):
        """Entities come sorted by start; in another order they still map."""
        self.check(self.TEXT, lambda ents: ents[::-1])

    @unittest.skipUnless(_support.have_dev_corpus(), _support.SHARED_MISSING)
    def test_dev_corpus(self):
        texts = [r["text"] for r in _support.dev_records() if not r["text"].isascii()]
        self.assertTrue(texts)
        for text in texts:
            with self.subTest(text=text[:40]):
                self.check(text)


class RefDates(unittest.TestCase):
    TEXT = "Kapolres AKBP Budi pada Senin (5/11) dan kemarin."

    def test_kept_options_give_the_same_entities(self):
        ex = polisi.Extractor()
        for ref_date in ("2018-11-06", datetime.date(2018, 11, 6), "2019-11-06"):
            with self.subTest(ref_date=ref_date):
                first = [e.to_dict() for e in ex.extract(self.TEXT, ref_date)]
                again = [e.to_dict() for e in ex.extract(self.TEXT, ref_date)]
                self.assertEqual(first, again)
                fresh = polisi.Extractor()
                self.assertEqual([e.to_dict() for e in fresh.extract(self.TEXT, ref_date)], first)
                fresh.close()
        self.assertEqual(len(ex._dates), 3)
        self.assertEqual([e.to_dict() for e in ex.extract(self.TEXT)],
                         [e.to_dict() for e in polisi.Extractor().extract(self.TEXT)])
        ex.close()
        self.assertEqual(ex._dates, {})

    def test_bad_dates_are_not_kept(self):
        ex = polisi.Extractor()
        for _ in range(2):
            with self.assertRaises(polisi.PolisiError):
                ex.extract(self.TEXT, "2018-02-30")
            with self.assertRaises(TypeError):
                ex.extract(self.TEXT, ["2018-11-05"])
        self.assertEqual(ex._dates, {})

    def test_many_dates(self):
        ex = polisi.Extractor()
        saved = _core._DATES_MAX
        _core._DATES_MAX = 3
        try:
            days = [datetime.date(2018, 1, 1) + datetime.timedelta(days=i) for i in range(6)]
            got = [[e.to_dict() for e in ex.extract(self.TEXT, d)] for d in days * 2]
            self.assertEqual(len(ex._dates), 3)
            fresh = polisi.Extractor()
            self.assertEqual(got, [[e.to_dict() for e in fresh.extract(self.TEXT, d)]
                                   for d in days * 2])
        finally:
            _core._DATES_MAX = saved
            ex.close()


if __name__ == "__main__":
    unittest.main()
