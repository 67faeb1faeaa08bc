"""Build and run the app for ``jpki-reset`` and ``jpki-reset demo`` (imports Textual)."""

from __future__ import annotations

import argparse
from datetime import datetime

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
    """The app ``jpki-reset [--reader SPEC] [--server URL] [--lang ja|en] [--at TIME]`` runs."""
    return ResetApp(build_wizard(args.reader, args.server, args.at), lang=args.lang)


def run_tui(args: argparse.Namespace) -> int:
    return build_app(args).run() or 0


def run_demo(args: argparse.Namespace) -> int:
    from readers.recording import load_recording
    from tui.demo import DemoPlayer

    recording = load_recording(args.recording)
    wizard = build_wizard(f"replay:{args.recording}", args.server, args.at)
    app = ResetApp(wizard, lang=args.lang)
    app.demo = DemoPlayer(app, recording, speed=args.speed)
    return app.run() or 0
