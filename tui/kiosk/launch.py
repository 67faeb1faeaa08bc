"""Build and run kiosk mode for ``jpki-reset kiosk`` (imports Textual)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable
from pathlib import Path

from readers.jpki import PinKind
from tui.kiosk.app import KioskApp, KioskSettings
from tui.kiosk.beforehand import reserve_beforehand
from tui.kiosk.staff_code import StaffCode, ask_staff_code, read_staff_code_file
from tui.launch import build_wizard
from tui.wizard import Wizard

DEFAULT_READER = "pcsc"  # a self-service terminal has a real reader; training cards are asked for


def staff_code_for(args: argparse.Namespace) -> StaffCode:
    """From ``--staff-code-file``, else asked at the terminal before the screen opens."""
    path: Path | None = getattr(args, "staff_code_file", None)
    return read_staff_code_file(path) if path is not None else ask_staff_code()


def kiosk_wizard(args: argparse.Namespace) -> Wizard:
    """The wizard of ``--reader``, ``--server`` and ``--at`` (checked before a staff code is asked)."""
    reader = getattr(args, "reader", None) or DEFAULT_READER
    return build_wizard(reader, getattr(args, "server", None), getattr(args, "at", None))


def build_kiosk(args: argparse.Namespace, staff_code: StaffCode, wizard: Wizard | None = None) -> KioskApp:
    """The app ``jpki-reset kiosk [--reader SPEC] [--server URL] [--lang ja|en] ...`` runs."""
    settings = KioskSettings(idle_seconds=args.idle)
    wizard = wizard or kiosk_wizard(args)
    return KioskApp(wizard, lang=getattr(args, "lang", None), settings=settings, staff_code=staff_code)


def kiosk_demo_app(wizard: Wizard, setup: tuple[str, PinKind], *, lang: str | None) -> KioskApp:
    """Kiosk mode for a demo: step 1 for ``setup`` (profile, PIN) is done before the first key."""
    profile, reset = setup
    service = wizard.ensure_service()

    def beforehand() -> Awaitable[object]:
        return reserve_beforehand(profile, reset, service, wizard.clock)

    return KioskApp(wizard, lang=lang, beforehand=beforehand)


def run_kiosk(args: argparse.Namespace) -> int:
    wizard = kiosk_wizard(args)
    return build_kiosk(args, staff_code_for(args), wizard).run() or 0
