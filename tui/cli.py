"""The ``jpki-reset`` command line: the parser and the dispatch; each command is a module of
``tui.commands``, imported only when that command runs (its arguments are declared in
``tui.commands.arguments``).

Only the TUI, ``demo``, ``kiosk`` and ``web`` import Textual, and only when they run: ``status``,
``record``, ``serve`` and ``emulate`` stay light, and the TUI's start loads no other command.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Coroutine, Iterator, Sequence
from importlib import import_module

from readers.errors import JpkiResetError
from tui.commands.arguments import add_commands, add_training_at, seconds_option
from tui.exit_codes import (  # noqa: F401  (the exit codes are part of this module's contract)
    EXIT_CARD_REFUSED,
    EXIT_NO_CARD,
    EXIT_OK,
    EXIT_READER_GONE,
    EXIT_SERVICE,
    EXIT_USAGE,
    exit_code_for,
)

# Commands that run Textual's own loop, as the TUI does; the others' ``run`` is a coroutine.
TUI_COMMANDS = ("demo", "kiosk", "web")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jpki-reset",
        description="Guide a My Number Card through the JPKI PIN reset.",
    )
    parser.add_argument("--reader", default=None, help="preselect a reader (SPEC)")
    _add_tui_options(parser)
    add_commands(parser)
    return parser


def _add_tui_options(parser: argparse.ArgumentParser) -> None:
    from pathlib import Path

    parser.add_argument("--server", default=None, help="reservation service URL (default: in-process)")
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help="language (default: locale)")
    add_training_at(parser)
    parser.add_argument("--config", type=Path, default=None, help="the config file (default: config dir)")
    parser.add_argument(
        "--training",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="training mode whatever the reader: the training CAs only, TRAINING on every screen",
    )
    parser.add_argument("--trust-store", type=Path, default=None, metavar="DIR", help="the trust store")
    parser.add_argument("--token-file", type=Path, default=None, metavar="FILE", help="token for --server")
    parser.add_argument(
        "--pin-idle",
        type=seconds_option,
        default=180.0,
        metavar="SECONDS",
        help="a typed PIN is cleared after this long without a key (default 180)",
    )


def _tui(args: argparse.Namespace) -> int:
    from tui.launch import run_tui

    return run_tui(args)


# Reader kinds whose card check never suspends without an event loop: the in-process ones answer
# at once, and a PC/SC or NFC reader's blocking calls then run on the caller's thread
# (readers.blocking); ``status`` opens them with no wait for a card (a card not there: no-card).
_NO_LOOP = ("training", "replay", "pcsc", "nfc")


def _run_to_end(coroutine: Coroutine[object, object, int]) -> int:
    """Run a coroutine that never suspends, without an event loop.

    A card check has nothing to run beside it, and starting asyncio (with the ssl module it
    imports) would cost a large part of the check itself: ``status`` stays quick.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a card check waited for an event loop")


@contextlib.contextmanager
def _one_shot(command: str | None, *, ending: bool) -> Iterator[None]:
    """No cyclic garbage collection while a one-shot command (``status``) runs.

    Loading the card check's modules allocates enough to start the collector a few dozen times,
    a few percent of ``status``'s time, to find next to nothing: the process ends within a second
    and its memory goes with it (reference counting still frees the rest as it goes). A caller in
    the same process (a test) gets the collector back as it was.

    ``ending``: the process ends when the command returns (the console script). What the command
    made is then frozen, not handed back to the collector: the interpreter's shutdown collects
    everything it tracks once more, about a tenth of ``status``'s time, to free memory the
    operating system takes back at once. ``status`` writes nothing but its output, flushed before
    the process ends, so no object's finaliser is owed anything."""
    import gc

    pause = command == "status" and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            if ending:
                gc.freeze()
            gc.enable()


def main(argv: Sequence[str] | None = None, *, ending: bool = False) -> int:
    """Run ``jpki-reset`` with ``argv`` (default: the command line); ``ending`` when the process
    ends as this returns (``program``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _tui(args)
        with _one_shot(args.command, ending=ending):
            code = _run_command(args)
        sys.stdout.flush()  # here, so that a reader gone early is met below, not at exit
        return code
    except JpkiResetError as error:
        print(f"jpki-reset: {error.code}: {error.message}", file=sys.stderr)
        return exit_code_for(error)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The output's reader stopped reading (``jpki-reset status | head``): end quietly, as tools
    killed by SIGPIPE do, with their status (128 + 13). SIGPIPE itself stays ignored, so that a
    daemon's closed socket is an error to handle, not a silent death."""
    import os

    # Python flushes stdout once more at exit: point it at nothing, so that flush cannot fail.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_READER_GONE


def _run_command(args: argparse.Namespace) -> int:
    command = import_module(f"tui.commands.{args.command}")
    if args.command in TUI_COMMANDS:
        return command.run(args)
    coroutine = command.run(args)
    if args.command == "status" and args.reader.partition(":")[0] in _NO_LOOP:
        return _run_to_end(coroutine)
    import asyncio

    return asyncio.run(coroutine)


def program() -> int:
    """The ``jpki-reset`` console script and ``python -m tui.cli``: the process ends after it."""
    return main(ending=True)


if __name__ == "__main__":
    sys.exit(program())
