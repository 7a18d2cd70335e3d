"""Compile the extraction hot path with mypyc: a ``.so`` next to each ``.py`` of ``streams.compiled.MODULES``.

    .venv/bin/python scripts/build_compiled.py           # build (part of `make setup`)
    .venv/bin/python scripts/build_compiled.py --clean   # remove the compiled files: pure Python again

Optional: without mypyc (the ``dev`` extra) or a C compiler it says so and exits 0, and
everything runs as pure Python with the same output. Python imports a ``.so`` before the
``.py`` of the same module, so the compiled files must be rebuilt after the sources change
(``make`` does it when one of them is newer); ``HASILA_PURE=1`` ignores them.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> tuple[str, ...]:
    """``streams.compiled.MODULES``, read without importing ``streams`` (which picks pure or compiled)."""
    spec = importlib.util.spec_from_file_location("_hasila_compiled", ROOT / "streams" / "compiled.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.MODULES


MODULES = _modules()

GROUP = "streams._hot"  # the shared library of the compiled modules: streams/_hot__mypyc.*.so


def _sources() -> list[str]:
    return [m.replace(".", "/") + ".py" for m in MODULES]


def _built() -> list[Path]:
    """The compiled files now in the tree (modules and the shared library)."""
    out = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        out += [ROOT / (m.replace(".", "/") + suffix) for m in MODULES]
        out.append(ROOT / (GROUP.replace(".", "/") + "__mypyc" + suffix))
    return [p for p in out if p.exists()]


def clean() -> None:
    for p in _built():
        p.unlink()
        print(f"removed {p.relative_to(ROOT)}")


def _why_not() -> str | None:
    """Why this machine cannot compile (None when it can)."""
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed (pip install -e '.[dev]')"
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(os.environ.get("CC", cc).split()[0]) is None:
        return f"no C compiler ({cc})"
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").exists():
        return f"no Python headers ({include}/Python.h)"
    return None


def build() -> int:
    why = _why_not()
    if why:
        print(f"build_compiled: skipped, {why}; the pure-Python modules are used")
        return 0
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hasila-mypyc-") as tmp:
        # a child process: mypyc and setuptools' build_ext, everything written under tmp
        lib = Path(tmp) / "lib"
        code = (
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"exts = mypycify({_sources()!r}, group_name={GROUP!r}, target_dir={tmp!r})\n"
            "setup(name='hasila-compiled', ext_modules=exts, script_args=['-q', 'build_ext',"
            f" '--build-lib', {str(lib)!r}, '--build-temp', {tmp!r}])\n"
        )
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}  # setuptools' notes on pyproject.toml
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env)
        if done.returncode:
            clean()
            print("build_compiled: FAILED (see above); compiled files removed, pure Python is used")
            return done.returncode
        # into the tree by rename: a running process keeps the file it has mapped
        for so in sorted(lib.rglob("*.so")):
            dest = ROOT / so.relative_to(lib)
            part = dest.with_name(dest.name + ".part")
            shutil.copyfile(so, part)
            os.replace(part, dest)
    print(f"build_compiled: {len(MODULES)} modules compiled in {time.monotonic() - t0:.0f} s")
    return 0


def main() -> int:
    if "--clean" in sys.argv[1:]:
        clean()
        return 0
    return build()


if __name__ == "__main__":
    sys.exit(main())
