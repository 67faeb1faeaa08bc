"""The arguments of every ``jpki-reset`` subcommand, declared apart from what runs them.

Building the parser loads this module only: a command's implementation (``tui.commands.NAME``,
its ``run(args)``) is imported when that command runs, so ``--help`` stays complete and neither
the TUI's start nor ``status`` pays for the other commands' imports. A command's own parser is
built when that command is parsed, too (``Commands``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Declare = Callable[[argparse.ArgumentParser], None]


class Commands(argparse._SubParsersAction):
    """The subcommands, each one's parser built and its options declared only when that command
    is parsed: the top-level ``--help`` lists every command with its help as before, and neither
    the TUI's start nor ``status`` pays ~4 ms of CPU for the other commands' ~90 options (a parser
    costs ~0.2 ms to build, an option ~0.02 ms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._declared: dict[str, Declare] = {}

    def declare(self, name: str, help: str, declare: Declare) -> None:
        """``name`` among the choices, listed with ``help``; ``declare`` adds its options later."""
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))
        self._name_parser_map[name] = None  # a choice from now on; its parser once it is parsed
        self._declared[name] = declare

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, list) and values  # argparse gives the command and what follows
        name = values[0]
        if self._name_parser_map.get(name) is None and name in self._declared:
            command = self._parser_class(prog=f"{self._prog_prefix} {name}")
            self._declared.pop(name)(command)
            self._name_parser_map[name] = command
        super().__call__(parser, namespace, values, option_string)


# The default reader of ``status`` (readers.spec.DEFAULT_SPEC, spelled here so that building the
# parser imports no reader code; a test holds the two equal).
DEFAULT_READER = "training:adult"


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Every subcommand, in the order ``--help`` lists them."""
    commands = parser.add_subparsers(dest="command", action=Commands)
    for name, help, declare in COMMANDS:
        commands.declare(name, help, declare)


def config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` after the command's name. It has no default (SUPPRESS), so that a
    ``--config`` given before the command's name stands when this one is not given."""
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="the config file")


def lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang ja|en`` after the command's name, as before it (default: the locale, as the TUI)."""
    parser.add_argument(
        "--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language (default: locale)"
    )


def speed_option(text: str) -> float:
    """``--speed``: a pace a person can follow or skim, never zero, negative or not a number."""
    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.1 <= speed <= 20:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r}: use 0.1 to 20 (1 is the recorded pace)")
    return speed


