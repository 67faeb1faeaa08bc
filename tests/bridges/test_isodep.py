"""The card's ISO-DEP, driven by nfcpy's own ISO-DEP initiator (an independent implementation of
the reader's side) over a link that can lose frames."""

from __future__ import annotations

import nfc.clf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nfc.tag.tt4 import IsoDepInitiator

from readers.bridges.isodep import IsoDepCard, frame_size

FWT = 4096 / 13.56e6 * 2**10  # FWI 10, as the training card announces


class Applet:
    """Answers every command with a given answer, and remembers what it was asked."""

    def __init__(self, answer: bytes = b"\x90\x00") -> None:
        self.answer = answer
        self.commands: list[bytes] = []

    def __call__(self, command: bytes) -> bytes:
        self.commands.append(command)
        return self.answer


class Link:
    """Stands in for nfcpy's ContactlessFrontend: each frame goes to the card; the answers to the
    frames numbered in ``lose`` (1-based) never reach the reader."""

    def __init__(self, card: IsoDepCard, lose: frozenset[int] = frozenset()) -> None:
        self.card = card
        self.lose = lose
        self.frames: list[bytes] = []
        self.answers: list[bytes | None] = []

    def exchange(self, data: bytearray, timeout: float) -> bytearray:
        self.frames.append(bytes(data))
        answer = self.card.receive(bytes(data))
        self.answers.append(answer)
        if answer is None or len(self.frames) in self.lose:
            raise nfc.clf.TimeoutError("no answer")
        return bytearray(answer)


def session(applet: Applet, *, fsc: int = 256, fsd: int = 256, lose=frozenset(), slow=lambda c: False):
    card = IsoDepCard(applet, fsd=fsd, slow=slow)
    link = Link(card, frozenset(lose))
    return card, link, IsoDepInitiator(link, fsc, FWT)


def test_a_command_and_its_answer_with_block_numbers_taking_turns() -> None:
    applet = Applet(b"\x63\xc3")
    _, link, reader = session(applet)
    assert reader.exchange(bytearray(b"\x00\x20\x00\x80")) == b"\x63\xc3"
    assert reader.exchange(bytearray(b"\x00\x20\x00\x80")) == b"\x63\xc3"
    assert [frame[0] for frame in link.frames] == [0x02, 0x03]
    assert [answer[0] for answer in link.answers if answer] == [0x02, 0x03]


def test_a_signature_longer_than_a_frame_comes_back_chained() -> None:
    signature = bytes(range(256)) + b"\x90\x00"
    _, link, reader = session(Applet(signature))
    assert reader.exchange(bytearray(b"\x80\x2a\x00\x80\x01\x00\x00")) == signature
    assert [answer[0] for answer in link.answers if answer] == [0x12, 0x03]  # chained, then the end
    assert link.frames[1] == b"\xa3"  # the reader's R(ACK) releases the rest


def test_a_command_longer_than_a_frame_goes_in_chained_and_runs_once() -> None:
    applet = Applet()
    command = b"\x00\xda\x00\x00\x00\x01\x2c" + bytes(300)
    _, link, reader = session(applet, fsc=64)
    assert reader.exchange(bytearray(command)) == b"\x90\x00"
    assert applet.commands == [command]
    assert all(answer[0] & 0xF6 == 0xA2 for answer in link.answers[:-1])  # R(ACK)s while chaining


def test_a_lost_answer_is_sent_again_without_running_the_command_twice() -> None:
    applet = Applet(b"\x90\x00")
    _, link, reader = session(applet, lose={1})
    verify = b"\x00\x20\x00\x80\x04" + b"????"
    assert reader.exchange(bytearray(verify)) == b"\x90\x00"
    assert link.frames[1] == b"\xb2"  # R(NAK) with the reader's block number
    assert applet.commands == [verify]  # a VERIFY is never run twice by the link


def test_a_lost_block_in_the_middle_of_a_chained_answer_is_sent_again() -> None:
    certificate = bytes(range(256)) * 2 + b"\x90\x00"
    _, _, reader = session(Applet(certificate), lose={2})
    assert reader.exchange(bytearray(b"\x00\xb0\x00\x00\x00")) == certificate


def test_the_readers_presence_check_gets_an_ack() -> None:
    card, link, reader = session(Applet())
    reader.exchange(bytearray(b"\x00\xa4\x04\x0c\x01\x00"))
    reader.exchange(None)  # nfcpy's presence check: R(NAK) with the next block number
    assert link.frames[-1] == b"\xb3"
    assert link.answers[-1] == bytes((0xA2 | card.block_number,))
    assert reader.exchange(bytearray(b"\x00\xa4\x04\x0c\x01\x00")) == b"\x90\x00"


def test_signing_asks_for_more_time_first() -> None:
    applet = Applet(bytes(256) + b"\x90\x00")
    _, link, reader = session(applet, slow=lambda command: command[1] == 0x2A)
    assert reader.exchange(bytearray(b"\x80\x2a\x00\x80\x01\x00\x00")) == bytes(256) + b"\x90\x00"
    assert link.answers[0] == b"\xf2\x01"  # S(WTX), multiplier 1
    assert link.frames[1] == b"\xf2\x01"  # the reader grants it
    assert applet.commands == [b"\x80\x2a\x00\x80\x01\x00\x00"]


def test_deselect_ends_the_session() -> None:
    card, _, reader = session(Applet())
    reader.exchange(bytearray(b"\x00\xa4\x04\x0c\x01\x00"))
    assert card.receive(b"\xc2") == b"\xc2"
    assert card.receive(b"\x02\x00\xa4\x04\x0c\x01\x00") is None


def test_a_reader_that_sends_a_cid_gets_it_back_and_other_cids_get_silence() -> None:
    card = IsoDepCard(Applet(b"\x90\x00"), cid=2)
    assert card.receive(b"\x0a\x02\x00\xa4\x04\x0c\x01\x00") == b"\x0a\x02\x90\x00"
    assert card.receive(b"\x0b\x03\x00\xa4\x04\x0c\x01\x00") is None


@pytest.mark.parametrize(("index", "size"), [(0, 16), (5, 64), (8, 256), (12, 256)])
def test_frame_sizes_from_their_index(index: int, size: int) -> None:
    assert frame_size(index) == size


@settings(max_examples=60, deadline=None)
@given(
    command=st.binary(min_size=4, max_size=700),
    answer=st.binary(min_size=0, max_size=700),
    fsc_index=st.integers(min_value=0, max_value=8),
    fsd_index=st.integers(min_value=0, max_value=8),
)
def test_any_command_and_answer_cross_whole_at_any_frame_size(
    command: bytes, answer: bytes, fsc_index: int, fsd_index: int
) -> None:
    applet = Applet(answer + b"\x90\x00")
    _, _, reader = session(applet, fsc=frame_size(fsc_index), fsd=frame_size(fsd_index))
    assert reader.exchange(bytearray(command)) == answer + b"\x90\x00"
    assert reader.exchange(bytearray(command)) == answer + b"\x90\x00"
    assert applet.commands == [command, command]
