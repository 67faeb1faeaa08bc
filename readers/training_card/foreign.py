"""Cards that are not My Number Cards, as a PC/SC or NFC reader presents them: what a resident
may put on the reader by mistake (a transit or shopping card, a bank card)."""

from __future__ import annotations

import os

from readers.training_card.profiles import CardKind

_FUNCTION_NOT_SUPPORTED = b"\x6a\x81"  # a PC/SC reader's answer for a FeliCa card (PC/SC part 3)


def foreign_answer(kind: CardKind, raw: bytes) -> bytes:
    """The answer to one command APDU."""
    if kind is CardKind.FELICA or len(raw) < 4:
        return _FUNCTION_NOT_SUPPORTED if kind is CardKind.FELICA else b"\x67\x00"
    cla, ins = raw[0], raw[1]
    if cla != 0x00:
        return b"\x6e\x00"  # class not supported: no proprietary commands here
    if ins == 0xA4:
        return b"\x6a\x82"  # no such application or file
    if ins == 0x84 and len(raw) == 5:
        return os.urandom(raw[4] or 256) + b"\x90\x00"
    return b"\x6d\x00"  # instruction not supported
