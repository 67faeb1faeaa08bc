"""Several ``jpki-reset serve`` processes on one PostgreSQL database (a private server): exactly one
of 100 concurrent completions wins across processes, and a SIGKILL of one process in the middle
of a burst loses no acknowledged reservation while the other keeps serving."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.errors import ServiceRefused, ServiceUnreachable
from reset_flow.proof import ProofPurpose
from reset_flow.service.private_postgres import PrivatePostgres
from reset_flow.training_proof import TrainingProver
from tests.reset_flow.conftest import OPEN_MORNING
from tests.reset_flow.served import Served, completion_burst, remote, serve

pytestmark = pytest.mark.integration
SIGN, AUTH = PinKind.SIGN, PinKind.AUTH
PROFILES = ("adult", "one-try-left", "sign-blocked", "auth-blocked")


@pytest.fixture
def two_services(private_postgres: PrivatePostgres, tmp_path: Path) -> Iterator[tuple[Served, Served]]:
    database = private_postgres.new_database()
    spawned = time.monotonic()
    first = serve(database, training_at=OPEN_MORNING, log=tmp_path / "first.log")
    try:
        # A training clock starts at --training-at when its process starts: the second one starts
        # later (a loaded machine takes seconds), so it is set that much later, and both processes
        # read one time, as two services on one machine's clock do.
        later = timedelta(seconds=time.monotonic() - spawned)
        second = serve(database, training_at=OPEN_MORNING + later, log=tmp_path / "second.log")
    except BaseException:
        first.stop()
        raise
    yield first, second
    for server in (first, second):
        server.stop()


async def test_one_of_100_completions_across_two_processes_wins(two_services: tuple[Served, Served]) -> None:
    first, second = two_services
    prover = TrainingProver("adult")
    async with remote(first) as service:
        nonce = (await service.new_challenge()).nonce
        made = await service.reserve(
            SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, nonce), idempotency_key="shared-res-1"
        )
    async with remote(second) as service:  # authorised through the other process
        nonce = (await service.new_challenge()).nonce
        proof = prover.proof(ProofPurpose.AUTHORISATION, SIGN, nonce)
        granted = await service.authorise(made.id, proof, b"\x07" * 8, idempotency_key="shared-auth-1")

    answers, audit = await completion_burst(two_services, made.id, granted.id, 100)

    assert sorted(a.status_code for a in answers) == [200] + [409] * 99
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"reservation-already-used"}
    outcomes = sorted(e["outcome"] for e in audit if e["action"] == "complete")
    assert outcomes == ["ok"] + ["reservation-already-used"] * 99


async def test_sigkill_of_one_process_loses_nothing_and_the_other_keeps_serving(
    two_services: tuple[Served, Served],
) -> None:
    victim, survivor = two_services
    provers = [TrainingProver(p) for p in PROFILES]
    acknowledged: list[str] = []
    after_kill: list[str] = []
    killed = asyncio.Event()

    # test_served.py's burst worker, with what the survivor acknowledges after the kill counted apart.
    async def worker(n: int, service: ReservationClient, on_victim: bool) -> None:
        prover, reset = provers[n % len(provers)], (SIGN, AUTH)[n % 2]
        for attempt in range(400):
            try:
                nonce = (await service.new_challenge()).nonce
                proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)
                made = await service.reserve(reset, proof, idempotency_key=f"burst-{n}-{attempt}")
            except (ServiceUnreachable, ServiceRefused):
                if on_victim and killed.is_set():
                    return
                raise
            acknowledged.append(made.id)
            if killed.is_set() and not on_victim:
                after_kill.append(made.id)
                if len(after_kill) >= 40:
                    return
            if len(acknowledged) >= 60 and not killed.is_set():
                killed.set()
                victim.kill()  # mid-burst: requests are in flight on both processes

    async with remote(victim, timeout=10) as on_victim, remote(survivor, timeout=10) as on_survivor:
        on_victim.attempts = on_survivor.attempts = 1
        await asyncio.gather(
            *(worker(n, on_victim, True) for n in range(0, 12, 2)),
            *(worker(n, on_survivor, False) for n in range(1, 12, 2)),
        )
    assert killed.is_set() and len(after_kill) >= 40  # the survivor kept answering after the kill

    with psycopg.connect(survivor.database) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM reservations")}
        active = db.execute(
            "SELECT count(*) FROM reservations WHERE status = 'active' GROUP BY card_identity, reset"
        ).fetchall()
        audited = {
            row[0]
            for row in db.execute(
                "SELECT reservation_id FROM audit WHERE action = 'reserve' AND outcome = 'ok'"
            )
        }
    lost = [rid for rid in acknowledged if rid not in stored]
    print(f"acknowledged {len(acknowledged)}, after the kill {len(after_kill)}, lost {len(lost)}")
    assert lost == []
    assert all(count == 1 for (count,) in active)
    assert set(acknowledged) <= audited
