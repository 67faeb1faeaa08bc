"""Whatever a card (or a broken reader) answers, the client raises only the project's typed errors."""

import asyncio
import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readers.card_check import check_card
from readers.card_info import CardInfoSession
from readers.connection import CardConnection
from readers.errors import JpkiResetError
from readers.jpki import CertificateKind, JpkiSession, PinKind
from readers.pin import Pin
from readers.reader import Reader, ReaderInfo
from readers.resident_registry import ResidentRegistrySession
from readers.training_card.issuer import TrainingIssuer

status_words = st.one_of(
    st.sampled_from(
        [
            0x9000,
            0x6100,
            0x6104,
            0x6C08,
            0x6C00,
            0x63C0,
            0x63C1,
            0x63C3,
            0x63CF,
            0x6982,
            0x6983,
            0x6984,
            0x6A82,
            0x6A88,
            0x6B00,
            0x6700,
            0x6F00,
            0x6300,
        ]
    ),
    st.integers(0, 0xFFFF),
)
answers = st.one_of(
    st.builds(lambda d, sw: d + sw.to_bytes(2, "big"), st.binary(max_size=300), status_words),
    st.builds(lambda sw: b"\x30\x82\x06\x00" + sw.to_bytes(2, "big"), status_words),
    st.binary(max_size=3),  # a reader that returns garbage
)


class ArbitraryReader(Reader):
    def __init__(self, replies: list[bytes], extended: bool, transport: str) -> None:
        super().__init__()
        self.info = ReaderInfo(transport, "arbitrary", extended)
        self.replies = replies
        self.verifies = 0

    async def connect(self) -> bytes:
        return b""

    async def transmit(self, command: bytes) -> bytes:
        if command[1] == 0x20 and len(command) > 4:
            self.verifies += 1
        return self.replies.pop(0) if self.replies else b"\x90\x00"

    async def disconnect(self) -> None:
        pass


async def _no_pause() -> None:
    pass


async def _drive(connection: CardConnection) -> None:
    card, issuer = JpkiSession(connection), TrainingIssuer(connection)
    card_info = CardInfoSession(connection)
    operations = [
        card.detect(),
        ResidentRegistrySession(connection).pin_status(),
        card.verify(PinKind.AUTH, Pin("1234")),
        card.read_certificate(CertificateKind.AUTH),
        card.sign(PinKind.SIGN, bytes(32)),
        issuer.challenge(PinKind.SIGN),
        issuer.reset(PinKind.SIGN, bytes(16), Pin("NEW1PIN")),
        card.change_pin(PinKind.SIGN, Pin("TRAIN1234"), Pin("NEW1PIN")),
        card_info.verify(Pin("1234")),
        card_info.read_attributes(),
        check_card(connection),
    ]
    for operation in operations:
        with contextlib.suppress(JpkiResetError):
            await operation


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(answers, max_size=60), st.booleans(), st.sampled_from(["emulated", "pcsc"]))
def test_arbitrary_answers_raise_only_typed_errors(
    replies: list[bytes], extended: bool, transport: str
) -> None:
    reader = ArbitraryReader(list(replies), extended, transport)
    asyncio.run(_drive(CardConnection(reader, settle=_no_pause)))
    # Three operations may VERIFY (verify, change_pin, the card-info PIN), each at most once:
    # never a retry.
    assert reader.verifies <= 3
