"""The mypyc-compiled hot path (streams/compiled.py, scripts/build_compiled.py): loaded when built,
and the same output as the pure-Python modules.

When the compiled files are not there (no C compiler, or ``--clean``), the tests that need
them are skipped; ``HASILA_REQUIRE_COMPILED=1`` makes that a failure instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams import compiled

ROOT = Path(__file__).resolve().parent.parent

# Run in a child process, pure (HASILA_PURE=1) or compiled: which modules were compiled, and
# every mention and incident reference of a small corpus as sorted-key JSON lines.
_CHILD = r"""
import json, random, sys
sys.path.insert(0, "bench")
from bench_extract import make
from streams import compiled
from streams.pipeline import analyse_article
rnd = random.Random(3)
arts = [make(i, rnd) for i in range(40)] + [make(i, rnd, True) for i in range(40)]
arts += [
    {"id": "e1", "language": "en", "published_at": "2024-03-14", "title": "Shelling on Idlib",
     "body": "\u201cFive civilians were killed\u201d \u2014 and 3 others wounded in Saraqib on Monday, a monitor said."},
    {"id": "e2", "language": None, "published_at": None, "title": None,
     "body": "\u0642\u062a\u0644 3 \u0645\u062f\u0646\u064a\u064a\u0646 \u0641\u064a \u062f\u0631\u0639\u0627\u060c \u0648\u0623\u0635\u064a\u0628 5 \u0622\u062e\u0631\u0648\u0646."},
    # a quarter found with the article's places as context (duck-typed objects through the compiled resolver)
    {"id": "e5", "language": "ar", "published_at": "2024-03-14", "title": None,
     "body": "قتل ثلاثة مدنيين وأصيب خمسة آخرون في قصف على حارة طي في مدينة القامشلي بريف الحسكة."},
    {"id": "e3", "language": "en", "published_at": "2024-01-01", "title": None, "body": ""},
    {"id": "e4", "language": "en", "published_at": "2024-01-01", "title": None,
     "body": "AT LEAST TWELVE PEOPLE WERE KILLED IN HOMS.\n\nTwo children died of their wounds\u00a0in Daraa."},
]
print(json.dumps(compiled.compiled_modules()))
for a in arts:
    mentions, refs = analyse_article(a)
    for x in mentions + refs:
        print(json.dumps(x, sort_keys=True, ensure_ascii=False))
"""


def _built() -> bool:
    return all(compiled.built_files(m) for m in compiled.MODULES)


def _need_build() -> None:
    if not _built():
        msg = "compiled modules not built (scripts/build_compiled.py: needs mypyc and a C compiler)"
        if os.environ.get("HASILA_REQUIRE_COMPILED", "") not in ("", "0"):
            pytest.fail(msg)
        pytest.skip(msg)
    if compiled.stale_modules():
        pytest.fail(f"compiled modules older than their source: {compiled.stale_modules()}; make setup")


def _run(pure: bool) -> tuple[dict[str, bool], list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "HASILA_PURE"}
    if pure:
        env["HASILA_PURE"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONHASHSEED"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    first, *lines = out.stdout.splitlines()
    return json.loads(first), lines


def test_compiled_modules_are_loaded_when_built() -> None:
    _need_build()
    if compiled.pure_requested():
        pytest.skip("HASILA_PURE is set")
    loaded = compiled.compiled_modules()
    assert all(loaded.values()), loaded


def test_compiled_and_pure_give_the_same_output() -> None:
    _need_build()
    which_c, out_c = _run(pure=False)
    which_p, out_p = _run(pure=True)
    assert all(which_c.values()), which_c
    assert not any(which_p.values()), which_p
    assert len(out_c) > 300  # mentions and references of the corpus: it did exercise the rules
    assert out_c == out_p


def test_stale_compiled_module_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .py edited after the build is newer than its .so: it, not the .so, must be run."""
    suffix = compiled.importlib.machinery.EXTENSION_SUFFIXES[0]
    name = compiled.MODULES[0]
    base = tmp_path / name.replace(".", "/")
    base.parent.mkdir(parents=True)
    so, py = Path(str(base) + suffix), Path(str(base) + ".py")
    so.write_bytes(b"")
    py.write_text("")
    os.utime(so, (1_000, 1_000))
    os.utime(py, (2_000, 2_000))
    monkeypatch.setattr(compiled, "_ROOT", tmp_path)
    assert compiled.stale_modules() == [name]
    os.utime(so, (3_000, 3_000))
    assert compiled.stale_modules() == []


def test_explicit_inits_give_the_dataclass_defaults() -> None:
    """The dataclasses written with their own ``__init__`` (so that mypyc compiles it) set every
    field, and the defaults the fields declare."""
    import dataclasses

    from streams.extract import arabic, english, hits
    from streams.places import resolve
    from streams.text import normalize

    cases = [
        (hits.Hit, ("killed", 3, 3, 3, 0, 5, 1, "r")),
        (arabic._Count, (3, 3, 3, 5)),
        (english._Count, (3, 3, 3, 0, 5)),
        (resolve.Hit, (0, 5, 0, [])),
        (normalize.Normalized, ("A", "a")),
    ]
    for cls, required in cases:
        obj = cls(*required)
        for f, value in zip(dataclasses.fields(cls), required, strict=False):
            assert getattr(obj, f.name) == value
        for f in dataclasses.fields(cls)[len(required) :]:
            want = f.default_factory() if f.default is dataclasses.MISSING else f.default  # type: ignore[misc]
            assert getattr(obj, f.name) == want and type(getattr(obj, f.name)) is type(want), (cls, f.name)
        assert obj == cls(*required)
    # a new list per object where the field's default is a factory
    assert resolve.Hit(0, 5, 0, []).unit_choices is not resolve.Hit(0, 5, 0, []).unit_choices
    assert normalize.Normalized("A", "a")._norm_at is not normalize.Normalized("A", "a")._norm_at
