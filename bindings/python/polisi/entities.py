"""The entity dataclasses: one per SPEC.md type.

Every entity has ``type``, ``text``, ``start`` and ``end``, then the
normalized fields of its type under their SPEC.md (JSON) names. ``start`` and
``end`` are **str indices** (code points) into the text you passed, half-open,
so ``text[e.start:e.end] == e.text`` always holds. Fields the text does not
give are ``None``; a person's ``titles`` is a list (possibly empty).

``to_dict()`` gives the entity in the SPEC.md JSON shape, the same keys and
values the ``polisi`` command line prints for it, except that ``start`` and
``end`` are str indices (for ASCII text they are the same numbers).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

__all__ = ["Entity", "Rank", "Title", "Unit", "Position", "Date", "Time", "Person",
           "ENTITY_CLASSES"]

# Every field of polisi.h, in polisi_field order. Each type's _FIELDS lists
# its own in the order of SPEC.md's tables, which is the order the library's
# JSON writer uses (type_fields in lib/json.c).
FIELD_ORDER = ("code", "name", "force", "group", "grade", "retired", "corps", "position",
               "category", "meaning", "level", "kind", "place", "canonical", "unit", "acting",
               "value", "end_value", "weekday", "weekday_ok", "zone", "utc_offset", "display",
               "rank", "titles")


@dataclass
class Entity:
    """What every entity has. Instances of this base class stand for a type
    the library reports but this binding does not know yet: its fields are
    plain attributes then, and ``to_dict()`` still gives them all."""

    type: str = field(default="", init=False, repr=False)
    #: The matched text: ``input[start:end]``.
    text: str = ""
    #: Start of the span, a str index into the input (inclusive).
    start: int = 0
    #: End of the span, a str index into the input (exclusive).
    end: int = 0

    # The SPEC.md fields of the type, in the library's JSON order.
    _FIELDS = ()
    # Fields the library writes as null (rather than leaving them out) when
    # the type has no value for them; mirrors null_fields() in lib/json.c.
    _NULLABLE = frozenset()
    # Attributes that are not SPEC.md fields (derived values).
    _DERIVED = frozenset()

    def to_dict(self) -> Dict[str, Any]:
        """The entity as a dict in the SPEC.md JSON shape (keys in the order
        the library writes them): ``type``, ``text``, the fields, ``start``,
        ``end``. Absent fields are left out, or ``None`` where the library
        writes ``null``. Offsets are str indices."""
        d: Dict[str, Any] = {"type": self.type, "text": self.text}
        for name in self._FIELDS:
            v = getattr(self, name)
            if v is None:
                if name in self._NULLABLE:
                    d[name] = None
            elif isinstance(v, list):
                d[name] = list(v)
            else:
                d[name] = v
        for k, v in self.__dict__.items():  # fields newer than this binding
            if k not in _KNOWN and k not in self._DERIVED and not k.startswith("_"):
                d[k] = v
        d["start"] = self.start
        d["end"] = self.end
        return d


@dataclass
class Rank(Entity):
    """A police or military rank: ``AKBP``, ``Brigjen Pol``, ``Letkol Inf``."""

    type: str = field(default="rank", init=False, repr=False)
    #: Canonical abbreviation (``AKBP``, ``Kombes Pol``, ``Letkol``).
    code: Optional[str] = None
    #: Full name (``Ajun Komisaris Besar Polisi``).
    name: Optional[str] = None
    #: ``polri``, ``polri-former``, ``tni-ad``, ``tni-al``, ``tni-au`` or ``tni``.
    force: Optional[str] = None
    #: ``tamtama``, ``bintara``, ``pama``, ``pamen`` or ``pati``.
    group: Optional[str] = None
    #: 1 (Bharada) .. 22 (Jenderal Pol); the Polri-equivalent grade otherwise.
    grade: Optional[int] = None
    #: True when "(Purn)" / "Purnawirawan" is attached.
    retired: Optional[bool] = None
    #: TNI corps suffix when written (``Inf``, ``Laut (P)``).
    corps: Optional[str] = None

    _FIELDS = ("code", "name", "force", "group", "grade", "retired", "corps")


@dataclass
class Title(Entity):
    """An academic, religious, professional or honorary title: ``S.I.K.``, ``Dr.``, ``H.``."""

    type: str = field(default="title", init=False, repr=False)
    #: Canonical dotted spelling (``S.H.``, ``M.Si.``).
    code: Optional[str] = None
    #: ``prefix`` (before the name) or ``suffix`` (after it).
    position: Optional[str] = None
    #: ``academic``, ``religious``, ``professional`` or ``honorary``.
    category: Optional[str] = None
    #: ``Sarjana Hukum``, ...; None when unknown.
    meaning: Optional[str] = None

    _FIELDS = ("code", "position", "category", "meaning")
    _NULLABLE = frozenset({"meaning"})


@dataclass
class Unit(Entity):
    """A police unit: ``Polres Magetan``, ``Polda Jatim``, ``Satreskrim``, ``Polri``."""

    type: str = field(default="unit", init=False, repr=False)
    #: ``polri``, ``mabes``, ``polda``, ``polres``, ``polsek``, ``polsubsektor`` or ``satker``.
    level: Optional[str] = None
    #: ``polres``, ``polresta``, ``polrestabes``, ``polres-metro``, ``polsek``, ... or None.
    kind: Optional[str] = None
    #: The place of a territorial unit, or None.
    place: Optional[str] = None
    #: Short standard name (``Polres Magetan``, ``Polda Jawa Timur``).
    canonical: Optional[str] = None

    _FIELDS = ("level", "kind", "place", "canonical")
    _NULLABLE = frozenset({"kind", "place"})


@dataclass
class Position(Entity):
    """A Polri or TNI post: ``Kapolres``, ``Kasat Reskrim``, ``Dandim``."""

    type: str = field(default="position", init=False, repr=False)
    #: Canonical abbreviation (``Kapolres``, ``Kasat Reskrim``).
    code: Optional[str] = None
    #: ``polri`` or ``tni``.
    force: Optional[str] = None
    #: Canonical name of the unit it heads, when the text gives it.
    unit: Optional[str] = None
    #: ``Plt``, ``Plh`` or ``PS.`` when written.
    acting: Optional[str] = None

    _FIELDS = ("code", "force", "unit", "acting")
    _NULLABLE = frozenset({"unit"})


def _full_date(value: Optional[str]) -> Optional[datetime.date]:
    """``datetime.date`` for a full ``YYYY-MM-DD`` value, else None."""
    if value is None or len(value) != 10 or "X" in value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class Date(Entity):
    """A date: ``Senin (05/11/2018)``, ``5-7 November 2018``, ``kemarin``."""

    type: str = field(default="date", init=False, repr=False)
    #: ISO 8601: ``2018-11-05``, ``2018-11``, ``2019``, ``XXXX-08-02``; None for an unresolved relative day.
    value: Optional[str] = None
    #: For ranges: the last day.
    end_value: Optional[str] = None
    #: The written weekday, normalized (``senin`` .. ``minggu``).
    weekday: Optional[str] = None
    #: False when the written weekday does not match the date.
    weekday_ok: Optional[bool] = None
    #: ``value`` as a ``datetime.date`` when it is a full day, else None (not in to_dict()).
    date: Optional[datetime.date] = None
    #: ``end_value`` as a ``datetime.date`` when it is a full day, else None (not in to_dict()).
    end_date: Optional[datetime.date] = None

    _FIELDS = ("value", "end_value", "weekday", "weekday_ok")
    _NULLABLE = frozenset({"value"})
    _DERIVED = frozenset({"date", "end_date"})

    def __post_init__(self) -> None:
        if self.date is None:
            self.date = _full_date(self.value)
        if self.end_date is None:
            self.end_date = _full_date(self.end_value)


@dataclass
class Time(Entity):
    """A time of day: ``pukul 08.00 WITA``, ``jam 7 malam``."""

    type: str = field(default="time", init=False, repr=False)
    #: 24-hour ``HH:MM`` (or ``HH:MM:SS``).
    value: Optional[str] = None
    #: For ranges: the end time.
    end_value: Optional[str] = None
    #: ``WIB``, ``WITA``, ``WIT`` or None.
    zone: Optional[str] = None
    #: ``+07:00``, ``+08:00``, ``+09:00`` when the zone is known.
    utc_offset: Optional[str] = None

    _FIELDS = ("value", "end_value", "zone", "utc_offset")
    _NULLABLE = frozenset({"zone"})


@dataclass
class Person(Entity):
    """A named officer (or titled person): ``Kapolsek Plaosan AKP SUKONO, S.H.``."""

    type: str = field(default="person", init=False, repr=False)
    #: The name as written, without rank, position and titles.
    name: Optional[str] = None
    #: The name with ALL-CAPS words in Title Case.
    display: Optional[str] = None
    #: Rank code, or None.
    rank: Optional[str] = None
    #: Title codes, in order.
    titles: List[str] = field(default_factory=list)
    #: Position code, or None.
    position: Optional[str] = None
    #: Canonical unit, or None.
    unit: Optional[str] = None

    _FIELDS = ("name", "display", "rank", "titles", "position", "unit")
    _NULLABLE = frozenset({"rank", "position", "unit"})


#: The dataclass of each type name.
ENTITY_CLASSES = {cls.type: cls for cls in (Rank, Title, Unit, Position, Date, Time, Person)}
# ``cls.type`` above reads the dataclass default through the class: make
# sure that holds (a field default becomes a class attribute).
assert all(name for name in ENTITY_CLASSES)

_KNOWN = frozenset({"type", "text", "start", "end"}) | frozenset(FIELD_ORDER)
