"""Cold start of ``jpki-reset`` to its first screen, next to a bare Textual app with the same
widgets, and ``jpki-reset status`` (no Textual) on each kind of reader, measured in one run.

    .venv/bin/python bench/startup.py [runs]

Each start is a fresh interpreter (headless, 80x24). A child reports the wall-clock moment its
first screen has been drawn and has settled (Textual's ``pilot.pause()``: pending messages handled,
then no CPU used for a 20 ms slice, so what the screen does after its first frame, such as a
second layout, counts); the figure is that moment minus the moment the parent spawned it.
``jpki-reset`` starts with no reader given, as a counter laptop's shortcut starts it: its start
screen lists what discovery finds. ``status`` is timed from spawn to exit, the whole card check,
on the in-process training card, on the training card behind a pcscd of our own (vpcd) and on
the training card as a Type B card on nfcpy's udp driver. The kinds are interleaved so that
machine noise hits them alike; medians are printed. Bars: ours within 1.3x of the bare app;
``status`` under 40% of our start on every reader kind. Last, the time from a page request to the
first screen in a browser (``jpki-reset web``, ``browser_startup.py``).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from readers.bridges.nfc_udp import NfcUdpCard
from readers.bridges.pcscd import PcscdUnavailable, PrivatePcscd
from readers.bridges.vpcd import VpcdCard
from readers.training_card.applet import TrainingCard

ROOT = Path(__file__).resolve().parent.parent
VIRTUAL_READER = "Virtual PCD 00 00"

# Both children stop the same way: once the first screen is drawn and settled, say when, and exit.
_REPORT = """
async def first_screen(pilot):
    await pilot.pause()
    print("ready", time.time(), flush=True)
    pilot.app.exit()
"""

# jpki-reset as its command line builds it (argument parsing included), no reader preselected,
# and discovery as it runs for real.
OURS = (
    "import time\n"
    + _REPORT
    + """
from tui.cli import build_parser
args = build_parser().parse_args(["--lang", "en"])
from tui.launch import build_app
build_app(args).run(headless=True, size=(80, 24), auto_pilot=first_screen)
"""
)

# The same widgets, in the same places, with the same stylesheet and the same texts (the
# training cards as discovery lists them, the tasks), and nothing behind them.
BARE = (
    "import time\n"
    + _REPORT
    + """
from textual.app import App
from textual.containers import VerticalScroll, Vertical
from textual.widgets import OptionList, Static

class Bare(App):
    CSS_PATH = CSS
    def compose(self):
        for text in ("", "", "Start", "Choose the reader, then the task."):
            yield Static(text)
        with VerticalScroll(id="body"):
            yield Static("Reader")
            yield Static("")
            yield OptionList(*READERS)
            yield Static("Task")
            yield OptionList(*TASKS)
        with Vertical(id="error"):
            for _ in range(3):
                yield Static("")
        yield Static("Enter Next  F1 Help  F2 Japanese  F3 Colours  Ctrl+Q Quit", id="keys")

Bare().run(headless=True, size=(80, 24), auto_pilot=first_screen)
"""
)


def _bare_code() -> str:
    from readers.discovery import training_choices
    from tui import i18n
    from tui.choices import TASKS

    readers = [choice.name for choice in training_choices()]
    tasks = [i18n.translate("en", task.key) for task in TASKS]
    css = str(ROOT / "tui" / "styles" / "app.tcss")
    return f"CSS = {css!r}\nREADERS = {readers!r}\nTASKS = {tasks!r}\n" + BARE


# As on a staff laptop, byte code is cached after the first start (some shells here set
# PYTHONDONTWRITEBYTECODE, which would make every start compile the project from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _first_screen(code: str) -> float:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
    )
    ready = next(line for line in out.stdout.splitlines() if line.startswith("ready"))
    return float(ready.split()[1]) - started


def _status(spec: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--reader", spec],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


@contextlib.contextmanager
def _readers() -> Iterator[dict[str, tuple[str, dict[str, str]]]]:
    """The reader kinds ``status`` is timed on: name -> (reader spec, environment)."""
    kinds = {"in-process (training)": ("training:adult", ENV)}
    with contextlib.ExitStack() as stack:
        try:
            pcscd = PrivatePcscd()
            pcscd.start()
        except PcscdUnavailable as error:
            print(f"status on pcsc: skipped ({error})")
        else:
            stack.callback(pcscd.stop)
            bridge = VpcdCard(TrainingCard("adult"), port=pcscd.vpcd_port).start()
            stack.callback(bridge.stop)
            env = {**ENV, **pcscd.client_env}
            _wait_for_card(env)
            kinds["pcsc (pcscd + vpcd)"] = (f"pcsc:{VIRTUAL_READER}", env)
        card = NfcUdpCard(TrainingCard("adult"), port=0).start()
        stack.callback(card.stop)
        host, port = card.address
        kinds["nfc (nfcpy udp)"] = (f"nfc:udp:{host}:{port}", ENV)
        yield kinds


def _wait_for_card(env: dict[str, str]) -> None:
    """Until pcscd sees the vpcd card (within one of its polls)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            _status(f"pcsc:{VIRTUAL_READER}", env)
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main(runs: int = 7) -> None:
    bare_code = _bare_code()
    with _readers() as kinds:
        _first_screen(bare_code), _first_screen(OURS)  # warm the byte-code caches
        for spec, env in kinds.values():
            _status(spec, env)
        ours, bare = [], []
        status: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(runs):
            bare.append(_first_screen(bare_code))
            ours.append(_first_screen(OURS))
            for name, (spec, env) in kinds.items():
                status[name].append(_status(spec, env))
    o, b = (statistics.median(x) * 1000 for x in (ours, bare))
    print(f"runs: {runs} each, interleaved; medians")
    print(f"jpki-reset to first screen:        {o:7.1f} ms")
    print(f"bare Textual app, same widgets:    {b:7.1f} ms")
    print(f"ratio ours / bare:                 {o / b:7.2f}  (bar: <= 1.30)")
    for name, times in status.items():
        s = statistics.median(times) * 1000
        print(f"status, {name + ':':<26} {s:7.1f} ms, / our start {s / o:5.2f}  (bar: <= 0.40)")
    from browser_startup import report

    print(report())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
