"""What the start screen offers: readers (from discovery, with why one is unavailable) and tasks.

Imports stay light here: the start screen must appear fast, and discovery (PC/SC, sysfs) and the
card client are loaded only when they are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readers.discovery import ReaderChoice
    from readers.pin import PinKind

RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"


def discover_readers() -> list[ReaderChoice]:
    """Everything to read a card with (blocking: PC/SC is queried; call it from a thread)."""
    from readers.discovery import discover

    return discover(RECORDINGS)


class Task(StrEnum):
    CARD_CHECK = "card-check"
    STEP1 = "step1"
    STEP2 = "step2"


@dataclass(frozen=True)
class TaskChoice:
    task: Task
    pin: str | None = None  # step 1: the PinKind value of the PIN to reset

    @property
    def key(self) -> str:
        return f"task.{self.task.value}" + (f".{self.pin}" if self.pin else "")

    @property
    def reset_pin(self) -> PinKind | None:
        from readers.pin import PinKind

        return PinKind(self.pin) if self.pin else None


TASKS = (
    TaskChoice(Task.CARD_CHECK),
    TaskChoice(Task.STEP1, "sign"),
    TaskChoice(Task.STEP1, "auth"),
    TaskChoice(Task.STEP2),  # the PIN comes from the card's reservation
)
