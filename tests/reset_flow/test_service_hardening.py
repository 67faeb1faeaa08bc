"""The red-team findings, each as the behaviour a terminal or an administrator would notice, on both
stores: malformed certificates, bodies and tokens, storage failures, rate limits, revocation,
roles, completion by the authorising terminal, one cryptogram per authorisation, a clock that went
back, and pruning."""

from __future__ import annotations

import base64
import json
import os
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from fastapi import FastAPI

from readers.jpki import PinKind
from readers.training_card.pki import DATA_FILE
from reset_flow.client import ReservationClient
from reset_flow.clock import FixedClock
from reset_flow.proof import Proof, ProofPurpose
from reset_flow.service.app import build_app
from reset_flow.service.office import ServiceLimits
from reset_flow.service.rate_limits import Limit
from reset_flow.service.store import ReservationStore, Role
from reset_flow.training_proof import TrainingProver
from tests.reset_flow.conftest import SERVICE_TOKEN as TOKEN
from tests.reset_flow.conftest import client_of, training_settings
from tests.reset_flow.test_service import authorise, raw_sql, refused, reserve

SIGN = PinKind.SIGN
RESERVE = ProofPurpose.RESERVATION
OTHER = "counter-2-token-0123456789abcdef"
ADMIN = "auditor-token-0123456789abcdefgh"


def issuer_tag_changed(der: bytes) -> bytes:
    """The certificate with one tag byte of its issuer name changed (the first attribute's value
    made an INTEGER): the certificate still loads, and its issuer fails only when it is read, the
    red team's mutation that got a 500."""
    issuer = x509.load_der_x509_certificate(der).issuer.public_bytes()
    oid = der.find(issuer) + issuer.find(b"\x06")  # the first attribute's type: 06 len OID
    at = oid + 2 + der[oid + 1]  # its value's tag
    return der[:at] + b"\x02" + der[at + 1 :]


def undecodable_key_usage() -> bytes:
    """A certificate from the training auth CA (its key is public) whose KeyUsage does not decode."""
    data = json.loads(DATA_FILE.read_text())
    ca = x509.load_pem_x509_certificate(data["auth_ca_certificate"].encode())
    ca_key = serialization.load_pem_private_key(data["auth_ca_key"].encode(), None)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "TRAINING bad extension")])
    broken = x509.UnrecognizedExtension(x509.OID_KEY_USAGE, b"\x04\x02\xff")  # not a BIT STRING
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.subject)
        .public_key(ca_key.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650))
        .add_extension(broken, critical=True)
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture
def service(store_service: ReservationClient) -> ReservationClient:
    """This module's tests run on both stores."""
    return store_service


# --- malformed certificates ----------------------------------------------------------------------


@pytest.mark.parametrize("certificate", ["issuer tag changed", "undecodable key usage"])
async def test_a_malformed_certificate_is_400_and_audited(
    certificate: str, service: ReservationClient
) -> None:
    prover = TrainingProver("adult")
    der = issuer_tag_changed(prover.credentials.auth_certificate)
    if certificate == "undecodable key usage":
        der = undecodable_key_usage()
    nonce = (await service.new_challenge()).nonce
    good = prover.proof(RESERVE, SIGN, nonce)
    refusal = await refused(
        service.reserve(SIGN, Proof(der, nonce, good.signature), idempotency_key="k-bad-cert")
    )
    assert (refusal.status, refusal.code, refusal.details["certificate"]) == (
        400,
        "certificate-malformed",
        "auth",
    )
    trail = (await service.http.get("/v1/audit")).json()["entries"]
    assert [(e["action"], e["outcome"]) for e in trail][-1] == ("reserve", "certificate-malformed")
    # The connection stays usable: the next request on it is answered.
    assert (await service.new_challenge()).nonce


# --- bodies and tokens ---------------------------------------------------------------------------


