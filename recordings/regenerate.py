"""Make the committed recordings by running named conversations against training cards.

    .venv/bin/python recordings/regenerate.py

Every file is produced through the recording tap (``readers.recorder``), never written by hand,
so PIN bytes are ``??`` and the header names the conversation and its outcome.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from readers.conversations import Stage, record
from readers.emulated import EmulatedReader
from readers.training_card.issuer import TrainingIssuer
from readers.training_card.profiles import PROFILES, CardKind
from readers.training_card.reset_protocol import TrainingResetAuthority

HERE = Path(__file__).resolve().parent

# (file name, conversation, profile, title, description, remove the card at command N)
PLAN: list[tuple[str, str, str, str, str, int | None]] = [
    *(
        (
            f"card-check-{name}",
            "card-check",
            name,
            f"Card check: {profile.title}",
            "Card kind, tries left of all four PINs, the authentication certificate; no PIN."
            if profile.kind is CardKind.JPKI
            else "Not a My Number Card: the card refuses the JPKI SELECT, and nothing else is sent.",
            None,
        )
        for name, profile in PROFILES.items()
    ),
    (
        "verify-auth-ok",
        "verify-auth",
        "adult",
        "Verify the user-authentication PIN",
        "Tries query (3 left), then the right PIN: 90 00.",
        None,
    ),
    (
        "wrong-pin-to-blocked",
        "wrong-pin-to-blocked",
        "adult",
        "Wrong PIN down to blocked",
        "Three wrong user-authentication PINs: 63 C2, 63 C1, then 63 C0 on the confirmed last "
        "try; the client then refuses to send another, and the card answers 69 84 to a raw VERIFY.",
        None,
    ),
    (
        "sign-cert-before-verify",
        "sign-cert-before-verify",
        "adult",
        "Signing certificate refused before VERIFY",
        "The card answers 69 82 to a read of EF 0001 until the signing PIN is verified.",
        None,
    ),
    (
        "cert-read-removed",
        "cert-read-removed",
        "adult",
        "Card removed during a certificate read",
        "The card is lifted at the third READ BINARY of the authentication certificate; put "
        "back, a new session reads the whole certificate.",
        4,
    ),
    (
        "step1-sign-reset",
        "step1-sign-reset",
        "adult",
        "Step 1 card work for a signing-PIN reset",
        "Tries query, VERIFY of the user-authentication PIN, its certificate, a signature.",
        None,
    ),
    (
        "training-reset-sign",
        "training-reset-sign",
        "adult",
        "Training-card reset of the signing PIN",
        "VERIFY auth PIN, GET CHALLENGE, EXTERNAL AUTHENTICATE with the training reset "
        "authority's cryptogram, RESET RETRY COUNTER: the signing PIN has 5 tries again.",
        None,
    ),
]


async def regenerate(out_dir: Path = HERE) -> list[Path]:
    written = []
    for file_name, conversation, profile, title, description, remove_at in PLAN:
        reader = EmulatedReader(profile)

        async def put_back(reader: EmulatedReader = reader) -> None:
            reader.insert_card()

        stage = Stage(
            put_card_back=put_back, issuer_commands=TrainingIssuer, reset_authority=TrainingResetAuthority()
        )
        if remove_at is not None:
            reader.remove_after(remove_at)
        path = out_dir / f"{file_name}.jsonl"
        await record(
            reader,
            conversation,
            path,
            stage,
            card=f"training: {profile}",
            title=title,
            description=description,
        )
        written.append(path)
    return written


if __name__ == "__main__":
    for path in asyncio.run(regenerate()):
        print(path.relative_to(HERE.parent))
