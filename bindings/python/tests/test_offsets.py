"""str offsets: text[e.start:e.end] == e.text for any Unicode text, and the
mapping agrees with the library's byte offsets."""
import json
import unittest

import _support
from _support import polisi
from polisi import _core

# Texts around ranks the library finds, with every kind of character the
# offsets must survive.
TEXTS = {
    "ascii": "Kapolres AKBP Budi dan Kompol Sari hadir.",
    "emoji": "😀 Kapolres AKBP Budi 👮🏽‍♂️ dan Kompol Sari 🇮🇩 hadir 😀",
    "curly quotes": "“Kapolres AKBP Budi” berkata, ‘Kompol Sari’ hadir.",
    "nbsp": "Kapolres\u00a0AKBP\u00a0Budi dan Kompol\u00a0Sari\u202fhadir.",
    "crlf and tabs": "Kapolres AKBP Budi\r\n\tdan Kompol Sari\r\nhadir.",
    "accents and combining": "Café AKBP Budi dan Kompol Sâri e\u0301 hadir.",
    "astral": "𝐀𝐁 AKBP Budi 𝐂 dan Kompol Sari 𐍈 hadir.",
    "cjk and rtl": "警察 AKBP Budi מִשְׁטָרָה dan Kompol Sari شرطة hadir.",
    "escaped bytes": "\udcff\udc80 AKBP Budi \udcc3 dan Kompol Sari \udce9 hadir.",
    "lone surrogates": "\ud800 AKBP Budi \udfff dan \udbff\ud800 Kompol Sari \udc00 hadir.",
    "mixed surrogates": "\ud83d AKBP Budi \udc80\udcff😀 dan Kompol Sari \ude00 hadir 😀.",
    "surrogate inside": "AKBP Bu\ud800di dan Kom\udc80pol Sari dan AKP\udcff Joko.",
    "nul and controls": "\x00AKBP Budi\x00 dan \x1bKompol Sari\x7f hadir.",
    "replacement char": "\ufffd AKBP Budi \ufffd dan Kompol Sari hadir.",
    "bom": "\ufeffAKBP Budi dan Kompol Sari hadir.",
}


class Offsets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ex = polisi.Extractor()

    def check(self, text, ref_date=None):
        ents = self.ex.extract(text, ref_date)
        data = _core.encode(text)
        raw = json.loads(self.ex.extract_json(data, ref_date))
        self.assertEqual(len(ents), len(raw))
        for e, r in zip(ents, raw):
            self.assertEqual(text[e.start:e.end], e.text)
            self.assertLessEqual(0, e.start)
            self.assertLessEqual(e.start, e.end)
            self.assertLessEqual(e.end, len(text))
            # the str span is exactly the library's byte span
            self.assertEqual(len(_core.encode(text[:e.start])), r["start"])
            self.assertEqual(len(_core.encode(text[:e.end])), r["end"])
            self.assertEqual(_core.encode(e.text), data[r["start"]:r["end"]])
            # every field but the offsets and text is the library's
            d = e.to_dict()
            for k in ("start", "end", "text"):
                d.pop(k)
                r.pop(k)
            self.assertEqual(d, r)
        return ents

    def test_texts(self):
        for name, text in TEXTS.items():
            with self.subTest(name=name):
                ents = self.check(text)
                ranks = [e.code for e in ents if e.type == "rank"]
                if name != "surrogate inside":
                    self.assertEqual(ranks[:2], ["AKBP", "Kompol"], ents)

    def test_same_entities_as_ascii(self):
        """Only the offsets differ between a text and its ASCII look-alike."""
        def strip(ents):
            out = []
            for e in ents:
                d = e.to_dict()
                for k in ("start", "end", "text"):
                    d.pop(k)
                out.append(d)
            return out
        base = strip(self.ex.extract(TEXTS["ascii"]))
        for name in ("emoji", "curly quotes", "astral", "cjk and rtl"):
            text = TEXTS[name]
            ents = self.ex.extract(text)
            ranks = [e for e in ents if e.type == "rank"]
            self.assertEqual([r.text for r in ranks], ["AKBP", "Kompol"])
            self.assertEqual([d for d in strip(ents) if d["type"] == "rank"],
                             [d for d in base if d["type"] == "rank"])

    def test_offsets_shift_by_code_points(self):
        plain = self.ex.extract(" AKBP Budi")
        for prefix in ("😀", "é", "€", "\u00a0", "\udc80", "\ud800", "𝐀𝐁𝐂"):
            with self.subTest(prefix=prefix):
                ents = self.ex.extract(prefix + " AKBP Budi")
                self.assertEqual([(e.start - len(prefix), e.end - len(prefix)) for e in ents],
                                 [(e.start, e.end) for e in plain])

    def test_all_kinds_at_once(self):
        text = " ".join(TEXTS.values()) * 3
        self.check(text)
        self.check(text, "2020-02-29")

    def test_encoding_of_lone_surrogates(self):
        self.assertEqual(_core.encode("\udc80\udcff"), b"\x80\xff")
        self.assertEqual(_core.encode("\ud800"), b"\xed\xa0\x80")
        self.assertEqual(_core.encode("a\udfffb"), b"a\xed\xbf\xbfb")
        self.assertEqual(_core.encode("\udc7f"), b"\xed\xb1\xbf")
        self.assertEqual(_core.encode("😀"), "😀".encode("utf-8"))
        raw = b"AKBP \xff\xfe Budi \xc3\x28 \xe2\x82 Kompol \xf0\x9f\x98"
        text = raw.decode("utf-8", "surrogateescape")
        self.assertEqual(_core.encode(text), raw)  # what the C tool would read
        self.check(text)

    def test_many_texts_with_cache(self):
        """The decoder's cache of entity bodies never leaks one text's offsets
        or fields into another."""
        for i in range(300):
            pad = "😀" * (i % 7) + "x" * (i % 5)
            text = pad + "Kapolres AKBP Budi %d dan Kompol Sari." % (i % 3)
            ents = self.check(text)
            self.assertTrue(ents)


if __name__ == "__main__":
    unittest.main()
