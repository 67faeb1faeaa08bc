"""What one browser tab of ``jpki-reset web`` runs: a practice session on a training card, or a
demo recording, each in a process of its own with a reservation service of its own.

The trainer decides on the command line what the tabs get; nothing a browser sends reaches a
reader specification or a path. Only training cards and recordings are ever opened: a practice
tab with no card named offers the training cards and the project's own recordings, never PC/SC,
NFC or a file elsewhere. ``python -m tui.web.session`` is the command textual-serve starts per tab.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readers.errors import ReaderSpecInvalid, RecordingInvalid
from readers.training_card.profiles import PROFILES
from tui.choices import RECORDINGS

if TYPE_CHECKING:
    from readers.discovery import ReaderChoice
    from tui.app import ResetApp

ONLY_TRAINING = "web serves training cards (--reader training:PROFILE) and demos (--demo RECORDING) only"


@dataclass(frozen=True)
class WebSession:
    """What every tab gets: ``demo`` (a recording's path) or ``reader`` (a training card), or
    neither (the tab chooses among training cards and the project's recordings)."""

    demo: Path | None = None
    reader: str | None = None
    lang: str | None = None
    speed: float = 1.0
    at: str | None = None  # the training clock, as given

    def arguments(self) -> list[str]:
        """This session as ``tui.web.session``'s command-line arguments."""
        out: list[str] = []
        if self.demo is not None:
            out += ["--demo", str(self.demo), "--speed", repr(self.speed)]
        if self.reader is not None:
            out += ["--reader", self.reader]
        if self.lang is not None:
            out += ["--lang", self.lang]
        if self.at is not None:
            out += ["--at", self.at]
        return out

    def command(self) -> str:
        """The shell command textual-serve runs for each tab (it starts it through a shell)."""
        return shlex.join([sys.executable, "-m", "tui.web.session", *self.arguments()])


def web_session(
    demo: str | None, reader: str | None, lang: str | None, speed: float = 1.0, at: str | None = None
) -> WebSession:
    """Check what the trainer asked for; refuse anything but a training card or a recording."""
    if demo is not None and reader is not None:
        raise ReaderSpecInvalid("--demo plays its own recording: give --demo or --reader, not both")
    if reader is not None:
        kind, _, profile = reader.partition(":")
        if kind != "training":
            raise ReaderSpecInvalid(f"{ONLY_TRAINING}, not {reader!r}")
        if profile not in PROFILES:
            raise ReaderSpecInvalid(f"no training card {profile!r}: use one of {', '.join(PROFILES)}")
    if at is not None:
        if reader is None:
            # A demo runs on its recording's clock; a tab's own choice of card is not known yet.
            raise ReaderSpecInvalid("--at needs --reader training:PROFILE (a demo has its recording's time)")
        from tui.launch import build_wizard

        build_wizard(reader, None, at)  # the TUI's own check of --at, here once rather than per tab
    if not speed > 0:
        raise ReaderSpecInvalid("--speed must be above 0")
    path = demo_path(demo) if demo is not None else None
    return WebSession(path, reader, lang, speed, at)


def demo_path(name: str) -> Path:
    """A demo by its name among the project's recordings (``demo-step1``), or a file the trainer
    named on the command line; it must be a recording with scripted steps."""
    from readers.recording import load_recording

    own = RECORDINGS / (name if name.endswith(".jsonl") else f"{name}.jsonl")
    path = own if "/" not in name and own.is_file() else Path(name)
    recording = load_recording(path)
    if not recording.ui_steps:
        raise RecordingInvalid(str(path), None, "has no scripted steps (ui lines) to play as a demo")
    return path.resolve()


def web_choices() -> list[ReaderChoice]:
    """The start screen's readers in a browser tab: training cards and the project's recordings."""
    from readers.discovery import recording_choices, training_choices

    return training_choices() + recording_choices(RECORDINGS)


def build_tab_app(session: WebSession, folder: Path) -> ResetApp:
    """The app of one tab, with its own service in ``folder``."""
    from tui.app import ResetApp
    from tui.demo_launch import build_demo
    from tui.launch import build_wizard

    if session.demo is not None:
        app = build_demo(str(session.demo), folder, lang=session.lang, speed=session.speed)
    else:
        wizard = build_wizard(session.reader, None, session.at)
        wizard.data_dir = folder
        app = ResetApp(wizard, lang=session.lang)
    app.wizard.discover = web_choices  # whatever screen asks, a tab never lists a real reader
    return app


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tui.web.session")
    parser.add_argument("--demo", default=None)
    parser.add_argument("--reader", default=None)
    parser.add_argument("--lang", choices=("ja", "en"), default=None)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--at", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """One tab: checked again (this process may be started by hand), run, and its folder removed."""
    import tempfile

    args = _parser().parse_args(argv)
    session = web_session(args.demo, args.reader, args.lang, args.speed, args.at)
    with tempfile.TemporaryDirectory(prefix="jpki-reset-web-") as folder:
        return build_tab_app(session, Path(folder)).run() or 0


if __name__ == "__main__":
    sys.exit(main())
