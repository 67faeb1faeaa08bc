"""Build and run the app for ``jpki-reset`` and ``jpki-reset demo`` (imports Textual)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from readers.errors import ReaderSpecInvalid
from tui.app import ResetApp
from tui.wizard import Wizard


def parse_at(text: str) -> datetime:
    """``--at``: an ISO date and time; without a zone it is Japan time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ReaderSpecInvalid(f"--at {text!r}: use an ISO time such as 2026-04-01T22:30") from None
    from zoneinfo import ZoneInfo

    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Tokyo"))


def build_wizard(reader: str | None, server: str | None, at: str | None) -> Wizard:
    wizard = Wizard(reader_spec=reader, preselected=reader is not None)
    wizard.server_url = server
    if at is not None:
        if reader is None or not wizard.training:
            # The service clock may only be moved for training: a resident's card keeps real time.
            raise ReaderSpecInvalid("--at needs a training card or a recording (--reader training:...)")
        wizard.training_at = parse_at(at)
    return wizard


def build_app(args: argparse.Namespace) -> ResetApp:
    """The app ``jpki-reset [--reader SPEC] [--server URL] [--lang ja|en] [--at TIME] [--pin-idle S]``
    runs."""
    app = ResetApp(build_wizard(args.reader, args.server, args.at), lang=args.lang)
    app.pin_idle_seconds = args.pin_idle
    return app


def run_tui(args: argparse.Namespace) -> int:
    return build_app(args).run() or 0


def build_demo(recording_path: str, folder: Path, *, lang: str | None = None, speed: float = 1.0) -> ResetApp:
    """The app of ``jpki-reset demo``: the recording replayed as the card, its ``ui`` lines as the
    keys, and a service of its own in ``folder`` whose clock starts at the recording's time."""
    from readers.recording import load_recording
    from tui.demo import DemoPlayer
    from tui.demo_service import demo_service

    recording = load_recording(recording_path)
    wizard = build_wizard(f"replay:{recording_path}", None, recording.header.recorded_at or None)
    wizard.service = demo_service(folder, wizard.clock, recording.name)
    from tui.kiosk.demos import kiosk_setup

    setup = kiosk_setup(recording_path)
    if setup is not None:  # a kiosk demo: step 1 beforehand, then kiosk mode
        from tui.kiosk.launch import kiosk_demo_app

        app: ResetApp = kiosk_demo_app(wizard, setup, lang=lang)
    else:
        app = ResetApp(wizard, lang=lang)
    app.demo = DemoPlayer(app, recording, speed=speed)
    return app


def run_demo(args: argparse.Namespace) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jpki-reset-demo-") as folder:
        return build_demo(args.recording, Path(folder), lang=args.lang, speed=args.speed).run() or 0
