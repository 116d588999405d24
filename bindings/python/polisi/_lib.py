"""Loading libpolisi and declaring the C functions the binding uses.

This module is internal: it exposes the loaded library as ``lib`` with
``argtypes`` and ``restype`` set for every function the package calls, and
nothing else. Handles (extractor, options, result) travel as ``c_void_p``
(plain ints in Python); the package never dereferences them.

Where the library comes from, in this order:

1. ``POLISI_LIBRARY``: the path of the shared library. When it is set, it is
   the only candidate: a wrong path is an error, not a reason to look further.
2. The installed library: ``ctypes.util.find_library("polisi")`` (the
   dynamic loader's cache, ``LD_LIBRARY_PATH``), then the ``libdir`` that
   ``pkg-config --variable=libdir polisi`` reports (honours
   ``PKG_CONFIG_PATH``), when pkg-config exists.
3. A build tree: ``build*/libpolisi.so*`` (``.dylib`` on macOS) at the top of
   the source tree that holds this package (``bindings/python/polisi`` ->
   ``../../..``); the most recently built one wins, but a library built with
   ASan is skipped unless the ASan runtime is preloaded (``LD_PRELOAD``),
   since loading it would abort the interpreter.

When nothing loads, ``ImportError`` lists every place that was tried.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import glob
import mmap
import os
import shutil
import subprocess
import sys
from ctypes import (POINTER, c_char_p, c_int, c_size_t, c_uint, c_void_p)
from typing import List, Optional, Tuple

#: The ABI number (the SOVERSION) this binding was written against.
ABI = 0

if sys.platform == "darwin":
    _NAMES = ("libpolisi.%d.dylib" % ABI, "libpolisi.dylib")
elif sys.platform == "win32":
    _NAMES = ("polisi.dll", "libpolisi.dll")
else:
    _NAMES = ("libpolisi.so.%d" % ABI, "libpolisi.so")


def _try_load(path: str, tried: List[str], how: str) -> Optional[ctypes.CDLL]:
    try:
        return ctypes.CDLL(path)
    except OSError as err:
        tried.append("%s: %s (%s)" % (how, path, err))
        return None


def _pkg_config_libdir() -> Optional[str]:
    exe = shutil.which("pkg-config")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "polisi"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def _build_tree_candidates() -> Tuple[str, List[str]]:
    """The source tree's top directory and the library in each of its
    build*/ directories, most recently built first."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    found: List[str] = []
    if not os.path.isfile(os.path.join(root, "include", "polisi.h")):
        return root, found
    for build in glob.glob(os.path.join(root, "build*", "")):
        for name in _NAMES:  # the ABI-versioned name first
            path = os.path.join(build, name)
            if os.path.exists(path):
                found.append(path)
                break
    found.sort(key=os.path.getmtime, reverse=True)
    return root, found


def _built_with_asan(path: str) -> bool:
    """True when the library links the ASan runtime."""
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"__asan_init") >= 0
    except (OSError, ValueError):
        return False


def _load() -> Tuple[ctypes.CDLL, str]:
    tried: List[str] = []
    env = os.environ.get("POLISI_LIBRARY")
    if env:
        lib = _try_load(env, tried, "POLISI_LIBRARY")
        if lib is not None:
            return lib, env
        raise ImportError("polisi: cannot load the C library libpolisi given by POLISI_LIBRARY:\n  "
                          + "\n  ".join(tried))
    tried.append("POLISI_LIBRARY: not set")

    name = ctypes.util.find_library("polisi")
    if name:
        lib = _try_load(name, tried, "ctypes.util.find_library('polisi')")
        if lib is not None:
            return lib, name
    else:
        tried.append("ctypes.util.find_library('polisi'): not found")

    libdir = _pkg_config_libdir()
    if libdir:
        libdir = os.path.normpath(libdir)
        paths = [os.path.join(libdir, n) for n in _NAMES if os.path.exists(os.path.join(libdir, n))]
        if not paths:
            tried.append("pkg-config libdir %s: no %s there" % (libdir, " or ".join(_NAMES)))
        for path in paths:
            lib = _try_load(path, tried, "pkg-config libdir")
            if lib is not None:
                return lib, path
    else:
        tried.append("pkg-config --variable=libdir polisi: no answer"
                     if shutil.which("pkg-config") else "pkg-config: not installed")

    root, paths = _build_tree_candidates()
    if not os.path.isfile(os.path.join(root, "include", "polisi.h")):
        tried.append("build tree: this package is not inside the polisi sources")
    elif not paths:
        tried.append("build tree: no %s/build*/%s" % (root, _NAMES[0]))
    asan_loaded = "asan" in os.environ.get("LD_PRELOAD", "")
    for path in paths:
        if not asan_loaded and _built_with_asan(path):
            # Loading it would abort the interpreter ("ASan runtime does not
            # come first"), not raise: skip it.
            tried.append("build tree: %s: built with ASan (preload libasan.so to use it)" % path)
            continue
        lib = _try_load(path, tried, "build tree")
        if lib is not None:
            return lib, path

    raise ImportError(
        "polisi: cannot find the C library libpolisi. Tried:\n  " + "\n  ".join(tried)
        + "\nInstall it (cmake --install BUILD_DIR), add its directory to LD_LIBRARY_PATH, "
          "or set POLISI_LIBRARY to the path of libpolisi.so.")


