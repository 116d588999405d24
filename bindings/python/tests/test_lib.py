"""Finding and declaring the C library (polisi._lib)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import _support
from _support import polisi
from polisi import _lib


def import_in_subprocess(env_changes, pkg_parent):
    env = {k: v for k, v in os.environ.items()
           if k not in ("POLISI_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH", "PKG_CONFIG_PATH")}
    env.update(env_changes)
    env["PYTHONPATH"] = pkg_parent
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-c", "import polisi; print(polisi.library_path)"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          cwd=tempfile.gettempdir(), timeout=60)


class Lookup(unittest.TestCase):
    def setUp(self):
        self.pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(polisi.__file__)))

    def test_every_used_function_is_declared(self):
        """Every polisi_* function the package calls has argtypes and restype
        set in _lib._declare (a call through an undeclared one would pass
        Python ints as C ints and truncate pointers)."""
        import re
        pkg = os.path.dirname(os.path.abspath(polisi.__file__))
        used = set()
        for name in os.listdir(pkg):
            if name.endswith(".py"):
                with open(os.path.join(pkg, name), encoding="utf-8") as f:
                    used |= set(re.findall(r"\blib\.(polisi_\w+)", f.read()))
        self.assertIn("polisi_extract", used)
        for fn in used:
            with self.subTest(fn=fn):
                f = getattr(_lib.lib, fn)
                self.assertIsNotNone(f.argtypes, fn)

    def test_polisi_library_wrong_path(self):
        r = import_in_subprocess({"POLISI_LIBRARY": "/nonexistent/libpolisi.so"},
                                 self.pkg_parent)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"ImportError", r.stderr)
        self.assertIn(b"POLISI_LIBRARY", r.stderr)
        self.assertIn(b"/nonexistent/libpolisi.so", r.stderr)

    def test_polisi_library_path(self):
        path = os.path.abspath(polisi.library_path)
        if not os.path.isfile(path):
            self.skipTest("loaded by name, not by path: %s" % polisi.library_path)
        r = import_in_subprocess({"POLISI_LIBRARY": path}, self.pkg_parent)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode().strip(), path)

    def test_nothing_found_lists_what_was_tried(self):
        """A copy of the package outside any source tree, with no installed
        library: the ImportError names every place it looked."""
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(self.pkg_parent, "polisi"),
                            os.path.join(tmp, "polisi"))
            r = import_in_subprocess({"PKG_CONFIG_PATH": tmp}, tmp)
            if r.returncode == 0:
                self.skipTest("a libpolisi is installed system-wide: %s" % r.stdout.decode())
            err = r.stderr.decode()
            self.assertIn("ImportError", err)
            for what in ("POLISI_LIBRARY", "find_library", "pkg-config", "build tree"):
                self.assertIn(what, err)

    def test_build_tree_lookup(self):
        """From the source tree, the package finds build*/libpolisi.so*."""
        root, found = _lib._build_tree_candidates()
        if not found:
            self.skipTest("no build*/ directory with the library under %s" % root)
        pkg = os.path.join(_support.SOURCE_DIR, "bindings", "python")
        r = import_in_subprocess({}, pkg)
        self.assertEqual(r.returncode, 0, r.stderr)
        loaded = r.stdout.decode().strip()
        self.assertTrue(loaded in found or not os.path.isabs(loaded), (loaded, found))


if __name__ == "__main__":
    unittest.main()
