"""A PIN held so that it cannot be printed, logged or put in an exception by accident."""

from __future__ import annotations

import hmac

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