def seconds_option(text: str) -> float:
    """An idle time on the command line: 10 seconds to an hour."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 10 <= seconds <= 3600:
        raise argparse.ArgumentTypeError("use 10 to 3600 seconds")
    return seconds


def _status(status: argparse.ArgumentParser) -> None:
    status.add_argument(
        "--reader", default=DEFAULT_READER, help="training:PROFILE | replay:PATH | pcsc[:NAME] | nfc[:PATH]"
    )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    config_option(status)
    lang_option(status)
    status.add_argument(
        "--ask-sign-pin",
        action="store_true",
        help="ask for the signing PIN to read the signing certificate (spends a try if wrong)",
    )


def _record(rec: argparse.ArgumentParser) -> None:
    rec.add_argument("--reader", required=True, help="reader SPEC")
    rec.add_argument("--out", required=True, help="the .jsonl file to write")
    rec.add_argument("--conversation", default="card-check", help="what to do with the card")
    rec.add_argument("--title", default="")
    rec.add_argument("--description", default="")
    rec.add_argument("--card", default="", help="what the card is, for the header")
    rec.add_argument("--ask-pins", action="store_true", help="ask for the PINs (training cards, recordings)")
    rec.add_argument(
        "--spend-pin-tries",
        action="store_true",
        help="this run may send PINs to the card on a PC/SC or NFC reader (a wrong one spends a try); "
        "the PINs are asked at the terminal",
    )


def _serve(serve: argparse.ArgumentParser) -> None:
    # The calls below look alike only as argparse calls do: each option has its own default, its
    # own metavar and its help in place, which a table of options would scatter.
    serve.add_argument("--host", default="127.0.0.1")
    # Checked by the service (one line, exit 2), not by argparse: its message spans lines.
    serve.add_argument("--port", default="8765")
    serve.add_argument(
        "--db", default=None, help="SQLite file (default: the user data directory) or postgresql://..."
    )
    serve.add_argument("--init", action="store_true", help="create the database (or upgrade it), then exit")
    serve.add_argument(
        "--new-terminal", metavar="NAME", help="register a terminal, print its token once, exit"
    )
    serve.add_argument("--admin", action="store_true", help="with --new-terminal: an admin (audit) token")
    serve.add_argument("--revoke-terminal", metavar="NAME", help="revoke every token of terminal NAME, exit")
    serve.add_argument(
        "--training-at",
        metavar="ISO",
        help="with --training only: start the service's clock at ISO (no offset: JST)",
    )
    serve.add_argument(
        "--anchor",
        action="append",
        metavar="auth:PATH|sign:PATH",
        help="also trust this issuer CA certificate",
    )
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain)")
    serve.add_argument("--tls-key", metavar="PEM", help="and this private key")
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="trust X-Forwarded-For from these proxies (comma-separated)",
    )
    serve.add_argument("--reuse-port", action="store_true", help="let several serve processes share the port")
    serve.add_argument("--proofs-per-minute", default="30", metavar="N", help="per terminal (0: off)")
    serve.add_argument("--challenges-per-minute", default="60", metavar="N", help="per terminal (0: off)")
    serve.add_argument(
        "--failed-tokens-per-minute", default="20", metavar="N", help="per client address (0: off)"
    )
    serve.add_argument(
        "--training",
        action=argparse.BooleanOptionalAction,
        default=argparse.SUPPRESS,  # the top-level --training (None when not given) stands
        help="training mode: also trust the training CAs; every answer says TRAINING (default: the config)",
    )
    serve.add_argument(
        "--trust-store",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="the trust store (default: the config)",
    )
    config_option(serve)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


def _emulate(emulate: argparse.ArgumentParser) -> None:
    emulate.add_argument("--profile", default="adult", help="training card profile")
    where = emulate.add_mutually_exclusive_group(required=True)
    where.add_argument("--vpcd", metavar="HOST:PORT", help="connect to pcscd's vpcd driver")
    where.add_argument("--nfc-udp", metavar="HOST:PORT", help="answer nfcpy's udp driver")


def _trust(trust: argparse.ArgumentParser) -> None:
    actions = trust.add_subparsers(dest="trust_command", required=True)
    added = actions.add_parser("add", help="trust an issuer: its CA certificates from a card or a file")
    source = added.add_mutually_exclusive_group(required=True)
    source.add_argument("--reader", metavar="SPEC", help="read the CA certificates from the card (no PIN)")
    source.add_argument("--file", type=Path, metavar="CA", help="a CA certificate file (PEM or DER)")
    added.add_argument("--purpose", choices=("auth", "sign"), help="with --file: which CA it is")
    added.add_argument("--crl", type=Path, metavar="FILE", help="with --file: the issuer's CRL for it")
    actions.add_parser("list", help="the trusted issuers").add_argument(
        "--history", action="store_true", help="the trail of every change instead"
    )
    removed = actions.add_parser("remove", help="stop trusting an anchor")
    removed.add_argument("fingerprint", help="its SHA-256 (at least the first 8 hex digits)")
    crl = actions.add_parser("crl", help="give an anchor its issuer's CRL (checked for revocation)")
    crl.add_argument("fingerprint", help="the anchor's SHA-256 (at least the first 8 hex digits)")
    crl.add_argument("file", type=Path, help="the CRL (PEM or DER)")
    for parser in actions.choices.values():
        parser.add_argument("--store", type=Path, default=argparse.SUPPRESS, help="the trust store folder")
        config_option(parser)


def _demo(demo: argparse.ArgumentParser) -> None:
    demo.add_argument("recording", metavar="RECORDING", help="a recordings/demo-*.jsonl file")
    demo.add_argument(
        "--speed", type=speed_option, default=1.0, help="pace multiplier, 0.1 to 20 (2 = twice as fast)"
    )
    # No default here, so that a --lang given before ``demo`` survives.
    demo.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language")


def add_training_at(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    """``--at``, the training clock: the TUI's and the kiosk's (which keeps one given before it)."""
    parser.add_argument(
        "--at",
        default=default,
        metavar="TIME",
        help="training only: service clock, HH:MM (today) or ISO, Japan time",
    )


def _kiosk(kiosk: argparse.ArgumentParser) -> None:
    # No defaults here, so that options given before ``kiosk`` survive.
    keep = argparse.SUPPRESS
    kiosk.add_argument("--reader", default=keep, help="SPEC (default: pcsc, the first PC/SC reader)")
    kiosk.add_argument("--server", default=keep, help="reservation service URL (default: in-process)")
    kiosk.add_argument("--lang", choices=("ja", "en"), default=keep, help="first language (default: locale)")
    add_training_at(kiosk, default=keep)
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


def _web(web: argparse.ArgumentParser) -> None:
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    web.add_argument("--port", type=int, default=8000, help="port (0: any free port, printed)")
    what = web.add_mutually_exclusive_group()
    what.add_argument("--demo", metavar="RECORDING", help="a demo by name (demo-step1) or a recording file")
    # Defaults suppressed so that a --reader or --lang given before ``web`` is kept (and checked).
    what.add_argument(
        "--reader", metavar="training:PROFILE", default=argparse.SUPPRESS, help="each tab's training card"
    )
    web.add_argument("--speed", type=float, default=1.0, help="demo pace multiplier (2 = twice as fast)")
    web.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="first language")
    web.add_argument("--at", metavar="TIME", default=argparse.SUPPRESS, help="practice tabs' service clock")
    web.add_argument("--max-tabs", type=int, default=20, help="sessions open at once (default 20)")


# name, help in the list of commands, what declares its options
COMMANDS: tuple[tuple[str, str, Declare], ...] = (
    ("status", "card check, plain text or JSON", _status),
    ("record", "record a card conversation to a file", _record),
    ("serve", "run the reservation service on uvicorn", _serve),
    ("emulate", "put a training card behind vpcd or nfcpy's udp driver", _emulate),
    ("trust", "the card issuers this machine trusts (add, list, remove, crl)", _trust),
    ("demo", "play a scripted demo recording in the TUI", _demo),
    ("kiosk", "step 2 for residents on a self-service terminal", _kiosk),
    ("web", "serve training sessions and demos to browsers", _web),
)
