"""What the start screen offers: readers (from discovery, with why one is unavailable) and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from readers.discovery import ReaderChoice, discover
from readers.jpki import PinKind

RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"


def discover_readers() -> list[ReaderChoice]:
    """Everything to read a card with (blocking: PC/SC is queried; call it from a thread)."""
    return discover(RECORDINGS)


class Task(StrEnum):
    CARD_CHECK = "card-check"
    STEP1 = "step1"
    STEP2 = "step2"


@dataclass(frozen=True)
class TaskChoice:
    task: Task
    pin: PinKind | None  # the PIN to reset (step 1 only)

    @property
    def key(self) -> str:
        return f"task.{self.task.value}" + (f".{self.pin.value}" if self.pin else "")


TASKS = (
    TaskChoice(Task.CARD_CHECK, None),
    TaskChoice(Task.STEP1, PinKind.SIGN),
    TaskChoice(Task.STEP1, PinKind.AUTH),
    TaskChoice(Task.STEP2, None),  # the PIN comes from the card's reservation
)
