"""PIN format problems in words (each reason code of ``reset_flow.pin_rules`` has a sentence)."""

from __future__ import annotations

from collections.abc import Iterable

from readers.jpki import PinKind
from reset_flow.pin_rules import PIN_FORMATS, PinProblem
from tui.widgets.say import Terms


def problem_terms(problems: Iterable[PinProblem], kind: PinKind | None = None) -> Terms:
    """The sentences of ``problems`` for a ``kind`` PIN: a 4-digit PIN's wrong character is told
    its own rule (digits only), not the signing PIN's letters and digits."""
    digits_only = kind is not None and PIN_FORMATS[kind].digits_only
    return Terms(_key(problem, digits_only) for problem in problems if problem is not PinProblem.EMPTY)


def _key(problem: PinProblem, digits_only: bool) -> str:
    if digits_only and problem is PinProblem.BAD_CHARACTER:
        return "pin.problem.bad-character.digits"
    return f"pin.problem.{problem.value}"
