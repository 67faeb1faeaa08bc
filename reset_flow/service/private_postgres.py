"""A private PostgreSQL server for tests, benches and trying the shared service out: ``initdb`` and
``pg_ctl`` (Debian's ``postgresql`` package) in a temporary directory, listening only on a Unix
socket there (no TCP port), stopped by its PID.

PostgreSQL refuses to run as root; as root the server runs as ``nobody``. Each server has its own
directory, so several can run at once (one per pytest-xdist worker).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "jpki"
UNPRIVILEGED = "nobody"
START_TIMEOUT = 60  # seconds; a busy 2-core machine


class PostgresNotAvailable(Exception):
    """No PostgreSQL server programs here (install Debian's ``postgresql`` package)."""


def server_programs() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: Debian keeps them off PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresNotAvailable("initdb not found: install the postgresql package")


@dataclass
class PrivatePostgres:
    folder: Path
    pid: int

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.socket_dir}&user={SUPERUSER}"

    def new_database(self, prefix: str = "jpki") -> str:
        """A fresh, empty database; its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Fast shutdown by PID (SIGINT), wait for the process to end, remove the directory."""
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGINT)
        deadline = time.monotonic() + 60
        while _alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_private_postgres(settings: dict[str, str] | None = None) -> PrivatePostgres:
    """A new server; ``settings`` go into its postgresql.conf (e.g. ``{"max_connections": "200"}``)."""
    programs = server_programs()
    folder = Path(tempfile.mkdtemp(prefix="jpki-pg-"))
    as_root = os.geteuid() == 0
    data, sockets = folder / "data", folder / "socket"
    sockets.mkdir()
    if as_root:  # PostgreSQL will not run as root: hand the directory to an unprivileged user
        for path in (folder, sockets):
            shutil.chown(path, UNPRIVILEGED)
    run_as = ["runuser", "-u", UNPRIVILEGED, "--"] if as_root else []
    try:
        _run([*run_as, str(programs / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
              "--encoding=UTF8", "--locale=C", "--no-instructions"])  # fmt: skip
        conf = {"listen_addresses": "''", "unix_socket_directories": f"'{sockets}'", "port": "5432"}
        conf |= {"max_connections": "200", "logging_collector": "off"}
        conf |= settings or {}
        with (data / "postgresql.conf").open("a") as out:
            out.writelines(f"{name} = {value}\n" for name, value in conf.items())
        _run([*run_as, str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
              "-w", "-t", str(START_TIMEOUT), "start"])  # fmt: skip
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return PrivatePostgres(folder, pid)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"LC_ALL": "C"})
    if done.returncode != 0:
        raise PostgresNotAvailable(f"{Path(command[-1]).name}: {(done.stderr or done.stdout).strip()[-500:]}")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing
