"""A PIN held so that it cannot be printed, logged or put in an exception by accident; the four
kinds of PIN on a My Number Card, and what a card says of one."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from readers.errors import InvalidPinInput

MAX_PIN_LENGTH = 16


class Pin:
    """A PIN as the card will receive it. ``str()``, ``repr()`` and f-strings show ``****``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value or len(value) > MAX_PIN_LENGTH or not (value.isascii() and value.isalnum()):
            # Say what is wrong without repeating what was typed.
            raise InvalidPinInput("a PIN is 1 to 16 characters, letters A-Z and digits 0-9 only")
        self._value = value

    def encode(self) -> bytes:
        """The bytes that go to the card: the PIN as ASCII."""
        return self._value.encode("ascii")

    def reveal(self) -> str:
        """The characters, for format rules only; never for display or logs."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pin):
            return NotImplemented
        import hmac  # here: hmac loads OpenSSL's hashes (~2 ms), which no start needs

        return hmac.compare_digest(self.encode(), other.encode())

    def __hash__(self) -> int:
        return hash(("Pin", len(self._value)))

    def __repr__(self) -> str:
        return "Pin('****')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> object:
        raise TypeError("a PIN is not serialisable")


class PinKind(StrEnum):
    AUTH = "auth"  # 利用者証明用電子証明書の暗証番号: 4 digits, 3 tries
    SIGN = "sign"  # 署名用電子証明書のパスワード: 6-16 of A-Z 0-9, 5 tries
    JUKI = "juki"  # 住民基本台帳用: 4 digits, 3 tries (window only)
    KENMEN = "kenmen"  # 券面事項入力補助用: 4 digits, 3 tries (window only)

    @property
    def max_tries(self) -> int:
        return 5 if self is PinKind.SIGN else 3

    @property
    def label(self) -> str:
        return _PIN_LABELS[self]


_PIN_LABELS = {
    PinKind.AUTH: "user-authentication PIN",
    PinKind.SIGN: "signing PIN",
    PinKind.JUKI: "resident-registry PIN",
    PinKind.KENMEN: "card-info input PIN",
}


class PinStatus(NamedTuple):
    """What the card says of a PIN. ``tries_left`` is None when the card gave no count: then
    ``verified`` (it answered "already verified in this session") or ``not_set`` says why."""

    tries_left: int | None
    max_tries: int
    verified: bool = False
    not_set: bool = False

    @property
    def blocked(self) -> bool:
        return self.tries_left == 0

    @property
    def last_try(self) -> bool:
        return self.tries_left == 1
