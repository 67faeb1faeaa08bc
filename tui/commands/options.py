"""Options that several subcommands take again after their own name."""

from __future__ import annotations

import argparse
from pathlib import Path


def config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` after the command's name. It has no default (SUPPRESS), so that a
    ``--config`` given before the command's name stands when this one is not given."""
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="the config file")


def lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang ja|en`` after the command's name, as before it (default: the locale, as the TUI)."""
    parser.add_argument(
        "--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language (default: locale)"
    )
