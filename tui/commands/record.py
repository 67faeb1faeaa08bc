"""``jpki-reset record``: run a named card conversation through the recording tap.

A card on a PC/SC or NFC reader may be a resident's: a conversation that sends PINs runs there
only with ``--spend-pin-tries`` for this run, with the PINs typed at the terminal (never taken
from the command line), and a last try used only after a person types YES. Conversations that
block a PIN on purpose run only on training cards and recordings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readers.errors import NoTerminal, PinConsentRequired, ReaderSpecInvalid, TrainingCardOnly
from tui.commands.prompt import ask_pin, last_try_prompt
from tui.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from readers.conversations import Stage

_PROMPTS = {
    "auth": ("auth_pin", "User-authentication PIN (4 digits): "),
    "sign": ("sign_pin", "Signing PIN (6-16 letters and digits): "),
}


async def run(args: argparse.Namespace) -> int:
    from readers.conversations import CONVERSATIONS, SCRIPTED_TRANSPORTS, Stage, record
    from readers.spec import open_reader

    talk = CONVERSATIONS.get(args.conversation)
    if talk is None:
        raise ReaderSpecInvalid(f"no conversation {args.conversation!r}; known: {', '.join(CONVERSATIONS)}")
    reader = open_reader(args.reader)
    stage = Stage()
    if reader.info.transport not in SCRIPTED_TRANSPORTS:
        # Refused before the card is even powered: nothing reaches it.
        if talk.training_only:
            raise TrainingCardOnly(
                f"{talk.name!r} runs only on a training card (training:PROFILE) or a recording (replay:PATH)"
            )
        if talk.pins and not args.spend_pin_tries:
            raise PinConsentRequired(
                f"{talk.name!r} sends PINs to the card, which may be a resident's; add --spend-pin-tries "
                "to allow it for this run (the PINs are then asked at the terminal)"
            )
        if talk.pins:
            confirm = last_try_prompt()
            if confirm is None or not sys.stdin.isatty():
                raise NoTerminal(
                    "the PINs for a card on this reader are typed at a terminal, and there is none"
                )
            stage.confirm_last_try = confirm
            _ask_pins(stage, talk.pins)
    elif args.ask_pins:
        _ask_pins(stage, ("auth", "sign"))
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


def _ask_pins(stage: Stage, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        field, prompt = _PROMPTS[kind]
        setattr(stage, field, ask_pin(prompt))
