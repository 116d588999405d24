"""The Pythonic API: extractors, entities, ref dates, types, errors."""
import dataclasses
import datetime
import gc
import json
import re
import unittest

import _support
from _support import polisi

SAMPLE = "Kapolres Magetan AKBP MUSLIMIN, S.I.K. dan Kompol DJUMADI hadir."


class Version(unittest.TestCase):
    def test_version_is_the_c_library_version(self):
        self.assertEqual(polisi.__version__, polisi._lib.lib.polisi_version().decode())
        self.assertRegex(polisi.__version__, r"^\d+\.\d+\.\d+$")
        n = polisi._lib.lib.polisi_version_number()
        major, minor, patch = map(int, polisi.__version__.split("."))
        self.assertEqual(n, major * 10000 + minor * 100 + patch)

    def test_package_version_matches_cmake(self):
        """pyproject.toml's version is the project version of CMakeLists.txt."""
        import os
        cmake = os.path.join(_support.SOURCE_DIR, "CMakeLists.txt")
        pyproject = os.path.join(_support.PKG_DIR, "pyproject.toml")
        if not (os.path.isfile(cmake) and os.path.isfile(pyproject)):
            self.skipTest("not in a source tree")
        with open(cmake, encoding="utf-8") as f:
            m = re.search(r"project\(polisi\s+VERSION\s+([0-9.]+)", f.read())
        with open(pyproject, encoding="utf-8") as f:
            p = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M)
        self.assertTrue(m and p)
        self.assertEqual(p.group(1), m.group(1))

    def test_types(self):
        self.assertEqual(polisi.TYPES, ("rank", "title", "unit", "position", "date", "time",
                                        "person"))
        self.assertEqual(set(polisi.ENTITY_CLASSES), set(polisi.TYPES))
        for name, cls in polisi.ENTITY_CLASSES.items():
            self.assertEqual(cls.type, name)
            self.assertTrue(issubclass(cls, polisi.Entity))


class Extract(unittest.TestCase):
    def test_module_extract(self):
        ents = polisi.extract(SAMPLE)
        ranks = [e for e in ents if isinstance(e, polisi.Rank)]
        self.assertEqual([r.code for r in ranks], ["AKBP", "Kompol"])
        akbp = ranks[0]
        self.assertEqual(akbp.type, "rank")
        self.assertEqual((akbp.start, akbp.end, akbp.text), (17, 21, "AKBP"))
        self.assertEqual(akbp.name, "Ajun Komisaris Besar Polisi")
        self.assertEqual((akbp.force, akbp.group, akbp.grade), ("polri", "pamen", 17))
        self.assertIs(akbp.retired, False)
        self.assertIsNone(akbp.corps)
        for e in ents:
            self.assertEqual(SAMPLE[e.start:e.end], e.text)

    def test_sorted_by_start_then_longer(self):
        ents = polisi.extract(SAMPLE)
        keys = [(e.start, -(e.end - e.start)) for e in ents]
        self.assertEqual(keys, sorted(keys))

    def test_default_extractor_is_shared(self):
        self.assertIs(polisi.default_extractor(), polisi.default_extractor())

    def test_empty_and_nothing(self):
        self.assertEqual(polisi.extract(""), [])
        self.assertEqual(polisi.extract("Tidak ada apa-apa di sini."), [])

    def test_text_must_be_str(self):
        with self.assertRaises(TypeError):
            polisi.extract(b"AKBP Budi")
        with self.assertRaises(TypeError):
            polisi.extract(None)

    def test_repr_and_equality(self):
        a = polisi.extract(SAMPLE)
        b = polisi.extract(SAMPLE)
        self.assertEqual(a, b)
        self.assertIn("Rank(text='AKBP', start=17, end=21, code='AKBP'", repr(a))

    def test_to_dict_is_the_library_json(self):
        ex = polisi.Extractor()
        raw = json.loads(ex.extract_json(SAMPLE.encode()))
        self.assertEqual([e.to_dict() for e in ex.extract(SAMPLE)], raw)
        # the same key order as the library writes
        self.assertEqual([list(e.to_dict()) for e in ex.extract(SAMPLE)],
                         [list(d) for d in raw])

    def test_entities_are_independent(self):
        a = polisi.extract(SAMPLE)
        a[0].code = "changed"
        if isinstance(a[0], polisi.Person):
            a[0].titles.append("X")
        b = polisi.extract(SAMPLE)
        self.assertNotEqual(b[0].code if hasattr(b[0], "code") else None, "changed")
        self.assertEqual(polisi.extract(SAMPLE), b)


