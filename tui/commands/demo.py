"""``jpki-reset demo``: a scripted demo recording played in the TUI (Textual runs its own loop)."""

from __future__ import annotations

import argparse


def add(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="play a scripted demo recording in the TUI")
    demo.add_argument("recording", metavar="RECORDING", help="a recordings/demo-*.jsonl file")
    demo.add_argument("--speed", type=float, default=1.0, help="pace multiplier (2 = twice as fast)")
    # No default here, so that a --lang given before ``demo`` survives.
    demo.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language")


def run(args: argparse.Namespace) -> int:
    from tui.demo_launch import run_demo

    return run_demo(args)
