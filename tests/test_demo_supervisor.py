"""``hasila demo`` restarts its worker when the stall watchdog ended it (status 75), and only then."""

from __future__ import annotations

import sys
import time

from streams.app import STALL_EXIT_STATUS
from streams.demo import _SupervisedWorker

# Exits with the watchdog's status on its first run (no marker file yet), then runs on.
FIRST_RUN_STALLS = (
    "import pathlib, sys, time\n"
    "m = pathlib.Path(sys.argv[1])\n"
    "if not m.exists():\n"
    "    m.write_text('x')\n"
    f"    sys.exit({STALL_EXIT_STATUS})\n"
    "time.sleep(60)\n"
)


def _wait(cond, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_ended_by_its_watchdog_is_started_again(tmp_path):
    marker = tmp_path / "stalled-once"
    sup = _SupervisedWorker({}, tmp_path / "w.log", [sys.executable, "-c", FIRST_RUN_STALLS, str(marker)])
    try:
        first = sup.proc
        assert _wait(lambda: sup.restarts == 1), "the stalled worker was not restarted"
        assert first.returncode == STALL_EXIT_STATUS
        assert sup.proc is not first and sup.proc.poll() is None
    finally:
        sup.stop()
    assert sup.proc.poll() is not None and sup.restarts == 1


def test_any_other_exit_is_left_visible(tmp_path):
    sup = _SupervisedWorker({}, tmp_path / "w.log", [sys.executable, "-c", "raise SystemExit(1)"])
    assert _wait(lambda: sup.proc.poll() is not None)
    time.sleep(0.3)
    assert sup.proc.returncode == 1 and sup.restarts == 0
    sup.stop()