class Dataclasses(unittest.TestCase):
    def test_common_fields(self):
        for cls in polisi.ENTITY_CLASSES.values():
            names = [f.name for f in dataclasses.fields(cls)]
            self.assertEqual(names[:4], ["type", "text", "start", "end"], cls)

    def test_spec_fields(self):
        expected = {
            "rank": {"code", "name", "force", "group", "grade", "retired", "corps"},
            "title": {"code", "position", "category", "meaning"},
            "unit": {"level", "kind", "place", "canonical"},
            "position": {"code", "force", "unit", "acting"},
            "date": {"value", "end_value", "weekday", "weekday_ok", "date", "end_date"},
            "time": {"value", "end_value", "zone", "utc_offset"},
            "person": {"name", "display", "rank", "titles", "position", "unit"},
        }
        for name, fields in expected.items():
            cls = polisi.ENTITY_CLASSES[name]
            got = {f.name for f in dataclasses.fields(cls)} - {"type", "text", "start", "end"}
            self.assertEqual(got, fields, name)

    def test_constructed_to_dict(self):
        r = polisi.Rank(text="AKP", start=3, end=6, code="AKP", grade=15, retired=False)
        self.assertEqual(r.to_dict(), {"type": "rank", "text": "AKP", "code": "AKP",
                                       "grade": 15, "retired": False, "start": 3, "end": 6})
        p = polisi.Person(text="AKP Budi", start=0, end=8, name="Budi", rank="AKP")
        self.assertEqual(p.titles, [])
        self.assertEqual(p.to_dict(), {"type": "person", "text": "AKP Budi", "name": "Budi",
                                       "position": None, "unit": None, "rank": "AKP",
                                       "titles": [], "start": 0, "end": 8})
        u = polisi.Unit(text="Polri", start=0, end=5, level="polri", canonical="Polri")
        self.assertEqual(u.to_dict(), {"type": "unit", "text": "Polri", "level": "polri",
                                       "kind": None, "place": None, "canonical": "Polri",
                                       "start": 0, "end": 5})

    def test_date_attribute(self):
        d = polisi.Date(text="5/11/2018", start=0, end=9, value="2018-11-05")
        self.assertEqual(d.date, datetime.date(2018, 11, 5))
        self.assertNotIn("date", d.to_dict())
        for partial in ("2018-11", "2019", "XXXX-08-02", None):
            self.assertIsNone(polisi.Date(text="x", value=partial).date)
        r = polisi.Date(text="5-7 Nov 2018", value="2018-11-05", end_value="2018-11-07")
        self.assertEqual(r.end_date, datetime.date(2018, 11, 7))

    def test_field_kinds_on_real_output(self):
        """Every entity the library gives has fields of the documented kinds
        (str / int / bool / list of str, or None); grows with the types."""
        texts = [SAMPLE, "Kapolsek Plaosan AKP SUKONO, S.H., Senin (05/11/2018) pukul 08.00 WIB "
                         "di Polres Magetan bersama Kasat Reskrim Polres Bogor."]
        if _support.have_dev_corpus():
            texts += [(r["text"], r.get("date")) for r in _support.dev_records()]
        ints = {"grade"}
        bools = {"retired", "weekday_ok"}
        lists = {"titles"}
        seen = set()
        for t in texts:
            text, ref = t if isinstance(t, tuple) else (t, None)
            for e in polisi.extract(text, ref):
                seen.add(e.type)
                self.assertIs(type(e), polisi.ENTITY_CLASSES[e.type])
                for f in dataclasses.fields(e):
                    v = getattr(e, f.name)
                    if f.name in ("start", "end"):
                        self.assertIsInstance(v, int)
                    elif f.name in ints:
                        self.assertTrue(v is None or type(v) is int, (e, f.name))
                    elif f.name in bools:
                        self.assertTrue(v is None or type(v) is bool, (e, f.name))
                    elif f.name in lists:
                        self.assertIsInstance(v, list)
                        self.assertTrue(all(isinstance(i, str) for i in v))
                    elif f.name in ("date", "end_date"):
                        self.assertTrue(v is None or isinstance(v, datetime.date))
                        src = e.value if f.name == "date" else e.end_value
                        if src and re.fullmatch(r"\d{4}-\d{2}-\d{2}", src):
                            self.assertEqual(v, datetime.date.fromisoformat(src))
                    else:
                        self.assertTrue(v is None or isinstance(v, str), (e, f.name))
        self.assertIn("rank", seen)


