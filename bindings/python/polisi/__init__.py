"""polisi: police ranks, titles, units, positions, dates, times and persons
in Indonesian news text, through the C library libpolisi (ctypes).

>>> import polisi
>>> for e in polisi.extract("Kapolres Magetan AKBP MUSLIMIN, S.I.K."):
...     print(e.type, e.start, e.end, e.text)

Entities are dataclasses (:class:`Rank`, :class:`Title`, :class:`Unit`,
:class:`Position`, :class:`Date`, :class:`Time`, :class:`Person`) whose
``start``/``end`` are str indices into the text you passed, so
``text[e.start:e.end] == e.text``. Build an :class:`Extractor` for other
types or limits, and share it between threads. ``python -m polisi`` is the
command line (the same JSON as the C tool ``polisi``).

The C library is found through ``POLISI_LIBRARY`` (a path), the installed
``libpolisi`` or a build tree next to these sources (see ``polisi._lib``).
"""
from __future__ import annotations

from . import _lib
from ._core import (Extractor, PolisiError, Status, default_extractor, extract,
                    extract_many)
from .entities import (Date, Entity, Person, Position, Rank, Time, Title, Unit,
                       ENTITY_CLASSES)

#: The version of the linked C library (``polisi_version()``), "MAJOR.MINOR.PATCH".
__version__: str = _lib.version()

#: The path or name the C library was loaded from.
library_path: str = _lib.path

#: The names of the entity types, in the library's order.
TYPES = tuple(_lib.type_names())

__all__ = [
    "Extractor", "PolisiError", "Status", "extract", "extract_many", "default_extractor",
    "Entity", "Rank", "Title", "Unit", "Position", "Date", "Time", "Person",
    "ENTITY_CLASSES", "TYPES", "library_path", "__version__",
]
