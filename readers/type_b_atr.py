"""A Type B contactless card's ATR as a PC/SC reader synthesises it (PC/SC part 3, 3.1.3.2.3.2):
``3B 88 80 01``, the application data and protocol info of its SENSB_RES, ``MBLI|CID``, TCK.

Both directions live here, apart from the card-side bridges: the NFC reader builds a card's ATR
from its answers, and the training card's Type B side takes its answers from its ATR.
"""

from __future__ import annotations

_PREFIX = bytes.fromhex("3B888001")

# Used when the card's ATR is not of the Type B form 3B 88 80 01 <7 bytes> <MBLI|CID> TCK.
DEFAULT_APPLICATION_DATA = bytes.fromhex("000005E0")
DEFAULT_PROTOCOL_INFO = bytes.fromhex("B381A1")


def atqb_parts(atr: bytes) -> tuple[bytes, bytes]:
    """Application data and protocol info from a Type B card's PC/SC ATR (or the defaults)."""
    if len(atr) == 13 and atr[:4] == _PREFIX:
        return atr[4:8], atr[8:11]
    return DEFAULT_APPLICATION_DATA, DEFAULT_PROTOCOL_INFO


def atr_for(sensb_res: bytes, attrib_res: bytes) -> bytes:
    """The ATR a PC/SC reader synthesises for a Type B card from its SENSB_RES and ATTRIB answer."""
    body = _PREFIX + sensb_res[5:12] + bytes(((attrib_res[0] & 0xF0) if attrib_res else 0,))
    check = 0
    for byte in body[1:]:
        check ^= byte
    return body + bytes((check,))
