"""The training card as a Type B card: what a reader sees from the field coming on to ISO-DEP."""

from __future__ import annotations

from readers.bridges.type_b import State, TypeBCard
from readers.training_card.profiles import TRAINING_ATR
from readers.type_b_atr import atr_for

SENSB_REQ = bytes.fromhex("050010")  # what nfcpy sends
ALLB_REQ = bytes.fromhex("050008")


def card() -> TypeBCard:
    return TypeBCard(lambda command: b"\x90\x00", TRAINING_ATR)


def attrib(pupi: bytes, param2: int = 0x08) -> bytes:
    return b"\x1d" + pupi + bytes((0x00, param2, 0x01, 0x00))


def test_sensb_res_announces_frame_size_256_and_a_third_of_a_second_to_answer() -> None:
    answer = card().receive(SENSB_REQ)
    assert answer is not None and len(answer) == 12 and answer[0] == 0x50
    assert answer[10] >> 4 == 8  # FSCI 8: frames of 256 bytes
    assert answer[10] & 0x0F == 1  # ISO 14443-4 compliant
    assert answer[11] >> 4 == 10  # FWI 10: 4096/13.56 MHz * 2^10, about 0.31 s


def test_a_pcsc_reader_builds_the_training_atr_from_this_card() -> None:
    type_b = card()
    assert atr_for(type_b.receive(SENSB_REQ), type_b.receive(attrib(type_b.pupi))) == TRAINING_ATR


def test_attrib_for_another_card_is_ignored() -> None:
    type_b = card()
    type_b.receive(SENSB_REQ)
    other = bytes(b ^ 0xFF for b in type_b.pupi)
    assert type_b.receive(attrib(other)) is None
    assert type_b.state is State.READY


def test_attrib_selects_the_card_with_the_readers_frame_size() -> None:
    type_b = card()
    type_b.receive(SENSB_REQ)
    assert type_b.receive(attrib(type_b.pupi, param2=0x05)) == b"\x00"
    assert type_b.state is State.ACTIVE
    assert type_b.session is not None and type_b.session.fsd == 64
    assert type_b.receive(b"\x02\x00\xa4\x04\x0c\x01\x00") == b"\x02\x90\x00"


def test_a_halted_card_wakes_only_for_allb() -> None:
    type_b = card()
    type_b.receive(SENSB_REQ)
    assert type_b.receive(b"\x50" + type_b.pupi) == b"\x00"
    assert type_b.receive(SENSB_REQ) is None
    assert type_b.receive(ALLB_REQ) == type_b.sensb_res


def test_deselect_halts_the_card() -> None:
    type_b = card()
    type_b.receive(SENSB_REQ)
    type_b.receive(attrib(type_b.pupi))
    assert type_b.receive(b"\xc2") == b"\xc2"
    assert type_b.state is State.HALT
    assert type_b.receive(b"\x02\x00\xa4\x04\x0c\x01\x00") is None


def test_a_new_field_gives_a_new_pupi_and_forgets_the_session() -> None:
    type_b = card()
    type_b.receive(SENSB_REQ)
    type_b.receive(attrib(type_b.pupi))
    first = type_b.pupi
    type_b.field_on()
    assert type_b.state is State.IDLE and type_b.session is None
    assert type_b.receive(b"\x02\x00\xa4\x04\x0c\x01\x00") is None
    assert type_b.receive(SENSB_REQ)[1:5] == type_b.pupi != first  # random: 2**-32 to collide
    assert type_b.receive(attrib(first)) is None
