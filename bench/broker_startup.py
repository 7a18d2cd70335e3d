"""How long the embedded Kafka broker takes to fetch, format, start and stop, and its memory.

    .venv/bin/python bench/broker_startup.py [--runs 3] [--cold-maven]

--cold-maven also times the first jar download into an empty Maven repository (network).
Prints one line per measurement; see docs/broker.md for the numbers measured.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from streams.broker import LocalBroker, default_pom, find_free_port_block, project_root


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cold_maven(tmp: Path) -> None:
    cmd = [
        "mvn", "-q", "-B", f"-Dmaven.repo.local={tmp / 'm2'}", "-f", str(default_pom()),
        "dependency:copy-dependencies", "-DincludeScope=runtime",
        f"-DoutputDirectory={tmp / 'libs-cold'}",
    ]  # fmt: skip
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    jars = list((tmp / "libs-cold").glob("*.jar"))
    size = sum(j.stat().st_size for j in jars) / 1e6
    print(f"jar fetch, empty Maven repo: {time.perf_counter() - t:.1f} s ({len(jars)} jars, {size:.0f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cold-maven", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hasila-bench-") as d:
        tmp = Path(d)
        if args.cold_maven:
            _cold_maven(tmp)
        libs = tmp / "libs"
        t = time.perf_counter()
        LocalBroker(home=tmp / "x", libs=libs).ensure_jars()
        print(f"ensure_jars, warm Maven repo (copy): {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        LocalBroker(home=tmp / "x", libs=libs).ensure_jars()
        print(f"ensure_jars, jars present (cached):  {time.perf_counter() - t:.3f} s")

        for sasl, tls in ((False, False), (True, False), (True, True)):
            fresh, restart, stop, noop, rss = [], [], [], [], []
            for i in range(args.runs):
                home = tmp / f"home-{sasl}-{tls}-{i}"
                b = LocalBroker(home=home, port=find_free_port_block(), libs=libs, sasl=sasl, tls=tls)
                t = time.perf_counter()
                st = b.start(timeout=180)
                fresh.append(time.perf_counter() - t)
                time.sleep(2)
                rss.append(_rss_mb(st["pid"]))
                t = time.perf_counter()
                b.start()
                noop.append(time.perf_counter() - t)
                t = time.perf_counter()
                b.stop()
                stop.append(time.perf_counter() - t)
                t = time.perf_counter()
                b.start(timeout=180)
                restart.append(time.perf_counter() - t)
                b.stop()
            label = {(False, False): "plaintext", (True, False): "+SASL", (True, True): "+SASL+TLS"}[
                (sasl, tls)
            ]
            med = statistics.median
            print(
                f"[{label}] start fresh home (format+start+ready): median {med(fresh):.2f} s "
                f"(min {min(fresh):.2f}, max {max(fresh):.2f}); restart formatted home: "
                f"{med(restart):.2f} s; start when running: {med(noop) * 1000:.0f} ms; "
                f"stop (SIGTERM, clean): {med(stop):.2f} s; broker RSS after start: "
                f"{med(rss):.0f} MB (n={args.runs})"
            )
    print(f"heap: -Xmx{LocalBroker(home=project_root()).heap}; java: {shutil.which('java')}")


if __name__ == "__main__":
    main()