class RefDate(unittest.TestCase):
    TEXT = "Kapolres AKBP Budi hadir pada Senin (5/11) kemarin."

    def test_date_and_iso_string_agree(self):
        ex = polisi.Extractor()
        a = ex.extract(self.TEXT, datetime.date(2018, 11, 6))
        b = ex.extract(self.TEXT, "2018-11-06")
        c = ex.extract(self.TEXT, datetime.datetime(2018, 11, 6, 10, 30))
        self.assertEqual(a, b)
        self.assertEqual(a, c)

    def test_ref_date_is_used(self):
        """A year-less date takes the reference date's year (when the date
        recognizer exists)."""
        ex = polisi.Extractor()
        dates = [e for e in ex.extract(self.TEXT, "2018-11-06") if e.type == "date"]
        if not dates:
            self.skipTest("no date recognizer in this library yet")
        self.assertTrue(any(d.value and d.value.startswith("2018") for d in dates), dates)
        none = [e for e in ex.extract(self.TEXT) if e.type == "date"]
        self.assertFalse(any(d.value and d.value.startswith("2018") for d in none), none)

    def test_bad_dates(self):
        ex = polisi.Extractor()
        for bad in ("2018-02-30", "2018-13-01", "18-11-05", "2018/11/05", "", "2018-11-05 ",
                    "yesterday", "0000-01-01", "２０１８-11-05"):
            with self.subTest(bad=bad):
                with self.assertRaises(polisi.PolisiError) as cm:
                    ex.extract(self.TEXT, bad)
                self.assertEqual(cm.exception.code, polisi.Status.ERR_BAD_DATE)
                self.assertEqual(cm.exception.code, -4)
                self.assertIn(repr(bad), cm.exception.message)
        for bad in (20181105, 2018.0, ["2018-11-05"]):
            with self.assertRaises(TypeError):
                ex.extract(self.TEXT, bad)

    def test_bad_date_does_not_stick(self):
        """A failed call leaves nothing behind for the next one."""
        ex = polisi.Extractor()
        first = ex.extract(self.TEXT, "2018-11-06")
        with self.assertRaises(polisi.PolisiError):
            ex.extract(self.TEXT, "2018-02-30")
        self.assertEqual(ex.extract(self.TEXT, "2018-11-06"), first)
        self.assertEqual(ex.extract(self.TEXT), polisi.Extractor().extract(self.TEXT))


class Errors(unittest.TestCase):
    def test_too_large(self):
        ex = polisi.Extractor(types="rank", max_input=10)
        self.assertEqual(len(ex.extract("AKBP Budi")), 1)
        with self.assertRaises(polisi.PolisiError) as cm:
            ex.extract("AKBP Budi Santoso")
        err = cm.exception
        self.assertEqual(err.code, polisi.Status.ERR_TOO_LARGE)
        self.assertEqual(err.code, -3)
        self.assertIn("POLISI_ERR_TOO_LARGE", str(err))
        self.assertTrue(err.message)
        # max_input counts UTF-8 bytes: 4 characters, 16 bytes
        with self.assertRaises(polisi.PolisiError):
            ex.extract("😀😀😀😀")

    def test_too_many_entities(self):
        ex = polisi.Extractor(types="rank", max_entities=2)
        ex.extract("AKBP A dan AKP B")
        with self.assertRaises(polisi.PolisiError) as cm:
            ex.extract("AKBP A dan AKP B dan Kompol C")
        self.assertEqual(cm.exception.code, polisi.Status.ERR_LIMIT)

    def test_bad_options(self):
        for kw in ({"max_input": 0}, {"max_input": -1}, {"max_entities": 0},
                   {"max_input": 1 << 70}, {"types": "rank,nope"}, {"types": ""},
                   {"types": []}):
            with self.subTest(kw=kw):
                with self.assertRaises(polisi.PolisiError) as cm:
                    polisi.Extractor(**kw)
                self.assertEqual(cm.exception.code, polisi.Status.ERR_INVALID_ARG)
        with self.assertRaises(TypeError):
            polisi.Extractor(max_input="10")
        with self.assertRaises(TypeError):
            polisi.Extractor(types=[1, 2])

    def test_error_object(self):
        e = polisi.PolisiError(-3)
        self.assertEqual(e.code, polisi.Status.ERR_TOO_LARGE)
        self.assertEqual(e.message, polisi._lib.strerror(-3))
        self.assertEqual(e.args, (e.code, e.message))
        odd = polisi.PolisiError(-99)
        self.assertEqual(odd.code, -99)
        self.assertIn("unknown", odd.message)


