"""The PIN rules of docs/rules.md: formats with a reason code for every rejection, and which PIN proves
which reset. Pure functions over the typed text; nothing here talks to a card.
"""

from __future__ import annotations

import string
from enum import StrEnum
from typing import NamedTuple

from readers.pin import PinKind

# Only these two PINs have a kiosk reset; the 住基 and 券面 PINs are reset at the municipal window.
RESETTABLE_PINS: tuple[PinKind, ...] = (PinKind.SIGN, PinKind.AUTH)

_UPPER = frozenset(string.ascii_uppercase)
_LOWER = frozenset(string.ascii_lowercase)
_DIGITS = frozenset(string.digits)
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


class PinProblem(StrEnum):
    """Why a typed PIN cannot be used. The UI words each code in Japanese and English."""

    EMPTY = "empty"
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    LOWER_CASE = "lower-case"  # signing PIN: letters are upper case only
    BAD_CHARACTER = "bad-character"  # outside A-Z 0-9 (or outside 0-9 for a 4-digit PIN)
    NO_LETTER = "no-letter"
    NO_DIGIT = "no-digit"
    NOT_FOUR_DIGITS = "not-four-digits"
    MISMATCH = "mismatch"  # the second entry of a new PIN differs from the first


class PinFormat(NamedTuple):
    """What a PIN looks like, for the prompt: length range and alphabet."""

    kind: PinKind
    min_length: int
    max_length: int
    digits_only: bool  # 0-9 only; else A-Z and 0-9 with at least one of each (tries: PinKind.max_tries)


PIN_FORMATS: dict[PinKind, PinFormat] = {
    PinKind.SIGN: PinFormat(PinKind.SIGN, 6, 16, digits_only=False),
    PinKind.AUTH: PinFormat(PinKind.AUTH, 4, 4, digits_only=True),
    PinKind.JUKI: PinFormat(PinKind.JUKI, 4, 4, digits_only=True),
    PinKind.KENMEN: PinFormat(PinKind.KENMEN, 4, 4, digits_only=True),
}


def half_width(text: str) -> str:
    """Full-width (全角) characters, as a Japanese input method types them, in half width (半角):
    the full-width forms U+FF01-FF5E become their ASCII twins (１２３４ -> 1234, ａｂｃ -> abc) and
    the ideographic space a space. Explicit rather than NFKC, which would also turn symbols such
    as ① or ² into digits the resident never typed."""
    return text.translate(_HALF_WIDTH)


def pin_problems(kind: PinKind, text: str) -> tuple[PinProblem, ...]:
    """Every reason ``text`` is not a valid ``kind`` PIN, in a stable order; empty when valid.
    Full-width input is judged as its half-width twin (what the entry keeps, see ``as_typed``).

    Meant to run on every keystroke. The text is never echoed back in any form.
    """
    text = half_width(text)
    if not text:
        return (PinProblem.EMPTY,)
    rule = PIN_FORMATS[kind]
    if rule.digits_only:
        # A leading 0 is a digit like any other: "0123" is four digits.
        if rule.min_length <= len(text) <= rule.max_length and all(c in _DIGITS for c in text):
            return ()
        problems = [PinProblem.NOT_FOUR_DIGITS]
        if any(c not in _DIGITS for c in text):
            problems.append(PinProblem.BAD_CHARACTER)
        return tuple(problems)
    problems = []
    if len(text) < rule.min_length:
        problems.append(PinProblem.TOO_SHORT)
    if len(text) > rule.max_length:
        problems.append(PinProblem.TOO_LONG)
    if any(c in _LOWER for c in text):
        problems.append(PinProblem.LOWER_CASE)
    if any(c not in _UPPER and c not in _DIGITS and c not in _LOWER for c in text):
        problems.append(PinProblem.BAD_CHARACTER)
    if not any(c in _UPPER or c in _LOWER for c in text):
        problems.append(PinProblem.NO_LETTER)
    if not any(c in _DIGITS for c in text):
        problems.append(PinProblem.NO_DIGIT)
    return tuple(problems)


def new_pin_problems(kind: PinKind, first: str, second: str) -> tuple[PinProblem, ...]:
    """The format problems of the new PIN, plus ``MISMATCH`` when the two entries differ."""
    problems = pin_problems(kind, first)
    if first != second:
        problems = (*problems, PinProblem.MISMATCH)
    return problems


def as_typed(kind: PinKind, text: str) -> str:
    """What a keystroke filter should keep: full-width input in half width (a Japanese input
    method left on), and the signing PIN upper-cased (residents press Caps Lock or type lower
    case); nothing else is changed."""
    text = half_width(text)
    return text.upper() if kind is PinKind.SIGN else text


def proof_pin_for(reset: PinKind) -> PinKind:
    """The PIN that proves identity for resetting ``reset``: each reset needs the other PIN."""
    if reset is PinKind.SIGN:
        return PinKind.AUTH
    if reset is PinKind.AUTH:
        return PinKind.SIGN
    raise ValueError(f"the {reset.label} has no kiosk reset")
