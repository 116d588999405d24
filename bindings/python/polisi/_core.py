"""The extractor, errors, and the mapping between str and UTF-8 offsets."""
from __future__ import annotations

import bisect
import codecs
import collections
import datetime
import enum
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from ctypes import byref, c_char_p, c_size_t, c_uint, c_void_p, sizeof
from typing import (Any, Deque, Dict, FrozenSet, Iterable, Iterator, List, Mapping,
                    Optional, Tuple, Union)

from . import _lib
from ._decode import decode
from .entities import Entity

RefDate = Union[datetime.date, str, None]
TypesArg = Union[str, Iterable[Union[str, type]], None]
Item = Union[str, Tuple[str, RefDate], Mapping[str, Any]]

_SIZE_MAX = (1 << (8 * sizeof(c_size_t))) - 1


class Status(enum.IntEnum):
    """The status codes of polisi.h (``POLISI_OK``, ``POLISI_ERR_*``)."""

    OK = 0
    ERR_NOMEM = -1
    ERR_INVALID_ARG = -2
    ERR_TOO_LARGE = -3
    ERR_BAD_DATE = -4
    ERR_LIMIT = -5
    ERR_REGEX = -6
    ERR_NO_FIELD = -7
    ERR_WRITE = -8
    ERR_INTERNAL = -9


class PolisiError(Exception):
    """A call into libpolisi failed.

    ``code`` is the status (a :class:`Status`, which compares equal to the
    C value, e.g. ``Status.ERR_TOO_LARGE == -3``) and ``message`` the
    library's sentence for it (``polisi_strerror``), possibly with context.
    """

    def __init__(self, code: int, message: Optional[str] = None) -> None:
        try:
            code = Status(code)
        except ValueError:
            pass
        if message is None:
            message = _lib.strerror(int(code))
        super().__init__(code, message)
        self.code: Union[Status, int] = code
        self.message: str = message

    def __str__(self) -> str:
        name = "POLISI_" + self.code.name if isinstance(self.code, Status) else str(self.code)
        return "%s (%s)" % (self.message, name)


def _check(status: int, context: Optional[str] = None) -> None:
    if status < 0:
        msg = _lib.strerror(status)
        raise PolisiError(status, "%s: %s" % (context, msg) if context else msg)


# ---------------------------------------------------------------------------
# str <-> UTF-8
# ---------------------------------------------------------------------------
# Text goes to the library as UTF-8. A str may hold lone surrogates, which
# UTF-8 cannot encode; rather than fail, each is encoded so that the library
# sees invalid bytes (which it treats as separators, never shifting an
# offset) and every byte offset still maps back to one str index:
#   U+DC80..U+DCFF -> the single byte 0x80..0xFF (what 'surrogateescape'
#                     decoding made of an undecodable byte, so text read with
#                     errors='surrogateescape' reaches the library as the
#                     original bytes);
#   any other lone surrogate -> its 3-byte 'surrogatepass' form.
_ERRORS = "polisi.surrogates"


def _surrogates(exc: UnicodeError) -> Tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF:
            out.append(cp - 0xDC00)
        else:
            out += ch.encode("utf-8", "surrogatepass")
    return bytes(out), exc.end


codecs.register_error(_ERRORS, _surrogates)


def encode(text: str) -> bytes:
    """The bytes the library sees for ``text`` (UTF-8; lone surrogates as
    described in the module)."""
    return text.encode("utf-8", _ERRORS)


# UTF-8 continuation bytes: deleting them leaves one byte per code point.
_CONTINUATION = bytes(range(0x80, 0xC0))


def _char_len(ch: str) -> int:
    cp = ord(ch)
    if cp < 0x80:
        return 1
    if cp < 0x800:
        return 2
    if 0xDC80 <= cp <= 0xDCFF:
        return 1
    return 3 if cp < 0x10000 else 4


def _str_offsets(ents: List[Entity], text: str, data: bytes, surrogates: bool) -> None:
    """Turns the entities' byte offsets into str indices (and sets their
    text to the str slice, also right where the JSON has U+FFFD).

    An offset inside a code point maps to the index after it (entity bounds
    lie on token boundaries, so it does not happen; it must just not crash).
    """
    if surrogates:
        # An escaped byte may look like a continuation byte: walk the code
        # points once (slower; such text is rare).
        starts = list(itertools.accumulate(map(_char_len, text), initial=0))
        for ent in ents:
            d = ent.__dict__
            s = d["start"] = bisect.bisect_left(starts, d["start"])
            e = d["end"] = bisect.bisect_left(starts, d["end"])
            d["text"] = text[s:e]
        return
    # Well-formed UTF-8: count the bytes that start a code point (C speed).
    # Entities come sorted by start, so each start is counted from the
    # previous one on: one pass over the text in all. The JSON text of an
    # entity is then its str slice, whose length gives the end.
    pos = idx = 0  # a byte offset and its str index
    for ent in ents:
        d = ent.__dict__
        s = d["start"]
        if s < pos:  # not sorted after all: count from the beginning
            pos = idx = 0
        idx += len(data[pos:s].translate(None, _CONTINUATION))
        pos = s
        d["start"] = idx
        t = d["text"]
        if text.startswith(t, idx):
            d["end"] = idx + len(t)
        else:  # not the JSON text after all: count the span's code points
            e = d["end"] = idx + len(data[s:d["end"]].translate(None, _CONTINUATION))
            d["text"] = text[idx:e]


# ---------------------------------------------------------------------------
# Types and dates
# ---------------------------------------------------------------------------
def types_mask(types: TypesArg) -> int:
    """A polisi type mask from ``"rank,date"``, ``["rank", polisi.Date]`` or ``"all"``."""
    if isinstance(types, str):
        spec = types
    else:
        names = []
        for t in types:  # type: ignore[union-attr]
            if isinstance(t, type) and issubclass(t, Entity):
                t = t.type
            if not isinstance(t, str):
                raise TypeError("types: expected type names or entity classes, not %r" % (t,))
            names.append(t)
        spec = ",".join(names)
    mask = c_uint(0)
    st = _lib.lib.polisi_types_parse(spec.encode("utf-8", "replace"), byref(mask))
    if st < 0:
        raise PolisiError(st, "bad types %r: expected rank, title, unit, position, date, time, "
                              "person or all" % (types,))
    return mask.value


def _set_ref_date(call: int, ref_date: Union[datetime.date, str]) -> None:
    if isinstance(ref_date, datetime.date):
        st = _lib.lib.polisi_call_options_set_ref_date(call, ref_date.year, ref_date.month,
                                                       ref_date.day)
    elif isinstance(ref_date, str):
        iso = ref_date.encode("utf-8", "replace")
        st = _lib.lib.polisi_call_options_set_ref_date_iso(call, iso, len(iso))
    else:
        raise TypeError("ref_date: expected a datetime.date or a 'YYYY-MM-DD' str, not %s"
                        % type(ref_date).__name__)
    if st < 0:
        raise PolisiError(st, "bad ref_date %r: %s" % (ref_date, _lib.strerror(st)))


def _size(name: str, value: Optional[int]) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s: expected an int, not %s" % (name, type(value).__name__))
    if value < 0 or value > _SIZE_MAX:
        raise PolisiError(Status.ERR_INVALID_ARG, "%s out of range: %d" % (name, value))
    return value


# ---------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------
# Hot-path functions bound once.
_extract = _lib.lib.polisi_extract
_result_json = _lib.lib.polisi_result_json
_result_free = _lib.lib.polisi_result_free
_options_new = _lib.lib.polisi_call_options_new
_ENTITIES_ONLY = _lib.JSON_ENTITIES_ONLY
_DATES_MAX = 4096  # call options kept per extractor, one per reference date
_decode = decode