class Types(unittest.TestCase):
    def test_types_argument_forms(self):
        text = "Kapolres Magetan AKBP Budi, S.H. hadir Senin (5/11/2018) pukul 08.00 WIB."
        all_ents = polisi.Extractor().extract(text)
        for types in ("rank", "RANK", " rank ", ["rank"], [polisi.Rank], ("rank",)):
            with self.subTest(types=types):
                ex = polisi.Extractor(types=types)
                self.assertEqual(ex.types, frozenset({"rank"}))
                self.assertEqual(ex.extract(text), [e for e in all_ents if e.type == "rank"])
        ex = polisi.Extractor(types=["rank", "date", polisi.Time])
        self.assertEqual(ex.types, {"rank", "date", "time"})
        self.assertEqual(ex.extract(text),
                         [e for e in all_ents if e.type in ("rank", "date", "time")])
        self.assertEqual(polisi.Extractor(types="all").types, frozenset(polisi.TYPES))
        self.assertEqual(polisi.Extractor().types, frozenset(polisi.TYPES))


class LifeCycle(unittest.TestCase):
    def test_context_manager_closes(self):
        with polisi.Extractor() as ex:
            self.assertFalse(ex.closed)
            ex.extract(SAMPLE)
            ex.extract(SAMPLE, "2020-01-01")
        self.assertTrue(ex.closed)
        with self.assertRaises(ValueError):
            ex.extract(SAMPLE)
        ex.close()  # idempotent
        self.assertIn("closed", repr(ex))

    def test_garbage_collected(self):
        for _ in range(50):
            polisi.Extractor(types="rank").extract(SAMPLE, "2020-01-01")
        gc.collect()

    def test_reusable(self):
        ex = polisi.Extractor()
        first = ex.extract(SAMPLE)
        for _ in range(20):
            self.assertEqual(ex.extract(SAMPLE), first)


class ExtractMany(unittest.TestCase):
    def test_items_and_order(self):
        ex = polisi.Extractor()
        texts = ["AKBP A %d hadir." % i if i % 3 else "Tidak ada." for i in range(40)]
        expect = [ex.extract(t) for t in texts]
        for workers in (1, 2, 8):
            with self.subTest(workers=workers):
                self.assertEqual(list(ex.extract_many(texts, workers=workers)), expect)
        self.assertEqual(list(ex.extract_many(iter(texts))), expect)

    def test_item_forms(self):
        ex = polisi.Extractor()
        t = RefDate.TEXT
        d = datetime.date(2018, 11, 6)
        want = ex.extract(t, d)
        items = [(t, d), (t, "2018-11-06"), {"text": t, "date": "2018-11-06"},
                 {"text": t, "date": None, "id": 5}, t]
        got = list(ex.extract_many(items, workers=3, ref_date="2018-11-06"))
        self.assertEqual(got, [want] * 5)
        self.assertEqual(list(polisi.extract_many([t], workers=2)), [ex.extract(t)])

    def test_errors(self):
        ex = polisi.Extractor(types="rank")
        with self.assertRaises(ValueError):
            list(ex.extract_many(["a"], workers=0))
        with self.assertRaises(TypeError):
            list(ex.extract_many([123], workers=2))
        with self.assertRaises(ValueError):
            list(ex.extract_many([{"date": "2018-01-01"}], workers=2))
        it = ex.extract_many(["AKBP A", ("AKBP B", "2018-02-30"), "AKBP C"], workers=2)
        self.assertEqual(len(next(it)), 1)
        with self.assertRaises(polisi.PolisiError) as cm:
            next(it)
        self.assertEqual(cm.exception.code, polisi.Status.ERR_BAD_DATE)

    def test_lazy_and_bounded(self):
        ex = polisi.Extractor()
        consumed = []

        def source():
            for i in range(10 ** 6):
                consumed.append(i)
                yield "AKP X%d" % i
        it = ex.extract_many(source(), workers=2)
        for _ in range(5):
            next(it)
        it.close()
        self.assertLess(len(consumed), 50)


if __name__ == "__main__":
    unittest.main()
