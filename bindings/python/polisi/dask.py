"""polisi over Dask: entities of a corpus larger than one machine.

An optional extra: this module imports Dask (and pandas, for data frames)
only when a function that needs it is called, so ``import polisi`` stays
standard-library only. On Debian: ``apt-get install python3-dask
python3-distributed python3-pandas``; with pip: ``pip install
'polisi[dask]'``.

>>> import dask.bag as db, polisi.dask
>>> lines = db.read_text("corpus/*.jsonl", blocksize="8MiB")   # JSON Lines
>>> rows = polisi.dask.extract_bag(lines)                       # one dict per entity
>>> rows.to_dataframe(meta=polisi.dask.meta()).to_parquet("entities/")

``extract_bag`` takes a bag of records ``{"id", "text", "date"?}`` (dicts,
or JSON Lines lines as str), ``extract_frame`` a Dask data frame with a text
column. Both give one row per entity with the columns :data:`COLUMNS`: the
document ``id``; ``type``, ``start``, ``end`` and ``text`` of the entity;
every SPEC.md field of every type (``None`` where the type has no such
field; ``titles`` a list); and ``error``. ``start``/``end`` are what the
binding gives: **str (code point) indices** into the record's text, not the
C library's byte offsets.

A record that cannot be extracted (no text, text that is not a str, an
impossible date, a line that is not JSON, input over ``max_input``, ...)
gives one row with its id, ``type`` None and the message in ``error``; the
other records of its partition are not affected. A document without
entities gives no row.

Work goes by partition (``map_partitions``), never one task per record.
Each worker process builds one :class:`polisi.Extractor` per set of options,
lazily on first use, and reuses it for every later partition and
computation (:func:`extractor`, :func:`extractor_builds`); the extractor is
never pickled. That works with ``dask.distributed`` clusters (every worker
needs libpolisi and this package importable) and with the local threaded,
process and synchronous schedulers.
"""
from __future__ import annotations

import dataclasses
import json
import os
import threading
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from . import _core, _lib
from ._core import Extractor, RefDate, TypesArg
from .entities import ENTITY_CLASSES, FIELD_ORDER

__all__ = ["COLUMNS", "FIELDS", "extract_bag", "extract_frame", "extract_records", "extractor",
           "extractor_builds", "meta"]

#: Every SPEC.md field of every type, in polisi_field order: the columns
#: between the entity's ``text`` and ``error``.
FIELDS: Tuple[str, ...] = tuple(FIELD_ORDER)

#: The columns of the output, in order.
COLUMNS: Tuple[str, ...] = ("id", "type", "start", "end", "text") + FIELDS + ("error",)

# A row with every column None, in column order: each row starts as a copy.
_EMPTY_ROW: Dict[str, Any] = dict.fromkeys(COLUMNS)


# ---------------------------------------------------------------------------
# One extractor per process
# ---------------------------------------------------------------------------
# Keyed by (pid, options): a process forked from one that had built an
# extractor builds its own, and counts it.
_lock = threading.Lock()
_extractors: Dict[Tuple[Any, ...], Extractor] = {}
_builds: Dict[int, int] = {}


def _after_fork() -> None:
    global _lock
    _lock = threading.Lock()  # the parent may have held it while forking


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _types_key(types: TypesArg) -> Optional[str]:
    """``types`` checked and normalized: the type names in library order,
    comma-separated, or None for every type."""
    if types is None:
        return None
    mask = _core.types_mask(types)
    return ",".join(n for i, n in enumerate(_lib.type_names(), 1) if mask & (1 << i))


def _options(types: TypesArg, max_input: Optional[int],
             max_entities: Optional[int]) -> Dict[str, Any]:
    """The extractor options, checked (on the client, before any task runs)
    and normalized."""
    return {"types": _types_key(types),
            "max_input": _core._size("max_input", max_input),
            "max_entities": _core._size("max_entities", max_entities)}


def extractor(types: TypesArg = None, max_input: Optional[int] = None,
              max_entities: Optional[int] = None) -> Extractor:
    """This process's extractor for these options, built on first use and
    then reused (thread-safe). The arguments are those of
    :class:`polisi.Extractor`."""
    key = (os.getpid(), _types_key(types), max_input, max_entities)
    ex = _extractors.get(key)
    if ex is None:
        with _lock:
            ex = _extractors.get(key)
            if ex is None:
                ex = Extractor(types=key[1], max_input=max_input, max_entities=max_entities)
                _extractors[key] = ex
                _builds[key[0]] = _builds.get(key[0], 0) + 1
    return ex


