"""``jpki-reset serve`` as a real process on loopback, for the tests that need uvicorn (the helper
itself is the project's: ``reset_flow.serve_process``, which the benches use too)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reset_flow.serve_process import ROOT, TOKEN, ServeProcess, free_port, start_serve

Served = ServeProcess
__all__ = ["ROOT", "TOKEN", "Served", "free_port", "serve"]


def serve(
    database: Path | str,
    *,
    training_at: datetime | None = None,
    log_level: str = "warning",
    log: Path | None = None,
    options: tuple[str, ...] = ("--training",),  # the training cards of most tests need it
    extra: tuple[str, ...] | None = None,
    tls: tuple[Path, Path] | None = None,
) -> ServeProcess:
    """Start the service on a free loopback port with the tests' terminal token."""
    if log is None:
        log = Path(database).with_suffix(".log")
    chosen = {"extra": extra} if extra is not None else {}
    return start_serve(
        database, log=log, training_at=training_at, log_level=log_level, options=options, tls=tls, **chosen
    )
