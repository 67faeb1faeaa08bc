"""The card-info input application (券面事項入力補助AP): its own 4-digit PIN and the four
attributes printed on the card (name, address, birth date, sex), readable after that PIN.

The reset never needs the attributes; the card check reads only this PIN's tries. The individual
number the application also holds is never read by this program.
"""

from __future__ import annotations

from typing import NamedTuple

from readers.connection import CardConnection
from readers.errors import MalformedResponse
from readers.jpki_applet import AID_KENMEN, ATTRIBUTES_TAG, EF_KENMEN_ATTRIBUTES, EF_KENMEN_PIN
from readers.pin import Pin, PinKind, PinStatus
from readers.pins import LastTryConfirmation, PinFile, read_tries, verify_pin

CARD_INFO_PIN = PinFile(PinKind.KENMEN, (AID_KENMEN,), EF_KENMEN_PIN)
# The attribute record's inner tags (private class, numbers 0x21-0x25), as public clients read them.
_OFFSETS, _NAME, _ADDRESS, _BIRTH, _SEX = (bytes((0xDF, n)) for n in range(0x21, 0x26))


class CardAttributes(NamedTuple):
    """The four attributes the card-info input application holds, as the card holds them."""

    name: str
    address: str
    birth_date: str  # as the card holds it (YYYYMMDD)
    sex: str  # ISO 5218 code: 1 male, 2 female, 9 not applicable


class CardInfoSession:
    """The card-info input application of the card on ``connection``."""

    def __init__(self, connection: CardConnection) -> None:
        self.connection = connection

    async def pin_status(self) -> PinStatus:
        return await read_tries(self.connection, CARD_INFO_PIN)

    async def verify(self, pin: Pin, *, confirm_last_try: bool | LastTryConfirmation = False) -> None:
        await verify_pin(self.connection, CARD_INFO_PIN, pin, confirm_last_try=confirm_last_try)

    async def read_attributes(self) -> CardAttributes:
        """The four attributes (the card-info PIN must be verified in this session)."""
        record = await self.connection.read_object(AID_KENMEN, EF_KENMEN_ATTRIBUTES, ATTRIBUTES_TAG)
        fields = dict(_tlv_items(record[len(ATTRIBUTES_TAG) :]))
        try:
            return CardAttributes(*(fields[tag].decode("utf-8") for tag in (_NAME, _ADDRESS, _BIRTH, _SEX)))
        except (KeyError, UnicodeDecodeError):
            raise MalformedResponse("the card's attribute record lacks a field or is not UTF-8") from None


def _tlv_items(body: bytes) -> list[tuple[bytes, bytes]]:
    """The (two-byte tag, value) items inside the record, after its own length."""
    at = 1 + (body[0] & 0x7F if body and body[0] & 0x80 else 0)
    items = []
    while at + 3 <= len(body):
        tag, first = body[at : at + 2], body[at + 2]
        at += 3
        length = first
        if first & 0x80:
            count = first & 0x7F
            length = int.from_bytes(body[at : at + count], "big")
            at += count
        items.append((tag, body[at : at + length]))
        at += length
    if at != len(body):
        raise MalformedResponse("the card's attribute record is cut short")
    return items