def extractor_builds() -> int:
    """How many extractors this process has built (through
    :func:`extractor`). On a cluster: ``client.run(polisi.dask.extractor_builds)``."""
    return _builds.get(os.getpid(), 0)


# ---------------------------------------------------------------------------
# Records to rows
# ---------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    """None, NaN or NaT: a missing value of a data frame."""
    return value is None or value != value


def _error(doc_id: Any, err: BaseException, where: str = "") -> Dict[str, Any]:
    """The row of a record that gives no entities but an error."""
    row = _EMPTY_ROW.copy()
    row["id"] = doc_id
    row["error"] = "%s: %s%s" % (type(err).__name__, err, where)
    return row


def _rows(ex: Extractor, doc_id: Any, text: Any, date: Any, out: List[Dict[str, Any]]) -> None:
    """Appends the rows of one document to ``out``: one per entity, or one
    error row."""
    try:
        if not isinstance(text, str):
            if _missing(text):
                raise ValueError("the record has no text")
            raise TypeError("text must be a str, not %s" % type(text).__name__)
        ents = ex.extract(text, date)
    except Exception as err:  # reported in the row, the partition goes on
        out.append(_error(doc_id, err))
        return
    # An entity's __dict__ is type, text, its fields, start and end (plus
    # derived attributes such as a Date's "date"): copied over the empty row,
    # the columns keep their order and the fields of other types stay None.
    empty = _EMPTY_ROW
    n = len(empty)
    for e in ents:
        row = empty.copy()
        row.update(e.__dict__)
        row["id"] = doc_id
        if len(row) != n:  # derived attributes, fields newer than COLUMNS
            for k in [k for k in row if k not in empty]:
                del row[k]
        out.append(row)


