"""Shared helpers of the binding's tests.

Run from the source tree (ctest does this):

    POLISI_LIBRARY=build/libpolisi.so python3 -m unittest discover -s bindings/python/tests -v

The package is imported from bindings/python unless POLISI_TEST_INSTALLED=1
(then the installed one is tested). Environment:

    POLISI_LIBRARY     the shared library (else polisi's own lookup)
    POLISI_CLI         the C tool `polisi` (else next to the library, build*/, PATH)
    POLISI_SOURCE_DIR  the source tree (else ../../.. from here)
    POLISI_SHARED      the shared directory with corpus/ (else SOURCE_DIR/../shared)
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PKG_DIR = os.path.dirname(HERE)  # bindings/python
SOURCE_DIR = os.path.abspath(os.environ.get("POLISI_SOURCE_DIR")
                             or os.path.join(PKG_DIR, "..", ".."))
SHARED_DIR = os.path.abspath(os.environ.get("POLISI_SHARED")
                             or os.path.join(SOURCE_DIR, "..", "shared"))
DEV_CORPUS = os.path.join(SHARED_DIR, "corpus", "dev.jsonl")
SPEC_DIR = os.path.join(SOURCE_DIR, "tests", "spec")

if os.environ.get("POLISI_TEST_INSTALLED") != "1" and PKG_DIR not in sys.path:
    sys.path.insert(0, PKG_DIR)

import polisi  # noqa: E402
from polisi import _core  # noqa: E402

SHARED_MISSING = "the shared directory %s is absent (no corpus/dev.jsonl)" % SHARED_DIR


def have_dev_corpus():
    return os.path.isfile(DEV_CORPUS)


def dev_records():
    with open(DEV_CORPUS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def find_cli():
    """The C tool, or None."""
    env = os.environ.get("POLISI_CLI")
    if env:
        return env if os.access(env, os.X_OK) else None
    lib_dir = os.path.dirname(os.path.abspath(polisi.library_path))
    cand = os.path.join(lib_dir, "polisi")
    if os.path.isfile(cand) and os.access(cand, os.X_OK):
        return cand
    return shutil.which("polisi")


def python_env():
    """The environment for `python -m polisi` in a subprocess: the same
    package and library as this process."""
    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(polisi.__file__)))
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"]
                                      if env.get("PYTHONPATH") else "")
    if os.path.isabs(polisi.library_path) or os.sep in polisi.library_path:
        env["POLISI_LIBRARY"] = os.path.abspath(polisi.library_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_py_cli(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "polisi"] + list(args), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=python_env(),
                          timeout=300)


def byte_offset(text, index):
    """The byte offset in the library's input of the str index `index`."""
    return len(_core.encode(text[:index]))
