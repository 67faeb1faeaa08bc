"""``jpki-reset kiosk``: step 2 for residents on a self-service terminal (Textual runs its own loop).

Only step 2 is reachable; nothing leaves the mode but the staff code, set here at start (asked at
the terminal, or read from ``--staff-code-file``).
"""

from __future__ import annotations

import argparse
import sys

from tui.exit_codes import EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    from tui.kiosk.launch import run_kiosk
    from tui.kiosk.staff_code import StaffCodeError

    try:
        return run_kiosk(args)
    except StaffCodeError as error:
        print(f"jpki-reset: {error.code}: {error.message}", file=sys.stderr)
        return EXIT_USAGE
