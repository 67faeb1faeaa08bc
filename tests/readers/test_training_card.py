"""The training card answers as docs/protocol.md says, to the byte."""

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from readers.jpki_applet import AID_JPKI, SHA256_PREFIX
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki
from readers.training_card.reset_protocol import card_identity, card_key, reset_cryptogram

SELECT_JPKI = "00A4040C0A" + AID_JPKI.hex()


def send(card: TrainingCard, *hex_commands: str) -> str:
    """Send commands; return the last answer's status word as hex (data before it dropped)."""
    answer = b""
    for command in hex_commands:
        answer = card.respond(bytes.fromhex(command.replace(" ", "")))
    return answer[-2:].hex().upper()


def select_ef(fid: str) -> str:
    return "00A4020C02" + fid


@pytest.fixture
def card() -> TrainingCard:
    c = TrainingCard("adult")
    c.power_on()
    return c


def test_wrong_pins_count_down_then_block(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("0018"))
    wrong = "002000800438363432"
    assert [send(card, wrong) for _ in range(4)] == ["63C2", "63C1", "63C0", "6984"]
    assert send(card, "00200080") == "63C0"  # the tries query of a blocked PIN
    assert send(card, "002000800431323334") == "6984"  # even the right PIN is refused now


def test_a_right_pin_restores_the_count_and_a_query_spends_nothing(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("001B"))
    assert send(card, "00200080") == "63C5"
    assert send(card, "00200080") == "63C5"
    assert send(card, "002000800438363432") == "63C4"
    assert send(card, "0020008009" + b"TRAIN1234".hex()) == "9000"
    card.power_on()
    assert send(card, SELECT_JPKI, select_ef("001B"), "00200080") == "63C5"


def test_counters_survive_a_power_cycle_but_verification_does_not(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("0018"), "002000800438363432")
    assert send(card, "002000800431323334") == "9000"
    card.power_on()
    send(card, SELECT_JPKI, select_ef("0018"))
    assert send(card, "00200080") == "63C3"
    send(card, "002000800438363432")
    card.power_on()
    assert send(card, SELECT_JPKI, select_ef("0018"), "00200080") == "63C2"


def test_signing_certificate_and_key_need_the_signing_pin(card: TrainingCard) -> None:
    assert send(card, SELECT_JPKI, select_ef("0001"), "00B0000000") == "6982"
    digest_info = (SHA256_PREFIX + bytes(32)).hex()
    assert send(card, select_ef("001A"), "802A008033" + digest_info + "00") == "6982"
    send(card, select_ef("001B"), "0020008009" + b"TRAIN1234".hex())
    assert send(card, select_ef("0001"), "00B0000000") == "9000"


def test_unknown_applications_and_files_and_partial_aids_are_not_found(card: TrainingCard) -> None:
    assert send(card, "00A4040C07A0000000030000") == "6A82"
    assert send(card, "00A4040C05" + AID_JPKI[:5].hex()) == "6A82"
    assert send(card, SELECT_JPKI, select_ef("0F0F")) == "6A82"


def test_reading_past_the_end_is_6b00_and_the_end_is_short(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("000A"))
    length = len(training_pki().cards["adult"].auth_certificate)
    last = card.respond(bytes.fromhex(f"00B0{length - 10:04X}00"))
    assert len(last) == 10 + 2 and last[-2:] == b"\x90\x00"
    assert send(card, f"00B0{length:04X}00") == "6B00"


def test_the_auth_key_signs_a_digest_the_certificate_verifies(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("0018"), "002000800431323334", select_ef("0017"))
    digest = hashlib.sha256(b"challenge").digest()
    answer = card.respond(bytes.fromhex("802A008033") + SHA256_PREFIX + digest + b"\x00")
    assert answer[-2:] == b"\x90\x00" and len(answer) == 258
    cert = x509.load_der_x509_certificate(training_pki().cards["adult"].auth_certificate)
    cert.public_key().verify(answer[:-2], b"challenge", padding.PKCS1v15(), hashes.SHA256())


def test_sign_without_le_answers_61xx_and_get_response_delivers(card: TrainingCard) -> None:
    send(card, SELECT_JPKI, select_ef("0018"), "002000800431323334", select_ef("0017"))
    digest = hashlib.sha256(b"x").digest()
    first = card.respond(bytes.fromhex("802A008033") + SHA256_PREFIX + digest)
    assert first == bytes.fromhex("6100")
    rest = card.respond(bytes.fromhex("00C0000000"))
    assert len(rest) == 258 and rest[-2:] == b"\x90\x00"


def test_get_challenge_with_a_wrong_length_names_the_right_one(card: TrainingCard) -> None:
    assert send(card, "0084000010") == "6C08"
    assert len(card.respond(bytes.fromhex("0084000008"))) == 10


def reset_commands(card: TrainingCard, pin_file: int, cryptogram_key: bytes | None) -> str:
    send(card, SELECT_JPKI, select_ef(f"{pin_file:04X}"))
    challenge = card.respond(bytes.fromhex("0084000008"))[:-2]
    key = cryptogram_key or card_key(
        training_pki().reset_master_key,
        card_identity(training_pki().cards[card.profile.name].auth_certificate),
    )
    cryptogram = reset_cryptogram(key, challenge, pin_file)
    return send(card, "0082000010" + cryptogram.hex())


def test_reset_retry_counter_needs_external_authenticate() -> None:
    card = TrainingCard("sign-blocked")
    card.power_on()
    assert send(card, SELECT_JPKI, select_ef("001B"), "002C028007" + b"NEW1PIN".hex()) == "6982"
    assert reset_commands(card, 0x001B, bytes(16)) == "6300"  # a wrong key
    assert send(card, "002C028007" + b"NEW1PIN".hex()) == "6982"
    assert reset_commands(card, 0x001B, None) == "9000"
    assert send(card, "002C028007" + b"NEW1PIN".hex()) == "9000"
    assert send(card, "00200080") == "63C5"
    assert send(card, "0020008007" + b"NEW1PIN".hex()) == "9000"


def test_a_cryptogram_for_one_pin_does_not_reset_the_other() -> None:
    card = TrainingCard("both-blocked")
    card.power_on()
    send(card, SELECT_JPKI, select_ef("0018"))
    challenge = card.respond(bytes.fromhex("0084000008"))[:-2]
    key = card_key(
        training_pki().reset_master_key,
        card_identity(training_pki().cards["both-blocked"].auth_certificate),
    )
    assert send(card, "0082000010" + reset_cryptogram(key, challenge, 0x001B).hex()) == "6300"


def test_a_challenge_is_used_once(card: TrainingCard) -> None:
    assert reset_commands(card, 0x0018, None) == "9000"
    assert send(card, "0082000010" + "00" * 16) == "6985"


def test_face_authentication_card_has_no_pins() -> None:
    card = TrainingCard("face-auth")
    card.power_on()
    assert send(card, SELECT_JPKI, select_ef("0018"), "00200080") == "6A88"
    assert send(card, select_ef("0008"), "00B0000003")[-4:] == "9000"
    assert card.respond(bytes.fromhex("00B0000003"))[:3] == bytes.fromhex("008F00")
