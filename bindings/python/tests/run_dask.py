"""Runs the Dask tests (dask_*.py) with an interpreter that has Dask.

ctest runs this as `python_dask` with any python3 (standard library only).
Dask, distributed and pandas are often in another interpreter than the
one CMake found: Debian's packages (python3-dask, python3-distributed,
python3-pandas) are for /usr/bin/python3, not for a pyenv or venv python.
The interpreter is the first of these that imports all three:

    $POLISI_DASK_PYTHON (when set, the only candidate)
    this interpreter, /usr/bin/python3, python3 on PATH

When none does, the test fails if CI=true (CI installs the packages:
tools/deps.sh --test) and is skipped otherwise (exit 77), with the reason.
The environment (POLISI_LIBRARY, LD_PRELOAD, ...) is passed on.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Found, not imported (importing pandas takes seconds): a broken install
# fails in the tests themselves.
MODULES = ("dask", "distributed", "pandas")
PROBE = ("import importlib.util, sys\n"
         "missing = [m for m in %r if importlib.util.find_spec(m) is None]\n"
         "sys.exit('missing: ' + ', '.join(missing) if missing else 0)" % (MODULES,))
SKIP = 77


def candidates():
    env = os.environ.get("POLISI_DASK_PYTHON")
    if env:
        return [env]
    out = []
    for py in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if py and os.path.isfile(py) and os.path.realpath(py) not in map(os.path.realpath, out):
            out.append(py)
    return out


def find_python():
    """(the first candidate that has MODULES or None, why each other failed)."""
    tried = []
    for py in candidates():
        try:
            p = subprocess.run([py, "-c", PROBE], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=120)
        except (OSError, subprocess.SubprocessError) as err:
            tried.append("%s: %s" % (py, err))
            continue
        if p.returncode == 0:
            return py, tried
        last = p.stdout.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        tried.append("%s: %s" % (py, last[0]))
    return None, tried


def main():
    py, tried = find_python()
    if py is None:
        msg = ("no Python with Dask, distributed and pandas (on Debian: apt-get install "
               "python3-dask python3-distributed python3-pandas, or bash tools/deps.sh --test; "
               "or set POLISI_DASK_PYTHON). Tried:\n  " + "\n  ".join(tried))
        if os.environ.get("CI") == "true":
            print("python_dask: FAILED: " + msg, file=sys.stderr)
            return 1
        print("python_dask: skipped: " + msg, file=sys.stderr)
        return SKIP
    print("python_dask: running with %s" % py, flush=True)
    cmd = [py, "-W", "ignore::DeprecationWarning", "-m", "unittest", "discover",
           "-s", HERE, "-p", "dask_*.py", "-v"]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
