"""`python -m polisi` writes what the C tool writes, and extract() agrees
with the C tool's JSON on the dev corpus."""
import json
import os
import subprocess
import tempfile
import unittest

import _support
from _support import polisi

CLI = _support.find_cli()
NO_CLI = "the C tool polisi was not found (set POLISI_CLI)"
FIXTURES = os.path.join(_support.SOURCE_DIR, "tests", "cli")


def run_c(args, stdin=None):
    return subprocess.run([CLI] + list(args), input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300)


class Cli(unittest.TestCase):
    def same(self, args, stdin=None):
        py = _support.run_py_cli(args, stdin)
        c = run_c(args, stdin)
        self.assertEqual(py.returncode, c.returncode, (args, py.stderr, c.stderr))
        self.assertEqual(py.stdout, c.stdout, args)
        # the same records fail, with the same places in the messages
        def places(err):
            return [line.split(": ")[1] for line in err.decode().splitlines() if ": " in line]
        if c.returncode == 1:
            self.assertEqual(places(py.stderr), places(c.stderr), (py.stderr, c.stderr))
        return py

    @unittest.skipUnless(_support.have_dev_corpus(), _support.SHARED_MISSING)
    @unittest.skipUnless(CLI, NO_CLI)
    def test_dev_corpus_jsonl(self):
        py = self.same(["--jsonl", _support.DEV_CORPUS])
        self.assertEqual(py.returncode, 0)
        self.assertEqual(len(py.stdout.splitlines()), len(_support.dev_records()))

    @unittest.skipUnless(_support.have_dev_corpus(), _support.SHARED_MISSING)
    @unittest.skipUnless(CLI, NO_CLI)
    def test_dev_corpus_options(self):
        with open(_support.DEV_CORPUS, "rb") as f:
            data = f.read()
        self.same(["--jsonl", "--ref-date", "2020-02-29", "--types", "rank,date,person"],
                  stdin=data)
        py = _support.run_py_cli(["--jsonl", "-j", "4", _support.DEV_CORPUS])
        c = run_c(["--jsonl", _support.DEV_CORPUS])
        self.assertEqual(py.stdout, c.stdout)

    @unittest.skipUnless(CLI, NO_CLI)
    def test_fixtures(self):
        for name in sorted(os.listdir(FIXTURES)):
            path = os.path.join(FIXTURES, name)
            if name.endswith(".jsonl"):
                with self.subTest(name=name):
                    self.same(["--jsonl", path])
                    self.same(["--jsonl", "--ref-date", "2019-01-01", path])
                    self.same(["--jsonl", "--jobs", "3", path])
            elif name.endswith(".txt"):
                with self.subTest(name=name):
                    self.same([path])
                    self.same(["--pretty", "--types", "rank,unit", path])
        sample = os.path.join(_support.SOURCE_DIR, "tools", "sample-article.txt")
        if os.path.exists(sample):
            self.same(["--pretty", sample, sample])
            self.same(["-j", "2", sample, FIXTURES + "/doc.txt", sample])
            with open(sample, "rb") as f:
                self.same(["--ref-date", "2024-02-12"], stdin=f.read())

    @unittest.skipUnless(CLI, NO_CLI)
    def test_odd_input(self):
        records = [
            b'{"id":"a\\u0000b\\"c\\\\","text":"AKBP Budi \\ud800 \\udc80 \\ud83d\\ude00 Kompol X"}',
            b'{"id":1.50e3,"text":"AKP \xff\xfe Joko \xc3\x28","date":"2018-11-05"}',
            b'{"id":true,"text":"Iptu\xc2\xa0Sari\r\n"}',
            b'{"id":null,"text":""}',
            b'{"text":"Tanpa id"}',
            b'  \t',
            b'{"id":[1],"text":"x"}',
            b'[1,2]',
            b'"text"',
            b'{"id":2,"text":5}',
            b'{"id":3,"text":"x","date":20181105}',
            b'{"id":4,"text":"x","date":"2018-02-30"}',
            b'{"id":"\xe2\x80\x9cquoted\xe2\x80\x9d \xff","text":"\xe2\x80\x9cAKBP Budi\xe2\x80\x9d"}',
            b'{"id":5,"text":"AKBP A","text":"Kompol B"}',
            b'{"id":6,"text":"x"',
        ]
        self.same(["--jsonl"], stdin=b"\n".join(records) + b"\n")
        self.same(["--jsonl"], stdin=b"\n".join(records))  # no final newline
        self.same(["--jsonl", "-j", "3"], stdin=b"\n".join(records * 20))
        with tempfile.NamedTemporaryFile(suffix=".txt") as f:
            f.write(b"AKBP \xff Budi\x00 Kompol \xe2\x80\x9cX\xe2\x80\x9d\r\n")
            f.flush()
            self.same([f.name])

    @unittest.skipUnless(CLI, NO_CLI)
    def test_usage_errors(self):
        for args in (["--ref-date", "2018-2-1"], ["--ref-date", "2018-02-30"],
                     ["--types", "nope"], ["--jsonl", "--pretty"], ["--bogus"],
                     ["-j", "-1"], ["--jobs", "257"], ["-j", "x"]):
            with self.subTest(args=args):
                py = _support.run_py_cli(args, b"")
                c = run_c(args, b"")
                self.assertEqual(py.returncode, 2)
                self.assertEqual(c.returncode, 2)
                self.assertEqual(py.stdout, b"")
        py = _support.run_py_cli(["/nonexistent/file.txt"])
        self.assertEqual(py.returncode, 1)
        self.assertIn(b"cannot open", py.stderr)
        self.assertEqual(_support.run_py_cli(["--version"]).stdout.strip(),
                         ("polisi " + polisi.__version__).encode())


@unittest.skipUnless(_support.have_dev_corpus(), _support.SHARED_MISSING)
@unittest.skipUnless(CLI, NO_CLI)
class AgainstCliJson(unittest.TestCase):
    def test_extract_equals_cli_json(self):
        """extract(...).to_dict() is the C tool's entity JSON, offsets mapped
        from bytes to str indices."""
        c = run_c(["--jsonl", _support.DEV_CORPUS])
        self.assertEqual(c.returncode, 0, c.stderr)
        out = [json.loads(line) for line in c.stdout.splitlines()]
        records = _support.dev_records()
        self.assertEqual(len(out), len(records))
        ex = polisi.Extractor()
        n = 0
        for rec, doc in zip(records, out):
            self.assertEqual(doc["id"], rec["id"])
            text = rec["text"]
            data = text.encode("utf-8")
            want = []
            for d in doc["entities"]:
                d = dict(d)
                d["start"] = len(data[:d["start"]].decode("utf-8"))
                d["end"] = len(data[:d["end"]].decode("utf-8"))
                self.assertEqual(text[d["start"]:d["end"]], d["text"])
                want.append(d)
            got = [e.to_dict() for e in ex.extract(text, rec.get("date"))]
            self.assertEqual(got, want, rec["id"])
            n += len(got)
        self.assertGreater(n, 0)


if __name__ == "__main__":
    unittest.main()
