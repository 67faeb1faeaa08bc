"""Kiosk mode's demos: a reset, a wrong PIN, and a card lifted mid-way.

They are made like the staff demos, by driving the real app through the recording tap
(``python -m tui.demo_recorder`` makes them all), and played by ``jpki-reset demo FILE``. Kiosk
mode runs step 2 only, so the header carries ``"kiosk": {"profile": ..., "reserved": ...}``:
before the first key, the demo makes step 1's reservation on a training card of that profile
(``beforehand.py``), against the demo's own service, as when it was recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readers.errors import RecordingInvalid
from readers.jpki import PinKind
from tui.demo_script import Demo, Step

KIOSK_HEADER = "kiosk"
AT = "2026-04-01T10:00:00+09:00"
_PIN = ("1", "2", "3", "4")


@dataclass(frozen=True)
class KioskDemo:
    demo: Demo
    reserved: PinKind = PinKind.SIGN
    lift_at_step: int | None = None  # the card leaves as this step's first card command is sent


_START = Step(("enter",), "kiosk.demo.place_card")
_NEW_PIN = (
    Step(tuple("new2pin"), "kiosk.demo.type_new_pin"),
    Step(("enter", *"new2pin"), "kiosk.demo.type_new_pin_again"),
    Step(("enter",), "kiosk.demo.reset"),
    Step((), "kiosk.demo.done", 5000),
)

KIOSK_DEMOS: dict[str, KioskDemo] = {
    "kiosk-reset": KioskDemo(
        Demo(
            "adult",
            "Kiosk demo: a resident resets the signing PIN",
            "Kiosk mode after step 1: the card, the user-authentication PIN, the new signing PIN twice "
            "(typed in lower case, upper-cased as typed), the reset, and 'take your card'.",
            AT,
            (_START, Step(_PIN, "kiosk.demo.type_pin"), Step(("enter",), "kiosk.demo.send_pin"), *_NEW_PIN),
            "KioskEndScreen",
        )
    ),
    "kiosk-wrong-pin": KioskDemo(
        Demo(
            "adult",
            "Kiosk demo: a wrong PIN, then the right one",
            "Kiosk mode after step 1: a wrong user-authentication PIN costs a try and the screen says "
            "how many are left; the right PIN, the new PIN twice, the reset.",
            AT,
            (
                _START,
                Step(("9", "9", "9", "9"), "kiosk.demo.type_wrong_pin"),
                Step(("enter",), "kiosk.demo.wrong_pin"),
                Step((*_PIN, "enter"), "kiosk.demo.type_pin_again"),
                *_NEW_PIN,
            ),
            "KioskEndScreen",
        )
    ),
    "kiosk-card-lifted": KioskDemo(
        Demo(
            "adult",
            "Kiosk demo: the card is taken off mid-way",
            "Kiosk mode after step 1: the resident types the PIN and takes the card off while it is "
            "checked; the kiosk clears everything and is back at the start.",
            AT,
            (
                _START,
                Step(_PIN, "kiosk.demo.type_pin"),
                Step(("enter",), "kiosk.demo.lift_card"),
                Step((), "kiosk.demo.cleared", 5000),
            ),
            "KioskStartScreen",
        ),
        lift_at_step=2,
    ),
}


def kiosk_setup(path: str | Path) -> tuple[str, PinKind] | None:
    """A kiosk demo's training profile and reserved PIN, from its header (None: not a kiosk demo)."""
    try:
        with Path(path).open(encoding="utf-8") as lines:
            header: Any = json.loads(lines.readline())
    except (OSError, ValueError):
        return None  # the recording loader says what is wrong with the file
    setup = header.get(KIOSK_HEADER) if isinstance(header, dict) else None
    if setup is None:
        return None
    try:
        return str(setup["profile"]), PinKind(setup["reserved"])
    except (TypeError, KeyError, ValueError):
        raise RecordingInvalid(str(path), 1, '"kiosk" needs a "profile" and a "reserved" PIN') from None
