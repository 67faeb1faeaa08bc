"""The JPKI client against the training card: detection, tries, VERIFY rules, reads, signing."""

import hashlib
import math
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from readers.card_identity import card_identity
from readers.card_info import CardInfoSession
from readers.emulated import EmulatedReader
from readers.errors import (
    CardRemoved,
    LastTryNotConfirmed,
    NotAMyNumberCard,
    PinBlocked,
    PinNotSet,
    SecurityStatusNotSatisfied,
    TransportError,
    WrongPin,
)
from readers.jpki import CardKind, CertificateKind, JpkiSession, PinKind
from readers.pin import Pin
from readers.resident_registry import ResidentRegistrySession
from readers.training_card.applet import TrainingCard
from readers.training_card.issuer import TrainingIssuer
from readers.training_card.pki import training_pki
from readers.training_card.profiles import get_profile
from readers.training_card.reset_protocol import TrainingResetAuthority

AUTH = Pin("1234")
SIGN = Pin("TRAIN1234")
WRONG = Pin("8642")


class CountingReader(EmulatedReader):
    """An emulated reader that keeps the commands it carried."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.sent: list[bytes] = []

    async def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        return await super().transmit(command)

    def verifies_with_data(self) -> int:
        return sum(1 for c in self.sent if c[1] == 0x20 and len(c) > 4)


async def open_card(
    profile: str = "adult", *, options: dict | None = None, **kwargs
) -> tuple[CountingReader, JpkiSession]:  # type: ignore[no-untyped-def]
    """A card of ``profile`` (with the emulator ``options`` of docs/training-cards.md) on a reader."""
    reader = CountingReader(TrainingCard(replace(get_profile(profile), **(options or {}))), **kwargs)
    await reader.connect()
    return reader, JpkiSession.on(reader)


# The two readings of the tries query of a verified PIN: its count (the public trace) or 90 00.
READINGS = [pytest.param({}, id="count"), pytest.param({"verified_query_answers_ok": True}, id="ok")]


@pytest.mark.parametrize(
    ("profile", "kind", "sign_cert"),
    [
        ("adult", CardKind.MY_NUMBER_CARD, True),
        ("under-15", CardKind.MY_NUMBER_CARD, False),
        ("juki-card", CardKind.JUKI_CARD, True),
    ],
)
async def test_detect_tells_the_card_kind(profile: str, kind: CardKind, sign_cert: bool) -> None:
    _, card = await open_card(profile)
    info = await card.detect()
    assert info.kind is kind and info.has_sign_certificate is sign_cert and info.has_auth_certificate


async def test_a_card_without_the_jpki_application_is_named_so() -> None:
    _, card = await open_card()
    card.connection.reader.card.files.pop(next(iter(card.connection.reader.card.files)))  # no JPKI AP
    with pytest.raises(NotAMyNumberCard):
        await card.detect()


async def test_tries_are_read_without_spending_one() -> None:
    reader, card = await open_card("one-try-left")
    for _ in range(3):
        status = await card.pin_status(PinKind.AUTH)
    assert (status.tries_left, status.last_try, status.blocked) == (1, True, False)
    assert reader.verifies_with_data() == 0


async def test_all_four_pins_have_a_status_each_from_its_own_applet() -> None:
    _, card = await open_card()
    tries = [(await card.pin_status(kind)).tries_left for kind in (PinKind.AUTH, PinKind.SIGN)]
    tries.append((await ResidentRegistrySession(card.connection).pin_status()).tries_left)
    tries.append((await CardInfoSession(card.connection).pin_status()).tries_left)
    assert tries == [3, 5, 3, 3]
    with pytest.raises(ValueError):  # the JPKI session speaks only for its own two PINs
        await card.pin_status(PinKind.JUKI)


async def test_a_wrong_pin_reports_tries_left_and_is_never_retried() -> None:
    reader, card = await open_card()
    with pytest.raises(WrongPin) as raised:
        await card.verify(PinKind.AUTH, WRONG)
    assert raised.value.tries_left == 2
    assert reader.verifies_with_data() == 1
    assert (await card.pin_status(PinKind.AUTH)).tries_left == 2


@pytest.mark.parametrize("options", READINGS)
async def test_the_last_try_needs_a_confirmation(options: dict) -> None:
    reader, card = await open_card("one-try-left", options=options)
    with pytest.raises(LastTryNotConfirmed):
        await card.verify(PinKind.AUTH, AUTH)
    assert reader.verifies_with_data() == 0
    await card.verify(PinKind.AUTH, AUTH, confirm_last_try=True)
    status = await card.pin_status(PinKind.AUTH)
    if options:  # the card says "verified in this session", with no count
        assert (status.verified, status.tries_left) == (True, None)
    else:  # the count, full again after a correct VERIFY
        assert (status.verified, status.tries_left) == (False, 3)


async def test_a_confirmed_wrong_last_try_blocks() -> None:
    _, card = await open_card("one-try-left")
    with pytest.raises(PinBlocked):
        await card.verify(PinKind.AUTH, WRONG, confirm_last_try=True)
    assert (await card.pin_status(PinKind.AUTH)).blocked


@pytest.mark.parametrize(
    ("profile", "kind"), [("sign-blocked", PinKind.SIGN), ("both-blocked", PinKind.AUTH)]
)
async def test_nothing_is_sent_to_a_blocked_pin(profile: str, kind: PinKind) -> None:
    reader, card = await open_card(profile)
    with pytest.raises(PinBlocked):
        await card.verify(kind, WRONG, confirm_last_try=True)
    assert reader.verifies_with_data() == 0


async def test_a_face_authentication_card_gets_no_pin() -> None:
    reader, card = await open_card("face-auth")
    with pytest.raises(PinNotSet):
        await card.verify(PinKind.AUTH, AUTH)
    assert reader.verifies_with_data() == 0


async def test_a_pin_the_card_says_is_verified_is_not_sent_again() -> None:
    reader, card = await open_card(options={"verified_query_answers_ok": True})
    await card.verify(PinKind.AUTH, AUTH)
    assert (await card.pin_status(PinKind.AUTH)).verified  # 90 00: verified in this session
    await card.verify(PinKind.AUTH, WRONG)  # nothing is sent: the card holds the PIN verified
    assert reader.verifies_with_data() == 1
    assert len(await card.sign(PinKind.AUTH, bytes(32))) == 256


@pytest.mark.parametrize("options", READINGS)
async def test_a_blocked_pin_answers_69_84_to_the_tries_query(options: dict) -> None:
    reader, card = await open_card("one-try-left", options=options)
    with pytest.raises(PinBlocked) as raised:
        await card.verify(PinKind.AUTH, WRONG, confirm_last_try=True)  # 63 C0: wrong, now blocked
    assert raised.value.compared
    assert reader.card.respond(bytes.fromhex("00200080")) == b"\x69\x84"
    assert (await card.pin_status(PinKind.AUTH)).blocked


async def test_after_a_link_failure_during_verify_the_tries_are_read_again() -> None:
    reader, card = await open_card()
    await card.pin_status(PinKind.AUTH)
    reader.remove_after(0)
    with pytest.raises(CardRemoved):
        await card.verify(PinKind.AUTH, AUTH)
    reader.insert_card()
    await reader.connect()
    before = len(reader.sent)
    await card.verify(PinKind.AUTH, AUTH)
    after = [c[1] for c in reader.sent[before:]]
    assert after == [0xA4, 0xA4, 0x20, 0x20]  # select AP, select PIN, tries query, VERIFY


async def test_a_certificate_is_read_in_the_fewest_short_reads() -> None:
    reader, card = await open_card()
    der = await card.read_certificate(CertificateKind.AUTH)
    assert der == training_pki().cards["adult"].auth_certificate
    reads = [c for c in reader.sent if c[1] == 0xB0]
    assert len(reads) == math.ceil(len(der) / 256)


async def test_extended_length_reads_a_certificate_in_one_command() -> None:
    reader, card = await open_card(extended_length=True)
    der = await card.read_certificate(CertificateKind.SIGN_CA)
    assert der == training_pki().sign_ca_certificate
    assert len([c for c in reader.sent if c[1] == 0xB0]) == 1


async def test_extended_length_refused_by_the_card_falls_back_to_short_reads() -> None:
    reader, card = await open_card(extended_length=True)
    original = reader.card.respond

    def no_extended(raw: bytes) -> bytes:
        return b"\x67\x00" if len(raw) == 7 and raw[1] == 0xB0 else original(raw)

    reader.card.respond = no_extended  # type: ignore[method-assign]
    der = await card.read_certificate(CertificateKind.AUTH)
    assert der == training_pki().cards["adult"].auth_certificate
    assert sum(1 for c in reader.sent if c[1] == 0xB0 and len(c) == 7) == 1


async def test_the_signing_certificate_needs_the_signing_pin() -> None:
    _, card = await open_card()
    with pytest.raises(SecurityStatusNotSatisfied):
        await card.read_certificate(CertificateKind.SIGN)
    await card.verify(PinKind.SIGN, SIGN)
    der = await card.read_certificate(CertificateKind.SIGN)
    assert "TRAINING Taro Adult" in x509.load_der_x509_certificate(der).subject.rfc4514_string()


@pytest.mark.parametrize("key", [PinKind.AUTH, PinKind.SIGN])
async def test_a_signature_verifies_with_the_matching_certificate(key: PinKind) -> None:
    _, card = await open_card()
    await card.verify(key, AUTH if key is PinKind.AUTH else SIGN)
    kind = CertificateKind.AUTH if key is PinKind.AUTH else CertificateKind.SIGN
    cert = x509.load_der_x509_certificate(await card.read_certificate(kind))
    signature = await card.sign(key, hashlib.sha256(b"nonce").digest())
    cert.public_key().verify(signature, b"nonce", padding.PKCS1v15(), hashes.SHA256())


async def test_signing_without_the_pin_is_refused() -> None:
    _, card = await open_card()
    with pytest.raises(SecurityStatusNotSatisfied):
        await card.sign(PinKind.AUTH, bytes(32))


async def test_change_pin_then_the_new_one_works() -> None:
    reader, card = await open_card()
    await card.change_pin(PinKind.SIGN, SIGN, Pin("NEW2PIN9"))
    await reader.connect()
    card = JpkiSession.on(reader)
    with pytest.raises(WrongPin):
        await card.verify(PinKind.SIGN, SIGN)
    await card.verify(PinKind.SIGN, Pin("NEW2PIN9"))


async def test_training_reset_restores_a_blocked_pin() -> None:
    _reader, card = await open_card("sign-blocked")
    await card.verify(PinKind.AUTH, AUTH)
    auth = await card.read_certificate(CertificateKind.AUTH)
    issuer = TrainingIssuer(card.connection)
    challenge = await issuer.challenge(PinKind.SIGN)
    cryptogram = TrainingResetAuthority().cryptogram(card_identity(auth), challenge, PinKind.SIGN)
    await issuer.reset(PinKind.SIGN, cryptogram, Pin("FRESH123"))
    assert (await card.pin_status(PinKind.SIGN)).tries_left == 5
    await card.verify(PinKind.SIGN, Pin("FRESH123"))


async def test_the_emulated_link_refuses_extended_apdus_it_does_not_carry() -> None:
    reader = EmulatedReader(TrainingCard("adult"), extended_length=False)
    await reader.connect()
    with pytest.raises(TransportError):
        await reader.transmit(bytes.fromhex("00B00000000000"))


async def test_step1_card_work_takes_the_minimum_number_of_commands() -> None:
    from readers.conversations import DEMO_CHALLENGE, step1_proof
    from readers.jpki_applet import AID_JPKI

    reader, card = await open_card()
    await card.connection.select_application(AID_JPKI)
    certificate, _ = await step1_proof(card, PinKind.AUTH, AUTH, DEMO_CHALLENGE)
    # SELECT AP, SELECT PIN, tries, VERIFY, SELECT cert, reads, SELECT key, SIGN: nothing more.
    assert len(reader.sent) == 7 + math.ceil(len(certificate) / 256)
