"""Build and run kiosk mode for ``jpki-reset kiosk`` (imports Textual)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable
from pathlib import Path

from readers.jpki import PinKind
from reset_flow.config import Config
from tui.kiosk.app import KioskApp
from tui.kiosk.beforehand import reserve_beforehand
from tui.kiosk.host import KioskSettings
from tui.kiosk.staff_code import StaffCode, ask_staff_code, read_staff_code_file
from tui.launch import wizard_from
from tui.wizard import Wizard

DEFAULT_READER = "pcsc"  # a self-service terminal has a real reader; training cards are asked for


def staff_code_for(args: argparse.Namespace) -> StaffCode:
    """From ``--staff-code-file``, else asked at the terminal before the screen opens."""
    path: Path | None = getattr(args, "staff_code_file", None)
    return read_staff_code_file(path) if path is not None else ask_staff_code()


def kiosk_wizard(args: argparse.Namespace) -> tuple[Wizard, Config]:
    """The wizard of ``--reader``, ``--server``, ``--at`` and the config file (checked before a
    staff code is asked)."""
    return wizard_from(args, getattr(args, "reader", None) or DEFAULT_READER)


def build_kiosk(
    args: argparse.Namespace, staff_code: StaffCode, made: tuple[Wizard, Config] | None = None
) -> KioskApp:
    """The app ``jpki-reset kiosk [--reader SPEC] [--server URL] [--lang ja|en] ...`` runs."""
    settings = KioskSettings(idle_seconds=args.idle)
    wizard, config = made or kiosk_wizard(args)
    lang = getattr(args, "lang", None) or config.language
    return KioskApp(wizard, lang=lang, settings=settings, staff_code=staff_code)


def kiosk_demo_app(wizard: Wizard, setup: tuple[str, PinKind], *, lang: str | None) -> KioskApp:
    """Kiosk mode for a demo: step 1 for ``setup`` (profile, PIN) is done before the first key."""
    profile, reset = setup
    service = wizard.ensure_service()

    def beforehand() -> Awaitable[object]:
        return reserve_beforehand(profile, reset, service, wizard.clock)

    return KioskApp(wizard, lang=lang, beforehand=beforehand)


def run_kiosk(args: argparse.Namespace) -> int:
    from tui.terminal import require_terminal

    made = kiosk_wizard(args)
    app = build_kiosk(args, staff_code_for(args), made)
    require_terminal()
    return app.run() or 0
