"""Helpers for driving the app with Pilot: build it, wait for card work, read the screen as text."""

from __future__ import annotations

from textual.pilot import Pilot

from tui.app import ResetApp
from tui.launch import build_wizard
from tui.wizard import Wizard


def make_app(reader: str | None = "training:adult", *, lang: str = "en", **wizard: object) -> ResetApp:
    built: Wizard = build_wizard(reader, None, wizard.pop("at", None))  # type: ignore[arg-type]
    for name, value in wizard.items():
        setattr(built, name, value)
    return ResetApp(built, lang=lang)


def screen_text(app: ResetApp) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot: Pilot) -> None:
    """Let card and service work finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one by one, letting any work they start finish before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
