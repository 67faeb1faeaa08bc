"""The reservation service under load: ``jpki-reset serve`` (uvicorn, SQLite WAL with
synchronous=FULL) on loopback, driven by 1, 8 and 32 concurrent httpx clients.

    .venv/bin/python bench/service.py [seconds per run]

For each concurrency it prints requests per second and p50/p99 latency of
- a complete step-1 proof: a fresh challenge, the card's signature over it (made client-side
  with the training card's key, outside the timed span), and the reservation with every check
  (chain, validity, revocation, purpose, signature, single-use nonce, replacement, audit, fsync);
- GET /health, the cheapest endpoint (no token, no database): the framework's own ceiling here.
The last column is how many /health answers the machine gives for the time of one proof.
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
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.proof import ProofPurpose
from reset_flow.training_proof import TrainingProver
from tests.reset_flow.served import TOKEN, serve

PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")
Operation = Callable[[ReservationClient, int, int], Awaitable[float]]


async def health(client: ReservationClient, worker: int, n: int) -> float:
    start = time.perf_counter()
    await client.health()
    return time.perf_counter() - start


def step1_proof(provers: list[TrainingProver]) -> Operation:
    async def prove(client: ReservationClient, worker: int, n: int) -> float:
        prover = provers[worker % len(provers)]
        reset = (PinKind.SIGN, PinKind.AUTH)[n % 2]
        start = time.perf_counter()
        nonce = (await client.new_challenge()).nonce
        challenge_time = time.perf_counter() - start
        proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)  # the card's part: not timed
        start = time.perf_counter()
        await client.reserve(reset, proof, idempotency_key=uuid.uuid4().hex)
        return challenge_time + time.perf_counter() - start

    return prove


async def run(url: str, operation: Operation, clients: int, seconds: float) -> tuple[float, float, float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    http = httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, limits=limits, timeout=60
    )
    latencies: list[float] = []
    async with ReservationClient(http) as client:
        await operation(client, 0, -1)  # warm the connection and the code paths
        stop = time.perf_counter() + seconds

        async def worker(number: int) -> None:
            n = 0
            while time.perf_counter() < stop:
                latencies.append(await operation(client, number, n))
                n += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(clients)))
        elapsed = time.perf_counter() - began
    quantiles = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, quantiles[49] * 1000, quantiles[98] * 1000


async def main(seconds: float) -> None:
    provers = [TrainingProver(p) for p in PROFILES]
    with tempfile.TemporaryDirectory() as folder:
        server = serve(Path(folder) / "bench.sqlite3")
        try:
            print(f"jpki-reset service on uvicorn, loopback, {os.cpu_count()} CPUs, {seconds:g} s per run")
            print(_row("clients", "operation", "per s", "p50 ms", "p99 ms", "health/proof"))
            for clients in (1, 8, 32):
                cheap = await run(server.url, health, clients, seconds)
                proof = await run(server.url, step1_proof(provers), clients, seconds)
                print(_row(clients, "GET /health (cheapest)", *_figures(cheap), ""))
                print(
                    _row(
                        clients, "step-1 proof (reservation)", *_figures(proof), f"{cheap[0] / proof[0]:.1f}"
                    )
                )
        finally:
            server.stop()


def _figures(result: tuple[float, float, float]) -> tuple[str, str, str]:
    return f"{result[0]:.0f}", f"{result[1]:.2f}", f"{result[2]:.2f}"


def _row(clients: object, operation: str, rate: str, p50: str, p99: str, ratio: str) -> str:
    return f"{clients:>7}  {operation:<28} {rate:>8} {p50:>8} {p99:>8}  {ratio:>12}"


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0))
