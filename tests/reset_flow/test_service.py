"""The reservation service's refusals, single-use challenges, idempotency, exactly-once
completion and the append-only audit, through the same client the flows use (in-process), on
both stores: every test that takes ``service`` or ``app`` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from readers.jpki import PinKind
from readers.training_card.pki import DATA_FILE
from readers.training_card.pki_generate import TRAINING_POLICY
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock, TrainingClock
from reset_flow.embedded import ServiceChoice, open_service
from reset_flow.errors import ServiceNotConfigured, ServiceRefused, TrainingClockRefused
from reset_flow.proof import Proof, ProofPurpose
from reset_flow.service.office import ServiceSettings
from reset_flow.training_proof import TrainingProver
from reset_flow.trust import TrustAnchors
from reset_flow.trust_setup import training_trust
from tests.reset_flow.conftest import client_of

SIGN, AUTH = PinKind.SIGN, PinKind.AUTH
RESERVE = ProofPurpose.RESERVATION


@pytest.fixture
def service(store_service: ReservationClient) -> ReservationClient:
    """This module's tests run on both stores."""
    return store_service


def raw_sql(database: str, statement: str) -> None:
    """Run SQL on the store's database behind the service's back (and commit)."""
    if database.startswith("postgresql://"):
        with psycopg.connect(database, autocommit=True) as db:
            db.execute(statement)
    else:
        with sqlite3.connect(database) as db:
            db.execute(statement)


async def refused(call) -> ServiceRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceRefused) as caught:
        await call
    return caught.value


async def reserve(
    service: ReservationClient, prover: TrainingProver, reset: PinKind = SIGN, key: str = "key-00001"
):  # type: ignore[no-untyped-def]
    nonce = (await service.new_challenge()).nonce
    return await service.reserve(reset, prover.proof(RESERVE, reset, nonce), idempotency_key=key)


async def authorise(service: ReservationClient, prover: TrainingProver, reservation, key: str = "auth-00001"):  # type: ignore[no-untyped-def]
    nonce = (await service.new_challenge()).nonce
    proof = prover.proof(ProofPurpose.AUTHORISATION, reservation.reset, nonce)
    return await service.authorise(reservation.id, proof, b"\x01" * 8, idempotency_key=key)


# --- authentication ------------------------------------------------------------------------------


async def test_terminals_need_a_token(app: FastAPI) -> None:
    async with client_of(app, None) as http:
        assert (await http.get("/health")).json() == {"status": "ok", "database": "ok"}
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}):
            answer = await http.post("/v1/challenges", headers=headers)
            assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
            assert answer.headers["WWW-Authenticate"] == "Bearer"


def _signing_reservation(prover: TrainingProver, nonce: str) -> dict[str, str]:
    """The JSON body of a signing-PIN reservation over ``nonce`` (hex), as a terminal sends it."""
    proof = prover.proof(RESERVE, SIGN, bytes.fromhex(nonce))
    return {
        "reset": "sign",
        "auth_certificate": base64.b64encode(proof.auth_certificate).decode(),
        "nonce": nonce,
        "signature": base64.b64encode(proof.signature).decode(),
    }


async def test_every_answer_says_the_services_own_time_and_nothing_else(app: FastAPI) -> None:
    """``Server-Timing: app;dur=<ms>`` on /health, a challenge, a proof and a refusal: one number,
    so that nothing a terminal sent (a token, a certificate, a nonce) can be in it."""
    only_a_number = re.compile(r"app;dur=[0-9]+\.[0-9]{3}")
    prover = TrainingProver("adult")
    async with client_of(app) as http:
        health = await http.get("/health")
        challenge = await http.post("/v1/challenges")
        body = _signing_reservation(prover, challenge.json()["nonce"])
        made = await http.post("/v1/reservations", json=body, headers={"Idempotency-Key": "timed-0001"})
        spent = await http.post("/v1/reservations", json=body, headers={"Idempotency-Key": "timed-0002"})
        unknown = await http.post("/v1/challenges", headers={"Authorization": "Bearer not-a-token"})
    answers = (health, challenge, made, spent, unknown)
    assert [a.status_code for a in answers] == [200, 200, 200, 409, 401]
    for answer in answers:
        timing = answer.headers.get_list("Server-Timing")
        assert len(timing) == 1 and only_a_number.fullmatch(timing[0]), timing
        assert float(timing[0].removeprefix("app;dur=")) > 0


# --- challenges ----------------------------------------------------------------------------------


