"""The reservation service under load, on each store: ``jpki-reset serve`` (uvicorn) on loopback,
driven by 1, 8 and 32 concurrent httpx clients, in one run:

- SQLite (one file, WAL, ``synchronous=FULL``), one service process;
- PostgreSQL (a private server of the bench's own, default durability: ``fsync`` and
  ``synchronous_commit`` on), one service process and two on the same database.

    .venv/bin/python bench/service.py [seconds per run] [--only sqlite|postgresql]

For each it prints requests per second and p50/p99 latency of
- a complete step-1 proof: a fresh challenge, the card's signature over it (made client-side with
  the training card's key, outside the timed span), and the reservation with every check (chain,
  validity, revocation, purpose, signature, single-use nonce, replacement, audit, durable commit);
- GET /health, the cheapest endpoint (no token, no query): the framework's own ceiling here.
"health/proof" is how many /health answers the machine gives for the time of one proof;
"CPU ms" is the processor time the service side spent per operation (the serve processes, and for
PostgreSQL its server processes too), read from /proc: what sizing rests on, and steadier than
latency when other work shares the machine.

Each store is first warmed with 3 s of proofs from 8 clients (not reported): a service that has
been running, with SQLite's write-ahead log grown to its working size (while it grows, every
commit also writes file-system metadata and costs several times more).

The clients run on the same machine as the service (2 cores here), and they sign every proof:
the figures are for this machine with its load generator, not for a server of its own. The
training cards are four, so the service's certificate cache is warm, as it is in step 2 for the
card of step 1; a card's first proof also builds its chain once (about 0.1 ms here).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.clock import JST
from reset_flow.proof import ProofPurpose
from reset_flow.serve_process import TOKEN, ServeProcess, start_serve
from reset_flow.service.private_postgres import start_private_postgres
from reset_flow.training_proof import TrainingProver

PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")
CONCURRENCY = (1, 8, 32)
WARM_UP = 3.0  # seconds of proofs before the measured runs, not reported
# A moment inside the training certificates' validity, so that the proofs are accepted.
TRAINING_AT = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
Operation = Callable[[ReservationClient, int, int], Awaitable[float]]
Figures = tuple[float, float, float, float]  # per second, p50 ms, p99 ms, service CPU ms per operation


async def health(client: ReservationClient, worker: int, n: int) -> float:
    start = time.perf_counter()
    await client.health()
    return time.perf_counter() - start


def step1_proof(provers: list[TrainingProver]) -> Operation:
    async def prove(client: ReservationClient, worker: int, n: int) -> float:
        prover = provers[(worker + n) % len(provers)]  # a counter serves one resident after another
        reset = (PinKind.SIGN, PinKind.AUTH)[(n // len(provers)) % 2]
        start = time.perf_counter()
        nonce = (await client.new_challenge()).nonce
        challenge_time = time.perf_counter() - start
        proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)  # the card's part: not timed
        start = time.perf_counter()
        await client.reserve(reset, proof, idempotency_key=uuid.uuid4().hex)
        return challenge_time + time.perf_counter() - start

    return prove


def cpu_seconds(roots: list[int]) -> float:
    """User and system time of the processes ``roots`` and all their descendants."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    chosen, grew = set(roots), True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in chosen} - chosen
        chosen |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in chosen)


async def run(
    urls: list[str], operation: Operation, clients: int, seconds: float, server_pids: list[int]
) -> Figures:
    """``clients`` workers, spread over the service processes at ``urls``, for ``seconds``."""
    latencies: list[float] = []
    services = []
    for url in urls:
        share = max(1, clients // len(urls))
        limits = httpx.Limits(max_connections=share, max_keepalive_connections=share)
        http = httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, limits=limits, timeout=60
        )
        services.append(ReservationClient(http))
    try:
        for service in services:
            await operation(service, 0, -1)  # warm the connection and the code paths
        stop = time.perf_counter() + seconds

        async def worker(number: int) -> None:
            service, n = services[number % len(services)], 0
            while time.perf_counter() < stop:
                latencies.append(await operation(service, number, n))
                n += 1

        began, cpu_before = time.perf_counter(), cpu_seconds(server_pids)
        await asyncio.gather(*(worker(w) for w in range(clients)))
        elapsed, cpu = time.perf_counter() - began, cpu_seconds(server_pids) - cpu_before
    finally:
        for service in services:
            await service.aclose()
    quantiles = statistics.quantiles(latencies, n=100)
    count = len(latencies)
    return count / elapsed, quantiles[49] * 1000, quantiles[98] * 1000, cpu * 1000 / count


async def measure(
    label: str, urls: list[str], seconds: float, server_pids: list[int]
) -> list[tuple[int, Figures, Figures]]:
    provers = [TrainingProver(p) for p in PROFILES]
    # A service that has been running: its journal grown to its working size, its caches warm.
    await run(urls, step1_proof(provers), 8, WARM_UP, server_pids)
    results = []
    for clients in CONCURRENCY:
        cheap = await run(urls, health, clients, seconds, server_pids)
        proof = await run(urls, step1_proof(provers), clients, seconds, server_pids)
        results.append((clients, cheap, proof))
        print(_row(label, clients, "GET /health (cheapest)", *_figures(cheap), ""), flush=True)
        ratio = f"{cheap[0] / proof[0]:.1f}"
        print(_row(label, clients, "step-1 proof (reservation)", *_figures(proof), ratio), flush=True)
    return results


def serving(database: str, processes: int, folder: Path) -> list[ServeProcess]:
    # No proof limits: the bench drives every client from one terminal token, as fast as it can.
    return [
        start_serve(database, log=folder / f"serve-{n}.log", training_at=TRAINING_AT)
        for n in range(processes)
    ]


async def main(seconds: float, only: str | None) -> None:
    print(
        f"jpki-reset service on uvicorn, loopback, {os.cpu_count()} CPUs, {seconds:g} s per run,"
        f" load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(_row("store", "clients", "operation", "per s", "p50 ms", "p99 ms", "CPU ms", "health/proof"))
    with tempfile.TemporaryDirectory(prefix="jpki-bench-") as scratch:
        folder = Path(scratch)
        if only in (None, "sqlite"):
            servers = serving(str(folder / "bench.sqlite3"), 1, folder)
            try:
                await measure(
                    "sqlite, 1 process", [s.url for s in servers], seconds, [s.pid for s in servers]
                )
            finally:
                for server in servers:
                    server.stop()
        if only in (None, "postgresql"):
            postgres = start_private_postgres()
            try:
                for processes in (1, 2):
                    servers = serving(postgres.new_database("bench"), processes, folder)
                    try:
                        label = f"postgresql, {processes} process{'es' if processes > 1 else ''}"
                        pids = [s.pid for s in servers] + [postgres.pid]
                        await measure(label, [s.url for s in servers], seconds, pids)
                    finally:
                        for server in servers:
                            server.stop()
            finally:
                postgres.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _figures(result: Figures) -> tuple[str, str, str, str]:
    return f"{result[0]:.0f}", f"{result[1]:.2f}", f"{result[2]:.2f}", f"{result[3]:.2f}"


def _row(
    store: str, clients: object, operation: str, rate: str, p50: str, p99: str, cpu: str, ratio: str
) -> str:
    return f"{store:<21} {clients!s:>7}  {operation:<27} {rate:>7} {p50:>7} {p99:>7} {cpu:>7}  {ratio:>12}"


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = None
    if "--only" in arguments:
        at = arguments.index("--only")
        chosen = arguments[at + 1]
        del arguments[at : at + 2]
    asyncio.run(main(float(arguments[0]) if arguments else 5.0, chosen))
