"""The modules ``scripts/build_compiled.py`` compiles with mypyc, and when the compiled ones are used.

Compiling is optional: the ``.py`` files are the source of truth, and a compiled
module (a ``.so`` next to its ``.py``, which Python imports first) gives the same
output with about a third fewer instructions (docs/benchmarks/extract.md, rounds 10-11).
The ``.py`` files are imported instead when

- ``HASILA_PURE=1`` is set (for comparison, or to rule the compiled code out), or
- a ``.py`` is newer than its ``.so`` (edited since the last build: a stale compiled
  module must not shadow the source; a warning says to rebuild with ``make setup``).

It is all or none: compiled modules expect each other's compiled classes.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

# The extraction hot path: loops over Python objects, no faust / kafka imports. Measured one
# by one (docs/benchmarks/extract.md, round 10); a module that gained nothing is not listed.
MODULES = (
    "streams.text.normalize",
    "streams.extract.segment",
    "streams.extract.hits",
    "streams.extract.dates",
    "streams.extract.arabic",
    "streams.extract.english",
    "streams.extract.places",
    "streams.extract.article",
    "streams.places.resolve",
    "streams.places.gazetteer",
)

_ROOT = Path(__file__).resolve().parent.parent  # the directory holding the streams package


def pure_requested() -> bool:
    """True when ``HASILA_PURE`` is set to something other than empty / 0."""
    return os.environ.get("HASILA_PURE", "") not in ("", "0")


def built_files(name: str) -> list[Path]:
    """The compiled files of module ``name`` now next to its source."""
    base = str(_ROOT / name.replace(".", "/"))
    return [Path(base + s) for s in importlib.machinery.EXTENSION_SUFFIXES if Path(base + s).exists()]


def stale_modules() -> list[str]:
    """Modules whose source is newer than their compiled file."""
    out = []
    for name in MODULES:
        source = _ROOT / (name.replace(".", "/") + ".py")
        for so in built_files(name):
            try:
                if source.stat().st_mtime > so.stat().st_mtime:
                    out.append(name)
            except OSError:
                pass
    return out


def compiled_modules() -> dict[str, bool]:
    """Each module of ``MODULES`` (imported) and whether its compiled version was loaded."""
    out = {}
    for name in MODULES:
        __import__(name)
        origin = getattr(sys.modules[name], "__file__", "") or ""
        out[name] = origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    return out


class _SourceFirst:
    """A meta path finder that imports ``MODULES`` from their ``.py`` files."""

    @staticmethod
    def find_spec(fullname: str, path: list[str] | None = None, target: object = None) -> object:
        if fullname not in MODULES or not path:
            return None
        leaf = fullname.rpartition(".")[2] + ".py"
        for entry in path:
            source = Path(entry) / leaf
            if source.is_file():
                return importlib.util.spec_from_file_location(fullname, source)
        return None


def install_pure() -> None:
    """Import ``MODULES`` from source from now on (idempotent; modules already imported stay)."""
    if _SourceFirst not in sys.meta_path:
        sys.meta_path.insert(0, _SourceFirst)  # type: ignore[arg-type]


def choose() -> None:
    """Called on ``import streams``: use the ``.py`` files when asked to or when a build is stale."""
    if pure_requested():
        install_pure()
        return
    stale = stale_modules()
    if stale:
        warnings.warn(
            f"compiled modules older than their source ({', '.join(stale)}): running pure Python; "
            "rebuild with `make setup` (or scripts/build_compiled.py; --clean to remove them)",
            RuntimeWarning,
            stacklevel=2,
        )
        install_pure()