async def test_a_challenge_is_single_use(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    nonce = (await service.new_challenge()).nonce
    proof = prover.proof(RESERVE, SIGN, nonce)
    await service.reserve(SIGN, proof, idempotency_key="first-key")
    again = await refused(service.reserve(SIGN, proof, idempotency_key="second-key"))
    assert (again.status, again.code) == (409, "challenge-used")


async def test_a_challenge_is_short_lived(service: ReservationClient, clock: FixedClock) -> None:
    prover = TrainingProver("adult")
    challenge = await service.new_challenge()
    assert challenge.expires_at == clock.now() + timedelta(minutes=2)
    clock.advance(timedelta(minutes=2))
    late = await refused(
        service.reserve(SIGN, prover.proof(RESERVE, SIGN, challenge.nonce), idempotency_key="k-late-1")
    )
    assert (late.status, late.code) == (410, "challenge-expired")


async def test_unknown_nonce(service: ReservationClient) -> None:
    proof = TrainingProver("adult").proof(RESERVE, SIGN, b"\x00" * 32)
    unknown = await refused(service.reserve(SIGN, proof, idempotency_key="k-unknown"))
    assert (unknown.status, unknown.code) == (404, "challenge-unknown")


# --- one-request proofs: an accepted proof's answer hands on the next challenge ---------------------


def challenge_requests(service: ReservationClient) -> list[str]:
    """The paths of the client's requests from now on (a challenge request is one more request)."""
    sent: list[str] = []

    async def note(request) -> None:  # type: ignore[no-untyped-def]
        sent.append(request.url.path)

    service.http.event_hooks["request"].append(note)
    return sent


async def test_a_handed_on_challenge_makes_the_next_proof_one_request(
    app: FastAPI, clock: FixedClock
) -> None:
    async with ReservationClient(client_of(app), seconds=lambda: clock.now().timestamp()) as service:
        prover = TrainingProver("adult")
        first = await service.challenge()  # none kept yet: asked for
        await service.reserve(SIGN, prover.proof(RESERVE, SIGN, first.nonce), idempotency_key="hand-on-1")
        sent = challenge_requests(service)
        kept = await service.challenge()
        proof = prover.proof(RESERVE, AUTH, kept.nonce)
        made = await service.reserve(AUTH, proof, idempotency_key="hand-on-2")
        assert made.status == "active" and sent == ["/v1/reservations"]
        # Kept, it is given out once; sent again, it is refused as any spent challenge is.
        after = await service.challenge()
        assert after.nonce not in (kept.nonce, first.nonce)
        again = await refused(service.reserve(AUTH, proof, idempotency_key="hand-on-3"))
        assert (again.status, again.code) == (409, "challenge-used")


async def test_a_kept_challenge_near_its_expiry_is_replaced_before_use(
    app: FastAPI, clock: FixedClock
) -> None:
    async with ReservationClient(client_of(app), seconds=lambda: clock.now().timestamp()) as service:
        prover = TrainingProver("adult")
        await reserve(service, prover, key="near-end-1")
        clock.advance(timedelta(seconds=100))  # of its 120 s, too few left for a card to sign in
        sent = challenge_requests(service)
        fresh = await service.challenge()
        assert sent == ["/v1/challenges"]
        made = await service.reserve(
            AUTH, prover.proof(RESERVE, AUTH, fresh.nonce), idempotency_key="near-end-2"
        )
        assert made.status == "active"


async def test_a_repeated_answer_hands_on_a_new_challenge(app: FastAPI) -> None:
    """The stored answer of an idempotency key never carries a challenge: one stored with it would
    be handed out again with every repeat."""
    prover = TrainingProver("adult")
    async with client_of(app) as http:
        body = _signing_reservation(prover, (await http.post("/v1/challenges")).json()["nonce"])
        headers = {"Idempotency-Key": "repeat-hand-on-1"}
        one = (await http.post("/v1/reservations", json=body, headers=headers)).json()
        two = (await http.post("/v1/reservations", json=body, headers=headers)).json()
    handed = [one.pop("next_challenge"), two.pop("next_challenge")]
    assert one == two  # the same reservation, answered again
    assert handed[0]["nonce"] != handed[1]["nonce"] and 119 <= handed[1]["expires_in"] <= 120


# --- proofs --------------------------------------------------------------------------------------


async def test_reservation_for_each_pin(service: ReservationClient, clock: FixedClock) -> None:
    prover = TrainingProver("adult")
    for reset in (SIGN, AUTH):
        made = await reserve(service, prover, reset, key=f"key-{reset.value}-1")
        assert made.reset is reset and made.status == "active" and made.issuer_reset
        assert made.card_identity == prover.identity
        assert made.deadline == clock.now() + timedelta(hours=24)


@pytest.mark.parametrize(
    ("profile", "reset", "status", "code", "which"),
    [
        ("expired", SIGN, 403, "certificate-expired", "auth"),
        ("sign-revoked", AUTH, 403, "certificate-revoked", "sign"),
        # A signing-PIN reset is proven with the auth key and the card never shows its signing
        # certificate; the service finds it in the training issuer's records.
        ("sign-revoked", SIGN, 403, "certificate-revoked", "sign"),
    ],
)
async def test_certificate_refusals(profile, reset, status, code, which, service: ReservationClient) -> None:  # type: ignore[no-untyped-def]
    refusal = await refused(reserve(service, TrainingProver(profile), reset))
    assert (refusal.status, refusal.code, refusal.details["certificate"]) == (status, code, which)


async def test_signature_over_something_else(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    nonce = (await service.new_challenge()).nonce
    for_step_two = prover.proof(ProofPurpose.AUTHORISATION, SIGN, nonce)  # the wrong purpose
    refusal = await refused(service.reserve(SIGN, for_step_two, idempotency_key="k-purpose"))
    assert (refusal.status, refusal.code) == (403, "signature-invalid")
    nonce = (await service.new_challenge()).nonce
    for_the_other_pin = prover.proof(RESERVE, AUTH, nonce)
    refusal = await refused(service.reserve(SIGN, for_the_other_pin, idempotency_key="k-otherpin"))
    assert (refusal.status, refusal.code) == (403, "signature-invalid")


async def test_auth_reset_needs_the_signing_certificate(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    nonce = (await service.new_challenge()).nonce
    proof = prover.proof(RESERVE, AUTH, nonce)
    without = Proof(proof.auth_certificate, proof.nonce, proof.signature, None)
    refusal = await refused(service.reserve(AUTH, without, idempotency_key="k-nosign"))
    assert (refusal.status, refusal.code) == (422, "sign-certificate-missing")


def _leaf(
    issuer_key_pem: str | None, usage_commitment: bool, policy: x509.ObjectIdentifier
) -> tuple[bytes, rsa.RSAPrivateKey]:
    """A certificate from the training auth CA's own key (or self-signed) with chosen usage."""
    data = json.loads(DATA_FILE.read_text())
    ca = x509.load_pem_x509_certificate(data["auth_ca_certificate"].encode())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer_key = serialization.load_pem_private_key(issuer_key_pem.encode(), None) if issuer_key_pem else key
    start = datetime(2026, 1, 1, tzinfo=UTC)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "TRAINING test leaf")])
    usage = x509.KeyUsage(
        not usage_commitment, usage_commitment, False, False, False, False, False, False, False
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.subject if issuer_key_pem else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650))
        .add_extension(usage, critical=True)
        .add_extension(x509.CertificatePolicies([x509.PolicyInformation(policy, None)]), critical=True)
        .sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert.public_bytes(serialization.Encoding.DER), key


