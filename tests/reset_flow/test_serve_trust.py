"""What ``jpki-reset serve`` trusts: only configured issuers unless in training mode; training mode
says TRAINING on every answer; a training clock never runs beside a real issuer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.hashes import SHA256

from readers.card_identity import card_identity
from readers.jpki import PinKind
from reset_flow.client import ReservationClient
from reset_flow.errors import ServiceRefused
from reset_flow.proof import Proof, ProofPurpose, proof_digest
from reset_flow.training_proof import TrainingProver
from reset_flow.trust_setup import open_trust_store
from tests.issuer import made_issuer
from tests.moments import TRAINING_NOW
from tests.reset_flow.served import TOKEN, serve
from tests.reset_flow.test_cli import cli

MODE = "JPKI-Reset-Mode"


def trust_made_issuer(folder: Path) -> None:
    issuer = made_issuer()
    store = open_trust_store(folder)
    now = TRAINING_NOW
    for purpose, der in (
        (PinKind.AUTH, issuer.card.auth_ca_certificate),
        (PinKind.SIGN, issuer.card.sign_ca_certificate),
    ):
        store.add(purpose, der or b"", source="test", now=now, operator="tester")


def made_issuer_proof(nonce: bytes) -> Proof:
    """What the made issuer's card signs in step 1 of a signing-PIN reset (its auth key)."""
    card = made_issuer().card
    digest = proof_digest(ProofPurpose.RESERVATION, PinKind.SIGN, nonce, card_identity(card.auth_certificate))
    signature = card.auth_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(SHA256()))
    return Proof(card.auth_certificate, nonce, signature)


def training_proof(nonce: bytes) -> Proof:
    return TrainingProver("adult").proof(ProofPurpose.RESERVATION, PinKind.SIGN, nonce)


async def reserve(client: ReservationClient, prove) -> str:  # type: ignore[no-untyped-def]
    """Step 1's reservation; the refusal code, or "reserved"."""
    challenge = await client.new_challenge()
    try:
        await client.reserve(
            PinKind.SIGN, prove(challenge.nonce), idempotency_key="k" * 16 + challenge.nonce.hex()[:8]
        )
    except ServiceRefused as refusal:
        return refusal.code
    return "reserved"


async def test_plain_serve_refuses_a_training_card_and_serves_a_trusted_issuer(tmp_path: Path) -> None:
    trust_made_issuer(tmp_path / "trust")
    served = serve(tmp_path / "db.sqlite3", options=("--trust-store", str(tmp_path / "trust")))
    try:
        async with ReservationClient.remote(served.url, TOKEN) as client:
            assert await reserve(client, training_proof) == "certificate-untrusted"
            assert await reserve(client, made_issuer_proof) == "reserved"
            assert not (await client.service_time()).training
        answer = httpx.get(served.url + "/health")
        assert MODE not in answer.headers
    finally:
        served.stop()
    log = served.log.read_text()
    assert "trusts auth CA" in log and "no CRL configured: revocation NOT checked" in log
    assert "TRAINING" not in log


async def test_training_mode_from_the_config_says_training_on_every_answer(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("training = true\n", encoding="utf-8")
    served = serve(tmp_path / "db.sqlite3", training_at=TRAINING_NOW, options=("--config", str(config)))
    try:
        async with ReservationClient.remote(served.url, TOKEN) as client:
            assert await reserve(client, training_proof) == "reserved"
            assert (await client.service_time()).training
        headers = {"Authorization": f"Bearer {TOKEN}"}
        answers = [
            httpx.get(served.url + "/health"),
            httpx.get(served.url + "/v1/time", headers=headers),
            httpx.post(served.url + "/v1/challenges", headers=headers),
            httpx.post(served.url + "/v1/challenges"),  # refused: 401
            httpx.get(served.url + "/no-such-path"),
        ]
        assert [a.headers.get(MODE) for a in answers] == ["TRAINING"] * len(answers)
    finally:
        served.stop()
    assert "TRAINING mode" in served.log.read_text()


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        ((), "training-clock-refused"),  # not training mode
        (("--training", "--trust-store", "TRUST"), "training-clock-refused"),  # a real issuer beside it
        (("--training",), None),
    ],
)
def test_the_training_clock_runs_only_in_training_mode_without_a_real_issuer(
    tmp_path: Path, options: tuple[str, ...], refused: str | None
) -> None:
    trust_made_issuer(tmp_path / "trust")
    options = tuple(str(tmp_path / "trust") if o == "TRUST" else o for o in options)
    done = cli(
        "serve",
        "--db",
        str(tmp_path / "x.sqlite3"),
        *options,
        "--training-at",
        "2026-12-01T10:00",
        "--init",
        "--new-terminal",
        "t",
    )
    if refused is None:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 5
        assert done.stderr.startswith(f"jpki-reset: {refused}:")


def test_a_training_ca_cannot_be_given_as_an_anchor(tmp_path: Path) -> None:
    from readers.training_card.pki import training_pki

    ca = tmp_path / "training-ca.der"
    ca.write_bytes(training_pki().auth_ca_certificate)
    done = cli(
        "serve",
        "--db",
        str(tmp_path / "x.sqlite3"),
        "--anchor",
        f"auth:{ca}",
        "--init",
        "--new-terminal",
        "t",
    )
    assert done.returncode == 2
    assert done.stderr.startswith("jpki-reset: training-anchor-refused:")
