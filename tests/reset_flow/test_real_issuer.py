"""A real issuer's card (its CA made by the test, not the training CA) through the trust ceremony:
refused before it, before any PIN; after it, step 1 makes a reservation and step 2 does every
check and stops at the issuer's command, through the embedded service that reads the same store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography import x509

from readers.emulated import EmulatedReader
from readers.jpki import PinKind
from readers.pin import Pin
from readers.training_card.applet import TrainingCard
from readers.training_card.profiles import AUTH_PIN
from reset_flow.clock import FixedClock
from reset_flow.embedded import embedded_client
from reset_flow.states import (
    IssuerNotTrusted,
    NeedNewPin,
    NeedPin,
    ReservationMade,
    StoppedBeforeIssuerCommand,
)
from reset_flow.step1 import Step1
from reset_flow.step2 import Step2
from reset_flow.triage import ReasonCode, Verdict, triage
from reset_flow.trust_setup import open_trust_store, terminal_trust
from tests.issuer import made_issuer
from tests.reset_flow.conftest import WatchedReader
from tui.cli import build_parser
from tui.commands import trust as trust_command

GET_CHALLENGE, EXTERNAL_AUTHENTICATE, RESET_RETRY_COUNTER, VERIFY = 0x84, 0x82, 0x2C, 0x20


def grouped(hex_text: str) -> str:
    return " ".join(hex_text[i : i + 4] for i in range(0, len(hex_text), 4))


async def run_ceremony(
    store: Path, typed: list[str], monkeypatch: pytest.MonkeyPatch, card: TrainingCard
) -> int:
    """``jpki-reset trust add --reader pcsc:Counter Reader`` with the card on that reader and the
    operator typing ``typed``, one answer per prompt."""
    monkeypatch.setattr("readers.spec.open_reader", lambda spec: EmulatedReader(card))
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(answer + "\n" for answer in typed)))
    args = build_parser().parse_args(
        ["trust", "add", "--reader", "pcsc:Counter Reader", "--store", str(store)]
    )
    return await trust_command.run(args)


def steps(
    reader: EmulatedReader, folder: Path, clock: FixedClock, cls: type[Step1] | type[Step2]
) -> Step1 | Step2:
    """A flow as the TUI composes it for a PC/SC reader: the embedded service and the card check
    trust what the trust store holds, read now."""
    trust = terminal_trust(open_trust_store(folder / "trust"), training=False)
    service = embedded_client(folder / "data", clock=clock, trust=trust)
    return cls(reader, service, clock, revocation=trust.revocation_of, issuer=trust.trusts_issuer_of)


async def test_before_the_ceremony_the_card_stops_before_any_pin(tmp_path: Path, clock: FixedClock) -> None:
    issuer = made_issuer()
    reader = WatchedReader(TrainingCard("adult", issued=issuer.card))
    flow = steps(reader, tmp_path, clock, Step1)
    assert isinstance(await flow.start(), IssuerNotTrusted)
    assert reader.count(VERIFY, with_data=True) == 0
    assert flow.session.report is not None
    verdict = triage(flow.session.report, clock.now(), flow.revocation, flow.issuer)
    assert verdict.verdict is Verdict.ISSUER_NOT_TRUSTED
    assert ReasonCode.ISSUER_NOT_TRUSTED in [r.code for r in verdict.reasons]
    assert verdict.kiosk_pins == (PinKind.SIGN, PinKind.AUTH)  # the card itself could take the path


async def test_the_ceremony_then_step_1_and_step_2_to_the_issuer_boundary(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer = made_issuer()
    card = TrainingCard("adult", issued=issuer.card)
    published = [issuer.published_sha256(issuer.auth_ca), issuer.published_sha256(issuer.sign_ca)]
    # The operator compares what is shown with the published values, then types the last 8.
    assert await run_ceremony(tmp_path / "trust", [p[-8:] for p in published], monkeypatch, card) == 0
    shown = capsys.readouterr().out
    for value in published:
        first, second = grouped(value)[:39], grouped(value)[40:]
        assert first in shown and second in shown  # in groups of four, as issuers publish them
    assert "The card's own user-authentication certificate is signed by this CA." in shown
    assert "no CRL is configured: revocation of this issuer's certificates is NOT checked" in shown

    store = open_trust_store(tmp_path / "trust")
    assert [a.purpose for a in store.anchors()] == [PinKind.AUTH, PinKind.SIGN]
    trail = store.history()
    assert [(c.action, c.purpose, c.sha256) for c in trail] == [
        ("add", "auth", published[0]),
        ("add", "sign", published[1]),
    ]
    assert all(c.intact and "card EF" in c.source for c in trail)

    reader = WatchedReader(card)
    step1 = steps(reader, tmp_path, clock, Step1)
    await step1.start()
    await step1.choose_pin(PinKind.SIGN)
    await step1.answer_signing_questions(details_changed=False, loss_reported=False)
    await step1.confirm_identity()
    reserved = await step1.enter_pin(Pin(AUTH_PIN))
    assert isinstance(reserved, ReservationMade), reserved

    step2 = steps(reader, tmp_path, clock, Step2)
    assert isinstance(await step2.start(), NeedPin)
    assert isinstance(await step2.enter_pin(Pin(AUTH_PIN)), NeedNewPin)
    stopped = await step2.enter_new_pin(Pin("NEWPIN42"), Pin("NEWPIN42"))
    assert isinstance(stopped, StoppedBeforeIssuerCommand), stopped
    assert "certificate-chain" in stopped.checks and "proof-signature" in stopped.checks
    # Nothing was faked: no command of the issuer's was sent, and the PINs are as they were.
    assert [reader.count(ins) for ins in (GET_CHALLENGE, EXTERNAL_AUTHENTICATE, RESET_RETRY_COUNTER)] == [
        0,
        0,
        0,
    ]
    assert card.pins[0x001B].value == b"TRAIN1234" and card.pins[0x001B].tries_left == 5


async def test_a_mistyped_confirmation_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer = made_issuer()
    card = TrainingCard("adult", issued=issuer.card)
    wrong = issuer.published_sha256(issuer.auth_ca)[-9:-1]  # shifted by one: not the last 8
    assert await run_ceremony(tmp_path / "trust", [wrong, ""], monkeypatch, card) == 2
    assert "does not match" in capsys.readouterr().out
    assert open_trust_store(tmp_path / "trust").anchors() == ()


async def test_a_training_card_offers_nothing_to_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_ceremony(tmp_path / "trust", [], monkeypatch, TrainingCard("adult")) == 2
    assert capsys.readouterr().out.count("training-anchor-refused") == 2
    assert open_trust_store(tmp_path / "trust").anchors() == ()


async def test_a_crl_given_for_the_anchor_is_checked(tmp_path: Path, clock: FixedClock) -> None:
    issuer = made_issuer()
    store = open_trust_store(tmp_path / "trust")
    now = clock.now()
    auth = store.add(
        PinKind.AUTH, issuer.card.auth_ca_certificate, source="test", now=now, operator="tester"
    )[0]
    store.add(PinKind.SIGN, issuer.card.sign_ca_certificate or b"", source="test", now=now, operator="tester")
    card_cert = x509.load_der_x509_certificate(issuer.card.auth_certificate)
    revoked = issuer.crl((card_cert,))
    store.set_crl(auth.sha256.hex()[:8], revoked, source="test", now=now, operator="tester")
    assert [c.action for c in store.history()] == ["add", "add", "crl"]
    reader = WatchedReader(TrainingCard("adult", issued=issuer.card))
    flow = steps(reader, tmp_path, clock, Step1)
    state = await flow.start()
    assert state.name == "go-to-window"
    assert ReasonCode.AUTH_CERTIFICATE_REVOKED in [r.code for r in state.reasons]  # type: ignore[attr-defined]