class Extractor:
    """A built extractor: every table hashed and pattern compiled once.

    Build one and reuse it: it is immutable and may be shared by any number
    of threads (the C call releases the GIL). ``close()`` (or leaving a
    ``with`` block) frees the C extractor; it waits for calls in progress.

    :param types: the entity types to report: ``None`` or ``"all"`` for every
        type, a comma-separated str (``"rank,date"``) or an iterable of type
        names and entity classes (``["rank", polisi.Date]``).
    :param max_input: the longest text accepted, in UTF-8 bytes (default
        256 MiB); longer text raises ``PolisiError(ERR_TOO_LARGE)``.
    :param max_entities: the most entities one text may give (default
        1,000,000); more raises ``PolisiError(ERR_LIMIT)``.
    :raises PolisiError: a value out of range (``ERR_INVALID_ARG``).
    """

    def __init__(self, types: TypesArg = None, max_input: Optional[int] = None,
                 max_entities: Optional[int] = None) -> None:
        self._handle: Optional[int] = None
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        # One item per call in progress, so that close() waits for them:
        # list.append/pop are atomic, and cheaper than taking the lock twice
        # a call (see _json for why no call is missed).
        self._running: List[None] = []
        self._closing = False
        self._outs: List[Tuple[Any, ...]] = []  # recycled ctypes out-parameters
        self._calls: List[int] = []  # recycled polisi_call_options
        # polisi_call_options set to a reference date, by the date as given
        # (most corpora have a few thousand dates at most).
        self._dates: Dict[RefDate, int] = {}
        mask = types_mask(types) if types is not None else None
        max_input = _size("max_input", max_input)
        max_entities = _size("max_entities", max_entities)
        lib = _lib.lib
        opts = c_void_p()
        _check(lib.polisi_options_new(byref(opts)))
        try:
            if mask is not None:
                _check(lib.polisi_options_set_types(opts, mask), "types")
            if max_input is not None:
                _check(lib.polisi_options_set_max_input(opts, max_input), "max_input")
            if max_entities is not None:
                _check(lib.polisi_options_set_max_entities(opts, max_entities), "max_entities")
            ex = c_void_p()
            _check(lib.polisi_extractor_new(opts, byref(ex)), "cannot build the extractor")
        finally:
            lib.polisi_options_free(opts)
        self._handle = ex.value
        self._types = frozenset(n for i, n in enumerate(_lib.type_names(), 1)
                                if mask is None or mask & (1 << i))

    # -- life cycle ---------------------------------------------------------
    @property
    def types(self) -> FrozenSet[str]:
        """The names of the types this extractor reports."""
        return self._types

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._handle is None or self._closing

    def close(self) -> None:
        """Frees the C extractor, after the calls in progress end. Idempotent."""
        with self._lock:
            if self._handle is None:
                return
            if self._closing:  # another thread is closing: wait for it
                while self._handle is not None:
                    self._idle.wait()
                return
            self._closing = True
            while self._running:
                self._idle.wait()
            self._free()
            self._idle.notify_all()

    def _free(self) -> None:
        lib = _lib.lib
        calls, self._calls = self._calls, []
        calls += self._dates.values()
        self._dates = {}
        for call in calls:  # made with the extractor's allocator: first
            lib.polisi_call_options_free(call)
        handle, self._handle = self._handle, None
        lib.polisi_extractor_free(handle)

    def __enter__(self) -> "Extractor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) is not None:
            try:
                self._free()
            except Exception:  # interpreter shutdown
                pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else ",".join(sorted(self._types))
        return "<polisi.Extractor %s>" % state

    # -- extraction ---------------------------------------------------------
    def _pooled_call(self, handle: int) -> int:
        """Call options from the pool (list.pop/append are atomic), or new ones."""
        try:
            return self._calls.pop()
        except IndexError:
            c = c_void_p()
            _check(_options_new(handle, byref(c)))
            return c.value

    def _json(self, data: bytes, ref_date: RefDate, doc_id: Optional[bytes],
              flags: int) -> bytes:
        """Runs polisi_extract and polisi_result_json; the JSON as bytes."""
        # Count the call first, then look whether the extractor is closing:
        # close() sets _closing first, then waits while _running is not
        # empty; so either close() sees this call, or this call sees
        # _closing (or both).
        call = pooled = outs = None
        self._running.append(None)
        try:
            handle = self._handle
            if handle is None or self._closing:
                raise ValueError("polisi: the extractor is closed")
            if ref_date is not None:
                try:
                    call = self._dates.get(ref_date)
                except TypeError:  # unhashable: _set_ref_date says what is wrong
                    pass
                if call is None:
                    call = pooled = self._pooled_call(handle)
                    _set_ref_date(call, ref_date)
                    if len(self._dates) < _DATES_MAX:
                        # Keep it for this date: read only from now on, so
                        # any number of calls may share it.
                        call = self._dates.setdefault(ref_date, call)
                        if call is pooled:
                            pooled = None
            try:
                outs = self._outs.pop()
            except IndexError:
                # NUL-terminated, and JSON has no raw NUL: c_char_p reads
                # (copies) it in one step, and the length is not needed.
                res, js = c_void_p(), c_char_p()
                outs = res, byref(res), js, byref(js)
            res, res_ref, js, js_ref = outs
            st = _extract(handle, data, len(data), call, res_ref)
            if st < 0:
                raise PolisiError(st, "extraction failed: %s" % _lib.strerror(st))
            try:
                st = _result_json(res, doc_id, len(doc_id) if doc_id else 0, flags, js_ref, None)
                if st < 0:
                    raise PolisiError(st, "cannot write JSON: %s" % _lib.strerror(st))
                return js.value or b""
            finally:
                _result_free(res)
        finally:
            if pooled is not None:
                self._calls.append(pooled)
            if outs is not None:
                self._outs.append(outs)
            self._running.pop()
            if self._closing:  # wake close()
                with self._lock:
                    self._idle.notify_all()

    def extract_json(self, data: bytes, ref_date: RefDate = None, doc_id: Optional[bytes] = None,
                     flags: int = _lib.JSON_ENTITIES_ONLY) -> bytes:
        """The library's own JSON for the UTF-8 bytes ``data``, as bytes:
        byte offsets, exactly what the C tool writes.

        ``flags`` are polisi.h's ``POLISI_JSON_*`` (1: pretty, 2: only the
        array of entities; the default), ``doc_id`` the id of the document
        object (UTF-8 bytes; None writes ``null``). ``python -m polisi`` is
        built on this.
        """
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("polisi: data must be bytes, not %s" % type(data).__name__)
        if doc_id is not None and not isinstance(doc_id, bytes):
            raise TypeError("polisi: doc_id must be bytes or None")
        return self._json(bytes(data), ref_date, doc_id, flags)

    def extract(self, text: str, ref_date: RefDate = None) -> List[Entity]:
        """The entities of ``text``, sorted by start, then longer span first.

        :param text: the document (a str; lone surrogates are allowed).
        :param ref_date: the reference (publication) date: a
            ``datetime.date`` or ``"YYYY-MM-DD"``. Dates without a year take
            the year nearest to it; relative days resolve against it.
        :returns: a list of :class:`Rank`, :class:`Title`, :class:`Unit`,
            :class:`Position`, :class:`Date`, :class:`Time` and
            :class:`Person`, whose ``start``/``end`` are str indices:
            ``text[e.start:e.end] == e.text``.
        :raises PolisiError: ``ERR_BAD_DATE`` for an impossible ref_date,
            ``ERR_TOO_LARGE`` over max_input, ``ERR_LIMIT`` over max_entities.
        :raises TypeError: text is not a str, or ref_date of another type.
        :raises ValueError: the extractor is closed.
        """
        if not isinstance(text, str):
            raise TypeError("polisi: text must be a str, not %s" % type(text).__name__)
        if text.isascii():
            # Byte offsets are str indices and the JSON text is the slice.
            return _decode(self._json(text.encode("ascii"), ref_date, None, _ENTITIES_ONLY))
        try:
            data = text.encode("utf-8")
            surrogates = False
        except UnicodeEncodeError:
            data = encode(text)
            surrogates = True
        ents = _decode(self._json(data, ref_date, None, _ENTITIES_ONLY))
        if ents:
            _str_offsets(ents, text, data, surrogates)
        return ents

    def extract_many(self, items: Iterable[Item], workers: Optional[int] = None,
                     ref_date: RefDate = None) -> Iterator[List[Entity]]:
        """Extracts many texts on ``workers`` threads; yields one list of
        entities per item, in input order.

        An item is a str, a ``(text, ref_date)`` pair, or a mapping with
        ``"text"`` and optionally ``"date"`` (a JSON Lines record). ``ref_date``
        applies to items that give none. ``workers`` defaults to
        ``os.cpu_count()``; 1 runs in the calling thread. Items are read
        lazily and at most ``4 * workers`` are in flight, so an endless
        iterable works. The first failing item raises its error, in order.
        """
        if workers is None:
            workers = os.cpu_count() or 1
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError("polisi: workers must be an int >= 1, not %r" % (workers,))
        jobs = (_item(it, ref_date) for it in items)
        if workers == 1:
            for text, rd in jobs:
                yield self.extract(text, rd)
            return
        pending: Deque[Any] = collections.deque()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="polisi") as pool:
            try:
                for text, rd in jobs:
                    pending.append(pool.submit(self.extract, text, rd))
                    if len(pending) >= 4 * workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                for f in pending:
                    f.cancel()


