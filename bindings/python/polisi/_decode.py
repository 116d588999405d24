"""From the library's JSON to entity objects, fast.

``polisi_result_json`` gives one JSON array per document. Parsing it with
``json.loads`` costs more than the extraction itself once a document has
dozens of entities: every field is a new Python object. But most entities
repeat (the same rank, unit, position or title, with the same text, all
over a corpus), and an entity's JSON is its fields followed by its offsets:

    [{"type":"rank","text":"AKBP",...,"retired":false,"start":17,"end":21},{...}]

So the array is cut (one regex split, in C) at each ``,"start":N,"end":M}``
(which cannot occur inside a JSON string, where a quote is always escaped),
the part before the offsets (the "body") is looked up in a cache of parsed
bodies, and only the offsets are read per entity (the split gives them as
pieces of their own: ``bytes.split`` and a ``bytes.partition`` per entity are
no faster). A body not seen yet is parsed with the json module's C scanner.
Anything that does not have this exact shape falls back to parsing the whole
array, so a change in the JSON writer costs speed, not correctness (the
tests compare both paths).
"""
from __future__ import annotations

import json
import json.scanner
import re
from typing import Any, Dict, List, Tuple

from .entities import ENTITY_CLASSES, Date, Entity, Person, _full_date

_scan = json.scanner.make_scanner(json.JSONDecoder())
_new = object.__new__

#: Parsed bodies: body bytes -> (class, dict of the fields with offsets 0,
#: the keys whose values are lists, copied per entity).
#: Shared by threads (dict operations are atomic; a race parses twice).
_cache: Dict[bytes, Tuple[type, Dict[str, Any], Tuple[str, ...]]] = {}
_CACHE_MAX = 4096  # about 5 MB at most

# The offsets that end an entity object, and what follows them: the next
# object or the end of the array.
_SPLIT = re.compile(rb',"start":([0-9]+),"end":([0-9]+)\}(?:,(?=\{)|\]\Z)')


def _prepare(d: Dict[str, Any]) -> Tuple[type, Dict[str, Any]]:
    """The class of a parsed entity dict, with derived attributes added."""
    cls = ENTITY_CLASSES.get(d["type"], Entity)
    if cls is Date:
        v = d.get("value")
        d["date"] = _full_date(v) if v else None
        v = d.get("end_value")
        d["end_date"] = _full_date(v) if v else None
    elif cls is Person and "titles" not in d:
        d["titles"] = []
    return cls, d


def _parse_body(body: bytes) -> Tuple[type, Dict[str, Any], Tuple[str, ...]]:
    text = (body + b"}").decode("utf-8")
    d, end = _scan(text, 0)
    if end != len(text) or not isinstance(d, dict) or not isinstance(d.get("type"), str):
        raise ValueError("not an entity")
    # The offsets' keys, so that the copy per entity has room for them
    # (a dict that grows on a copy is resized) and the keys come in the
    # order of decode_slow.
    d["start"] = d["end"] = 0
    cls, d = _prepare(d)
    hit = cls, d, tuple(k for k, v in d.items() if isinstance(v, (list, dict)))
    if len(_cache) >= _CACHE_MAX:
        _cache.clear()
    _cache[body] = hit
    return hit


def decode_slow(js: bytes) -> List[Entity]:
    """The entities of a JSON array, parsed whole (the reference path)."""
    out = []
    for d in _scan(js.decode("utf-8"), 0)[0]:
        cls, d = _prepare(d)
        e = _new(cls)
        e.__dict__ = d
        out.append(e)
    return out


def decode(js: bytes) -> List[Entity]:
    """The entities of the JSON array ``js`` (byte offsets, library text)."""
    parts = _SPLIT.split(js)  # [b'[{BODY', START, END, b'{BODY', START, END, ..., b'']
    if len(parts) == 1:
        return [] if js == b"[]" else decode_slow(js)
    if parts[-1] or parts[0][:2] != b"[{":
        return decode_slow(js)
    parts[0] = parts[0][1:]
    out: List[Entity] = []
    append = out.append
    get = _cache.get
    new = _new
    it = iter(parts)
    try:
        for body, start, end in zip(it, it, it):
            cls, d, mutable = get(body) or _parse_body(body)
            d = d.copy()
            d["start"] = int(start)
            d["end"] = int(end)
            if mutable:  # a person's titles: a list of its own
                for k in mutable:
                    d[k] = d[k].copy()
            e = new(cls)
            e.__dict__ = d
            append(e)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return decode_slow(js)
    return out
