"""``jpki-reset serve`` as a real process on loopback, for the tests that need uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from reset_flow.clock import SystemClock
from reset_flow.service.sqlite_store import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-terminal-token-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    database: Path
    log: Path

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


def serve(
    database: Path,
    *,
    training_at: datetime | None = None,
    log_level: str = "warning",
    options: tuple[str, ...] = ("--training",),  # the training cards of most tests need it
) -> Served:
    """Start the service on a free loopback port with a known terminal token; wait until it answers."""
    SqliteStore(database).ensure_terminal("tests", TOKEN, SystemClock().now())
    port = free_port()
    command = [sys.executable, "-m", "tui.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--db", str(database), "--log-level", log_level, *options]
    if training_at is not None:
        command += ["--training-at", training_at.isoformat()]
    log = database.with_suffix(".log")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    served = Served(process, f"http://127.0.0.1:{port}", database, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jpki-reset serve exited: {log.read_text()}")
        try:
            if httpx.get(served.url + "/health", timeout=1).status_code == 200:
                return served
        except httpx.TransportError:
            time.sleep(0.1)
    served.stop()
    raise RuntimeError("jpki-reset serve did not start within 30 s")
