"""The spec cases of tests/spec/*.txt through the binding, checked as
tests/spec_runner.c checks them (tests/spec/README.md): every case the C
runner runs, so new entity types are covered as their cases land.

Case texts are bytes: they are decoded with errors='surrogateescape', which
the binding encodes back to the very same bytes, so the library sees what
the C runner passes, and byte offsets (start/end in a case) are compared
after mapping the binding's str indices back to bytes.
"""
import os
import unittest

import _support
from _support import polisi
import spec_cases


class SpecCases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = spec_cases.load(_support.SPEC_DIR, polisi)
        cls.ex = polisi.Extractor()

    @classmethod
    def tearDownClass(cls):
        cls.ex.close()

    def test_spec_dir_has_cases(self):
        self.assertTrue(os.path.isdir(_support.SPEC_DIR), _support.SPEC_DIR)
        self.assertGreater(len(self.cases), 0)

    def test_cases(self):
        for case in self.cases:
            with self.subTest(case=case.label):
                if case.error:
                    self.fail(case.error)
                text = case.text.decode("utf-8", "surrogateescape")
                self.assertEqual(polisi._core.encode(text), case.text)
                ents = self.ex.extract(text, case.ref_date)
                why = spec_cases.compare(case, text, ents, _support.byte_offset)
                if why:
                    self.fail("%s:%d: [%s] fails\n%s" % (case.path, case.line, case.name,
                                                         "\n".join(why)))

    def test_case_offsets_match_the_library(self):
        """str indices map back to the library's byte offsets on every case
        text (NBSP, CRLF, invalid UTF-8, NUL, ...)."""
        import json
        for case in self.cases:
            if case.error:
                continue
            with self.subTest(case=case.label):
                text = case.text.decode("utf-8", "surrogateescape")
                ents = self.ex.extract(text, case.ref_date)
                raw = json.loads(self.ex.extract_json(case.text, case.ref_date))
                self.assertEqual(len(ents), len(raw))
                for e, r in zip(ents, raw):
                    self.assertEqual((_support.byte_offset(text, e.start),
                                      _support.byte_offset(text, e.end)),
                                     (r["start"], r["end"]))
                    self.assertEqual(polisi._core.encode(e.text),
                                     case.text[r["start"]:r["end"]])

    def test_types_present(self):
        """Every entity the spec texts give is an instance of its type's
        dataclass (grows with the recognizers)."""
        seen = set()
        for case in self.cases:
            if case.error:
                continue
            text = case.text.decode("utf-8", "surrogateescape")
            for e in self.ex.extract(text, case.ref_date):
                self.assertIsInstance(e, polisi.ENTITY_CLASSES[e.type])
                seen.add(e.type)
        self.assertIn("rank", seen)


if __name__ == "__main__":
    unittest.main()
