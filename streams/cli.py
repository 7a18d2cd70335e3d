"""The ``hasila`` command: broker, worker, produce, extract, batch, top, demo, config.

Every sub-command has ``--help``. Commands that need Kafka read the broker and
security settings from the environment (see ``hasila config``); ``extract``
and ``batch`` never touch Kafka.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from .config import SETTINGS_DOC, Settings

__all__ = ["main"]


def _read_lines(path: str) -> Iterator[bytes]:
    """Raw non-blank lines of a JSONL file (``-`` for stdin), kept as bytes for the codec."""
    fh = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    try:
        for line in fh:
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield line
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Print the mentions of every article, one JSON object a line (offline)."""
    from .codecs import decode_article, dumps
    from .errors import HasilaError
    from .pipeline import mentions_for_article

    out = sys.stdout.buffer
    bad = 0
    for n, raw in enumerate(_read_lines(args.file), 1):
        try:
            article = decode_article(raw, max_bytes=settings.max_article_bytes,
                                     max_body_chars=settings.max_body_chars)
        except HasilaError as exc:
            bad += 1
            print(f"{args.file}:{n}: {exc}", file=sys.stderr)
            continue
        for mention in mentions_for_article(article):
            if not args.with_article:
                mention.pop("article", None)
            out.write(dumps(mention) + b"\n")
    out.flush()
    return 1 if bad and args.strict else 0


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    """Run extract → dedup → aggregate over a file and write the four output files."""
    from .batch import run_batch, write_batch

    result = run_batch(_read_lines(args.file), settings)
    counts = write_batch(result, Path(args.out))
    for name, count in counts.items():
        print(f"{Path(args.out) / name}: {count}")
    return 0


def cmd_broker(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop or report on the embedded single-node Kafka."""
    from .broker import BrokerError, LocalBroker

    broker = LocalBroker(home=Path(args.home), port=args.port)
    try:
        if args.action == "start":
            broker.start()
            print(f"Kafka running at {broker.bootstrap} (data in {args.home})")
        elif args.action == "stop":
            broker.stop()
            print("Kafka stopped")
        else:
            status = broker.status()
            for key, value in status.items():
                print(f"{key}: {value}")
            return 0 if status.get("running") else 3
    except BrokerError as exc:
        print(f"hasila broker {args.action}: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Run a stream worker (joins the consumer group; start more to scale out)."""
    from .worker import run_worker

    return run_worker(settings)


def cmd_produce(args: argparse.Namespace, settings: Settings) -> int:
    """Send articles from a JSONL file to articles.raw."""
    import asyncio

    from .produce import produce_file

    sent = asyncio.run(produce_file(settings, args.file, rate=args.rate, progress=not args.quiet))
    print(f"sent {sent} articles", file=sys.stderr)
    return 0


def cmd_top(args: argparse.Namespace, settings: Settings) -> int:
    """Show the live per-governorate table, read from casualties.aggregates."""
    import asyncio

    from .top import run_top

    asyncio.run(run_top(settings, bucket=args.bucket, duration=args.duration, once=args.once))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Start the embedded broker and a worker, replay the sample articles, show the live table."""
    from .demo import run_demo

    return run_demo(settings, duration=args.duration, keep_running=args.keep_running)


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    """Print every setting: variable, current value (secrets masked), default and meaning."""
    values = settings.redacted()
    for name, (default, help_text) in SETTINGS_DOC.items():
        attr = name.removeprefix("HASILA_").lower()
        print(f"{name}={values.get(attr, os.environ.get(name, default))}\n    {help_text} "
              f"(default {default!r})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="hasila",
        description="Hasila: real-time casualty counts per Syrian region from news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("broker", help=cmd_broker.__doc__, description=cmd_broker.__doc__)
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--port", type=int, default=int(os.environ.get("HASILA_KAFKA_PORT", "9092")))
    p.add_argument("--home", default=os.environ.get("HASILA_KAFKA_HOME", ".hasila/kafka"),
                   help="directory of the broker's jars, data and logs (default .hasila/kafka)")
    p.set_defaults(func=cmd_broker)

    p = sub.add_parser("worker", help=cmd_worker.__doc__, description=cmd_worker.__doc__)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("produce", help=cmd_produce.__doc__, description=cmd_produce.__doc__)
    p.add_argument("file", help="JSONL file of articles (- for stdin)")
    p.add_argument("--rate", type=float, default=0.0, help="articles per second (0 = as fast as possible)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_produce)

    p = sub.add_parser("extract", help=cmd_extract.__doc__, description=cmd_extract.__doc__)
    p.add_argument("file", help="JSONL file of articles (- for stdin)")
    p.add_argument("--with-article", action="store_true",
                   help="keep the article info (source, fingerprint) on each mention")
    p.add_argument("--strict", action="store_true", help="exit 1 when an article was invalid")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("batch", help=cmd_batch.__doc__, description=cmd_batch.__doc__)
    p.add_argument("file", help="JSONL file of articles (- for stdin)")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("top", help=cmd_top.__doc__, description=cmd_top.__doc__)
    p.add_argument("--bucket", default="all", help="'all', 'day:YYYY-MM-DD' or 'week:YYYY-Www'")
    p.add_argument("--duration", type=float, default=0.0, help="stop after this many seconds (0 = never)")
    p.add_argument("--once", action="store_true", help="print the table once the topic is read, then exit")
    p.set_defaults(func=cmd_top)

    p = sub.add_parser("demo", help=cmd_demo.__doc__, description=cmd_demo.__doc__)
    p.add_argument("--duration", type=float, default=60.0, help="seconds to show the live table")
    p.add_argument("--keep-running", action="store_true",
                   help="leave the broker and worker running afterwards")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("config", help=cmd_config.__doc__, description=cmd_config.__doc__)
    p.set_defaults(func=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hasila`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"hasila: configuration error: {exc}", file=sys.stderr)
        return 2
    return args.func(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