def _bag_partition(records: Iterable[Any], ref_date: RefDate,
                   options: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The rows of the records of one bag partition."""
    ex = extractor(**options)
    out: List[Dict[str, Any]] = []
    for rec in records:
        line = rec if isinstance(rec, (str, bytes, bytearray)) else None
        try:
            if line is not None:
                if not line.strip():
                    continue  # a blank line of a JSON Lines file
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("a JSON Lines record must be an object, not %s"
                                     % type(rec).__name__)
            elif not isinstance(rec, Mapping):
                raise TypeError("a record must be a mapping or a JSON Lines line, not %s"
                                % type(rec).__name__)
        except Exception as err:
            where = "" if line is None else " in %r" % (line.strip()[:60],)
            out.append(_error(None, err, where))
            continue
        date = rec.get("date")
        _rows(ex, rec.get("id"), rec.get("text"), ref_date if _missing(date) else date, out)
    return out


def extract_records(records: Iterable[Any], ref_date: RefDate = None, types: TypesArg = None,
                    max_input: Optional[int] = None,
                    max_entities: Optional[int] = None) -> List[Dict[str, Any]]:
    """The rows (dicts with the keys :data:`COLUMNS`) of some records, in
    this process, with its extractor: what :func:`extract_bag` runs on each
    partition. A record is a mapping ``{"id", "text", "date"?}`` or a JSON
    Lines line (str or bytes; blank lines are skipped)."""
    return _bag_partition(records, ref_date, _options(types, max_input, max_entities))


# ---------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------
_NEEDS = ("polisi.dask needs %s: apt-get install python3-dask python3-distributed "
          "python3-pandas, or pip install 'polisi[dask]'")


def _require(module: str) -> Any:
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(_NEEDS % module + " (%s)" % err) from err


def _dtypes() -> Dict[str, str]:
    """The pandas dtype of every column: nullable integers and booleans,
    objects for strings and lists (``titles``)."""
    kinds = {"Optional[int]": "Int64", "Optional[bool]": "boolean"}
    dt = {c: "object" for c in COLUMNS}
    dt["start"] = dt["end"] = "Int64"
    for cls in ENTITY_CLASSES.values():
        for f in dataclasses.fields(cls):
            if f.name in dt and f.name not in ("start", "end"):
                kind = kinds.get(str(f.type))
                if kind:
                    dt[f.name] = kind
    return dt


def meta(id_dtype: Any = "object") -> Any:
    """An empty pandas DataFrame with the output's columns and dtypes (the
    ``meta`` of :func:`extract_frame`; for ``bag.to_dataframe(meta=...)``).
    ``id_dtype`` is the dtype of the ``id`` column."""
    pd = _require("pandas")
    dt = _dtypes()
    dt["id"] = id_dtype
    return pd.DataFrame({c: pd.Series([], dtype=dt[c]) for c in COLUMNS})


def extract_bag(bag: Any, ref_date: RefDate = None, types: TypesArg = None,
                max_input: Optional[int] = None, max_entities: Optional[int] = None) -> Any:
    """The entities of a ``dask.bag`` of records, as a bag of row dicts
    (keys :data:`COLUMNS`), one per entity, in record order.

    A record is a mapping ``{"id", "text", "date"?}`` (other keys are
    ignored) or a line of JSON Lines text (``db.read_text(...)`` needs no
    ``.map(json.loads)``; a line that is not JSON is an error row, blank
    lines are skipped). ``date`` is the record's reference date
    (``"YYYY-MM-DD"`` or a ``datetime.date``); ``ref_date`` applies to
    records without one. ``types``, ``max_input`` and ``max_entities`` are
    those of :class:`polisi.Extractor`, checked here, before any task runs.

    For a table: ``extract_bag(b).to_dataframe(meta=polisi.dask.meta())``.
    """
    _require("dask.bag")
    if not hasattr(bag, "map_partitions"):
        raise TypeError("polisi.dask.extract_bag: expected a dask.bag.Bag, not %s"
                        % type(bag).__name__)
    _check_ref_date(ref_date)
    options = _options(types, max_input, max_entities)
    return bag.map_partitions(_bag_partition, ref_date, options, token="polisi-extract")


def _check_ref_date(ref_date: RefDate) -> None:
    """Raises now, on the client, for a ref_date no record could use."""
    if ref_date is not None:
        default = _core.default_extractor()
        default.extract("", ref_date)


def _frame_partition(df: Any, text: str, id: Optional[str], date: Optional[str],
                     ref_date: RefDate, options: Dict[str, Any], dtypes: Dict[str, Any]) -> Any:
    import pandas as pd
    ex = extractor(**options)
    ids = df[id].tolist() if id is not None else df.index.tolist()
    texts = df[text].tolist()
    dates = df[date].tolist() if date is not None else [None] * len(texts)
    out: List[Dict[str, Any]] = []
    for doc_id, t, d in zip(ids, texts, dates):
        _rows(ex, doc_id, t, ref_date if _missing(d) else d, out)
    # rows are dicts in column order: their values are the records
    frame = pd.DataFrame.from_records([tuple(r.values()) for r in out], columns=list(COLUMNS))
    return frame.astype(dtypes, copy=False)


def extract_frame(ddf: Any, text: str = "text", id: Optional[str] = "id",
                  date: Optional[str] = None, ref_date: RefDate = None, types: TypesArg = None,
                  max_input: Optional[int] = None, max_entities: Optional[int] = None) -> Any:
    """The entities of the texts of a ``dask.dataframe``, as a Dask
    DataFrame with the columns :data:`COLUMNS`, one row per entity, in row
    order (each partition's index is 0..n-1: write with
    ``to_parquet(..., write_index=False)`` or ``to_csv(..., index=False)``).

    :param text: the column of texts.
    :param id: the column of document ids (its dtype is kept), or None for
        the frame's index.
    :param date: the column of reference dates (``"YYYY-MM-DD"`` strings,
        dates or timestamps; missing values take ``ref_date``), or None.
    The other arguments are those of :func:`extract_bag`.
    """
    _require("dask.dataframe")
    if not hasattr(ddf, "map_partitions") or not hasattr(ddf, "columns"):
        raise TypeError("polisi.dask.extract_frame: expected a dask DataFrame, not %s"
                        % type(ddf).__name__)
    for what, col in (("text", text), ("id", id), ("date", date)):
        if col is not None and col not in ddf.columns:
            raise KeyError("polisi.dask.extract_frame: no %s column %r (columns: %s)"
                           % (what, col, ", ".join(map(str, ddf.columns))))
    _check_ref_date(ref_date)
    options = _options(types, max_input, max_entities)
    id_dtype = ddf[id].dtype if id is not None else ddf.index.dtype
    out_meta = meta(id_dtype)
    dtypes = out_meta.dtypes.to_dict()
    return ddf.map_partitions(_frame_partition, text, id, date, ref_date, options, dtypes,
                              meta=out_meta, token="polisi-extract")
