"""Build and run the app for ``jpki-reset demo`` (imports Textual): a recording played as the card
and the keys, in the staff wizard or, for a kiosk demo, in kiosk mode."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.app import ResetApp
from tui.launch import build_wizard
from tui.terminal import require_terminal


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
        app = build_demo(args.recording, Path(folder), lang=args.lang, speed=args.speed)
        require_terminal()
        return app.run() or 0
