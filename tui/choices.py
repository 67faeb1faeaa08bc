"""What the start screen offers: readers (with why one is unavailable) and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from readers.jpki import PinKind

RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"


@dataclass(frozen=True)
class ReaderChoice:
    spec: str
    name: str
    kind: str  # "pcsc" | "nfc" | "training" | "replay"
    available: bool = True
    reason: str = ""


def reader_choices(recordings: Path = RECORDINGS) -> list[ReaderChoice]:
    """Every reader the start screen lists: the training cards, then the recordings."""
    from readers.training_card.profiles import PROFILES

    found = [
        ReaderChoice(f"training:{name}", f"{name}: {profile.title}", "training")
        for name, profile in PROFILES.items()
    ]
    for path in sorted(recordings.glob("*.jsonl")) if recordings.is_dir() else []:
        found.append(ReaderChoice(f"replay:{path}", path.stem, "replay"))
    return found


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
