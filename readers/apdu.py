"""The one codec for command and response APDUs (ISO 7816-4), short and extended forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from readers.errors import MalformedResponse, WrongLength

SHORT_MAX = 256
EXTENDED_MAX = 65536

# Instructions whose data field is a PIN: recordings and logs blank their data.
PIN_BEARING_INS = frozenset({0x20, 0x24, 0x2C})


@dataclass(frozen=True, slots=True)
class Command:
    """A command APDU. ``le`` is the number of bytes expected back (None: no Le field)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        for field in (self.cla, self.ins, self.p1, self.p2):
            if not 0 <= field <= 0xFF:
                raise ValueError("APDU header bytes are 0..255")
        if len(self.data) >= EXTENDED_MAX:
            raise ValueError("APDU data is at most 65535 bytes")
        if self.le is not None and not 0 < self.le <= EXTENDED_MAX:
            raise ValueError("Le is 1..65536")

    @property
    def extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > SHORT_MAX)

    def encode(self) -> bytes:
        head = bytes((self.cla, self.ins, self.p1, self.p2))
        if not self.extended:
            body = bytes((len(self.data),)) + self.data if self.data else b""
            if self.le is not None:
                body += bytes((self.le % SHORT_MAX,))
            return head + body
        # Extended form: one 00 marker, then 2-byte Lc and/or 2-byte Le.
        body = b"\x00"
        if self.data:
            body += len(self.data).to_bytes(2, "big") + self.data
        if self.le is not None:
            body += (self.le % EXTENDED_MAX).to_bytes(2, "big")
        return head + body

    @classmethod
    def decode(cls, raw: bytes) -> Command:
        """Parse a command APDU (the emulator's side of the codec)."""
        if len(raw) < 4:
            raise WrongLength("a command APDU has at least 4 bytes")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or SHORT_MAX)
        if body[0] != 0:
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, body[1 : 1 + lc])
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, body[1 : 1 + lc], body[1 + lc] or SHORT_MAX)
            raise WrongLength("Lc does not match the data")
        # Extended forms start with a 00 byte.
        if len(body) == 3:
            return cls(cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or EXTENDED_MAX)
        if len(body) < 3:
            raise WrongLength("truncated extended APDU")
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise WrongLength("extended Lc of zero")
        rest = body[3:]
        if len(rest) == lc:
            return cls(cla, ins, p1, p2, rest)
        if len(rest) == lc + 2:
            return cls(cla, ins, p1, p2, rest[:lc], int.from_bytes(rest[lc:], "big") or EXTENDED_MAX)
        raise WrongLength("extended Lc does not match the data")


class Response(NamedTuple):
    """A response APDU: data and the two status bytes."""

    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def decode(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise MalformedResponse("the reader returned fewer than two status bytes")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))


def is_extended(raw: bytes) -> bool:
    """Whether raw command bytes are an extended-length APDU (malformed ones are not)."""
    try:
        return Command.decode(raw).extended
    except (WrongLength, ValueError):
        return False


def to_hex(raw: bytes) -> str:
    return raw.hex(" ").upper()


def from_hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def is_pin_bearing(raw: bytes) -> bool:
    return len(raw) > 5 and raw[0] & 0x80 == 0 and raw[1] in PIN_BEARING_INS


def redact_hex(raw: bytes) -> str:
    """Spaced hex of a command, with the data of VERIFY / CHANGE / RESET RETRY COUNTER blanked.

    The header and length bytes stay, so a replay still checks which PIN was addressed and how
    long the entry was; only the PIN's characters are hidden.
    """
    parts = to_hex(raw).split()
    if is_pin_bearing(raw):
        head = 7 if raw[4] == 0 and len(raw) > 7 else 5
        parts[head:] = ["??"] * (len(parts) - head)
    return " ".join(parts)
