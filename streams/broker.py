"""A real single-node Apache Kafka 3.9 broker (KRaft) run from Maven Central jars, no Docker.

Why this exists: the service and its tests need a genuine Kafka (Faust's admin calls, consumer
groups, SASL) and contributors and CI machines should not need Docker or a Kafka tarball. Java
and Maven are enough: ``deploy/kafka/pom.xml`` resolves the broker's classpath, this module
formats the storage once, starts ``kafka.Kafka`` as a detached process, waits until the broker
really answers, and stops it cleanly.

Process management only: subprocess, signals and a socket probe. No Faust or aiokafka imports,
so the CLI can use it without importing the stream application.

    b = LocalBroker(home=Path(".hasila/kafka"), port=9092)
    b.start()            # idempotent
    b.status()["bootstrap"]
    b.stop()             # idempotent
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import string
import struct
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import streams

__all__ = [
    "DEFAULT_PORT",
    "BrokerError",
    "LocalBroker",
    "default_home",
    "default_pom",
    "find_free_port_block",
    "probe_metadata",
    "project_root",
]

DEFAULT_PORT = 9092
DEFAULT_HEAP = "512m"
NODE_ID = 1
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256")
MIN_JAVA = 11  # Kafka 3.9 brokers run on Java 11+; 17 is what we install and test with.

ENV_POM = "HASILA_KAFKA_POM"
ENV_LIBS = "HASILA_KAFKA_LIBS"
ENV_HEAP = "HASILA_KAFKA_HEAP"

JAVA_MISSING = (
    "Java 17+ not found: install a JRE (apt-get install -y default-jre-headless), "
    "run scripts/install_system_deps.sh, or set JAVA_HOME."
)
MAVEN_MISSING = (
    "Maven not found: it fetches the Kafka jars on first use. Install it "
    "(apt-get install -y maven) or run scripts/install_system_deps.sh, or point "
    f"{ENV_LIBS} at a directory that already holds the jars."
)

_JARS_STAMP = ".hasila-jars.sha256"
_PID_FILE = "kafka.pid"
_LOG_TAIL = 30


class BrokerError(RuntimeError):
    """The local broker could not be prepared, started or stopped; the message says why."""


def project_root() -> Path:
    """The checkout that holds ``deploy/kafka`` (two levels above the ``streams`` package)."""
    return Path(streams.__file__).resolve().parent.parent


def default_pom() -> Path:
    """``$HASILA_KAFKA_POM`` or ``<project>/deploy/kafka/pom.xml``."""
    env = os.environ.get(ENV_POM)
    return Path(env).expanduser().resolve() if env else project_root() / "deploy/kafka/pom.xml"


def default_home() -> Path:
    """Project-local broker directory (``<project>/.hasila/kafka``, ignored by git)."""
    return project_root() / ".hasila" / "kafka"


def _ephemeral_low() -> int:
    """Lowest port the kernel hands out for outgoing connections (Linux default 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def find_free_port_block(count: int = 4, host: str = "127.0.0.1", tries: int = 200) -> int:
    """A port p such that p .. p+count-1 are all free now (broker, controller, SASL, TLS).

    Tests use it to run brokers side by side without colliding with a developer's 9092. The
    block is drawn at random *below* the kernel's ephemeral range: ports from ``bind(0)`` are
    the ones every outgoing connection on a busy machine also takes, so a block chosen there
    can be grabbed by a client socket before the JVM binds it (seen in practice).
    """
    high = min(_ephemeral_low(), 65536) - count
    low = 20000 if high > 21000 else 1024
    rng = random.SystemRandom()
    for _ in range(tries):
        base = rng.randrange(low, high)
        if all(_port_free(host, base + i) for i in range(count)):
            return base
    raise BrokerError(f"no block of {count} free ports found on {host}")


def _port_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port (SO_REUSEADDR like the JVM, so TIME_WAIT is ok)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- a minimal Kafka protocol probe --------------------------------------------------------


def _kafka_str(s: str) -> bytes:
    raw = s.encode()
    return struct.pack(">h", len(raw)) + raw


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by broker")
        buf += chunk
    return bytes(buf)


def probe_metadata(host: str, port: int, timeout: float = 2.0) -> list[tuple[int, str, int]]:
    """Send a Metadata v1 request (no topics) and return the live brokers ``(id, host, port)``.

    Why: an open port is not a ready broker. In KRaft a broker appears in metadata responses
    only once it has caught up with the metadata log and been unfenced by the controller, i.e.
    when clients can actually create topics, produce and join groups. Raises OSError or
    ConnectionError when the broker does not answer.
    """
    correlation_id = 7
    header = struct.pack(">hhi", 3, 1, correlation_id) + _kafka_str("hasila-probe")
    body = struct.pack(">i", 0)  # empty topic array: brokers only
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        payload = _recv_exact(sock, size)
    (got_id, n_brokers) = struct.unpack_from(">ii", payload, 0)
    if got_id != correlation_id:
        raise ConnectionError(f"unexpected correlation id {got_id}")
    pos = 8
    brokers = []
    for _ in range(n_brokers):
        node_id, hlen = struct.unpack_from(">ih", payload, pos)
        pos += 6
        bhost = payload[pos : pos + hlen].decode()
        pos += hlen
        (bport, rlen) = struct.unpack_from(">ih", payload, pos)
        pos += 6 + max(rlen, 0)
        brokers.append((node_id, bhost, bport))
    return brokers


# --- helpers --------------------------------------------------------------------------------


def _new_cluster_id() -> str:
    """Kafka's ``Uuid.randomUuid().toString()``: url-safe base64 of 16 random bytes, no padding.

    Generated here to save one JVM start; like Kafka, ids starting with '-' are avoided so the
    id is never mistaken for a command-line flag.
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def _tail(path: Path, since: int = 0, lines: int = _LOG_TAIL) -> str:
    """The last ``lines`` lines of ``path`` written after byte offset ``since``."""
    try:
        with path.open("rb") as fh:
            if since and fh.seek(0, os.SEEK_END) >= since:
                fh.seek(since)
            else:
                fh.seek(0)
            return b"".join(deque(fh, maxlen=lines)).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) held for the ``with`` block.

    Why: the CLI, a test session and a developer's shell may start/stop the same home, or
    fill the same jar cache, at the same moment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _java_major(version_output: str) -> int | None:
    """Major version from ``java -version`` output ('1.8.0_392' -> 8, '17.0.15' -> 17)."""
    m = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        # A zombie still answers kill(0) but is not a broker any more.
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _pid_cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None


class LocalBroker:
    """One single-node KRaft broker whose data, config, logs and pid file live under ``home``.

    Several instances with different homes and ports can run side by side. The jars are shared
    through ``libs`` (default ``$HASILA_KAFKA_LIBS`` or ``<home>/libs``).
    """

    def __init__(
        self,
        home: Path | str | None = None,
        port: int = DEFAULT_PORT,
        controller_port: int | None = None,
        *,
        host: str = "127.0.0.1",
        sasl: bool = False,
        sasl_port: int | None = None,
        sasl_user: str = "hasila",
        sasl_password: str | None = None,
        tls: bool = False,
        tls_port: int | None = None,
        mtls: bool = False,
        mtls_port: int | None = None,
        libs: Path | str | None = None,
        pom: Path | str | None = None,
        heap: str | None = None,
        auto_create_topics: bool = False,
    ) -> None:
        self.home = Path(home if home is not None else default_home()).expanduser().resolve()
        self.host = host
        self.port = int(port)
        self.controller_port = int(controller_port) if controller_port else self.port + 1
        self.sasl = sasl
        self.sasl_port = int(sasl_port) if sasl_port else self.port + 2
        self.sasl_user = sasl_user
        if tls and not sasl:
            raise BrokerError("tls=True adds a SASL_SSL listener: it needs sasl=True too")
        self.tls = tls
        self.tls_port = int(tls_port) if tls_port else self.port + 3
        self.mtls = mtls
        self.mtls_port = int(mtls_port) if mtls_port else self.port + 4
        self._sasl_password = sasl_password
        env_libs = os.environ.get(ENV_LIBS)
        libs_dir = libs or env_libs or self.home / "libs"
        self.libs = Path(libs_dir).expanduser().resolve()
        self.pom = Path(pom).expanduser().resolve() if pom else default_pom()
        self.heap = heap or os.environ.get(ENV_HEAP) or DEFAULT_HEAP
        if not re.fullmatch(r"\d+[kKmMgG]?", self.heap):
            raise BrokerError(f"heap size {self.heap!r} is not like '512m' or '1g' ({ENV_HEAP})")
        self.auto_create_topics = auto_create_topics
        # Both end up inside JAAS quotes and Kafka's SCRAM syntax ("[name=..,password=..]"),
        # where quotes, commas, brackets and '=' would break the config: keep them plain.
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", sasl_user):
            raise BrokerError(f"SASL user name {sasl_user!r}: use letters, digits, _ . -")
        if sasl_password is not None and not re.fullmatch(r"[A-Za-z0-9_.~-]{6,}", sasl_password):
            raise BrokerError("SASL password: at least 6 of letters, digits, _ . ~ -")
        ports = [self.port, self.controller_port]
        ports += ([self.sasl_port] if sasl else []) + ([self.tls_port] if tls else [])
        ports += [self.mtls_port] if mtls else []
        if len(set(ports)) != len(ports):
            raise BrokerError(f"broker, controller, SASL, TLS and mTLS ports must differ: {ports}")
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offsets: dict[Path, int] = {}  # log sizes at start: errors show new lines only

    # --- paths and addresses --------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """PLAINTEXT bootstrap servers, e.g. ``127.0.0.1:9092``."""
        return f"{self.host}:{self.port}"

    @property
    def sasl_bootstrap(self) -> str | None:
        """SASL_PLAINTEXT bootstrap servers, or None when SASL is off."""
        return f"{self.host}:{self.sasl_port}" if self.sasl else None

    @property
    def tls_bootstrap(self) -> str | None:
        """SASL_SSL bootstrap servers, or None when TLS is off."""
        return f"{self.host}:{self.tls_port}" if self.tls else None

    @property
    def mtls_bootstrap(self) -> str | None:
        """SSL bootstrap servers (client certificate required), or None when mTLS is off."""
        return f"{self.host}:{self.mtls_port}" if self.mtls else None

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def ca_file(self) -> Path:
        """PEM of the local CA that signed the broker's certificate (clients trust this)."""
        return self.tls_dir / "ca.pem"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def log_file(self) -> Path:
        """The broker's log4j log."""
        return self.log_dir / "server.log"

    @property
    def stdout_file(self) -> Path:
        """The JVM's stdout/stderr (crashes before log4j is up end here)."""
        return self.log_dir / "kafka.out"

    @property
    def deploy_dir(self) -> Path:
        return self.pom.parent

    @property
    def pid_file(self) -> Path:
        return self.home / _PID_FILE

    def sasl_credentials(self) -> dict[str, Any]:
        """User, password and mechanisms of the test account on the SASL listener.

        The password is generated once per home and kept in ``<home>/sasl.json`` (SCRAM
        credentials live in the broker's metadata log, so they must stay stable).
        """
        if not self.sasl:
            raise BrokerError("this broker was created with sasl=False")
        return {
            "bootstrap": self.sasl_bootstrap,
            "security_protocol": "SASL_PLAINTEXT",
            "mechanisms": list(SASL_MECHANISMS),
            "username": self.sasl_user,
            "password": self._password(),
            "ssl_bootstrap": self.tls_bootstrap,
            "ssl_cafile": str(self.ca_file) if self.tls else None,
        }

    def _password(self) -> str:
        if self._sasl_password is None:
            stored = self._stored_sasl()
            if stored.get("username") == self.sasl_user and stored.get("password"):
                self._sasl_password = str(stored["password"])
            else:
                self._sasl_password = secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
        return self._sasl_password

    def _stored_sasl(self) -> dict[str, Any]:
        try:
            return json.loads((self.home / "sasl.json").read_text())
        except (OSError, ValueError):
            return {}

    # --- tools ----------------------------------------------------------------------------

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        candidate = Path(java_home) / "bin" / "java" if java_home else None
        java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
        if not java:
            raise BrokerError(JAVA_MISSING)
        try:
            out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise BrokerError(f"{JAVA_MISSING} ({java} -version failed: {exc})") from exc
        major = _java_major(out.stderr + out.stdout)
        if major is None or major < MIN_JAVA:
            raise BrokerError(
                f"{java} is Java {major or '?'}; Kafka 3.9 needs Java {MIN_JAVA}+ "
                "(17 recommended: apt-get install -y default-jre-headless)"
            )
        return java

    def _pom_digest(self) -> str:
        try:
            return hashlib.sha256(self.pom.read_bytes()).hexdigest()
        except OSError as exc:
            raise BrokerError(
                f"Kafka pom not found at {self.pom} (set {ENV_POM} to deploy/kafka/pom.xml)"
            ) from exc

    def _jars_present(self) -> bool:
        return any(self.libs.glob("kafka_2.13-*.jar")) and any(self.libs.glob("kafka-clients-*.jar"))

    def ensure_jars(self) -> Path:
        """Fetch the broker's jars into ``libs`` with Maven unless they are already there.

        The directory carries the sha256 of the pom it was filled from, so editing the pom
        (e.g. a Kafka upgrade) refreshes it; a half-finished download is never trusted.
        """
        with _file_lock(self.libs / ".lock"):
            return self._ensure_jars_locked()

    def _ensure_jars_locked(self) -> Path:
        digest = self._pom_digest()
        stamp = self.libs / _JARS_STAMP
        if stamp.exists() and stamp.read_text().strip() == digest and self._jars_present():
            return self.libs
        mvn = shutil.which("mvn")
        if not mvn:
            if self._jars_present():
                return self.libs  # e.g. a CI cache without a stamp; use what is there
            raise BrokerError(MAVEN_MISSING)
        self.libs.mkdir(parents=True, exist_ok=True)
        for old in self.libs.glob("*.jar"):
            old.unlink()
        cmd = [
            mvn, "-q", "-B", "-f", str(self.pom), "dependency:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={self.libs}",
        ]  # fmt: skip
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrokerError("Maven took more than 15 min to fetch the Kafka jars") from exc
        if res.returncode != 0 or not self._jars_present():
            out = (res.stdout + res.stderr).strip().splitlines()[-_LOG_TAIL:]
            raise BrokerError(
                "Maven could not fetch the Kafka jars (network? proxy?): "
                + " ".join(cmd) + "\n" + "\n".join(out)
            )  # fmt: skip
        stamp.write_text(digest + "\n")
        return self.libs

    # --- configuration ----------------------------------------------------------------------

    def _render_config(self) -> Path:
        listeners = [f"PLAINTEXT://{self.host}:{self.port}"]
        advertised = [f"PLAINTEXT://{self.host}:{self.port}"]
        protocol_map = ["CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT"]
        if self.sasl:
            listeners.append(f"SASL_PLAINTEXT://{self.host}:{self.sasl_port}")
            advertised.append(f"SASL_PLAINTEXT://{self.host}:{self.sasl_port}")
            protocol_map.append("SASL_PLAINTEXT:SASL_PLAINTEXT")
        if self.tls:
            listeners.append(f"SASL_SSL://{self.host}:{self.tls_port}")
            advertised.append(f"SASL_SSL://{self.host}:{self.tls_port}")
            protocol_map.append("SASL_SSL:SASL_SSL")
        if self.mtls:
            listeners.append(f"SSL://{self.host}:{self.mtls_port}")
            advertised.append(f"SSL://{self.host}:{self.mtls_port}")
            protocol_map.append("SSL:SSL")
        listeners.append(f"CONTROLLER://{self.host}:{self.controller_port}")
        template = string.Template((self.deploy_dir / "server.properties").read_text())
        text = template.substitute(
            node_id=NODE_ID,
            host=self.host,
            controller_port=self.controller_port,
            listeners=",".join(listeners),
            advertised_listeners=",".join(advertised),
            protocol_map=",".join(protocol_map),
            log_dirs=str(self.data_dir),
            auto_create_topics="true" if self.auto_create_topics else "false",
        )
        if self.sasl:
            text += "\n" + (self.deploy_dir / "sasl" / "server-sasl.properties").read_text()
            jaas = string.Template((self.deploy_dir / "sasl" / "kafka_server_jaas.conf").read_text())
            jaas_path = self.home / "kafka_server_jaas.conf"
            jaas_path.write_text(jaas.substitute(user=self.sasl_user, password=self._password()))
            jaas_path.chmod(0o600)
        if self.tls or self.mtls:
            store_pass = self._tls_password()
            text += (
                "\n# SASL_SSL / SSL listeners: broker certificate signed by the local CA\n"
                "ssl.keystore.type=PKCS12\n"
                f"ssl.keystore.location={self.tls_dir / 'broker.p12'}\n"
                f"ssl.keystore.password={store_pass}\n"
                f"ssl.key.password={store_pass}\n"
            )
        if self.mtls:
            # Only the SSL listener asks for client certificates, and trusts only the local CA
            # (a PEM truststore: no extra keytool run, no password).
            text += (
                "\n# SSL listener (LocalBroker(mtls=True)): client certificates signed by the local CA\n"
                "listener.name.ssl.ssl.client.auth=required\n"
                "listener.name.ssl.ssl.truststore.type=PEM\n"
                f"listener.name.ssl.ssl.truststore.location={self.ca_file}\n"
            )
        path = self.home / "server.properties"
        path.write_text(text)
        if self.sasl or self.tls or self.mtls:
            path.chmod(0o600)  # holds the keystore password
        return path

    def _tls_password(self) -> str:
        pw_file = self.tls_dir / "password"
        if pw_file.exists():
            return pw_file.read_text().strip()
        self.tls_dir.mkdir(parents=True, exist_ok=True)
        password = secrets.token_hex(16)
        pw_file.write_text(password + "\n")
        pw_file.chmod(0o600)
        return password

    def _ensure_tls(self, java: str) -> None:
        """Create, once per home, a local CA and a broker certificate it signs (for
        127.0.0.1 and localhost) with the JDK's keytool; clients verify with ``ca.pem``.
        """
        if (self.tls_dir / "broker.p12").exists() and self.ca_file.exists():
            return
        tool = self._keytool(java)
        pw = self._tls_password()
        d = self.tls_dir
        for f in ("ca.p12", "broker.p12", "ca.pem", "broker.csr", "broker.pem"):
            (d / f).unlink(missing_ok=True)
        common = ["-storetype", "PKCS12", "-storepass", pw, "-keypass", pw]
        steps = [
            ["-genkeypair", "-alias", "ca", "-keystore", str(d / "ca.p12"), *common,
             "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
             "-dname", "CN=Hasila local CA", "-ext", "bc:c"],
            ["-exportcert", "-rfc", "-alias", "ca", "-keystore", str(d / "ca.p12"),
             "-storepass", pw, "-file", str(self.ca_file)],
            ["-genkeypair", "-alias", "broker", "-keystore", str(d / "broker.p12"), *common,
             "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
             "-dname", "CN=localhost"],
            ["-certreq", "-alias", "broker", "-keystore", str(d / "broker.p12"),
             "-storepass", pw, "-file", str(d / "broker.csr")],
            ["-gencert", "-alias", "ca", "-keystore", str(d / "ca.p12"), "-storepass", pw,
             "-infile", str(d / "broker.csr"), "-outfile", str(d / "broker.pem"), "-rfc",
             "-validity", "3650", "-ext", f"SAN=ip:{self.host},ip:127.0.0.1,dns:localhost"],
            ["-importcert", "-noprompt", "-alias", "ca", "-keystore", str(d / "broker.p12"),
             "-storepass", pw, "-file", str(self.ca_file)],
            ["-importcert", "-noprompt", "-alias", "broker", "-keystore", str(d / "broker.p12"),
             "-storepass", pw, "-file", str(d / "broker.pem")],
        ]  # fmt: skip
        for args in steps:
            res = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=False)
            if res.returncode != 0:
                (d / "broker.p12").unlink(missing_ok=True)
                raise BrokerError(f"keytool {args[0]} failed:\n" + (res.stdout + res.stderr).strip())

    def client_certificate(
        self, name: str = "hasila-client", key_password: str | None = None
    ) -> dict[str, Any]:
        """PEM files of a client certificate ``CN=<name>`` signed by the local CA, for the mTLS
        listener: ``{"bootstrap", "security_protocol", "cafile", "certfile", "keyfile",
        "key_password"}`` (the ``HASILA_SSL_*`` settings of a worker).

        Why PEM and openssl: Python's ``ssl`` loads PEM only and keytool cannot export a
        private key, so openssl makes the key and CSR and keytool signs it with the CA. Issued
        once per name and CA (``<home>/tls/clients/<name>/``, mode 0700); with ``key_password``
        the returned key file is an AES-256 encrypted PKCS#8 copy (re-encrypted per call, so the
        password is never stored). Works before ``start()`` (creates the CA if needed).
        """
        if not (self.tls or self.mtls):
            raise BrokerError("client certificates need a TLS broker (mtls=True)")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise BrokerError(f"client name {name!r}: use letters, digits, _ . -")
        if key_password is not None and not re.fullmatch(r"[^\x00-\x1f]{4,}", key_password):
            raise BrokerError("key password: at least 4 characters, no control characters")
        openssl = shutil.which("openssl")
        if not openssl:
            raise BrokerError(
                "openssl not found: needed for client certificates (apt-get install -y openssl)"
            )
        with _file_lock(self.home / ".lock"):
            java = self._java()
            self._ensure_tls(java)
            d = self.tls_dir / "clients" / name
            cert, key = d / "cert.pem", d / "key.pem"
            ca_digest = hashlib.sha256(self.ca_file.read_bytes()).hexdigest()
            stamp = d / "ca.sha256"
            fresh = (
                cert.exists() and key.exists() and stamp.exists() and stamp.read_text().strip() == ca_digest
            )
            if not fresh:
                self._issue_client_cert(java, openssl, name, d)
                stamp.write_text(ca_digest + "\n")
            keyfile = key
            if key_password is not None:
                keyfile = d / "key.encrypted.pem"
                keyfile.unlink(missing_ok=True)
                self._run_tool(
                    [openssl, "pkey", "-in", str(key), "-aes256", "-passout", "env:HASILA_KEY_PASSOUT",
                     "-out", str(keyfile)],
                    "openssl pkey", env={**os.environ, "HASILA_KEY_PASSOUT": key_password},
                )  # fmt: skip
                keyfile.chmod(0o600)
        return {
            "bootstrap": self.mtls_bootstrap,
            "security_protocol": "SSL",
            "cafile": str(self.ca_file),
            "certfile": str(cert),
            "keyfile": str(keyfile),
            "key_password": key_password,
        }

    def _issue_client_cert(self, java: str, openssl: str, name: str, d: Path) -> None:
        """openssl: new RSA key + CSR; keytool: the local CA signs it for client authentication."""
        d.mkdir(parents=True, exist_ok=True)
        d.chmod(0o700)
        for f in ("cert.pem", "key.pem", "client.csr", "ca.sha256"):
            (d / f).unlink(missing_ok=True)
        self._run_tool(
            [openssl, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(d / "key.pem"),
             "-subj", f"/CN={name}", "-out", str(d / "client.csr")],
            "openssl req",
        )  # fmt: skip
        (d / "key.pem").chmod(0o600)
        self._run_tool(
            [self._keytool(java), "-gencert", "-alias", "ca", "-keystore", str(self.tls_dir / "ca.p12"),
             "-storetype", "PKCS12", "-storepass", self._tls_password(), "-infile", str(d / "client.csr"),
             "-outfile", str(d / "cert.pem"), "-rfc", "-validity", "3650",
             "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=clientAuth"],
            "keytool -gencert",
        )  # fmt: skip

    @staticmethod
    def _run_tool(cmd: list[str], what: str, env: dict[str, str] | None = None) -> None:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False, env=env)
        if res.returncode != 0:
            raise BrokerError(f"{what} failed:\n" + (res.stdout + res.stderr).strip())

    @staticmethod
    def _keytool(java: str) -> str:
        keytool = Path(java).resolve().parent / "keytool"
        tool = str(keytool) if keytool.exists() else shutil.which("keytool")
        if not tool:
            raise BrokerError("keytool not found (it ships with the JDK): needed for tls=True/mtls=True")
        return tool

    def _jvm_base(self, java: str, *, tool: bool = False) -> list[str]:
        """JVM command prefix; the broker logs to server.log, tools log warnings to stderr."""
        log4j = "tools-log4j.properties" if tool else "log4j.properties"
        return [
            java,
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{self.deploy_dir / log4j}",
            f"-Dkafka.logs.dir={self.log_dir}",
            "-cp",
            str(self.libs / "*"),
        ]

    def _scram_arg(self) -> str:
        return f"SCRAM-SHA-256=[name={self.sasl_user},password={self._password()}]"

    def _format(self, java: str, config: Path) -> None:
        """Format the KRaft storage once; the cluster id is kept in ``<home>/cluster.id``."""
        if (self.data_dir / "meta.properties").exists():
            return
        id_file = self.home / "cluster.id"
        cluster_id = id_file.read_text().strip() if id_file.exists() else _new_cluster_id()
        id_file.write_text(cluster_id + "\n")
        cmd = [*self._jvm_base(java, tool=True), "kafka.tools.StorageTool", "format",
               "-t", cluster_id, "-c", str(config), "--ignore-formatted"]  # fmt: skip
        if self.sasl:
            cmd += ["--add-scram", self._scram_arg()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if res.returncode != 0:
            raise BrokerError(
                f"formatting Kafka storage in {self.data_dir} failed:\n" + (res.stdout + res.stderr).strip()
            )
        if self.sasl:
            self._remember_sasl()

    def _remember_sasl(self) -> None:
        path = self.home / "sasl.json"
        path.write_text(json.dumps({"username": self.sasl_user, "password": self._password()}))
        path.chmod(0o600)

    def _ensure_scram_user(self, java: str) -> None:
        """Create/update the SCRAM user on a running broker when the home was formatted
        without it (or for another user/password): format-time ``--add-scram`` only works once.
        """
        stored = self._stored_sasl()
        if stored.get("username") == self.sasl_user and stored.get("password") == self._password():
            return
        cmd = [*self._jvm_base(java, tool=True), "kafka.admin.ConfigCommand", "--bootstrap-server",
               self.bootstrap, "--alter", "--add-config",
               f"SCRAM-SHA-256=[password={self._password()}]",
               "--entity-type", "users", "--entity-name", self.sasl_user]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if res.returncode != 0:
            raise BrokerError("creating the SCRAM user failed:\n" + (res.stdout + res.stderr))
        self._remember_sasl()

    # --- process state ----------------------------------------------------------------------

    def _read_pid_file(self) -> dict[str, Any] | None:
        try:
            info = json.loads(self.pid_file.read_text())
        except (OSError, ValueError):
            return None
        return info if isinstance(info, dict) and isinstance(info.get("pid"), int) else None

    def _running_info(self) -> dict[str, Any] | None:
        """The pid file's content when its process is alive and is this home's broker."""
        if self._proc is not None and self._proc.poll() is not None:
            self._proc = None  # reaped: our child exited
        info = self._read_pid_file()
        if info is None:
            return None
        pid = info["pid"]
        if not _pid_alive(pid):
            return None
        cmdline = _pid_cmdline(pid)
        if cmdline is not None and (
            "kafka.Kafka" not in cmdline or str(self.home / "server.properties") not in cmdline
        ):
            return None  # the pid was reused by an unrelated process
        return info

    def is_running(self) -> bool:
        """True when this home's broker process is alive (not necessarily ready)."""
        return self._running_info() is not None

    def status(self) -> dict[str, Any]:
        """A JSON-ready summary for ``hasila broker status`` and for tests."""
        info = self._running_info()
        running = info is not None
        port = info.get("port", self.port) if info else self.port
        sasl_port = info.get("sasl_port") if info else (self.sasl_port if self.sasl else None)
        tls_port = info.get("tls_port") if info else (self.tls_port if self.tls else None)
        mtls_port = info.get("mtls_port") if info else (self.mtls_port if self.mtls else None)
        ready = False
        if running:
            with contextlib.suppress(OSError, ConnectionError, struct.error, UnicodeDecodeError):
                ready = any(b[0] == NODE_ID for b in probe_metadata(self.host, port, 1.0))
        cluster_id = None
        with contextlib.suppress(OSError):
            cluster_id = (self.home / "cluster.id").read_text().strip() or None
        return {
            "running": running,
            "ready": ready,
            "pid": info["pid"] if info else None,
            "bootstrap": f"{self.host}:{port}",
            "sasl_bootstrap": f"{self.host}:{sasl_port}" if sasl_port else None,
            "tls_bootstrap": f"{self.host}:{tls_port}" if tls_port else None,
            "mtls_bootstrap": f"{self.host}:{mtls_port}" if mtls_port else None,
            "controller_port": info.get("controller_port") if info else self.controller_port,
            "home": str(self.home),
            "data_dir": str(self.data_dir),
            "log_file": str(self.log_file),
            "libs": str(self.libs),
            "formatted": (self.data_dir / "meta.properties").exists(),
            "cluster_id": cluster_id,
            "kafka_version": self._kafka_version(),
        }

    def _kafka_version(self) -> str | None:
        for jar in self.libs.glob("kafka_2.13-*.jar"):
            return jar.name.removeprefix("kafka_2.13-").removesuffix(".jar")
        return None

    # --- lifecycle --------------------------------------------------------------------------

    def _check_ports(self, grace: float = 5.0) -> None:
        """Raise a clear BrokerError when a port we need is taken by someone else.

        Waits up to ``grace`` seconds first: right after a broker was killed its listening
        sockets can stay busy for a fraction of a second (measured ~0.1 s).
        """
        wanted = [("broker", self.port), ("controller", self.controller_port)]
        if self.sasl:
            wanted.append(("SASL", self.sasl_port))
        if self.tls:
            wanted.append(("TLS", self.tls_port))
        if self.mtls:
            wanted.append(("mTLS", self.mtls_port))
        deadline = time.monotonic() + grace
        while True:
            busy = [(name, port) for name, port in wanted if not _port_free(self.host, port)]
            if not busy:
                return
            if time.monotonic() >= deadline:
                name, port = busy[0]
                raise BrokerError(
                    f"{name} port {self.host}:{port} is already in use by another process "
                    f"(another Kafka?); stop it or choose another port"
                )
            time.sleep(0.1)

    def _failure(self, reason: str) -> BrokerError:
        """A BrokerError carrying the end of what the broker logged during this start."""
        parts = [reason]
        for path in (self.log_file, self.stdout_file):
            tail = _tail(path, self._log_offsets.get(path, 0))
            if tail.strip():
                parts.append(f"--- last lines of {path} ---\n{tail.rstrip()}")
        return BrokerError("\n".join(parts))

    def start(self, timeout: float = 90) -> dict[str, Any]:
        """Start the broker and return once it serves metadata; no-op when already running.

        Raises BrokerError when Java/Maven are missing, a port is taken, or the broker exits
        or does not get ready in time (with the end of its log in the message).
        """
        with _file_lock(self.home / ".lock"):
            return self._start_locked(timeout)

    def _start_locked(self, timeout: float) -> dict[str, Any]:
        info = self._running_info()
        if info is not None:
            if (
                info.get("port") != self.port
                or (self.sasl and info.get("sasl_port") != self.sasl_port)
                or (self.tls and info.get("tls_port") != self.tls_port)
                or (self.mtls and info.get("mtls_port") != self.mtls_port)
            ):
                raise BrokerError(
                    f"a broker already runs from {self.home} (pid {info['pid']}, port "
                    f"{info.get('port')}, SASL port {info.get('sasl_port')}, TLS port "
                    f"{info.get('tls_port')}, mTLS port {info.get('mtls_port')}); stop it first"
                )
            self._wait_ready(info["pid"], timeout)
            return self.status()
        self._check_ports(grace=min(5.0, timeout / 10))
        java = self._java()
        self.ensure_jars()
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.tls or self.mtls:
            self._ensure_tls(java)
        config = self._render_config()
        self._format(java, config)

        cmd = [
            *self._jvm_base(java)[:1],
            f"-Xmx{self.heap}",
            "-Xms64m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError",
            *self._jvm_base(java)[1:],
        ]
        if self.sasl:
            cmd.insert(1, f"-Djava.security.auth.login.config={self.home / 'kafka_server_jaas.conf'}")
        cmd += ["kafka.Kafka", str(config)]
        self._log_offsets = {p: _size(p) for p in (self.log_file, self.stdout_file)}
        with self.stdout_file.open("ab") as out:
            self._proc = subprocess.Popen(
                cmd,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: survives the CLI, killed as a group
            )
        pid = self._proc.pid
        self.pid_file.write_text(
            json.dumps(
                {
                    "pid": pid,
                    "port": self.port,
                    "controller_port": self.controller_port,
                    "sasl_port": self.sasl_port if self.sasl else None,
                    "tls_port": self.tls_port if self.tls else None,
                    "mtls_port": self.mtls_port if self.mtls else None,
                    "started_at": time.time(),
                }
            )
        )
        try:
            self._wait_ready(pid, timeout)
            if self.sasl:
                self._ensure_scram_user(java)
        except BaseException:
            with contextlib.suppress(Exception):
                self._stop_locked(timeout=15)
            raise
        return self.status()

    def _wait_ready(self, pid: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                code = self._proc.poll()
                if code is not None:
                    self._proc = None
                    self.pid_file.unlink(missing_ok=True)
                    raise self._failure(f"Kafka exited with code {code} during start-up")
            elif not _pid_alive(pid):
                self.pid_file.unlink(missing_ok=True)
                raise self._failure("Kafka exited during start-up")
            try:
                brokers = probe_metadata(self.host, self.port, timeout=2.0)
                if (
                    any(b[0] == NODE_ID for b in brokers)
                    and (not self.sasl or _port_open(self.host, self.sasl_port))
                    and (not self.tls or _port_open(self.host, self.tls_port))
                    and (not self.mtls or _port_open(self.host, self.mtls_port))
                ):
                    return
                last_error = f"metadata lists brokers {brokers}"
            except (OSError, ConnectionError, struct.error, UnicodeDecodeError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise self._failure(
            f"Kafka did not become ready on {self.bootstrap} within {timeout:.0f} s ({last_error})"
        )

    def stop(self, timeout: float = 30) -> dict[str, Any]:
        """SIGTERM (Kafka's clean, controlled shutdown), wait, then SIGKILL; no-op when stopped."""
        if not self.home.exists():
            return self.status()
        with _file_lock(self.home / ".lock"):
            return self._stop_locked(timeout)

    def _stop_locked(self, timeout: float) -> dict[str, Any]:
        info = self._running_info()
        if info is None:
            self.pid_file.unlink(missing_ok=True)
            return self.status()
        pid = info["pid"]
        self._signal(pid, signal.SIGTERM)
        if not self._wait_exit(pid, timeout):
            self._signal(pid, signal.SIGKILL)
            if not self._wait_exit(pid, 10):
                raise BrokerError(f"Kafka (pid {pid}) survived SIGKILL")
        self.pid_file.unlink(missing_ok=True)
        return self.status()

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        try:
            os.killpg(pid, sig)  # the broker leads its own process group (start_new_session)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                if self._proc.poll() is not None:
                    self._proc = None
                    return True
            elif not _pid_alive(pid):
                return True
            time.sleep(0.1)
        return False
