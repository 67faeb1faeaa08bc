"""``jpki-reset status``: the card check, plain text or JSON; never imports Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from readers.pin import PinKind
from readers.spec import DEFAULT_SPEC
from tui.commands.options import config_option
from tui.commands.prompt import ask_pin, last_try_prompt
from tui.exit_codes import EXIT_CARD_REFUSED, EXIT_OK


def add(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser("status", help="card check, plain text or JSON")
    status.add_argument(
        "--reader", default=DEFAULT_SPEC, help="training:PROFILE | replay:PATH | pcsc[:NAME] | nfc[:PATH]"
    )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    config_option(status)
    status.add_argument(
        "--ask-sign-pin",
        action="store_true",
        help="ask for the signing PIN to read the signing certificate (spends a try if wrong)",
    )


async def run(args: argparse.Namespace) -> int:
    from readers.card_check import check_card, report_json
    from readers.connection import CardConnection
    from readers.spec import open_reader

    extend = _triage_extension(args)  # before the card: a wrong --at spends nothing
    sign_pin = ask_pin("Signing PIN (6-16 letters and digits): ") if args.ask_sign_pin else None
    reader = open_reader(args.reader)
    await reader.connect()
    try:
        report = await check_card(CardConnection(reader), sign_pin, confirm_last_try=last_try_prompt())
    finally:
        await reader.disconnect()
    data = report_json(report)
    if extend is not None:
        data["triage"] = extend(report)
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(status_text(data, reader.info.name))
    refusal = report.sign_pin.error if report.sign_pin else None
    if refusal is not None:  # the whole report is out; the signing PIN's refusal sets the exit
        print(f"jpki-reset: {refusal.code}: {refusal.message}", file=sys.stderr)
        return EXIT_CARD_REFUSED
    return EXIT_OK


def _triage_extension(args: argparse.Namespace) -> Callable[[object], dict[str, object]] | None:
    """The reset rules' verdict at this moment (``--at`` for training, else the wall clock), by
    what this terminal trusts: the training CAs for a training card or a recording (or in training
    mode), else the trust store's issuers."""
    from reset_flow.config import load_config
    from reset_flow.triage import triage_json
    from reset_flow.trust_setup import open_trust_store, terminal_trust

    config = load_config(getattr(args, "config", None))
    training = config.training if args.training is None else args.training
    training = training or args.reader.startswith(("training:", "replay:"))
    store = open_trust_store(args.trust_store or config.trust_store_folder)
    trust = terminal_trust(store, training=training)
    now = _triage_moment(args.at, training)
    return lambda report: triage_json(report, now, trust.revocation_of, trust.trusts_issuer_of)  # type: ignore[arg-type]


def _triage_moment(at: str | None, training: bool) -> datetime:
    """``--at`` moves the moment of the verdict for training, as it moves the TUI's service clock;
    a resident's card is judged by the wall clock (the command line is the edge that reads it)."""
    from tui.training_time import training_moment

    return datetime.now(UTC) if at is None else training_moment(at, training)


def status_text(data: dict, reader_name: str) -> str:
    card = data["card"]
    lines = [f"Reader: {reader_name}", f"Card:   {card['kind']} (token {card['token']})"]
    if card.get("face_authentication"):
        lines.append("        face-authentication card: no PINs are set")
    lines.append("PINs:")
    for kind, pin in data["pins"].items():
        if not pin["set"]:
            state = "not set"
        elif pin.get("verified") and pin["tries_left"] is None:
            state = "verified in this session (the card gives no count)"
        elif pin["tries_left"] is None:
            state = "tries unknown"
        elif pin["blocked"]:
            state = "BLOCKED (0 tries left)"
        else:
            state = f"{pin['tries_left']} of {pin['max_tries']} tries left"
        lines.append(f"  {PinKind(kind).label:<26} {state}")
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
    sign_pin = data.get("sign_pin")
    if sign_pin:
        lines.append(f"Signing PIN given: {sign_pin['reason']}")
    for warning in data.get("warnings", []):
        lines.append(f"Note: {warning}")
    triage = data.get("triage")
    if triage:
        lines.append(f"Verdict: {triage.get('summary', triage.get('verdict'))}")
        for reason in triage.get("reasons", []):
            lines.append(f"  - {reason.get('text', reason.get('code'))}")
    return "\n".join(lines)
