"""Demo mode: the recording is the card, its ui lines press the keys at their pace; Space pauses,
N steps, the screen says DEMO."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.tui.driving import settle, shows
from tui.app import ResetApp
from tui.demo_launch import build_demo
from tui.demo_recorder import DEMOS

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


async def until(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``condition()`` (a bound on a test that would hang, not a timing assertion)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the demo did not get there")


def demo_app(name: str, tmp_path: Path, speed: float = 1000.0, lang: str = "en") -> ResetApp:
    return build_demo(str(RECORDINGS / f"{name}.jsonl"), tmp_path, lang=lang, speed=speed)


def test_there_is_a_scripted_demo_of_each_step_and_of_a_triage_to_the_window() -> None:
    names = {path.stem for path in RECORDINGS.glob("demo-*.jsonl")}
    assert {"demo-step1", "demo-step2", "demo-triage-window"} <= names
    assert names == set(DEMOS)


@pytest.mark.parametrize("name", sorted(DEMOS))
async def test_each_demo_plays_to_its_end_on_the_replayed_card(tmp_path: Path, name: str) -> None:
    app = demo_app(name, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.demo
        assert player is not None
        await until(lambda: player.finished)
        await settle(pilot)
        assert type(app.screen).__name__ == DEMOS[name].ends_on
        assert not getattr(app.screen, "error_shown", False) or name == "demo-triage-window"
        assert shows(app, "DEMO finished")
        assert app.wizard.reader is None or app.wizard.reader.inner.finished  # every command replayed


async def test_space_pauses_n_steps_and_the_screen_says_demo(tmp_path: Path) -> None:
    app = demo_app("demo-step1", tmp_path, speed=0.001, lang="ja")  # a very slow pace: only N moves
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.demo
        assert player is not None
        await settle(pilot)
        assert shows(app, "デモ 1/7")
        await pilot.press("space")
        await settle(pilot)
        assert shows(app, "デモ一時停止中 1/7")
        await pilot.press("n")  # one step, still paused
        await until(lambda: player.at == 1)
        await settle(pilot)
        assert shows(app, "デモ一時停止中 2/7")
        await pilot.press("enter", "x")  # a viewer's keys do not steer the wizard
        await settle(pilot)
        assert player.at == 1 and type(app.screen).__name__ == "StartScreen"
        await pilot.press("space")  # resume: the waiting step plays at once, then the next waits
        await until(lambda: player.at == 2)
        await settle(pilot)
        assert shows(app, "デモ 3/7") and not shows(app, "一時停止中")
        assert type(app.screen).__name__ == "TriageScreen"  # the card was read, the verdict is up