@pytest.mark.parametrize(
    ("issued_by_ca", "commitment", "code"),
    [(False, False, "certificate-untrusted"), (True, True, "certificate-wrong-purpose")],
)
async def test_untrusted_or_wrong_purpose(issued_by_ca, commitment, code, service: ReservationClient) -> None:  # type: ignore[no-untyped-def]
    ca_key = json.loads(DATA_FILE.read_text())["auth_ca_key"] if issued_by_ca else None
    der, _ = _leaf(ca_key, commitment, TRAINING_POLICY["auth"])
    nonce = (await service.new_challenge()).nonce
    refusal = await refused(
        service.reserve(SIGN, Proof(der, nonce, b"\x00" * 256), idempotency_key="k-leaf-1")
    )
    assert (refusal.status, refusal.code, refusal.details["certificate"]) == (403, code, "auth")


# --- step 2 on the service side ----------------------------------------------------------------


async def test_authorisation_from_another_card_is_refused(service: ReservationClient) -> None:
    made = await reserve(service, TrainingProver("adult"))
    refusal = await refused(authorise(service, TrainingProver("one-try-left"), made))
    assert (refusal.status, refusal.code) == (403, "card-mismatch")


async def test_cryptogram_is_the_training_cards(service: ReservationClient) -> None:
    from readers.training_card.pki import training_pki
    from readers.training_card.reset_protocol import card_key, reset_cryptogram

    prover = TrainingProver("adult")
    made = await reserve(service, prover)
    granted = await authorise(service, prover, made)
    key = card_key(training_pki().reset_master_key, prover.identity)
    assert granted.cryptogram == reset_cryptogram(key, b"\x01" * 8, 0x001B)


