"""``jpki-reset serve`` as a process of its own on loopback, for the tests, benches and red-team
scripts that need the real thing (uvicorn, a socket, a process that can be killed): started with
a known terminal token, waited for, stopped by its PID.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from reset_flow.clock import SystemClock
from reset_flow.serve import open_store

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-terminal-token-0123456789"
NO_PROOF_LIMITS = ("--proofs-per-minute", "0", "--challenges-per-minute", "0")
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    url: str
    database: str  # a SQLite path or a postgresql:// URL
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL, as a power cut of the service would be (no clean shutdown)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def register_token(database: str | Path, token: str = TOKEN, name: str = "tests") -> None:
    """Create the database if needed and register ``token`` as terminal ``name``."""
    store = open_store(str(database), create=True)
    try:
        store.ensure_terminal(name, token, SystemClock().now())
    finally:
        store.close()


def start_serve(
    database: str | Path,
    *,
    log: Path,
    training_at: datetime | None = None,
    log_level: str = "warning",
    port: int | None = None,
    options: tuple[str, ...] = ("--training",),
    extra: tuple[str, ...] = NO_PROOF_LIMITS,
    token: str | None = TOKEN,
    tls: tuple[Path, Path] | None = None,
) -> ServeProcess:
    """Start the service on a loopback port with ``token`` registered; wait until it answers.
    ``options``: by default training mode (the callers prove with training cards); ``extra``: by
    default without proof limits (the callers drive bursts from one terminal). ``tls``: a
    certificate and key to serve HTTPS with (the certificate is then what the wait trusts)."""
    if token is not None:
        register_token(database, token)
    port = port or free_port()
    command = [sys.executable, "-m", "tui.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--db", str(database), "--log-level", log_level, *options, *extra]
    if training_at is not None:
        command += ["--training-at", training_at.isoformat()]
    if tls is not None:
        command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    scheme = "https" if tls else "http"
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=tls[0]) if tls else True
    served = ServeProcess(process, f"{scheme}://127.0.0.1:{port}", str(database), log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jpki-reset serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(served.url + "/health", timeout=1, verify=verify).status_code == 200:
                return served
        except httpx.TransportError:
            time.sleep(0.1)
    served.stop()
    raise RuntimeError(f"jpki-reset serve did not start within {START_TIMEOUT:g} s")
