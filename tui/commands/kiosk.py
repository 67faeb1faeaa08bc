"""``jpki-reset kiosk``: step 2 for residents on a self-service terminal (Textual runs its own loop).

Only step 2 is reachable; nothing leaves the mode but the staff code, set here at start (asked at
the terminal, or read from ``--staff-code-file``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.exit_codes import EXIT_USAGE
from tui.idle import seconds_option


def add(sub: argparse._SubParsersAction) -> None:
    kiosk = sub.add_parser("kiosk", help="step 2 for residents on a self-service terminal")
    # No defaults here, so that options given before ``kiosk`` survive.
    keep = argparse.SUPPRESS
    kiosk.add_argument("--reader", default=keep, help="SPEC (default: pcsc, the first PC/SC reader)")
    kiosk.add_argument("--server", default=keep, help="reservation service URL (default: in-process)")
    kiosk.add_argument("--lang", choices=("ja", "en"), default=keep, help="first language (default: locale)")
    kiosk.add_argument(
        "--at",
        default=keep,
        metavar="TIME",
        help="training only: service clock, HH:MM (today) or ISO, Japan time",
    )
    kiosk.add_argument(
        "--idle",
        type=seconds_option,
        default=60.0,
        metavar="SECONDS",
        help="seconds without a key before the countdown that clears the screen (default 60)",
    )
    kiosk.add_argument(
        "--staff-code-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="the staff code that leaves kiosk mode, on the file's first line (mode 600); "
        "without it the code is asked at start",
    )


def run(args: argparse.Namespace) -> int:
    from tui.kiosk.launch import run_kiosk
    from tui.kiosk.staff_code import StaffCodeError

    try:
        return run_kiosk(args)
    except StaffCodeError as error:
        print(f"jpki-reset: {error.code}: {error.message}", file=sys.stderr)
        return EXIT_USAGE
