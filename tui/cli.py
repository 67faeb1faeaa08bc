"""The ``jpki-reset`` command line (the contract of DESIGN.md).

Only the TUI and ``demo`` import Textual, and only when they run: ``status``, ``record``,
``serve`` and ``emulate`` stay light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path

from readers.errors import (
    CardError,
    InvalidPinInput,
    JpkiResetError,
    ReaderError,
    ReaderSpecInvalid,
    RecordingInvalid,
)
from readers.pin import Pin
from readers.spec import DEFAULT_SPEC

EXIT_OK, EXIT_USAGE, EXIT_NO_CARD, EXIT_CARD_REFUSED, EXIT_SERVICE = 0, 2, 3, 4, 5


def exit_code_for(error: JpkiResetError) -> int:
    if isinstance(error, ReaderSpecInvalid | RecordingInvalid):
        return EXIT_USAGE
    if isinstance(error, ReaderError):
        return EXIT_NO_CARD
    if isinstance(error, CardError | InvalidPinInput):
        return EXIT_CARD_REFUSED
    return EXIT_SERVICE


def _ask_pin(prompt: str) -> Pin:
    """Read a PIN without echo (from a pipe when there is no terminal)."""
    import getpass

    text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()
    return Pin(text.upper())


# --- status -------------------------------------------------------------------------------------


async def _status(args: argparse.Namespace) -> int:
    from readers.card_check import check_card, report_json
    from readers.jpki import JpkiCard
    from readers.spec import open_reader

    sign_pin = _ask_pin("Signing PIN (6-16 letters and digits): ") if args.ask_sign_pin else None
    reader = open_reader(args.reader)
    await reader.connect()
    try:
        report = await check_card(JpkiCard(reader), sign_pin)
    finally:
        await reader.disconnect()
    data = report_json(report)
    extend = _triage_extension()
    if extend is not None:
        data["triage"] = extend(report)
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_status_text(data, reader.info.name))
    return EXIT_OK


def _triage_extension() -> Callable[[object], dict[str, object]] | None:
    """The reset rules' verdict at this moment, revocation checked against the training CRL."""
    from datetime import UTC, datetime

    from reset_flow.triage import triage_json
    from reset_flow.trust import training_trust

    now = datetime.now(UTC)  # the command line is the edge where the wall clock is read
    return lambda report: triage_json(report, now, training_trust().revocation_of)  # type: ignore[arg-type]


def _status_text(data: dict, reader_name: str) -> str:
    card = data["card"]
    lines = [f"Reader: {reader_name}", f"Card:   {card['kind']} (token {card['token']})"]
    if card.get("face_authentication"):
        lines.append("        face-authentication card: no PINs are set")
    lines.append("PINs:")
    names = {
        "auth": "user-authentication PIN",
        "sign": "signing PIN",
        "juki": "resident-registry PIN",
        "kenmen": "card-info input PIN",
    }
    for kind, pin in data["pins"].items():
        if not pin["set"]:
            state = "not set"
        elif pin["tries_left"] is None:
            state = "tries unknown"
        elif pin["blocked"]:
            state = "BLOCKED (0 tries left)"
        else:
            state = f"{pin['tries_left']} of {pin['max_tries']} tries left"
        lines.append(f"  {names[kind]:<26} {state}")
    lines.append("Certificates:")
    for kind, cert in data["certificates"].items():
        label = "authentication" if kind == "auth" else "signing"
        if not cert["present"]:
            state = "none on this card"
        elif cert["not_after"] is None:
            state = "present (dates need the signing PIN)"
        else:
            state = f"valid {cert['not_before'][:10]} to {cert['not_after'][:10]}"
        lines.append(f"  {label:<26} {state}")
    triage = data.get("triage")
    if triage:
        lines.append(f"Verdict: {triage.get('summary', triage.get('verdict'))}")
        for reason in triage.get("reasons", []):
            lines.append(f"  - {reason.get('text', reason.get('code'))}")
    return "\n".join(lines)


# --- record -------------------------------------------------------------------------------------


