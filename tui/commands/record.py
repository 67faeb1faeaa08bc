"""``jpki-reset record``: run a named card conversation through the recording tap."""

from __future__ import annotations

import argparse
from pathlib import Path

from readers.errors import ReaderSpecInvalid
from tui.commands.prompt import ask_pin
from tui.exit_codes import EXIT_OK


def add(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("record", help="record a card conversation to a file")
    rec.add_argument("--reader", required=True, help="reader SPEC")
    rec.add_argument("--out", required=True, help="the .jsonl file to write")
    rec.add_argument("--conversation", default="card-check", help="what to do with the card")
    rec.add_argument("--title", default="")
    rec.add_argument("--description", default="")
    rec.add_argument("--card", default="", help="what the card is, for the header")
    rec.add_argument("--ask-pins", action="store_true", help="ask for the PINs (real cards)")


async def run(args: argparse.Namespace) -> int:
    from readers.conversations import CONVERSATIONS, Stage, record
    from readers.spec import open_reader

    if args.conversation not in CONVERSATIONS:
        raise ReaderSpecInvalid(f"no conversation {args.conversation!r}; known: {', '.join(CONVERSATIONS)}")
    stage = Stage()
    if args.ask_pins:
        stage.auth_pin = ask_pin("User-authentication PIN (4 digits): ")
        stage.sign_pin = ask_pin("Signing PIN (6-16 letters and digits): ")
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
