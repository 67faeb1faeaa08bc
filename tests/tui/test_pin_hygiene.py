"""A PIN typed into the wizard never reaches the screen in clear, a log, a recording, an
exception or the wizard's state: checked with marker PINs through both steps."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.recorder import RecordingReader
from tests.tui.driving import make_app, press, screen_text, settle, shows, walk
from tui.app import ResetApp

AT = "2026-04-01T10:00:00+09:00"
MARK_NEW = "MARKQ7ZX9"  # the new signing PIN, typed as "markq7zx9"
MARK_WRONG = "8642"  # a wrong user-authentication PIN


def pin_forms(pin: str) -> list[str]:
    raw = pin.encode()
    return [pin, pin.lower(), raw.hex(" ").upper(), raw.hex().upper(), raw.hex()]


def assert_clean(where: str, text: str) -> None:
    # A form counts only standing alone: random ids and cryptograms in the state are hex and
    # hold any four digits now and then, which is not a leak.
    for pin in (MARK_NEW, MARK_WRONG):
        for form in pin_forms(pin):
            alone = rf"(?<![0-9A-Za-z]){re.escape(form)}(?![0-9A-Za-z])"
            assert not re.search(alone, text), f"{form!r} leaked into {where}"


async def test_marker_pins_stay_off_the_screen_logs_recording_and_state(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recording = io.StringIO()
    tap = RecordingReader(EmulatedReader("adult"), recording)
    app = make_app("training:adult", at=AT, data_dir=tmp_path, open_reader=lambda spec: tap)
    seen: list[str] = []

    async def step(*keys: str) -> None:
        await press(pilot, *keys)
        seen.append(screen_text(app))
        seen.append(app.export_screenshot())

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (("down", "enter"), ("enter",), ("enter",)):
            await step(*keys)
        await step(*MARK_WRONG)  # typed, not yet sent: masked
        await step("enter")  # wrong: the card counted a try
        await step(*"1234", "enter")
        for keys in (("enter",), ("down", "down", "down", "enter"), ("enter",), (*"1234", "enter")):
            await step(*keys)
        await step(*MARK_NEW.lower())
        await step("enter", *MARK_NEW.lower())
        await step("enter")
        assert "DONE" in seen[-2]
        state = repr(vars(app.wizard)) + repr(vars(app.wizard.flow)) + repr(app.screen.__dict__)
    for number, text in enumerate(seen):
        assert_clean(f"screen {number}", text)
    assert_clean("the log", caplog.text)
    assert_clean("the recording", recording.getvalue())
    assert_clean("the wizard's state", state)


async def test_the_pin_field_is_empty_once_the_pin_was_sent(tmp_path: Path) -> None:
    app = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ("down", "enter"), ("enter",), ("enter",))
        await press(pilot, *MARK_WRONG)
        assert "****" in screen_text(app)
        await press(pilot, "enter")
        assert shows(app, "2 of 3 tries left")
        assert "*" not in screen_text(app)


@pytest.mark.parametrize("pin", [MARK_NEW])
async def test_a_typed_pin_shows_only_asterisks(tmp_path: Path, pin: str) -> None:
    app: ResetApp = make_app("training:adult", at=AT, data_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ("down", "down", "enter"), ("enter",), ("enter",))
        await press(pilot, *pin.lower())
        text = screen_text(app)
    assert "*" * len(pin) in text
    assert_clean("the screen", text)
