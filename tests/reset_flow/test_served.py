"""Through uvicorn on loopback (``jpki-reset serve`` as its own process): the full reset, 50
concurrent completions of one reservation, and a SIGKILL in the middle of a burst."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from readers.jpki import PinKind
from readers.training_card.issuer import TrainingIssuer
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock
from reset_flow.errors import ServiceRefused, ServiceUnreachable
from reset_flow.proof import ProofPurpose
from reset_flow.states import NeedPin, ReservationUsed, ResetDone
from reset_flow.step2 import Step2
from reset_flow.training_proof import TrainingProver
from tests.reset_flow.conftest import NEW_PIN, OPEN_MORNING, PROOF_PIN, WatchedReader, reserve
from tests.reset_flow.served import TOKEN, Served, completion_burst, remote, serve
from tests.reset_flow.test_step2 import card_accepts

pytestmark = pytest.mark.integration
SIGN, AUTH = PinKind.SIGN, PinKind.AUTH


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = serve(tmp_path / "reservations.sqlite3", training_at=OPEN_MORNING)
    yield server
    server.stop()


@pytest.mark.parametrize(("profile", "reset"), [("sign-blocked", SIGN), ("auth-blocked", AUTH)])
async def test_full_reset_through_uvicorn(served: Served, profile: str, reset: PinKind) -> None:
    clock = FixedClock(OPEN_MORNING)  # the laptop's; the kiosk rules go by the service's clock
    async with remote(served) as service:
        assert (await service.service_time()).training_clock
        reader = WatchedReader(profile)
        await reserve(reader, service, clock, reset)
        flow = Step2(reader, service, clock, issuer_commands=TrainingIssuer)
        assert isinstance(await flow.start(), NeedPin)
        await flow.enter_pin(PROOF_PIN[reset])
        done = await flow.enter_new_pin(NEW_PIN[reset], NEW_PIN[reset])
        assert done == ResetDone(reset, reset.max_tries, reset.max_tries, recorded=True)
        assert await card_accepts(reader, reset, NEW_PIN[reset]) == reset.max_tries
        again = await Step2(reader, service, clock, issuer_commands=TrainingIssuer).start()
        assert isinstance(again, ReservationUsed) and again.reset is reset  # said as used, not missing


async def test_fifty_concurrent_completions_one_wins(served: Served) -> None:
    prover = TrainingProver("adult")
    async with remote(served) as service:
        nonce = (await service.new_challenge()).nonce
        made = await service.reserve(
            SIGN, prover.proof(ProofPurpose.RESERVATION, SIGN, nonce), idempotency_key="res-key-1"
        )
        nonce = (await service.new_challenge()).nonce
        proof = prover.proof(ProofPurpose.AUTHORISATION, SIGN, nonce)
        granted = await service.authorise(made.id, proof, b"\x07" * 8, idempotency_key="auth-key-1")

    answers, audit = await completion_burst([served], made.id, granted.id, 50)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * 49
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"reservation-already-used"}
    completions = [e["outcome"] for e in audit if e["action"] == "complete"]
    assert len(completions) == 50
    assert sorted(completions) == ["ok"] + ["reservation-already-used"] * 49


async def test_sigkill_during_a_burst_loses_no_acknowledged_reservation(tmp_path: Path) -> None:
    server = serve(tmp_path / "burst.sqlite3", training_at=OPEN_MORNING)
    provers = [TrainingProver(p) for p in ("adult", "one-try-left", "sign-blocked", "auth-blocked")]
    acknowledged: list[str] = []
    killed = asyncio.Event()

    async def worker(n: int, service: ReservationClient) -> None:
        prover = provers[n % len(provers)]
        reset = (SIGN, AUTH)[n % 2]
        for attempt in range(10_000):
            try:
                nonce = (await service.new_challenge()).nonce
                proof = prover.proof(ProofPurpose.RESERVATION, reset, nonce)
                made = await service.reserve(reset, proof, idempotency_key=f"burst-{n}-{attempt}")
            except (ServiceUnreachable, ServiceRefused):
                if killed.is_set():
                    return
                raise
            acknowledged.append(made.id)
            if len(acknowledged) >= 60 and not killed.is_set():
                killed.set()
                server.kill()  # mid-burst: the other workers have requests in flight

    try:
        async with remote(server, timeout=10) as service:
            service.attempts = 1
            await asyncio.gather(*(worker(n, service) for n in range(12)))
    finally:
        server.stop()
    assert killed.is_set() and len(acknowledged) >= 60

    db = sqlite3.connect(server.database)  # opening recovers the WAL the killed process left
    stored = {row[0]: row[1] for row in db.execute("SELECT id, status FROM reservations")}
    lost = [rid for rid in acknowledged if rid not in stored]
    print(f"acknowledged {len(acknowledged)}, stored {len(stored)}, lost {len(lost)}")
    assert lost == []
    active = db.execute(
        "SELECT card_identity, reset, count(*) FROM reservations WHERE status = 'active' GROUP BY 1, 2"
    ).fetchall()
    assert all(count == 1 for *_, count in active)
    audited = {
        row[0]
        for row in db.execute("SELECT reservation_id FROM audit WHERE action = 'reserve' AND outcome = 'ok'")
    }
    assert set(acknowledged) <= audited
    db.close()

    # The service comes back on the same file and answers for what it acknowledged.
    again = serve(server.database, training_at=OPEN_MORNING)
    try:
        async with remote(again) as service:
            found = await service.reservations_for(provers[0].identity)
            assert {r.id for r in found.reservations} <= set(stored)
            assert found.reservations
    finally:
        again.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as an office's own CA would issue (here self-signed)."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "townhall test")])
    now = datetime.now(UTC)  # a real certificate's validity: the TLS library checks it by the wall clock
    loopback = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(loopback, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.pem", folder / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def test_the_shared_service_over_tls(tmp_path: Path) -> None:
    import ssl

    cert, key = self_signed(tmp_path)
    server = serve(tmp_path / "tls.sqlite3", training_at=OPEN_MORNING, tls=(cert, key))
    try:
        assert server.url.startswith("https://")
        trusted = ssl.create_default_context(cafile=str(cert))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, verify=trusted) as http:
            assert (await http.post("/v1/challenges")).status_code == 200
        with pytest.raises(httpx.ConnectError):  # a client that does not trust it gets nothing
            httpx.get(server.url + "/health", timeout=5)
        with pytest.raises(httpx.RemoteProtocolError):  # and plain HTTP is not answered
            httpx.get(server.url.replace("https://", "http://") + "/health", timeout=5)
    finally:
        server.stop()
