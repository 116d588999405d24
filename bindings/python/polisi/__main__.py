"""``python -m polisi``: the command line, with the C tool's JSON output.

    python -m polisi [OPTIONS] [FILE...]          one JSON document per input
    python -m polisi --jsonl [OPTIONS] [FILE...]  JSON Lines in, JSON Lines out

Options: --jsonl, --ref-date DATE, --types LIST, --pretty, -j/--jobs N,
-V/--version, -h/--help, as the C tool's (it alone shows a progress line).

The output is byte for byte what the C tool ``polisi`` writes for the same
input and options: the entity JSON is the library's own
(``polisi_result_json``), offsets are **byte** offsets, so tools that read
the C tool's output (``score.py``) read this one too. Exit status: 0 when
every input was processed, 1 when an input or record was skipped (with a
message on standard error) or output failed, 2 for a usage error.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Callable, Deque, List, Optional, Sequence, Tuple

from . import _lib
from ._core import Extractor, PolisiError, encode, types_mask

EXIT_USAGE = 2
MAX_JOBS = 256
_REF_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")
_RAW_BYTE = re.compile("[\udc80-\udcff]")


class _Number:
    """A JSON number kept as written (the C tool echoes ids verbatim)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _no_constant(name: str) -> Any:
    raise ValueError("%s is not JSON" % name)


class _RecordError(Exception):
    pass


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, _Number):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def _json_string(s: str) -> bytes:
    """A JSON string literal as the C tool writes one: UTF-8, only '"', '\\'
    and control characters escaped; what was not UTF-8 becomes U+FFFD."""
    s = _SURROGATE.sub("\ufffd", s)
    return json.dumps(s, ensure_ascii=False).encode("utf-8")


def _jobs(arg: str) -> int:
    """-j N: 1..256, or 0 for one per CPU (as the C tool)."""
    try:
        n = int(arg.strip(), 10)
    except ValueError:
        raise argparse.ArgumentTypeError("bad --jobs '%s': expected a number of threads, "
                                         "0 to %d" % (arg, MAX_JOBS))
    if not 0 <= n <= MAX_JOBS:
        raise argparse.ArgumentTypeError("bad --jobs '%s': expected a number of threads, "
                                         "0 to %d" % (arg, MAX_JOBS))
    return n or max(1, min(os.cpu_count() or 1, MAX_JOBS))


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m polisi",
        description="Find police ranks, titles, units, positions, dates, times and persons in "
                    "Indonesian news text and write them as JSON with byte offsets, exactly as "
                    "the C tool `polisi` does. Each FILE (or standard input when there is none, "
                    "or for \"-\") is one document, read whole; for each, one JSON object "
                    "{\"id\": FILE, \"entities\": [...]} is written.",
        epilog="Exit status: 0 when every input was processed; 1 when an input or record was "
               "skipped (its message is on standard error) or output failed; 2 for a usage "
               "error.")
    ap.add_argument("files", nargs="*", metavar="FILE", help="input files (\"-\": stdin)")
    ap.add_argument("--jsonl", action="store_true",
                    help="read JSON Lines instead: one {\"id\", \"text\", \"date\"} record per "
                         "line, and write one {\"id\", \"entities\"} line per record, in order")
    ap.add_argument("--ref-date", metavar="DATE",
                    help="reference (publication) date YYYY-MM-DD; a record's \"date\" "
                         "overrides it")
    ap.add_argument("--types", metavar="LIST",
                    help="report only these types, comma-separated: rank, title, unit, "
                         "position, date, time, person, or all")
    ap.add_argument("--pretty", action="store_true", help="indent the JSON (not with --jsonl)")
    ap.add_argument("-j", "--jobs", metavar="N", type=_jobs, default=1,
                    help="extract on N threads sharing one extractor (default 1; 0: one per "
                         "CPU); output stays in input order")
    ap.add_argument("-V", "--version", action="version",
                    version="polisi %s" % _lib.version())
    args = ap.parse_args(argv)
    if args.ref_date is not None and not _REF_DATE.match(args.ref_date):
        ap.error("bad --ref-date '%s': expected YYYY-MM-DD" % args.ref_date)
    if args.jsonl and args.pretty:
        ap.error("--pretty cannot be used with --jsonl (JSON Lines are one line each)")
    if args.types is not None:
        try:
            args.mask = types_mask(args.types)
        except PolisiError:
            ap.error("bad --types '%s': expected a comma-separated list of rank, title, unit, "
                     "position, date, time, person or all" % args.types)
    if args.ref_date is not None:
        try:
            Extractor(types="rank").extract("", args.ref_date)
        except PolisiError:
            ap.error("bad --ref-date '%s': no such day" % args.ref_date)
    return args


class _WriteError(Exception):
    pass