async def test_completion_exactly_once_and_a_repeat_gets_the_first_answer(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    made = await reserve(service, prover)
    granted = await authorise(service, prover, made)
    first = await service.complete(made.id, granted.id, idempotency_key="done-key-1")
    assert first.status == "used"
    repeat = await service.complete(made.id, granted.id, idempotency_key="done-key-1")
    assert repeat == first
    other = await refused(service.complete(made.id, granted.id, idempotency_key="done-key-2"))
    assert (other.status, other.code) == (409, "reservation-already-used")
    late = await refused(authorise(service, prover, made, key="auth-00002"))
    assert late.code == "reservation-already-used"


async def test_replaced_reservation_cannot_be_used(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    old = await reserve(service, prover, key="key-old-1")
    new = await reserve(service, prover, key="key-new-1")
    assert new.replaced_earlier
    refusal = await refused(authorise(service, prover, old))
    assert (refusal.status, refusal.code) == (409, "reservation-replaced")


async def test_unknown_reservation_and_authorisation(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    missing = await refused(authorise(service, prover, type("R", (), {"id": "0" * 32, "reset": SIGN})()))
    assert (missing.status, missing.code) == (404, "reservation-not-found")
    made = await reserve(service, prover)
    wrong = await refused(service.complete(made.id, "f" * 32, idempotency_key="done-key-x"))
    assert (wrong.status, wrong.code) == (404, "authorisation-unknown")


async def test_a_key_used_for_another_request(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    await reserve(service, prover, key="same-key-1")
    refusal = await refused(reserve(service, prover, AUTH, key="same-key-1"))
    assert (refusal.status, refusal.code) == (422, "idempotency-key-reused")


async def test_lookup_says_expired(service: ReservationClient, clock: FixedClock) -> None:
    prover = TrainingProver("adult")
    await reserve(service, prover)
    clock.advance(timedelta(hours=24))
    found = await service.reservations_for(prover.identity)
    assert [r.status for r in found.reservations] == ["expired"]


# --- malformed input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"auth_certificate": "@@@@"}, 422, "invalid-request"),
        ({"auth_certificate": "AAAAA"}, 400, "invalid-base64"),
        ({"auth_certificate": "AAAA"}, 400, "certificate-malformed"),
        ({"reset": "juki"}, 422, "invalid-request"),
        ({"nonce": "xyz"}, 422, "invalid-request"),
        ({"extra": 1}, 422, "invalid-request"),
    ],
)
async def test_malformed_requests_get_codes(change, status, code, app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    async with client_of(app) as http:
        nonce = (await http.post("/v1/challenges")).json()["nonce"]
        body = {"reset": "sign", "auth_certificate": "AAAA", "nonce": nonce, "signature": "AAAA"} | change
        answer = await http.post("/v1/reservations", json=body)
        assert (answer.status_code, answer.json()["code"]) == (status, code)
        broken = await http.post(
            "/v1/reservations", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert (broken.status_code, broken.json()["code"]) == (422, "invalid-request")


# --- the audit ---------------------------------------------------------------------------------


async def test_audit_keeps_refusals_and_cannot_be_edited(service: ReservationClient, database: str) -> None:
    prover = TrainingProver("adult")
    made = await reserve(service, prover)
    granted = await authorise(service, prover, made)
    await service.complete(made.id, granted.id, idempotency_key="done-key-1")
    await refused(service.complete(made.id, granted.id, idempotency_key="done-key-2"))
    answer = await service.http.get("/v1/audit", params={"reservation_id": made.id})
    rows = [(e["action"], e["outcome"]) for e in answer.json()["entries"]]
    assert rows == [
        ("reserve", "ok"),
        ("authorise", "ok"),
        ("complete", "ok"),
        ("complete", "reservation-already-used"),
    ]
    for statement in ("UPDATE audit SET outcome = 'ok'", "DELETE FROM audit"):
        with pytest.raises((sqlite3.IntegrityError, psycopg.errors.RaiseException), match="append-only"):
            raw_sql(database, statement)
    again = await service.http.get("/v1/audit", params={"reservation_id": made.id})
    assert [(e["action"], e["outcome"]) for e in again.json()["entries"]] == rows


# --- clocks and configuration ------------------------------------------------------------------


async def test_training_clock_only_in_training_mode(tmp_path: Path) -> None:
    at = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
    with pytest.raises(TrainingClockRefused):
        ServiceSettings(clock=TrainingClock(at), trust=TrustAnchors(()))
    with pytest.raises(TrainingClockRefused):
        open_service(ServiceChoice(server="http://127.0.0.1:9", token="x"), TrainingClock(at))
    with pytest.raises(ServiceNotConfigured):
        open_service(ServiceChoice(server="http://127.0.0.1:9"))
    client = open_service(ServiceChoice(data_dir=tmp_path, trust=training_trust()), TrainingClock(at))
    time = await client.service_time()
    assert time.training_clock and abs(time.now - at) < timedelta(minutes=1)
    await client.aclose()


async def test_unreachable_service_is_a_typed_error() -> None:
    from reset_flow.errors import ServiceUnreachable

    client = ReservationClient.remote("http://127.0.0.1:9", "token", timeout=2)
    with pytest.raises(ServiceUnreachable) as caught:
        await client.new_challenge()
    assert caught.value.code == "service-unreachable"
    await client.aclose()