async def call(app: FastAPI, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, dict, int]:
    """One raw ASGI request to POST /v1/reservations; (status, body, body chunks the app read)."""
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/reservations", "raw_path": b"/v1/reservations", "query_string": b"",
        "root_path": "", "client": ("127.0.0.9", 5000), "server": ("test", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read


async def test_the_token_is_checked_before_the_body_is_read(app: FastAPI) -> None:
    huge = [b"[" + b"1," * 50_000] * 20  # 2 MB of a JSON array, never to be read
    status, body, read = await call(app, {"Content-Type": "application/json"}, huge)
    assert (status, body["code"], read) == (401, "unauthenticated", 0)
    status, body, read = await call(app, {"Authorization": "Bearer wrong-token"}, huge)
    assert (status, body["code"], read) == (401, "unauthenticated", 0)


async def test_a_body_over_the_limit_is_413_before_parsing(app: FastAPI) -> None:
    valid = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    declared = valid | {"Content-Length": str(100 * 1024 * 1024)}
    status, body, read = await call(app, declared, [b"[1,"] * 5)
    assert (status, body["code"], read) == (413, "body-too-large", 0)
    # Without a declared length (chunked): it stops reading just past the limit.
    status, body, read = await call(app, valid, [b" " * 4096] * 1000)
    assert (status, body["code"]) == (413, "body-too-large")
    assert read <= 5


# --- storage failures -----------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def take_the_database_away(database: str) -> None:
    if database.startswith("postgresql://"):
        name = database.split("/")[3].split("?")[0]
        server = database.replace(f"/{name}?", "/postgres?")
        raw_sql(server, f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.remove(f"{database}{suffix}")


async def test_a_database_gone_is_503_and_never_recreated(app: FastAPI, database: str) -> None:
    from reset_flow.serve import open_store
    from reset_flow.service.store import DatabaseMissing, StorageUnavailable

    prover = TrainingProver("adult")
    async with client_of(app) as http, client_of(app, "a-token-never-seen-0123456789") as stranger:
        nonce = bytes.fromhex((await http.post("/v1/challenges")).json()["nonce"])
        take_the_database_away(database)
        proof = prover.proof(RESERVE, SIGN, nonce)
        body = {"reset": "sign", "nonce": nonce.hex(), "auth_certificate": b64(proof.auth_certificate)}
        body["signature"] = b64(proof.signature)
        answers = [
            await http.post("/v1/reservations", json=body, headers={"Idempotency-Key": "gone-key-1"}),
            await http.get("/v1/audit"),
            await http.get(f"/v1/cards/{prover.identity.hex()}/reservations"),
            await stranger.get("/v1/time"),  # a token to look up
        ]
        for answer in answers:
            assert (answer.status_code, answer.json()["code"]) == (503, "storage-unavailable")
            assert answer.headers["Retry-After"]
        health = await http.get("/health")
        assert (health.status_code, health.json()) == (
            503,
            {"status": "unavailable", "database": "unavailable"},
        )
    with pytest.raises(StorageUnavailable) as missing:  # a restart does not make an empty one either
        open_store(database, create=False)
    assert isinstance(missing.value, DatabaseMissing) or "does not exist" in str(missing.value)
    if not database.startswith("postgresql://"):
        assert not os.path.exists(database)


# --- rate limits ---------------------------------------------------------------------------------


class Ticks:
    """The monotonic time the rate limits count by, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited_app(store: ReservationStore, clock: FixedClock, ticks: Ticks, **limits: Limit) -> FastAPI:
    store.ensure_terminal("counter-1", TOKEN, clock.now())
    settings = training_settings(clock, limits=ServiceLimits(**limits), monotonic=ticks)
    return build_app(settings, store)


async def test_failed_tokens_are_limited_per_address(store: ReservationStore, clock: FixedClock) -> None:
    ticks = Ticks()
    app = limited_app(store, clock, ticks, failed_tokens=Limit(per_minute=6, burst=3))
    async with client_of(app, "a-wrong-token") as wrong, client_of(app) as right:
        assert [(await wrong.post("/v1/challenges")).status_code for _ in range(3)] == [401] * 3
        blocked = await wrong.post("/v1/challenges")
        assert (blocked.status_code, blocked.json()["code"]) == (429, "too-many-failed-tokens")
        assert int(blocked.headers["Retry-After"]) >= 1
        assert (await right.post("/v1/challenges")).status_code == 429  # the address waits, whoever it is
        ticks.now += 10  # one failure's worth at 6 a minute
        assert (await right.post("/v1/challenges")).status_code == 200


async def test_proofs_and_challenges_are_limited_per_terminal(
    store: ReservationStore, clock: FixedClock
) -> None:
    ticks = Ticks()
    limits = {"proofs": Limit(per_minute=6, burst=2), "challenges": Limit(per_minute=12, burst=3)}
    app = limited_app(store, clock, ticks, **limits)
    prover = TrainingProver("adult")
    async with ReservationClient(client_of(app)) as service:
        await reserve(service, prover, key="limit-key-1")
        await reserve(service, prover, key="limit-key-2")
        nonce = (await service.new_challenge()).nonce
        third = await refused(
            service.reserve(SIGN, prover.proof(RESERVE, SIGN, nonce), idempotency_key="limit-key-3")
        )
        assert (third.status, third.code) == (429, "too-many-proofs")
        challenge = await refused(service.new_challenge())
        assert (challenge.status, challenge.code) == (429, "too-many-challenges")
        ticks.now += 10
        await service.reserve(SIGN, prover.proof(RESERVE, SIGN, nonce), idempotency_key="limit-key-4")


# --- terminals: revocation, roles, completion by the authorising terminal -------------------------


async def test_a_revoked_terminal_is_refused(app: FastAPI, service: ReservationClient) -> None:
    assert (await service.new_challenge()).nonce
    assert app.state.office.revoke_terminals("counter-1") == 1
    refusal = await refused(service.new_challenge())
    assert (refusal.status, refusal.code) == (401, "terminal-revoked")


async def test_terminals_read_their_own_audit_rows_and_an_admin_reads_all(
    app: FastAPI, store: ReservationStore, clock: FixedClock
) -> None:
    store.ensure_terminal("counter-2", OTHER, clock.now())
    store.ensure_terminal("auditor", ADMIN, clock.now(), Role.ADMIN)
    prover = TrainingProver("adult")
    async with ReservationClient(client_of(app)) as one, ReservationClient(client_of(app, OTHER)) as two:
        made = await reserve(one, prover, key="own-key-1")
        await reserve(two, TrainingProver("one-try-left"), key="own-key-2")
        mine = (await one.http.get("/v1/audit")).json()["entries"]
        theirs = (await two.http.get("/v1/audit")).json()["entries"]
        assert [e["reservation_id"] for e in mine] == [made.id]
        assert made.id not in [e["reservation_id"] for e in theirs] and len(theirs) == 1
    async with client_of(app, ADMIN) as auditor:
        everything = (await auditor.get("/v1/audit")).json()["entries"]
        assert {e["terminal_id"] for e in everything} == {mine[0]["terminal_id"], theirs[0]["terminal_id"]}
        no_proofs = await auditor.post("/v1/challenges")
        assert (no_proofs.status_code, no_proofs.json()["code"]) == (403, "terminal-role-needed")


async def test_only_the_authorised_terminal_completes(
    app: FastAPI, store: ReservationStore, clock: FixedClock
) -> None:
    store.ensure_terminal("counter-2", OTHER, clock.now())
    prover = TrainingProver("adult")
    async with ReservationClient(client_of(app)) as one, ReservationClient(client_of(app, OTHER)) as two:
        made = await reserve(one, prover)
        granted = await authorise(one, prover, made)
        stranger = await refused(two.complete(made.id, granted.id, idempotency_key="done-by-two"))
        assert (stranger.status, stranger.code) == (403, "other-terminal")
        assert (await one.complete(made.id, granted.id, idempotency_key="done-by-one")).status == "used"


async def test_one_cryptogram_per_authorisation_and_a_few_per_reservation(service: ReservationClient) -> None:
    prover = TrainingProver("adult")
    made = await reserve(service, prover)
    first = await authorise(service, prover, made, key="auth-first")
    second = await authorise(service, prover, made, key="auth-second")
    assert first.cryptogram and second.cryptogram
    old = await refused(service.complete(made.id, first.id, idempotency_key="done-first"))
    assert (old.status, old.code) == (409, "authorisation-superseded")
    await authorise(service, prover, made, key="auth-third")
    fourth = await refused(authorise(service, prover, made, key="auth-fourth"))
    assert (fourth.status, fourth.code) == (409, "authorisations-exhausted")


# --- the service's clock ---------------------------------------------------------------------------


async def test_a_clock_that_went_back_is_not_trusted(service: ReservationClient, clock: FixedClock) -> None:
    prover = TrainingProver("adult")
    made = await reserve(service, prover)
    challenge = (await service.new_challenge()).nonce
    clock.advance(-timedelta(hours=1))
    with_old_challenge = await refused(
        service.reserve(SIGN, prover.proof(RESERVE, SIGN, challenge), idempotency_key="back-key-1")
    )
    assert (with_old_challenge.status, with_old_challenge.code) == (409, "service-clock-behind")
    before_it_was_made = await refused(authorise(service, prover, made, key="back-auth-1"))
    assert (before_it_was_made.status, before_it_was_made.code) == (409, "service-clock-behind")
    clock.advance(timedelta(hours=1))
    granted = await authorise(service, prover, made, key="back-auth-2")
    clock.advance(-timedelta(minutes=30))
    completion = await refused(service.complete(made.id, granted.id, idempotency_key="back-done-1"))
    assert (completion.status, completion.code) == (409, "service-clock-behind")


# --- challenges and pruning ------------------------------------------------------------------------


async def test_challenges_cost_no_write_and_another_terminals_nonce_is_not_spent(
    app: FastAPI, store: ReservationStore, clock: FixedClock
) -> None:
    store.ensure_terminal("counter-2", OTHER, clock.now())
    prover = TrainingProver("adult")
    async with ReservationClient(client_of(app)) as one, ReservationClient(client_of(app, OTHER)) as two:
        for _ in range(20):
            await one.new_challenge()
        with store.reading() as tx:
            assert tx.audit_entries() == []  # nothing was written for them
        nonce = (await one.new_challenge()).nonce
        proof = prover.proof(RESERVE, SIGN, nonce)
        stolen = await refused(two.reserve(SIGN, proof, idempotency_key="stolen-key"))
        assert (stolen.status, stolen.code) == (404, "challenge-unknown")
        assert (await one.reserve(SIGN, proof, idempotency_key="own-key-1")).status == "active"


async def test_pruning_keeps_what_still_matters(
    app: FastAPI, service: ReservationClient, clock: FixedClock
) -> None:
    prover = TrainingProver("adult")
    await reserve(service, prover, key="prune-key-1")
    office = app.state.office
    assert office.prune() == 0  # the spent challenge and the stored answer are fresh
    clock.advance(timedelta(days=2))
    assert office.prune() == 1  # the spent challenge, long expired
    clock.advance(timedelta(days=6))
    assert office.prune() == 1  # the idempotency answer, past a week
    forgotten = await reserve(service, prover, key="prune-key-1")  # a week on, the key is new again
    assert forgotten.status == "active"


async def test_405_says_what_is_allowed(app: FastAPI) -> None:
    async with client_of(app) as http:
        answer = await http.get("/v1/challenges")
    assert (answer.status_code, answer.json()["code"]) == (405, "method-not-allowed")
    assert answer.headers["Allow"] == "POST"