class _Run:
    """One run: records are processed (on worker threads with -j N) by
    pure functions that return (output, message); emit() writes them in
    input order from the main thread, as the C tool does."""

    def __init__(self, args: argparse.Namespace, extractor: Extractor, out: BinaryIO) -> None:
        self.args = args
        self.ex = extractor
        self.out = out
        self.failed = False
        self.jobs: int = args.jobs
        self.pool: Optional[ThreadPoolExecutor] = None
        self.pending: Deque[Any] = collections.deque()
        if self.jobs > 1:
            self.pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="polisi")

    def message(self, msg: str) -> None:
        sys.stderr.write("polisi: %s\n" % msg)
        sys.stderr.flush()
        self.failed = True

    def emit(self, result: Tuple[Optional[bytes], Optional[str]]) -> None:
        out, msg = result
        if msg is not None:
            self.message(msg)
            return
        try:
            self.out.write(out)  # type: ignore[arg-type]
        except OSError as err:
            raise _WriteError(err)

    def submit(self, fn: Callable[..., Tuple[Optional[bytes], Optional[str]]],
               *args: Any) -> None:
        """Processes a record now (-j 1) or on the pool, keeping at most
        16 per worker in flight."""
        if self.pool is None:
            self.emit(fn(*args))
            return
        self.pending.append(self.pool.submit(fn, *args))
        if len(self.pending) >= 16 * self.jobs:
            self.emit(self.pending.popleft().result())

    def drain(self) -> None:
        while self.pending:
            self.emit(self.pending.popleft().result())

    def close(self) -> None:
        for f in self.pending:
            f.cancel()
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    # -- documents ----------------------------------------------------------
    def document_result(self, name: str, data: bytes) -> Tuple[Optional[bytes], Optional[str]]:
        shown = "<stdin>" if name == "-" else name
        flags = _lib.JSON_PRETTY if self.args.pretty else 0
        try:
            js = self.ex.extract_json(data, self.args.ref_date, os.fsencode(name), flags)
        except PolisiError as err:
            return None, "%s: %s" % (shown, err.message)
        return js + b"\n", None

    def document(self, name: str, f: BinaryIO) -> None:
        try:
            data = f.read()
        except OSError as err:
            self.message("%s: cannot read: %s" % ("<stdin>" if name == "-" else name,
                                                 err.strerror or err))
            return
        self.submit(self.document_result, name, data)

    # -- JSON Lines ---------------------------------------------------------
    def record(self, line: bytes) -> bytes:
        try:
            s = line.decode("utf-8")
            escaped = False
        except UnicodeDecodeError:
            s = line.decode("utf-8", "surrogateescape")
            escaped = True
        try:
            root = json.loads(s, parse_int=_Number, parse_float=_Number,
                              parse_constant=_no_constant)
        except ValueError as err:
            raise _RecordError("bad JSON: %s" % err)
        if not isinstance(root, dict):
            k = _kind(root)
            raise _RecordError("not a JSON object but %s %s" % ("an" if k == "array" else "a", k))
        text = root.get("text")
        if not isinstance(text, str):
            raise _RecordError("the record has no \"text\" string")
        date = root.get("date")
        if date is not None and not isinstance(date, str):
            raise _RecordError("bad date: a string YYYY-MM-DD or null expected, not %s"
                               % _kind(date))
        ref = date if date is not None else self.args.ref_date
        # Lone surrogates from \u escapes are U+FFFD for the C reader; bytes
        # that were not UTF-8 stay bytes (U+DC80..U+DCFF here, which encode()
        # turns back into those bytes).
        if escaped:
            text = _SURROGATE.sub(lambda m: m.group() if _RAW_BYTE.match(m.group())
                                  else "\ufffd", text)
        elif not text.isascii():
            text = _SURROGATE.sub("\ufffd", text)
        doc_id = root.get("id")
        if doc_id is None or doc_id is True or doc_id is False:
            id_json = _kind(doc_id).encode()
        elif isinstance(doc_id, _Number):
            id_json = doc_id.text.encode()
        elif isinstance(doc_id, str):
            id_json = _json_string(doc_id)
        else:
            raise _RecordError("\"id\" is an %s, not a string or number" % _kind(doc_id))
        try:
            ents = self.ex.extract_json(encode(text), ref)
        except PolisiError as err:
            if err.code == -4:  # POLISI_ERR_BAD_DATE
                raise _RecordError("bad date \"%.40s\": %s" % (ref, _lib.strerror(-4)))
            raise _RecordError("extraction failed: %s" % _lib.strerror(int(err.code)))
        return b'{"id":' + id_json + b',"entities":' + ents + b"}\n"

    def line_result(self, shown: str, lineno: int,
                    line: bytes) -> Tuple[Optional[bytes], Optional[str]]:
        try:
            return self.record(line), None
        except _RecordError as err:
            return None, "%s:%d: %s" % (shown, lineno, err)

    def jsonl(self, name: str, f: BinaryIO) -> None:
        shown = "<stdin>" if name == "-" else name
        lineno = 0
        lines = iter(f)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                break
            except OSError as err:
                self.message("%s: read error after line %d: %s" % (shown, lineno,
                                                                   err.strerror or err))
                break
            lineno += 1
            if line.strip(b" \t\r\n"):
                self.submit(self.line_result, shown, lineno, line)

    def run(self, name: str) -> None:
        if name == "-":
            f = sys.stdin.buffer
        else:
            try:
                f = open(name, "rb")
            except OSError as err:
                self.message("%s: cannot open: %s" % (name, err.strerror or err))
                return
        try:
            if self.args.jsonl:
                self.jsonl(name, f)
            else:
                self.document(name, f)
        finally:
            if f is not sys.stdin.buffer:
                f.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parse_args(argv)
    try:
        extractor = Extractor(types=args.types)
    except PolisiError as err:
        sys.stderr.write("polisi: cannot build the extractor: %s\n" % err.message)
        return 1
    out = sys.stdout.buffer
    run = _Run(args, extractor, out)
    names: List[str] = args.files or ["-"]
    try:
        for name in names:
            run.run(name)
        run.drain()
        try:
            out.flush()
        except OSError as err:
            raise _WriteError(err)
    except _WriteError as werr:
        err = werr.args[0]
        sys.stderr.write("polisi: write error on standard output: %s\n"
                         % (getattr(err, "strerror", None) or err))
        try:  # keep Python from failing again on the closed pipe at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    finally:
        run.close()
        extractor.close()
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
