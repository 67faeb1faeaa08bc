"""A scripted demo: the keys of each step, what the narration says, and where it must end.

The staff demos are in ``tui.demo_recorder``, the kiosk's in ``tui.kiosk.demos``; the recorder
drives the app through them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    keys: tuple[str, ...]
    say: str  # a catalog key: the viewer reads it in their language
    pause_ms: int = 2500


@dataclass(frozen=True)
class Demo:
    profile: str
    title: str
    description: str
    at: str  # the training clock (Japan time)
    steps: tuple[Step, ...]
    ends_on: str  # the screen the demo must end on (checked when recording)
