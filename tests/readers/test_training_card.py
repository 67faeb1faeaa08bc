"""The training card answers as docs/protocol.md says, to the byte."""

import hashlib
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from readers.card_identity import card_identity
from readers.jpki_applet import AID_JPKI, AID_KENMEN, SHA256_PREFIX
from readers.training_card.applet import TrainingCard
from readers.training_card.pki import training_pki
from readers.training_card.profiles import get_profile
from readers.training_card.reset_protocol import card_key, reset_cryptogram

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
    # The exhausting wrong try answers 63 C0; every later one, and the tries query, 69 84.
    assert [send(card, wrong) for _ in range(4)] == ["63C2", "63C1", "63C0", "6984"]
    assert send(card, "00200080") == "6984"  # the tries query of a blocked PIN
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


def test_unknown_applications_and_files_are_not_found(card: TrainingCard) -> None:
    assert send(card, "00A4040C07A0000000030000") == "6A82"
    assert send(card, "00A4040C04" + AID_JPKI[:4].hex()) == "6A82"  # shorter than a provider id
    assert send(card, SELECT_JPKI, select_ef("0F0F")) == "6A82"


@pytest.mark.parametrize("length", [5, 6, 9])
def test_a_prefix_of_the_jpki_aid_selects_it(card: TrainingCard, length: int) -> None:
    assert send(card, f"00A4040C{length:02X}" + AID_JPKI[:length].hex(), select_ef("0006")) == "9000"
    assert card.respond(bytes.fromhex("00B0000020"))[:15] == b"JPKIAPICCTOKEN2"


def test_the_tries_query_after_a_correct_verify_gives_the_count_or_ok_by_option() -> None:
    answers = []
    for ok in (False, True):
        card = TrainingCard(replace(get_profile("adult"), verified_query_answers_ok=ok))
        card.power_on()
        send(card, SELECT_JPKI, select_ef("0018"), "002000800431323334")
        answers.append(send(card, "00200080"))
    assert answers == ["63C3", "9000"]  # the public trace's reading first, then the other


@pytest.mark.parametrize(("keeps", "after"), [(True, "9000"), (False, "6982")])
def test_a_reselect_of_the_jpki_application_keeps_the_verified_pin_by_option(keeps: bool, after: str) -> None:
    card = TrainingCard(replace(get_profile("adult"), reselect_keeps_verified=keeps))
    card.power_on()
    send(card, SELECT_JPKI, select_ef("0018"), "002000800431323334")
    digest_info = (SHA256_PREFIX + bytes(32)).hex()
    assert send(card, SELECT_JPKI, select_ef("0017"), "802A008033" + digest_info + "00") == after
    # Another application in between always drops it.
    send(card, "00A4040C0A" + AID_KENMEN.hex())
    assert send(card, SELECT_JPKI, select_ef("0017"), "802A008033" + digest_info + "00") == "6982"


def test_the_card_info_application_holds_the_training_person_behind_its_pin(card: TrainingCard) -> None:
    select = "00A4040C0A" + AID_KENMEN.hex()
    assert send(card, select, select_ef("0002"), "00B0000000") == "6982"
    assert send(card, select_ef("0011"), "00200080") == "63C3"
    assert send(card, "002000800431323334") == "9000"
    send(card, select_ef("0001"))
    number = card.respond(bytes.fromhex("00B0000010"))
    assert number == b"\xff\x10\x0c" + b"000000000000" + b"\x90\x00"  # plainly no one's number
    send(card, select_ef("0002"))
    record = card.respond(bytes.fromhex("00B0000000"))[:-2]
    assert record[:2] == b"\xff\x20" and record[2] == len(record) - 3
    items, at = {}, 3
    while at < len(record):
        tag, size = record[at + 1], record[at + 2]
        items[tag] = (at, record[at + 3 : at + 3 + size])
        at += 3 + size
    assert items[0x22][1] == b"TRAINING Taro Adult" and items[0x24][1] == b"19900401"
    assert items[0x23][1].startswith(b"TRAINING") and items[0x25][1] == b"9"
    offsets = items[0x21][1]
    assert [int.from_bytes(offsets[i : i + 2], "big") for i in (0, 2, 4, 6)] == [
        items[t][0] for t in (0x22, 0x23, 0x24, 0x25)
    ]


@pytest.mark.parametrize(
    ("data", "algorithm"),
    [
        (b"raw data, no DigestInfo", None),
        (
            bytes.fromhex("302D300D06096086480165030402040500041C") + hashlib.sha224(b"m").digest(),
            hashes.SHA224(),
        ),
        (SHA256_PREFIX + hashlib.sha256(b"m").digest(), hashes.SHA256()),
    ],
)
def test_sign_pads_whatever_it_is_given_with_pkcs1_type_1(card: TrainingCard, data: bytes, algorithm) -> None:  # type: ignore[no-untyped-def]
    send(card, SELECT_JPKI, select_ef("0018"), "002000800431323334", select_ef("0017"))
    answer = card.respond(bytes((0x80, 0x2A, 0x00, 0x80, len(data))) + data + b"\x00")
    assert answer[-2:] == b"\x90\x00"
    key = x509.load_der_x509_certificate(training_pki().cards["adult"].auth_certificate).public_key()
    numbers = key.public_numbers()
    block = pow(int.from_bytes(answer[:-2], "big"), numbers.e, numbers.n).to_bytes(256, "big")
    assert block == b"\x00\x01" + b"\xff" * (253 - len(data)) + b"\x00" + data
    if algorithm is not None:  # a DigestInfo: an ordinary PKCS#1 v1.5 signature of the message
        key.verify(answer[:-2], b"m", padding.PKCS1v15(), algorithm)
    too_long = bytes(246)
    assert send(card, "802A0080F6" + too_long.hex() + "00") == "6A80"


@pytest.mark.parametrize(("profile", "select_answer"), [("felica", "6A81"), ("other-iso", "6A82")])
def test_cards_that_are_not_my_number_cards(profile: str, select_answer: str) -> None:
    card = TrainingCard(profile)
    atr = card.power_on()
    assert atr[:4] == bytes.fromhex("3B8F8001" if profile == "felica" else "3B888001")
    assert send(card, SELECT_JPKI) == select_answer
    assert send(card, "80A4040C00") == ("6A81" if profile == "felica" else "6E00")


def test_a_card_that_needs_settling_answers_6f00_once_after_power_up() -> None:
    card = TrainingCard(replace(get_profile("adult"), not_ready_after_power_up=True))
    card.power_on()
    assert [send(card, SELECT_JPKI), send(card, SELECT_JPKI)] == ["6F00", "9000"]
    card.power_on()
    assert send(card, SELECT_JPKI) == "6F00"


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
