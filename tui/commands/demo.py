"""``jpki-reset demo``: a scripted demo recording played in the TUI (Textual runs its own loop)."""

from __future__ import annotations

import argparse


def add(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="play a scripted demo recording in the TUI")
    demo.add_argument("recording", metavar="RECORDING", help="a recordings/demo-*.jsonl file")
    demo.add_argument(
        "--speed", type=speed_option, default=1.0, help="pace multiplier, 0.1 to 20 (2 = twice as fast)"
    )
    # No default here, so that a --lang given before ``demo`` survives.
    demo.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language")


def speed_option(text: str) -> float:
    """``--speed``: a pace a person can follow or skim, never zero, negative or not a number."""
    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.1 <= speed <= 20:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r}: use 0.1 to 20 (1 is the recorded pace)")
    return speed


def run(args: argparse.Namespace) -> int:
    from tui.demo_launch import run_demo

    return run_demo(args)
