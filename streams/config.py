"""Settings, read once from environment variables (12-factor style).

Every knob a deployment turns lives here, with its variable name and default,
so the README's configuration table and the code cannot drift apart: the
table is generated from :data:`SETTINGS_DOC` (``hasila config``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

__all__ = ["SETTINGS_DOC", "Settings"]


def _project_home() -> Path:
    return Path(os.environ.get("HASILA_HOME", ".hasila")).absolute()


# name -> (default, help). Defaults are strings as they would appear in the environment.
SETTINGS_DOC: dict[str, tuple[str, str]] = {
    "HASILA_BROKER": (
        "kafka://127.0.0.1:9092",
        "Kafka bootstrap servers (comma-separated; `kafka://` optional).",
    ),
    "HASILA_TOPIC_PREFIX": ("hasila.", "Prefix of every topic name, so deployments can share a cluster."),
    "HASILA_APP_ID": ("hasila", "Faust application id: consumer group and changelog topic prefix."),
    "HASILA_PARTITIONS": ("4", "Partitions of the topics Hasila creates (input and internal)."),
    "HASILA_REPLICATION": ("1", "Replication factor of the topics Hasila creates."),
    "HASILA_STORE": ("rocksdb://", "Table store: `rocksdb://` (persistent) or `memory://`."),
    "HASILA_DATA_DIR": (".hasila/worker", "Directory of the worker's table state."),
    "HASILA_WEB_BIND": ("127.0.0.1", "Address the worker's web server (API, /metrics) binds to."),
    "HASILA_WEB_PORT": ("6066", "Port of the worker's web server."),
    "HASILA_MAX_ARTICLE_BYTES": ("2000000", "Larger raw records go to the dead-letter topic (E102)."),
    "HASILA_MAX_BODY_CHARS": ("200000", "Longer article bodies go to the dead-letter topic (E103)."),
    "HASILA_DEADLETTER_KEEP_BYTES": ("65536", "How much of a bad record's bytes the dead letter keeps."),
    "HASILA_DEDUP_WINDOW_DAYS": ("1", "Reports this many days apart can still be one incident."),
    "HASILA_DEDUP_HORIZON_DAYS": ("30", "Incidents older than this (event date) leave dedup memory."),
    "HASILA_BATCH_MAX": ("500", "Most events a stateful agent (dedup, aggregate) commits as one batch."),
    "HASILA_BATCH_WAIT_MS": (
        "50",
        "Longest wait for a stateful batch to fill: latency on a quiet stream against CPU per article.",
    ),
    "HASILA_STALL_SECONDS": (
        "120",
        "A partition with records waiting whose committed offset has not moved for this long is stalled.",
    ),
    "HASILA_STALL_ACTION": (
        "exit",
        "On a stall: `exit` (log the worker's state, exit with status 75 for the supervisor to "
        "restart it; processing is idempotent) or `log` (log and count only).",
    ),
    "HASILA_SECURITY_PROTOCOL": ("PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."),
    "HASILA_SASL_MECHANISM": ("PLAIN", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512."),
    "HASILA_SASL_USERNAME": ("", "SASL user name."),
    "HASILA_SASL_PASSWORD": ("", "SASL password (never logged)."),
    "HASILA_SSL_CAFILE": ("", "CA bundle that signed the brokers' certificates."),
    "HASILA_SSL_CERTFILE": ("", "Client certificate (TLS client authentication)."),
    "HASILA_SSL_KEYFILE": ("", "Client private key."),
    "HASILA_SSL_KEY_PASSWORD": ("", "Password of the client private key (never logged)."),
    "HASILA_LOG_LEVEL": ("info", "Worker log level."),
    "HASILA_FAUST_SENSORS": (
        "0",
        "1 to also export Faust's own sensors (hasila_faust_*); they cost ~13% of throughput.",
    ),
    "HASILA_WEB_MAX_INCIDENTS": ("20000", "Most recent incidents the web API and live page keep in memory."),
    "HASILA_WEB_MAX_DAYS": (
        "730",
        "Days of daily and weekly totals the web API and live page keep, before the latest day seen.",
    ),
}


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, SETTINGS_DOC[name][0])


def _int(env: Mapping[str, str], name: str, low: int = 0) -> int:
    raw = _get(env, name)
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if value < low:
        raise ValueError(f"{name}={value} must be >= {low}")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """One deployment's configuration. Build with :meth:`from_env`."""

    broker: str = "kafka://127.0.0.1:9092"
    topic_prefix: str = "hasila."
    app_id: str = "hasila"
    partitions: int = 4
    replication: int = 1
    store: str = "rocksdb://"
    data_dir: Path = field(default_factory=lambda: Path(".hasila/worker"))
    web_bind: str = "127.0.0.1"
    web_port: int = 6066
    max_article_bytes: int = 2_000_000
    max_body_chars: int = 200_000
    deadletter_keep_bytes: int = 65_536
    dedup_window_days: int = 1
    dedup_horizon_days: int = 30
    batch_max: int = 500
    batch_wait_ms: int = 50
    stall_seconds: int = 120
    stall_action: str = "exit"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "PLAIN"
    sasl_username: str = field(default="", repr=False)
    sasl_password: str = field(default="", repr=False)
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    ssl_key_password: str = field(default="", repr=False)
    log_level: str = "info"
    faust_sensors: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every ``HASILA_*`` variable; unknown values raise ``ValueError`` with the name."""
        env = os.environ if env is None else env
        prefix = _get(env, "HASILA_TOPIC_PREFIX")
        if any(not (c.isalnum() or c in "._-") for c in prefix):
            raise ValueError(f"HASILA_TOPIC_PREFIX={prefix!r}: only letters, digits, '.', '_', '-'")
        protocol = _get(env, "HASILA_SECURITY_PROTOCOL").upper()
        if protocol not in {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}:
            raise ValueError(f"HASILA_SECURITY_PROTOCOL={protocol!r} is not a Kafka security protocol")
        mechanism = _get(env, "HASILA_SASL_MECHANISM").upper()
        if mechanism not in {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}:
            raise ValueError(f"HASILA_SASL_MECHANISM={mechanism!r} is not supported")
        stall_action = _get(env, "HASILA_STALL_ACTION").lower()
        if stall_action not in {"exit", "log"}:
            raise ValueError(f"HASILA_STALL_ACTION={stall_action!r}: use exit or log")
        store = _get(env, "HASILA_STORE")
        if store not in {"rocksdb://", "memory://"}:
            raise ValueError(f"HASILA_STORE={store!r}: use rocksdb:// or memory://")
        return cls(
            broker=_get(env, "HASILA_BROKER"),
            topic_prefix=prefix,
            app_id=_get(env, "HASILA_APP_ID"),
            partitions=_int(env, "HASILA_PARTITIONS", 1),
            replication=_int(env, "HASILA_REPLICATION", 1),
            store=store,
            data_dir=Path(_get(env, "HASILA_DATA_DIR")),
            web_bind=_get(env, "HASILA_WEB_BIND"),
            web_port=_int(env, "HASILA_WEB_PORT", 1),
            max_article_bytes=_int(env, "HASILA_MAX_ARTICLE_BYTES", 1024),
            max_body_chars=_int(env, "HASILA_MAX_BODY_CHARS", 100),
            deadletter_keep_bytes=_int(env, "HASILA_DEADLETTER_KEEP_BYTES", 256),
            dedup_window_days=_int(env, "HASILA_DEDUP_WINDOW_DAYS", 0),
            dedup_horizon_days=_int(env, "HASILA_DEDUP_HORIZON_DAYS", 1),
            batch_max=_int(env, "HASILA_BATCH_MAX", 1),
            batch_wait_ms=_int(env, "HASILA_BATCH_WAIT_MS", 0),
            stall_seconds=_int(env, "HASILA_STALL_SECONDS", 10),
            stall_action=stall_action,
            security_protocol=protocol,
            sasl_mechanism=mechanism,
            sasl_username=_get(env, "HASILA_SASL_USERNAME"),
            sasl_password=_get(env, "HASILA_SASL_PASSWORD"),
            ssl_cafile=_get(env, "HASILA_SSL_CAFILE"),
            ssl_certfile=_get(env, "HASILA_SSL_CERTFILE"),
            ssl_keyfile=_get(env, "HASILA_SSL_KEYFILE"),
            ssl_key_password=_get(env, "HASILA_SSL_KEY_PASSWORD"),
            log_level=_get(env, "HASILA_LOG_LEVEL"),
            faust_sensors=_get(env, "HASILA_FAUST_SENSORS").lower() in {"1", "true", "yes", "on"},
        )

    @property
    def bootstrap_servers(self) -> str:
        """Broker list without the ``kafka://`` scheme, for aiokafka."""
        return ",".join(
            part.strip().removeprefix("kafka://") for part in self.broker.split(",") if part.strip()
        )

    @property
    def faust_broker(self) -> str:
        """Broker URL list in Faust's ``kafka://host:port;...`` form."""
        return ";".join(f"kafka://{hp}" for hp in self.bootstrap_servers.split(","))

    def redacted(self) -> dict[str, str]:
        """Every setting as text with secrets masked, for logs and ``hasila config``."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not f.repr and value:
                value = "***"
            out[f.name] = str(value)
        return out
