"""``jpki-reset serve`` as a real process on loopback, for the tests that need uvicorn (the helper
itself is the project's: ``reset_flow.serve_process``, which the benches use too)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from reset_flow.client import ReservationClient
from reset_flow.serve_process import ROOT, TOKEN, ServeProcess, free_port, start_serve

Served = ServeProcess
__all__ = ["ROOT", "TOKEN", "Served", "completion_burst", "free_port", "remote", "serve"]


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


def remote(server: Served, **kwargs: Any) -> ReservationClient:
    """A client of ``server`` with the tests' terminal token."""
    return ReservationClient.remote(server.url, TOKEN, **kwargs)


async def completion_burst(
    servers: Sequence[Served], reservation_id: str, authorisation_id: str, count: int
) -> tuple[list[httpx.Response], list[dict[str, Any]]]:
    """``count`` completions of one reservation, each on its own connection and released at once,
    spread over ``servers`` in turn; then the reservation's audit trail (read from the first)."""
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=0)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    clients = [httpx.AsyncClient(base_url=s.url, headers=headers, limits=limits, timeout=60) for s in servers]
    start = asyncio.Event()

    async def complete(n: int) -> httpx.Response:
        await start.wait()
        return await clients[n % len(clients)].post(
            f"/v1/reservations/{reservation_id}/completion",
            json={"authorisation_id": authorisation_id},
            headers={"Idempotency-Key": f"completion-{n:04d}"},
        )

    try:
        tasks = [asyncio.create_task(complete(n)) for n in range(count)]
        await asyncio.sleep(0)
        start.set()
        answers = await asyncio.gather(*tasks)
        trail = await clients[0].get("/v1/audit", params={"reservation_id": reservation_id})
    finally:
        for client in clients:
            await client.aclose()
    return answers, trail.json()["entries"]