def _declare(lib: ctypes.CDLL) -> None:
    """Sets argtypes/restype of every function the package uses."""
    protos = {
        # 1. Versions and status codes
        "polisi_version": (c_char_p, []),
        "polisi_version_number": (c_int, []),
        "polisi_strerror": (c_char_p, [c_int]),
        # 2. Entity types and fields
        "polisi_type_name": (c_char_p, [c_int]),
        "polisi_types_parse": (c_int, [c_char_p, POINTER(c_uint)]),
        "polisi_field_name": (c_char_p, [c_int]),
        # 4. The extractor
        "polisi_options_new": (c_int, [POINTER(c_void_p)]),
        "polisi_options_free": (None, [c_void_p]),
        "polisi_options_set_types": (c_int, [c_void_p, c_uint]),
        "polisi_options_set_max_input": (c_int, [c_void_p, c_size_t]),
        "polisi_options_set_max_entities": (c_int, [c_void_p, c_size_t]),
        "polisi_extractor_new": (c_int, [c_void_p, POINTER(c_void_p)]),
        "polisi_extractor_free": (None, [c_void_p]),
        # 5. Extraction
        "polisi_call_options_new": (c_int, [c_void_p, POINTER(c_void_p)]),
        "polisi_call_options_free": (None, [c_void_p]),
        "polisi_call_options_set_ref_date": (c_int, [c_void_p, c_int, c_int, c_int]),
        "polisi_call_options_set_ref_date_iso": (c_int, [c_void_p, c_char_p, c_size_t]),
        "polisi_call_options_set_types": (c_int, [c_void_p, c_uint]),
        "polisi_extract": (c_int, [c_void_p, c_char_p, c_size_t, c_void_p, POINTER(c_void_p)]),
        "polisi_result_free": (None, [c_void_p]),
        "polisi_result_count": (c_size_t, [c_void_p]),
        # 7. JSON: the JSON is owned by the result (freed with it)
        "polisi_result_json": (c_int, [c_void_p, c_char_p, c_size_t, c_uint,
                                       POINTER(c_char_p), POINTER(c_size_t)]),
    }
    missing = []
    for name, (restype, argtypes) in protos.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise ImportError("polisi: the C library lacks %s: is it an older libpolisi?"
                          % ", ".join(missing))


lib, path = _load()
_declare(lib)

# Values of polisi.h that ctypes cannot read from the library.
JSON_PRETTY = 1
JSON_ENTITIES_ONLY = 2


def version() -> str:
    """The linked library's version, "MAJOR.MINOR.PATCH"."""
    return lib.polisi_version().decode("ascii")


def strerror(code: int) -> str:
    return lib.polisi_strerror(code).decode("utf-8", "replace")


def _names(name_of, first: int) -> List[str]:
    """name_of(first), name_of(first + 1), ... up to the first NULL."""
    names = []
    i = first
    while True:
        n = name_of(i)
        if not n:
            return names
        names.append(n.decode("ascii"))
        i += 1


def type_names() -> List[str]:
    """The JSON names of the entity types, in polisi_type order (1, 2, ...)."""
    return _names(lib.polisi_type_name, 1)


def field_names() -> List[str]:
    """The JSON names of the fields, in polisi_field order (0, 1, ...)."""
    return _names(lib.polisi_field_name, 0)