def _item(it: Item, ref_date: RefDate) -> Tuple[str, RefDate]:
    if isinstance(it, str):
        return it, ref_date
    if isinstance(it, tuple):
        if len(it) != 2:
            raise ValueError("polisi: a tuple item must be (text, ref_date)")
        return it[0], it[1] if it[1] is not None else ref_date
    if isinstance(it, Mapping):
        if "text" not in it:
            raise ValueError("polisi: a mapping item needs a \"text\"")
        d = it.get("date")
        return it["text"], d if d is not None else ref_date
    raise TypeError("polisi: an item must be a str, (text, ref_date) or a mapping, not %s"
                    % type(it).__name__)


# ---------------------------------------------------------------------------
# The default extractor
# ---------------------------------------------------------------------------
_default: Optional[Extractor] = None
_default_lock = threading.Lock()


def default_extractor() -> Extractor:
    """The shared extractor (every type, default limits) that the
    module-level functions use, built on first use."""
    global _default
    ex = _default
    if ex is None:
        with _default_lock:
            if _default is None:
                _default = Extractor()
            ex = _default
    return ex


def extract(text: str, ref_date: RefDate = None) -> List[Entity]:
    """``Extractor.extract`` on the default extractor."""
    return default_extractor().extract(text, ref_date)


def extract_many(items: Iterable[Item], workers: Optional[int] = None,
                 ref_date: RefDate = None) -> Iterator[List[Entity]]:
    """``Extractor.extract_many`` on the default extractor."""
    return default_extractor().extract_many(items, workers=workers, ref_date=ref_date)