async def _record(args: argparse.Namespace) -> int:
    from readers.conversations import CONVERSATIONS, Stage, record
    from readers.spec import open_reader

    if args.conversation not in CONVERSATIONS:
        raise ReaderSpecInvalid(f"no conversation {args.conversation!r}; known: {', '.join(CONVERSATIONS)}")
    stage = Stage()
    if args.ask_pins:
        stage.auth_pin = _ask_pin("User-authentication PIN (4 digits): ")
        stage.sign_pin = _ask_pin("Signing PIN (6-16 letters and digits): ")
    reader = open_reader(args.reader)
    outcome = await record(
        reader,
        args.conversation,
        Path(args.out),
        stage,
        card=args.card or reader.info.name,
        title=args.title or args.conversation,
        description=args.description,
    )
    for line in outcome:
        print(line)
    print(f"recorded to {args.out}")
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jpki-reset",
        description="Guide a My Number Card through the JPKI PIN reset.",
    )
    parser.add_argument("--reader", default=None, help="preselect a reader (SPEC)")
    _add_tui_options(parser)
    sub = parser.add_subparsers(dest="command")

    status = sub.add_parser("status", help="card check, plain text or JSON")
    status.add_argument(
        "--reader", default=DEFAULT_SPEC, help="training:PROFILE | replay:PATH | pcsc[:NAME] | nfc[:PATH]"
    )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.add_argument(
        "--ask-sign-pin",
        action="store_true",
        help="ask for the signing PIN to read the signing certificate (spends a try if wrong)",
    )

    rec = sub.add_parser("record", help="record a card conversation to a file")
    rec.add_argument("--reader", required=True, help="reader SPEC")
    rec.add_argument("--out", required=True, help="the .jsonl file to write")
    rec.add_argument("--conversation", default="card-check", help="what to do with the card")
    rec.add_argument("--title", default="")
    rec.add_argument("--description", default="")
    rec.add_argument("--card", default="", help="what the card is, for the header")
    rec.add_argument("--ask-pins", action="store_true", help="ask for the PINs (real cards)")
    _add_serve(sub)
    _add_emulate(sub)
    _add_demo(sub)
    return parser


# --- the TUI and demo (tui.launch imports Textual, only when they run) -------------------------


def _add_tui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default=None, help="reservation service URL (default: in-process)")
    parser.add_argument("--lang", choices=("ja", "en"), default=None, help="language (default: locale)")
    parser.add_argument("--at", default=None, metavar="TIME", help="training only: service clock (ISO)")


def _add_demo(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="play a scripted demo recording in the TUI")
    demo.add_argument("recording", metavar="RECORDING", help="a recordings/demo-*.jsonl file")
    demo.add_argument("--speed", type=float, default=1.0, help="pace multiplier (2 = twice as fast)")
    # No default here, so that a --lang given before ``demo`` survives.
    demo.add_argument("--lang", choices=("ja", "en"), default=argparse.SUPPRESS, help="language")


def _demo(args: argparse.Namespace) -> int:
    from tui.launch import run_demo

    return run_demo(args)


def _tui(args: argparse.Namespace) -> int:
    from tui.launch import run_tui

    return run_tui(args)


# --- serve (reset_flow) -------------------------------------------------------------------------


async def _serve(args: argparse.Namespace) -> int:
    from reset_flow.serve import run_serve

    return await run_serve(args)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run the reservation service on uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--db", default=None, help="SQLite file (default: the user data directory)")
    serve.add_argument(
        "--new-terminal", metavar="NAME", help="register a terminal, print its token once, exit"
    )
    serve.add_argument(
        "--training-at",
        metavar="ISO",
        help="training mode only: start the service's clock at ISO (no offset: JST)",
    )
    serve.add_argument(
        "--anchor",
        action="append",
        metavar="auth:PATH|sign:PATH",
        help="also trust this issuer CA certificate",
    )
    serve.add_argument("--no-training-anchors", action="store_true", help="do not trust the training CAs")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


# --- emulate (readers bridges) --------------------------------------------------------------------


async def _emulate(args: argparse.Namespace) -> int:
    from readers.bridges import run_emulator  # type: ignore[import-not-found]

    return await run_emulator(args)


def _add_emulate(sub: argparse._SubParsersAction) -> None:
    emulate = sub.add_parser("emulate", help="put a training card behind vpcd or nfcpy's udp driver")
    emulate.add_argument("--profile", default="adult", help="training card profile")
    where = emulate.add_mutually_exclusive_group(required=True)
    where.add_argument("--vpcd", metavar="HOST:PORT", help="connect to pcscd's vpcd driver")
    where.add_argument("--nfc-udp", metavar="HOST:PORT", help="answer nfcpy's udp driver")


_COMMANDS = {"status": _status, "record": _record, "serve": _serve, "emulate": _emulate}
_TUI_COMMANDS = {None: _tui, "demo": _demo}  # Textual runs its own event loop


# Readers that answer in-process: a conversation with them never waits on I/O.
_IN_PROCESS = ("training:", "replay:")


def _run_to_end(coroutine: Coroutine[object, object, int]) -> int:
    """Run a coroutine that never suspends, without an event loop.

    A card check on a training card or a recording never waits, and starting asyncio (with the
    ssl module it imports) would cost as much as the check itself: ``status`` stays quick.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("an in-process reader waited for I/O")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in _TUI_COMMANDS:
            return _TUI_COMMANDS[args.command](args)
        coroutine = _COMMANDS[args.command](args)
        if args.command == "status" and args.reader.startswith(_IN_PROCESS):
            return _run_to_end(coroutine)
        import asyncio

        return asyncio.run(coroutine)
    except JpkiResetError as error:
        print(f"jpki-reset: {error.code}: {error.message}", file=sys.stderr)
        return exit_code_for(error)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
