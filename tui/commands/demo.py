"""``jpki-reset demo``: a scripted demo recording played in the TUI (Textual runs its own loop)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from tui.demo_launch import run_demo

    return run_demo(args)
