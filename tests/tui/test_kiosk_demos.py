"""Kiosk mode's demos, made through the recording tap, replayed: each plays to its end on the
replayed card in kiosk mode, and ``jpki-reset demo`` knows them for kiosk demos."""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.recording import load_recording
from tests.tui.driving import settle, shows
from tests.tui.test_demo import RECORDINGS, until
from tui.demo_launch import build_demo
from tui.kiosk.app import KioskApp
from tui.kiosk.demos import KIOSK_DEMOS, kiosk_setup
from tui.kiosk.start import KioskStartScreen


def test_there_is_a_kiosk_demo_of_a_reset_a_wrong_pin_and_a_lifted_card() -> None:
    names = {path.stem for path in RECORDINGS.glob("kiosk-*.jsonl")}
    assert names == set(KIOSK_DEMOS) == {"kiosk-reset", "kiosk-wrong-pin", "kiosk-card-lifted"}
    for name in names:
        recording = load_recording(RECORDINGS / f"{name}.jsonl")
        text = (RECORDINGS / f"{name}.jsonl").read_text()
        assert recording.ui_steps and "31 32 33 34" not in text  # the PIN went out as ??
        assert ("??" in text) is (name != "kiosk-card-lifted")  # lifted before any PIN was sent
        assert kiosk_setup(RECORDINGS / f"{name}.jsonl") == ("adult", KIOSK_DEMOS[name].reserved)


@pytest.mark.parametrize(
    ("name", "lang"), [(name, "en") for name in sorted(KIOSK_DEMOS)] + [("kiosk-reset", "ja")]
)
async def test_each_kiosk_demo_plays_to_its_end_in_kiosk_mode(tmp_path: Path, name: str, lang: str) -> None:
    app = build_demo(str(RECORDINGS / f"{name}.jsonl"), tmp_path, lang=lang, speed=1000.0)
    assert isinstance(app, KioskApp)
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.demo
        assert player is not None
        await until(lambda: player.finished)
        await settle(pilot)
        assert type(app.screen).__name__ == KIOSK_DEMOS[name].demo.ends_on
        assert app.wizard.reader is not None and app.wizard.reader.inner.finished  # every command
        assert shows(app, "DEMO finished" if lang == "en" else "デモ")
        if name == "kiosk-card-lifted":
            assert isinstance(app.screen, KioskStartScreen)
            assert shows(app, "The card was taken off, so everything typed was cleared.")
        elif name == "kiosk-wrong-pin":
            assert shows(app, "DONE: your new signing PIN is set.")


async def test_a_kiosk_demo_viewer_may_leave_with_ctrl_q(tmp_path: Path) -> None:
    app = build_demo(str(RECORDINGS / "kiosk-reset.jsonl"), tmp_path, speed=0.001)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
