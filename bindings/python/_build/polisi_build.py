"""A PEP 517 build backend for the pure-Python package `polisi`, stdlib only.

Why not setuptools: a fresh venv has no `wheel` package, so setuptools
(before 70.1) cannot build a wheel there without downloading one, and with
build isolation pip downloads setuptools itself. This backend needs nothing,
so `pip install bindings/python` works offline, in any venv, with or without
build isolation. The package is pure Python: a wheel is its files plus the
.dist-info metadata, zipped.

Hooks: build_wheel, build_sdist, build_editable (PEP 660: a .pth file that
puts this directory on sys.path), prepare_metadata_for_build_wheel/_editable
and the get_requires_* hooks (nothing). The metadata comes from the
[project] table of pyproject.toml.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "polisi"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: reproducible wheels


def _project():
    """The [project] table of pyproject.toml (the keys this backend uses)."""
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        raw = f.read()
    try:
        import tomllib
        return tomllib.loads(raw.decode("utf-8"))["project"]
    except ImportError:  # Python < 3.11: the simple `key = "value"` lines suffice
        text = raw.decode("utf-8")
        m = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        table = {}
        for k, v in re.findall(r'^([A-Za-z-]+)\s*=\s*"([^"]*)"\s*$', m.group(1) if m else "",
                               re.M):
            table[k] = v
        # [project.optional-dependencies]: one `extra = ["req", ...]` line each
        m = re.search(r"^\[project\.optional-dependencies\]\s*$(.*?)(?=^\[|\Z)", text,
                      re.M | re.S)
        extras = re.findall(r"^([A-Za-z0-9_-]+)\s*=\s*\[(.*?)\]\s*$", m.group(1) if m else "",
                            re.M)
        table["optional-dependencies"] = {k: re.findall(r'"([^"]*)"', v) for k, v in extras}
        return table


def _names():
    p = _project()
    return p, p["name"], p["version"]


def _metadata():
    p, name, version = _names()
    lines = ["Metadata-Version: 2.1", "Name: %s" % name, "Version: %s" % version]
    if p.get("description"):
        lines.append("Summary: %s" % p["description"])
    if p.get("requires-python"):
        lines.append("Requires-Python: %s" % p["requires-python"])
    for c in p.get("classifiers", []) if isinstance(p.get("classifiers"), list) else []:
        lines.append("Classifier: %s" % c)
    for extra, reqs in sorted((p.get("optional-dependencies") or {}).items()):
        lines.append("Provides-Extra: %s" % extra)
        lines.extend('Requires-Dist: %s; extra == "%s"' % (r, extra) for r in reqs)
    body = ""
    readme = p.get("readme")
    if isinstance(readme, str) and os.path.isfile(os.path.join(ROOT, readme)):
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(ROOT, readme), encoding="utf-8") as f:
            body = f.read()
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


def _dist_info():
    _, name, version = _names()
    return "%s-%s.dist-info" % (name.replace("-", "_"), version)


def _wheel_name():
    _, name, version = _names()
    return "%s-%s-py3-none-any.whl" % (name.replace("-", "_"), version)


def _package_files():
    """(archive path, file path) of every file of the package, sorted."""
    out = []
    top = os.path.join(ROOT, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(filenames):
            if fn.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, fn)
            out.append((os.path.relpath(path, ROOT).replace(os.sep, "/"), path))
    return out


def _write_wheel(wheel_directory, entries):
    """entries: (archive path, bytes). Adds the .dist-info and RECORD."""
    di = _dist_info()
    entries = list(entries) + [
        (di + "/METADATA", _metadata()),
        (di + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: polisi_build\n"
                        b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        (di + "/top_level.txt", (PACKAGE + "\n").encode()),
    ]
    record = []
    path = os.path.join(wheel_directory, _wheel_name())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for arc, data in entries:
            info = zipfile.ZipInfo(arc, _EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append("%s,sha256=%s,%d" % (arc, digest.decode(), len(data)))
        record.append(di + "/RECORD,,")
        info = zipfile.ZipInfo(di + "/RECORD", _EPOCH)
        info.external_attr = 0o644 << 16
        z.writestr(info, ("\n".join(record) + "\n").encode())
    return os.path.basename(path)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# --- PEP 517 ---------------------------------------------------------------
def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    di = _dist_info()
    os.makedirs(os.path.join(metadata_directory, di), exist_ok=True)
    with open(os.path.join(metadata_directory, di, "METADATA"), "wb") as f:
        f.write(_metadata())
    with open(os.path.join(metadata_directory, di, "WHEEL"), "wb") as f:
        f.write(b"Wheel-Version: 1.0\nGenerator: polisi_build\nRoot-Is-Purelib: true\n"
                b"Tag: py3-none-any\n")
    return di


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(arc, _read(p)) for arc, p in _package_files()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    pth = (ROOT + "\n").encode("utf-8")
    return _write_wheel(wheel_directory, [("__editable__.%s.pth" % PACKAGE, pth)])


def build_sdist(sdist_directory, config_settings=None):
    _, name, version = _names()
    base = "%s-%s" % (name.replace("-", "_"), version)
    files = ["pyproject.toml", "README.md", "_build/polisi_build.py"]
    files += [arc for arc, _ in _package_files()]
    tests = os.path.join(ROOT, "tests")
    if os.path.isdir(tests):
        files += sorted("tests/" + fn for fn in os.listdir(tests) if fn.endswith(".py"))
    pkg_info = _metadata()
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel in files + ["PKG-INFO"]:
            data = pkg_info if rel == "PKG-INFO" else _read(os.path.join(ROOT, rel))
            info = tarfile.TarInfo("%s/%s" % (base, rel))
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 315532800
            tar.addfile(info, io.BytesIO(data))
    return os.path.basename(path)
