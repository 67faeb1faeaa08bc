"""PIN format problems in words (each reason code of ``reset_flow.pin_rules`` has a sentence)."""

from __future__ import annotations

from collections.abc import Iterable

from reset_flow.pin_rules import PinProblem
from tui.widgets.say import Terms


def problem_terms(problems: Iterable[PinProblem]) -> Terms:
    return Terms(f"pin.problem.{problem.value}" for problem in problems if problem is not PinProblem.EMPTY)
