"""The stall decision (streams/watchdog.py): behind and frozen for long enough, nothing else."""

from __future__ import annotations

from streams.watchdog import StallWatch


def run(watch: StallWatch, samples: list[tuple[float, dict, int]]) -> list[list]:
    return [watch.observe(now, offsets, recovery) for now, offsets, recovery in samples]


def test_a_partition_behind_with_a_frozen_offset_is_stalled_after_the_threshold():
    watch = StallWatch(after=30)
    seen = run(watch, [(t, {"p0": (100, 250)}, 0) for t in (0, 10, 20, 29.9, 30, 35)])
    assert seen == [[], [], [], [], ["p0"], ["p0"]]
    assert watch.stalled_for(35, "p0") == 35


def test_progress_restarts_the_clock():
    watch = StallWatch(after=30)
    samples = [(0, {"p0": (100, 250)}, 0), (20, {"p0": (101, 250)}, 0),
               (45, {"p0": (101, 250)}, 0), (50, {"p0": (101, 250)}, 0)]
    assert run(watch, samples) == [[], [], [], ["p0"]]


def test_a_caught_up_partition_is_never_stalled_however_long_it_is_idle():
    watch = StallWatch(after=30)
    assert run(watch, [(t, {"p0": (250, 250)}, 0) for t in range(0, 600, 5)]) == [[]] * 120


def test_new_records_on_an_idle_partition_get_the_full_threshold():
    watch = StallWatch(after=30)
    samples = [(0, {"p0": (250, 250)}, 0), (100, {"p0": (250, 250)}, 0),
               (105, {"p0": (250, 260)}, 0), (130, {"p0": (250, 260)}, 0), (136, {"p0": (250, 260)}, 0)]
    assert run(watch, samples) == [[], [], [], [], ["p0"]]


def test_recovery_progress_resets_every_clock_but_a_frozen_recovery_does_not():
    watch = StallWatch(after=30)
    reading = [(t, {"p0": (0, 50), "p1": (7, 9)}, t * 100) for t in range(0, 300, 5)]
    assert all(found == [] for found in run(watch, reading))
    frozen = [(t, {"p0": (0, 50), "p1": (7, 9)}, 29_500) for t in range(300, 340, 5)]
    assert run(watch, frozen)[-1] == ["p0", "p1"]


def test_unknown_values_moved_partitions_and_the_order_of_the_report():
    watch = StallWatch(after=10)
    assert watch.observe(0, {"a": (None, 5), "b": (3, None)}) == []
    assert watch.observe(5, {"a": (None, 5), "b": (3, None), "c": (1, 2)}) == []
    # "b" has no watermark (not behind); "a" never committed counts from 0; "c" is newer.
    assert watch.observe(16, {"a": (None, 5), "b": (3, None), "c": (1, 2)}) == ["a", "c"]
    # "a" moved to another worker: forgotten, and a fresh clock if it comes back.
    assert watch.observe(17, {"c": (1, 2)}) == ["c"]
    assert watch.observe(18, {"a": (None, 5), "c": (1, 2)}) == ["c"]
    assert watch.stalled_for(18, "a") == 0
    assert watch.stalled_for(18, "gone") == 0.0


def test_housekeeping_timers_log_exceptions_instead_of_crashing_the_app(caplog):
    """An exception escaping a Faust timer stops the whole worker (seen in a fault-injection
    run: the first watchdog summed a None offset); Hasila's timers log it and go on."""
    import asyncio
    from types import SimpleNamespace

    from streams.app import _timer

    registered = []
    fake = SimpleNamespace(app=SimpleNamespace(timer=lambda interval: lambda f: registered.append(f) or f))

    @_timer(fake, 5.0)
    async def broken_probe() -> None:
        raise TypeError("unsupported operand type(s) for +: 'int' and 'NoneType'")

    @_timer(fake, 5.0)
    async def cancelled_probe() -> None:
        raise asyncio.CancelledError

    assert [f.__name__ for f in registered] == ["broken_probe", "cancelled_probe"]
    asyncio.run(broken_probe())
    assert "broken_probe failed" in caplog.text and "NoneType" in caplog.text
    try:
        asyncio.run(cancelled_probe())
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("a cancellation must propagate: it is how the worker stops its timers")
