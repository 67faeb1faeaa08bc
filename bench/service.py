"""The reservation service under load, on each store: ``jpki-reset serve`` (uvicorn) on loopback,
driven by 1, 8 and 32 concurrent httpx clients, in one run:

- SQLite (one file, WAL, ``synchronous=FULL``), one service process;
- PostgreSQL (a private server of the bench's own, default durability: ``fsync`` and
  ``synchronous_commit`` on), one service process and two on the same database.

    .venv/bin/python bench/service.py [seconds per run] [--only sqlite|postgresql]

For each it prints requests per second and p50/p99 latency of
- a complete step-1 proof of a terminal that holds a challenge: the reservation with every check
  (chain, validity, revocation, purpose, signature, single-use nonce, replacement, audit, durable
  commit), whose answer hands on the terminal's next challenge (minted for every answer). That is
  one request: a terminal asks ``POST /v1/challenges`` only when it holds no challenge with 30 s of
  life left (its first proof, or one more than 90 s after its last); those proofs cost a second
  request, about a ``/health``'s worth of service CPU;
- GET /health, the cheapest endpoint (no token, no query): the framework's own ceiling here.
"svc p50"/"svc p99" are the service's own time for the operation's request (its ``Server-Timing:
app;dur=`` header: from its app getting the request to the answer ready, so neither the network,
the HTTP server's parsing nor the load generator's waiting is in it; for a proof, its reservation
request: a challenge request, when one is needed, is not counted), read by an httpx response hook
that keeps the raw header;
"health/proof" is how many /health answers the machine gives for the time of one proof;
"CPU ms" is the processor time the service side spent per operation (the serve processes, and for
PostgreSQL its server processes too), read from /proc: what sizing rests on, and steadier than
latency when other work shares the machine.

Each store is first warmed with 3 s of proofs from 8 clients (not reported): a service that has
been running, with SQLite's write-ahead log grown to its working size (while it grows, every
commit also writes file-system metadata and costs several times more).

The clients run in this one process, on the same machine as the service (2 cores here): the
figures are for this machine with its load generator, not for a server of its own. "client CPU"
is this process's processor time per operation: httpx costs about 0.7 ms of it per request (1.1 ms
before sniffio was installed; see pyproject.toml) and a proof's 4 KB body some more, so from 8
clients this process, not the service, is the bottleneck (it runs at one core's worth while the
service's CPU ms say what the service needed): the rates and the client's latencies there are the
load generator's ceiling, and the gap between the client's p99 and the service's own is its queue
and the machine's other load. Compare the CPU ms and the svc columns for what the service does.
The bench collects and freezes what its set-up made before each run (the signed proofs), so the
collector's pauses in the run are for what the requests leave.

The card's part is done before each run: the bench made the database, so it holds the key the
service signs its challenges with, and it mints the challenges for its terminal and signs each
with a training card's key ahead (a card takes far longer, on another machine). So the challenges
the answers hand on are not the ones signed (they are minted, encoded and sent all the same), and
each proof is its reservation request, checked in full (chain, validity, revocation, purpose,
signature, its own HMAC over the nonce, single use, audit, durable commit). When the signed proofs
run out, the rest sign the challenge the client holds (or asks for, timed) during the run, the
signature outside the timed span. The training cards are four, so the
service's certificate cache is warm, as it is in step 2 for the card of step 1; a card's first
proof also builds its chain once (about 0.1 ms here).
"""

from __future__ import annotations

import asyncio
import gc
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
from reset_flow.proof import Proof, ProofPurpose
from reset_flow.serve import open_store
from reset_flow.serve_process import TOKEN, ServeProcess, start_serve
from reset_flow.service.challenges import SignedChallenges
from reset_flow.service.private_postgres import start_private_postgres
from reset_flow.service.store import token_sha256
from reset_flow.training_proof import TrainingProver

PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")
CONCURRENCY = (1, 8, 32)
WARM_UP = 3.0  # seconds of proofs before the measured runs, not reported
SIGNED_AHEAD_PER_SECOND = 600  # proofs signed before a run, per second of it (above any rate here)
# A moment inside the training certificates' validity, so that the proofs are accepted.
TRAINING_AT = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
Operation = Callable[[ReservationClient, int, int], Awaitable[float]]
# per second, p50 ms, p99 ms, service CPU ms and client CPU ms per operation, and the service's own
# p50 and p99 ms (its Server-Timing) for the operation's request
Figures = tuple[float, float, float, float, float, float, float]


class CardsAhead:
    """Proofs signed before a run, over challenges minted with the service's own key."""

    def __init__(self, database: str, provers: list[TrainingProver]) -> None:
        store = open_store(database, create=False)
        try:
            with store.reading() as tx:
                terminal = tx.terminal_for(token_sha256(TOKEN))
            assert terminal is not None
            self.terminal, self.challenges = terminal.id, SignedChallenges(store.challenge_key())
        finally:
            store.close()
        self.provers = provers
        self.signed: list[tuple[PinKind, Proof]] = []

    async def sign(self, client: ReservationClient, count: int) -> None:
        now = (await client.service_time()).now  # the service's (training) clock
        self.signed = []
        for n in range(count):
            prover, reset = _card(self.provers, n, n)
            nonce = self.challenges.issue(self.terminal, now).nonce
            self.signed.append((reset, prover.proof(ProofPurpose.RESERVATION, reset, nonce)))
        self.signed.reverse()  # popped from the end, in the order made


def _card(provers: list[TrainingProver], worker: int, n: int) -> tuple[TrainingProver, PinKind]:
    """A counter serves one resident after another, for either PIN."""
    return provers[(worker + n) % len(provers)], (PinKind.SIGN, PinKind.AUTH)[(n // len(provers)) % 2]


async def health(client: ReservationClient, worker: int, n: int) -> float:
    start = time.perf_counter()
    await client.health()
    return time.perf_counter() - start


def step1_proof(cards: CardsAhead) -> Operation:
    async def prove(client: ReservationClient, worker: int, n: int) -> float:
        challenge_time = 0.0
        if cards.signed:
            reset, proof = cards.signed.pop()
        else:
            start = time.perf_counter()
            nonce = (await client.challenge()).nonce  # the one handed on, or a request
            challenge_time = time.perf_counter() - start
            prover, reset = _card(cards.provers, worker, n)  # the card's part, not timed
            proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)
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
    urls: list[str],
    operation: Operation,
    clients: int,
    seconds: float,
    server_pids: list[int],
    timed_path: str,
) -> Figures:
    """``clients`` workers, spread over the service processes at ``urls``, for ``seconds``; the
    service's own figures are those of its answers to ``timed_path`` (the operation's request)."""
    latencies: list[float] = []
    timings: list[str | None] = []  # the answers' Server-Timing, kept raw: parsed after the run

    async def note(response: httpx.Response) -> None:
        if response.request.url.path == timed_path:
            timings.append(response.headers.get("server-timing"))

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
            service.http.event_hooks["response"].append(note)
        stop = time.perf_counter() + seconds

        async def worker(number: int) -> None:
            service, n = services[number % len(services)], 0
            while time.perf_counter() < stop:
                latencies.append(await operation(service, number, n))
                n += 1

        began, cpu_before, own_before = time.perf_counter(), cpu_seconds(server_pids), time.process_time()
        await asyncio.gather(*(worker(w) for w in range(clients)))
        elapsed, cpu = time.perf_counter() - began, cpu_seconds(server_pids) - cpu_before
        own = time.process_time() - own_before
    finally:
        for service in services:
            await service.aclose()
    quantiles = statistics.quantiles(latencies, n=100)
    inside = statistics.quantiles([_service_ms(t) for t in timings], n=100)
    count = len(latencies)
    client = (quantiles[49] * 1000, quantiles[98] * 1000)
    return count / elapsed, *client, cpu * 1000 / count, own * 1000 / count, inside[49], inside[98]


