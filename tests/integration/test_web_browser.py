"""``jpki-reset web`` in a real browser: Debian's Chromium, headless, opens the page textual-serve
serves, keys go in through the DevTools protocol, and the tests read what the app shows from the
terminal in the page.

Screenshots are kept in each test's tmp directory and copied to ``tests/artifacts/web/`` (ignored
by git). Skipped, with the reason, only where Chromium cannot start at all.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tui.test_demo import until
from tui.web.browser import BrowserUnavailable, Chromium

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"


# Started or skipped, as conftest.py's pcscd: each helper says in its own error why it cannot run.
@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        browser.start()
    except BrowserUnavailable as why:
        pytest.skip(f"Chromium cannot start here: {why}")
    yield browser
    browser.stop()


@dataclass(frozen=True)
class Served:
    url: str
    pid: int

    def tabs(self) -> list[int]:
        """The app processes this server started (one per open tab)."""
        return [pid for pid in descendants(self.pid) if b"tui.web.session" in _cmdline(pid).split(b"\0")]


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@contextmanager
def web_server(*arguments: str) -> Iterator[Served]:
    """``jpki-reset web`` on a free loopback port; stopped by PID afterwards."""
    command = [sys.executable, "-m", "tui.cli", "web", "--port", "0", *arguments]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(server.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(60)  # a bound on a server that never comes up, not a timing check
    try:
        found = re.search(r"http://\S+", first[0] if first else "")
        if found is None:
            server.kill()
            raise AssertionError(f"jpki-reset web did not start: {server.communicate()[1][-800:]}")
        yield Served(found.group(0), server.pid)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def practice() -> Iterator[Served]:
    with web_server("--reader", "training:adult", "--lang", "en") as url:
        yield url


@pytest.fixture(scope="module")
def demo() -> Iterator[Served]:
    # Half speed: a step's pause is long enough for the test to pause the demo before it moves.
    with web_server("--demo", "demo-step1", "--lang", "en", "--speed", "0.5") as url:
        yield url


def keep(shot: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)


async def test_the_start_screen_in_english_then_japanese(
    chromium: Chromium, practice: Served, tmp_path: Path
) -> None:
    async with chromium.tab() as tab:
        await tab.open(practice.url)
        screen = await tab.wait_for("Start", "Choose the reader, then the task.", "Card check (no PIN)")
        assert "Reader: Training card: Adult, both certificates" in screen  # the reader in words
        assert "F2 日本語" in screen
        keep(await tab.screenshot(tmp_path / "start-en.png"))

        await tab.press("f2")
        screen = await tab.wait_for("はじめに", "カードの確認（暗証番号なし）")
        assert "Choose the reader" not in screen
        assert "F2 English" in screen
        keep(await tab.screenshot(tmp_path / "start-ja.png"))


async def test_each_tab_has_an_app_and_a_card_of_its_own(
    chromium: Chromium, practice: Served, tmp_path: Path
) -> None:
    await until(lambda: not practice.tabs())  # an earlier test's tab has ended its process
    async with chromium.tab() as first, chromium.tab() as second:
        await first.open(practice.url)
        await second.open(practice.url)
        await first.wait_for("Card check (no PIN)")
        await second.wait_for("Card check (no PIN)")

        await first.press("f2")  # one tab in Japanese, the other stays in English
        await first.wait_for("はじめに")
        await first.press("enter")  # the card check on the first tab's training card
        checked = await first.wait_for("判定：コンビニ等で初期化できます", "カードを読み取りました。")
        assert "はじめに" not in checked
        keep(await first.screenshot(tmp_path / "card-check-ja.png"))

        untouched = await second.wait_for("Start", "Card check (no PIN)")
        assert "はじめに" not in untouched
        assert len(practice.tabs()) == 2

        await first.press("ctrl+q")  # the app ends; the page says so, and the other tab goes on
        await first.wait_until("document.body.classList.contains('-closed')")
        shown = "(e => getComputedStyle(e).display === 'none' ? '' : e.innerText)(document.all.ended)"
        assert "Session ended: reload to start again." in await first.evaluate(shown)
        await second.press("f2")
        await second.wait_for("はじめに")
    await until(lambda: not practice.tabs())  # closed tabs leave no process behind


def wizard_part(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if not re.search(r"DEMO|デモ", line)]


def demo_step(screen: str) -> tuple[str, int, int]:
    """The banner's state, step and steps: ("DEMO PAUSED", 2, 9)."""
    found = re.search(r"(DEMO(?: PAUSED)?|デモ(?:一時停止中)?) (\d+)/(\d+)", screen)
    assert found is not None, f"no demo banner on:\n{screen}"
    return found.group(1), int(found.group(2)), int(found.group(3))


async def test_a_demo_pauses_steps_and_switches_language(
    chromium: Chromium, demo: Served, tmp_path: Path
) -> None:
    async with chromium.tab() as tab:
        await tab.open(demo.url)
        await tab.wait_for("DEMO ", "[Space pause, N next]")

        await tab.press("space")
        paused = await tab.wait_for("DEMO PAUSED", "[Space resume, N next]")
        _, step, steps = demo_step(paused)
        assert step + 3 <= steps, "paused too late to step twice and resume"
        keep(await tab.screenshot(tmp_path / "demo-paused-en.png"))

        await tab.press("n")  # the next step plays now, and the demo stays paused
        await tab.wait_for(f"DEMO PAUSED {step + 1}/{steps}")
        await tab.press("n")
        stepped = await tab.wait_for(f"DEMO PAUSED {step + 2}/{steps}")
        assert wizard_part(stepped) != wizard_part(paused)  # the script's keys moved the wizard

        await tab.press("f2")
        japanese = await tab.wait_for(f"デモ一時停止中 {step + 2}/{steps}", "[Space 再開、N 次へ]")
        keep(await tab.screenshot(tmp_path / "demo-step-ja.png"))

        await tab.press("space")  # resumed: the script presses its keys at its own pace
        await tab.wait_for(f"デモ {step + 3}/{steps}")
        assert demo_step(japanese)[0] == "デモ一時停止中"


async def test_viewer_keys_do_not_steer_a_demo(chromium: Chromium, demo: Served) -> None:
    async with chromium.tab() as tab:
        await tab.open(demo.url)
        await tab.wait_for("DEMO ")
        await tab.press("space")
        before = await tab.wait_for("DEMO PAUSED")
        for key in ("down", "escape", "enter"):
            await tab.press(key)
        await tab.press("f2")  # a key the demo answers to: once it shows, the others were handled
        after = await tab.wait_for("デモ一時停止中")
        assert demo_step(after)[1:] == demo_step(before)[1:]
