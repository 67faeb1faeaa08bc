"""The trust store and the ``jpki-reset trust`` command: what it takes, what it refuses, and the
trail of every change."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki
from reset_flow.trust_ceremony import AnchorCandidate
from reset_flow.trust_setup import open_trust_store, terminal_trust
from reset_flow.trust_store import AnchorRefused, AnchorUnknown, CrlRefused, TrustStoreInvalid
from tests.issuer import made_issuer
from tui.cli import main

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def trust_cli(store: Path, *args: str, typed: str = "") -> int:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(typed)
    try:
        return main(["trust", *args, "--store", str(store)])
    finally:
        sys.stdin = old


def pem_file(tmp_path: Path, der: bytes, name: str = "ca.pem") -> Path:
    from cryptography import x509

    path = tmp_path / name
    path.write_bytes(x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM))
    return path


def test_a_file_is_trusted_after_yes_and_listed_with_its_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer = made_issuer()
    ca = pem_file(tmp_path, issuer.card.auth_ca_certificate)
    assert trust_cli(tmp_path / "trust", "add", "--file", str(ca), "--purpose", "auth", typed="no\n") == 2
    assert trust_cli(tmp_path / "trust", "add", "--file", str(ca), "--purpose", "auth", typed="yes\n") == 0
    capsys.readouterr()
    assert trust_cli(tmp_path / "trust", "list") == 0
    listed = capsys.readouterr().out
    published = issuer.published_sha256(issuer.auth_ca)
    assert " ".join(published[i : i + 4] for i in range(0, 64, 4)) in listed
    assert "no CRL is configured: revocation of this issuer's certificates is NOT checked" in listed
    assert trust_cli(tmp_path / "trust", "remove", published[:8]) == 0
    assert open_trust_store(tmp_path / "trust").anchors() == ()


def test_the_confirmation_is_the_last_8_characters_however_typed() -> None:
    candidate = AnchorCandidate(PinKind.AUTH, made_issuer().card.auth_ca_certificate, "card")
    last8 = candidate.sha256.replace(" ", "")[-8:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in last8.lower())  # as an IME in 全角 types it
    assert candidate.confirmed_by(last8) and candidate.confirmed_by(f"{last8[:4]} {last8[4:]}")
    assert candidate.confirmed_by(full_width)
    assert (
        not candidate.confirmed_by(last8[:7])
        and not candidate.confirmed_by("")
        and not candidate.confirmed_by("yes")
    )


@pytest.mark.parametrize(
    ("der", "now", "code"),
    [
        (lambda: training_pki().auth_ca_certificate, NOW, "training-anchor-refused"),
        (lambda: made_issuer().card.auth_certificate, NOW, "anchor-not-a-ca"),
        (lambda: made_issuer().card.auth_ca_certificate, datetime(2040, 1, 1, tzinfo=UTC), "anchor-expired"),
        (lambda: b"not a certificate", NOW, "anchor-malformed"),
    ],
)
def test_what_cannot_be_an_anchor_is_refused_with_a_code(
    tmp_path: Path, der, now: datetime, code: str
) -> None:  # type: ignore[no-untyped-def]
    store = open_trust_store(tmp_path)
    with pytest.raises(AnchorRefused) as refused:
        store.add(PinKind.AUTH, der(), source="test", now=now, operator="tester")
    assert refused.value.code == code
    assert store.anchors() == () and store.history() == []


def test_a_crl_must_be_signed_by_its_anchor(tmp_path: Path) -> None:
    issuer = made_issuer()
    store = open_trust_store(tmp_path)
    anchor, _ = store.add(PinKind.AUTH, issuer.card.auth_ca_certificate, source="t", now=NOW, operator="t")
    fingerprint = anchor.sha256.hex()[:10]
    with pytest.raises(CrlRefused):
        store.set_crl(fingerprint, issuer.crl(signer=issuer.sign_ca_key), source="t", now=NOW, operator="t")
    with pytest.raises(CrlRefused):
        store.set_crl(fingerprint, b"garbage", source="t", now=NOW, operator="t")
    with pytest.raises(AnchorUnknown):
        store.set_crl("00000000", issuer.crl(), source="t", now=NOW, operator="t")
    assert store.set_crl(fingerprint, issuer.crl(), source="t", now=NOW, operator="t").crl is not None


def test_the_trail_shows_an_edited_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    issuer = made_issuer()
    store = open_trust_store(tmp_path / "trust")
    for purpose, der in (
        (PinKind.AUTH, issuer.card.auth_ca_certificate),
        (PinKind.SIGN, issuer.card.sign_ca_certificate),
    ):
        store.add(purpose, der or b"", source="card", now=NOW, operator="admin")
    store.remove(issuer.published_sha256(issuer.sign_ca)[:8], now=NOW, operator="admin")
    assert [(c.seq, c.action, c.operator, c.intact) for c in store.history()] == [
        (1, "add", "admin", True),
        (2, "add", "admin", True),
        (3, "remove", "admin", True),
    ]
    trail = tmp_path / "trust" / "audit.jsonl"
    lines = trail.read_text().splitlines()
    first = json.loads(lines[0]) | {"operator": "someone else"}
    trail.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    assert [c.intact for c in store.history()] == [True, False, True]
    assert trust_cli(tmp_path / "trust", "list", "--history") == 0
    assert "the trail is BROKEN before this line" in capsys.readouterr().out


def test_a_training_ca_written_into_the_store_by_hand_makes_it_refused(tmp_path: Path) -> None:
    issuer = made_issuer()
    store = open_trust_store(tmp_path)
    store.add(PinKind.AUTH, issuer.card.auth_ca_certificate, source="t", now=NOW, operator="t")
    data = json.loads((tmp_path / "anchors.json").read_text())
    training = pem_file(tmp_path, training_pki().auth_ca_certificate, "training.pem").read_text()
    data["anchors"].append(data["anchors"][0] | {"certificate": training})
    (tmp_path / "anchors.json").write_text(json.dumps(data))
    with pytest.raises(TrustStoreInvalid, match="TRAINING CA"):
        terminal_trust(store, training=False)
    assert terminal_trust(store, training=True).training  # training mode does not read the store


def test_a_damaged_store_is_a_typed_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "anchors.json").write_text("{not json")
    with pytest.raises(TrustStoreInvalid):
        open_trust_store(tmp_path).anchors()
    assert trust_cli(tmp_path, "list") == 5
    assert capsys.readouterr().err.startswith("jpki-reset: trust-store-invalid:")


def test_status_says_plainly_that_no_crl_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer = made_issuer()
    card = TrainingCard("adult", issued=issuer.card)
    monkeypatch.setattr("readers.spec.open_reader", lambda spec: EmulatedReader(card))
    assert main(["--trust-store", str(tmp_path), "status", "--reader", "pcsc", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["triage"]
    assert before["verdict"] == "issuer-not-trusted"
    store = open_trust_store(tmp_path)
    store.add(PinKind.AUTH, issuer.card.auth_ca_certificate, source="t", now=NOW, operator="t")
    assert main(["--trust-store", str(tmp_path), "status", "--reader", "pcsc"]) == 0
    text = capsys.readouterr().out
    assert "VERDICT: the kiosk path can reset" in text
    assert "no CRL is configured for this card's issuer on this terminal: revocation is not checked" in text
    assert "To check revocation, add the issuer's CRL: jpki-reset trust crl FINGERPRINT FILE" in text
