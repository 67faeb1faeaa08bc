"""The service's CPU per step-1 proof and per ``GET /health``, with a load generator that costs
little: keep-alive sockets sending ready-made HTTP/1.1 requests (the httpx clients of
``bench/service.py`` cost about 1.4 ms per request and share the two cores with the service).

    .venv/bin/python bench/service_cpu.py [proofs per connection] [connections]

One ``jpki-reset serve`` on SQLite (training mode, no proof limits). Each connection sends its
requests one after another: ``/health`` requests, then proofs (a reservation with every check,
signed ahead over a challenge minted with the service's key, whose answer hands on the next
challenge: one request, as in ``bench/service.py``). The figure is the service process's user and
system time from ``/proc`` per operation, after 400 proofs of warm-up (the journal grown, the caches warm).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.service import PROFILES, TRAINING_AT, _card, cpu_seconds
from reset_flow.proof import Proof, ProofPurpose
from reset_flow.serve import open_store
from reset_flow.serve_process import TOKEN, ServeProcess, start_serve
from reset_flow.service.challenges import SignedChallenges
from reset_flow.service.store import token_sha256
from reset_flow.training_proof import TrainingProver

WARM_UP = 400


def request(method: str, path: str, body: bytes = b"", extra: str = "") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nhost: bench\r\nauthorization: Bearer {TOKEN}\r\n{extra}"
    if method == "POST":
        head += f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> None:
    """Send one request and read its answer; anything but 200 stops the bench."""
    writer.write(data)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    if status != 200:
        raise RuntimeError(f"the service answered {status}: {body[:300]!r}")


def reservation_body(reset: str, proof: Proof) -> bytes:
    b64 = base64.b64encode
    sign = b64(proof.sign_certificate).decode() if proof.sign_certificate else None
    fields = {"auth_certificate": b64(proof.auth_certificate).decode(), "sign_certificate": sign}
    fields |= {"nonce": proof.nonce.hex(), "signature": b64(proof.signature).decode()}
    return json.dumps({"reset": reset, **fields}).encode()


def signed_ahead(server: ServeProcess, count: int) -> list[bytes]:
    store = open_store(server.database, create=False)
    try:
        with store.reading() as tx:
            terminal = tx.terminal_for(token_sha256(TOKEN))
        assert terminal is not None
        minted = SignedChallenges(store.challenge_key())
    finally:
        store.close()
    provers = [TrainingProver(p) for p in PROFILES]
    bodies = []
    for n in range(count):
        prover, reset = _card(provers, 0, n)
        nonce = minted.issue(terminal.id, TRAINING_AT).nonce
        bodies.append(reservation_body(reset.value, prover.proof(ProofPurpose.RESERVATION, reset, nonce)))
    return bodies


async def main(per_connection: int, connections: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jpki-bench-") as scratch:
        folder = Path(scratch)
        server = start_serve(folder / "bench.sqlite3", log=folder / "serve.log", training_at=TRAINING_AT)
        try:
            await measure(server, per_connection, connections)
        finally:
            server.stop()


async def measure(server: ServeProcess, per_connection: int, connections: int) -> None:
    bodies = signed_ahead(server, WARM_UP + per_connection * connections)
    port = int(server.url.rsplit(":", 1)[1])
    health = request("GET", "/health")

    async def connection(requests: list[bytes]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for data in requests:
            await exchange(reader, writer, data)
        writer.close()

    def proofs(first: int, count: int) -> list[bytes]:
        key = "idempotency-key: {}\r\n"
        return [
            request("POST", "/v1/reservations", body, key.format(uuid.uuid4().hex))
            for body in bodies[first : first + count]
        ]

    async def run(work: list[list[bytes]], operations: int) -> float:
        before = cpu_seconds([server.pid])
        await asyncio.gather(*(connection(requests) for requests in work))
        return (cpu_seconds([server.pid]) - before) * 1000 / operations

    await run([proofs(0, WARM_UP)], WARM_UP)
    total = per_connection * connections
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    cheap = await run([[health] * per_connection for _ in range(connections)], total)
    starts = range(WARM_UP, WARM_UP + total, per_connection)
    proof = await run([proofs(start, per_connection) for start in starts], total)
    print(
        f"{connections} connections, load average {load}: service CPU ms per /health {cheap:.3f},"
        f" per step-1 proof {proof:.3f} ({proof / cheap:.1f} /health)"
    )


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(arguments or [500, 8])))
