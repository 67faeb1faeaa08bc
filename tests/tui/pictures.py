"""Snapshot pictures taken on a walk of the app: several screens on one run, each compared with its
kept file as ``snap_compare`` compares a picture it took itself (its syrupy extension, its report)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pytest
import textual._doc
from textual.app import App
from textual.pilot import Pilot

Pictures = dict[str, str]  # a walk's pictures by screen name


def cases(
    walks: Iterable[Sequence[tuple[str, object]]], langs: Sequence[str], themes: Sequence[str]
) -> list[object]:
    """The tests' parameters, ``screen-lang-theme``, with the screens of one walk side by side so a
    worker mostly takes a walk's screens one after another."""
    stops = [stop for walk in walks for stop in walk]
    return [
        pytest.param(screen, lang, theme, id=f"{screen}-{lang}-{theme}")
        for lang in langs
        for theme in themes
        for screen, _ in stops
    ]


async def photograph(pilot: Pilot, title: str) -> str:
    """The picture as ``snap_compare`` takes it (textual's take_svg_screenshot: the same waits
    for the screen and its animations, the same title and simplification)."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    return pilot.app.export_screenshot(title=title, simplify=True)


def compare_taken(
    snap_compare: Callable[..., bool],
    monkeypatch: pytest.MonkeyPatch,
    picture: str,
    size: tuple[int, int],
    app_class: type[App[object]],
) -> bool:
    """``snap_compare`` given ``picture`` in place of a run of its own: it takes its picture
    through ``textual._doc.take_svg_screenshot``, and an app never started stands in for the run."""
    monkeypatch.setattr(textual._doc, "take_svg_screenshot", lambda **_: picture)
    return snap_compare(app_class.__new__(app_class), terminal_size=size)
