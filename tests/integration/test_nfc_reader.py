"""NfcReader through nfcpy's own udp driver and ISO-DEP initiator, with the training card behind
the Type B bridge."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from readers.bridges.nfc_udp import NfcUdpCard
from readers.conversations import CONVERSATIONS, Stage, record
from readers.errors import CardRemoved, NoCard
from readers.jpki import CertificateKind, JpkiSession, PinKind
from readers.nfc import NfcReader
from readers.pin import Pin
from readers.reader import CARD_REMOVED
from readers.recording import ApduLine, load_recording
from readers.training_card.pki import training_pki
from readers.training_card.profiles import AUTH_PIN, TRAINING_ATR


def spy_on_blocks(bridge: NfcUdpCard) -> list[tuple[bytes, bytes | None]]:
    """Every frame the card hears from nfcpy and what it answers."""
    seen: list[tuple[bytes, bytes | None]] = []
    receive = bridge.type_b.receive

    def spy(frame: bytes) -> bytes | None:
        answer = receive(frame)
        seen.append((frame, answer))
        return answer

    bridge.type_b.receive = spy  # type: ignore[method-assign]
    return seen


async def test_step1_over_nfcpy_sends_what_the_in_process_card_gets(
    nfc_card: NfcUdpCard, nfc_path, step1_baseline, tmp_path: Path
) -> None:
    out = tmp_path / "step1.jsonl"
    outcome = await record(NfcReader(nfc_path(nfc_card)), "step1-sign-reset", out, Stage())
    recording = load_recording(out)
    assert outcome == step1_baseline.outcome
    assert [e.c for e in recording.entries if isinstance(e, ApduLine)] == step1_baseline.commands
    assert recording.header.transport == "nfc"
    assert recording.header.atr == TRAINING_ATR.hex(" ").upper()


async def test_a_signature_comes_back_whole_through_chaining_and_a_time_extension(
    nfc_card: NfcUdpCard, nfc_path
) -> None:
    blocks = spy_on_blocks(nfc_card)
    reader = NfcReader(nfc_path(nfc_card))
    await reader.connect()
    try:
        card = JpkiSession.on(reader)
        await card.verify(PinKind.AUTH, Pin(AUTH_PIN))
        der = await card.read_certificate(CertificateKind.AUTH)
        message = b"a challenge from the reservation service"
        signature = await card.sign(PinKind.AUTH, hashlib.sha256(message).digest())
    finally:
        await reader.disconnect()
    x509.load_der_x509_certificate(der).public_key().verify(
        signature, message, padding.PKCS1v15(), hashes.SHA256()
    )
    answers = [answer for _, answer in blocks if answer]
    sign_at = next(i for i, (frame, _) in enumerate(blocks) if frame[1:3] == b"\x80\x2a")
    assert blocks[sign_at][1] == b"\xf2\x01"  # S(WTX) before the signature
    assert blocks[sign_at + 1][0] == b"\xf2\x01"  # nfcpy grants it
    assert blocks[sign_at + 1][1][0] & 0x10  # the 258-byte answer starts a chain
    assert any(answer[0] & 0xF6 == 0x12 for answer in answers)


async def test_connect_gives_the_atr_a_pcsc_reader_would_build(nfc_card: NfcUdpCard, nfc_path) -> None:
    reader = NfcReader(nfc_path(nfc_card))
    assert await reader.connect() == TRAINING_ATR
    await reader.disconnect()


async def test_card_lifted_during_the_certificate_read_then_put_back(nfc_card: NfcUdpCard, nfc_path) -> None:
    nfc_card.remove_after(3)  # at the second READ BINARY
    reader = NfcReader(nfc_path(nfc_card))
    events: list[str] = []
    reader.add_listener(events.append)

    async def put_back() -> None:
        nfc_card.insert()

    outcome = await CONVERSATIONS["cert-read-removed"](reader, Stage(put_card_back=put_back))
    length = len(training_pki().cards["adult"].auth_certificate)
    assert outcome == ["card-removed", f"after re-insert: {length} bytes"]
    assert events == [CARD_REMOVED]


async def test_card_lifted_while_signing_is_not_asked_for_the_pin_again(
    nfc_card: NfcUdpCard, nfc_path
) -> None:
    sign_at = 11  # SELECT AP, SELECT PIN, tries, VERIFY, SELECT cert, 5 reads, SELECT key, SIGN
    nfc_card.remove_after(sign_at)
    with pytest.raises(CardRemoved):
        await CONVERSATIONS["step1-sign-reset"](NfcReader(nfc_path(nfc_card)), Stage())
    assert nfc_card.commands[-1].startswith("00 A4 02 0C 02 00 17")  # SELECT key, then the lift
    assert sum(c.startswith("00 20 00 80 04") for c in nfc_card.commands) == 1


async def test_no_card_in_the_field(nfc_card: NfcUdpCard, nfc_path) -> None:
    nfc_card.remove()
    with pytest.raises(NoCard):
        await NfcReader(nfc_path(nfc_card)).connect()


async def test_nfcpy_debug_logging_never_shows_the_pin(
    nfc_card: NfcUdpCard, nfc_path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="nfc")  # as someone hunting a fault would
    reader = NfcReader(nfc_path(nfc_card))
    await reader.connect()
    try:
        await JpkiSession.on(reader).verify(PinKind.AUTH, Pin(AUTH_PIN))
    finally:
        await reader.disconnect()
    assert any(record.name.startswith("readers") for record in caplog.records)  # logging was on
    text = caplog.text.lower()
    for form in (AUTH_PIN.encode().hex(), AUTH_PIN.encode().hex(" ")):
        assert form not in text


async def test_a_card_that_misses_its_first_attrib_is_still_activated(nfc_card: NfcUdpCard, nfc_path) -> None:
    receive = nfc_card.type_b.receive
    missed: list[bytes] = []

    def deaf_to_the_first_attrib(frame: bytes) -> bytes | None:
        if frame[0] == 0x1D and not missed:
            missed.append(frame)
            return None
        return receive(frame)

    nfc_card.type_b.receive = deaf_to_the_first_attrib  # type: ignore[method-assign]
    reader = NfcReader(nfc_path(nfc_card))
    assert await reader.connect() == TRAINING_ATR
    await reader.disconnect()
    assert missed