def _service_ms(header: str | None) -> float:
    """The ``app;dur=`` of a Server-Timing header (the service times every answer)."""
    if header is None or not header.startswith("app;dur="):
        raise RuntimeError(f"the service's answer has no Server-Timing app figure: {header!r}")
    return float(header.removeprefix("app;dur="))


async def measure(
    label: str, servers: list[ServeProcess], seconds: float, server_pids: list[int]
) -> list[tuple[int, Figures, Figures]]:
    urls = [s.url for s in servers]
    cards = CardsAhead(servers[0].database, [TrainingProver(p) for p in PROFILES])
    timekeeper = ReservationClient(
        httpx.AsyncClient(base_url=urls[0], headers={"Authorization": f"Bearer {TOKEN}"})
    )

    async def proofs(clients: int, span: float) -> Figures:
        ahead = int(SIGNED_AHEAD_PER_SECOND * span) if span <= 60 else 0  # a nonce lives 2 minutes
        await cards.sign(timekeeper, ahead)
        gc.collect()  # what the signing left, collected before the run rather than in it,
        gc.freeze()  # and the signed proofs out of the collector's sight during it
        return await run(urls, step1_proof(cards), clients, span, server_pids, "/v1/reservations")

    # A service that has been running: its journal grown to its working size, its caches warm.
    await proofs(8, WARM_UP)
    results = []
    for clients in CONCURRENCY:
        cheap = await run(urls, health, clients, seconds, server_pids, "/health")
        proof = await proofs(clients, seconds)
        results.append((clients, cheap, proof))
        print(_row(label, clients, "GET /health (cheapest)", *_figures(cheap), ""), flush=True)
        ratio = f"{cheap[0] / proof[0]:.1f}"
        print(_row(label, clients, "step-1 proof (reservation)", *_figures(proof), ratio), flush=True)
    await timekeeper.aclose()
    return results


def serving(database: str, processes: int, folder: Path) -> list[ServeProcess]:
    # No proof limits: the bench drives every client from one terminal token, as fast as it can.
    return [
        start_serve(database, log=folder / f"serve-{n}.log", training_at=TRAINING_AT)
        for n in range(processes)
    ]


async def main(seconds: float, only: str | None) -> None:
    gc.collect()
    gc.freeze()  # the modules' objects, out of the collector's sight: shorter pauses in the clients
    print(
        f"jpki-reset service on uvicorn, loopback, {os.cpu_count()} CPUs, {seconds:g} s per run,"
        f" load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    head = ("per s", "p50 ms", "p99 ms", "CPU ms", "client CPU", "svc p50", "svc p99", "health/proof")
    print(_row("store", "clients", "operation", *head))
    with tempfile.TemporaryDirectory(prefix="jpki-bench-") as scratch:
        folder = Path(scratch)
        if only in (None, "sqlite"):
            servers = serving(str(folder / "bench.sqlite3"), 1, folder)
            try:
                await measure("sqlite, 1 process", servers, seconds, [s.pid for s in servers])
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
                        await measure(label, servers, seconds, pids)
                    finally:
                        for server in servers:
                            server.stop()
            finally:
                postgres.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _figures(result: Figures) -> tuple[str, ...]:
    rate, *rest = result
    return f"{rate:.0f}", *(f"{figure:.2f}" for figure in rest)


def _row(store: str, clients: object, operation: str, *columns: str) -> str:
    rate, p50, p99, cpu, own, inside50, inside99, ratio = columns
    figures = f"{rate:>7} {p50:>7} {p99:>7} {cpu:>7} {own:>10} {inside50:>7} {inside99:>7}"
    return f"{store:<21} {clients!s:>7}  {operation:<27} {figures}  {ratio:>12}"


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = None
    if "--only" in arguments:
        at = arguments.index("--only")
        chosen = arguments[at + 1]
        del arguments[at : at + 2]
    asyncio.run(main(float(arguments[0]) if arguments else 5.0, chosen))
