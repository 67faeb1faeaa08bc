"""``jpki-reset status``: the card check, plain text or JSON; never imports Textual."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from readers.card_check import SignPinOutcome
from reset_flow.triage import ReasonCode, Verdict
from tui.card_words import certificate_notes, certificate_state, pin_state, reason_terms, verdict_line
from tui.commands.prompt import ask_pin, last_try_prompt
from tui.exit_codes import EXIT_CARD_REFUSED, EXIT_OK
from tui.i18n import default_language, has
from tui.i18n.terms import Term, Translate, translator
from tui.jst import jst

if TYPE_CHECKING:
    from readers.card_check import CardReport, SignPinCheck
    from reset_flow.triage import IssuerCheck, RevocationCheck, Triage


async def run(args: argparse.Namespace) -> int:
    from readers.card_check import check_card, report_json
    from readers.connection import CardConnection
    from readers.spec import open_reader

    now, checks = _judging(args)  # before the card: a wrong --at spends nothing
    sign_pin = ask_pin("Signing PIN (6-16 letters and digits): ") if args.ask_sign_pin else None
    reader = open_reader(args.reader)
    await reader.connect()
    try:
        report = await check_card(CardConnection(reader), sign_pin, confirm_last_try=last_try_prompt())
    finally:
        await reader.disconnect()
    if args.json:
        import json

        from reset_flow.triage import triage_json

        data = report_json(report)
        data["triage"] = triage_json(report, now, *checks)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from reset_flow.triage import triage

        lang = args.lang or default_language()
        t = translator(lang)
        words = _reader_words(t, lang, args.reader, reader.info.name)
        print(status_text(t, report, triage(report, now, *checks), words, now))
    refusal = report.sign_pin.error if report.sign_pin else None
    if refusal is not None:  # the whole report is out; the signing PIN's refusal sets the exit
        print(f"jpki-reset: {refusal.code}: {refusal.message}", file=sys.stderr)
        return EXIT_CARD_REFUSED
    return EXIT_OK


def _judging(args: argparse.Namespace) -> tuple[datetime, tuple[RevocationCheck, IssuerCheck]]:
    """The moment of the verdict (``--at`` for training, else the wall clock) and what this
    terminal trusts: the training CAs for a training card or a recording (or in training mode),
    else the trust store's issuers."""
    from reset_flow.config import load_config
    from reset_flow.trust_setup import open_trust_store, terminal_trust

    config = load_config(getattr(args, "config", None))
    training = config.training if args.training is None else args.training
    training = training or args.reader.startswith(("training:", "replay:"))
    store = open_trust_store(args.trust_store or config.trust_store_folder)
    trust = terminal_trust(store, training=training)
    return _triage_moment(args.at, training), (trust.revocation_of, trust.trusts_issuer_of)  # type: ignore[return-value]


def _triage_moment(at: str | None, training: bool) -> datetime:
    """``--at`` moves the moment of the verdict for training, as it moves the TUI's service clock;
    a resident's card is judged by the wall clock (the command line is the edge that reads it)."""
    if at is None:
        return datetime.now(UTC)
    from tui.training_time import training_moment  # only with --at: its parsing is not free

    return training_moment(at, training)


def _reader_words(t: Translate, lang: str, spec: str, name: str) -> str:
    """A training card by its profile in words, as the start screen says it; others by name."""
    kind, _, profile = spec.partition(":")
    if kind == "training" and has(lang, f"profile.{profile or 'adult'}"):
        return t(
            "reader.note",
            reader=t("reader.training", profile=Term(f"profile.{profile or 'adult'}")),
            note=spec,
        )
    return name


def status_text(t: Translate, report: CardReport, verdict: Triage, reader_name: str, now: datetime) -> str:
    """The card check in the screens' words (the same catalog), every moment in Japan time."""
    rows: list[tuple[str, str]] = [(t("check.card"), t(f"card.kind.{report.info.kind.value}"))]
    if report.face_authentication:
        rows.append(("", t("card.face_auth")))
    rows.append((t("check.pins"), ""))
    rows += [("  " + t(f"pin.short.{pin.value}"), pin_state(t, state)) for pin, state in report.pins.items()]
    rows.append((t("check.certificates"), ""))
    notes = certificate_notes(verdict)
    for cert, summary in report.certificates.items():
        rows.append(
            ("  " + t(f"cert.name.{cert.value}"), certificate_state(t, summary, notes.get(cert.value)))
        )
    lines = [t("status.reader", reader=reader_name), t("status.read_at", now=jst(now)), ""]
    lines += _columns(rows)
    if report.sign_pin is not None:
        outcome = report.sign_pin
        left = getattr(outcome.error, "tries_left", "?")
        lines.append(t("status.sign_pin", outcome=t(f"status.sign_pin.{_outcome_key(outcome)}", left=left)))
    lines += [t("status.warning", warning=warning) for warning in report.warnings]
    key, values = verdict_line(verdict)
    if verdict.verdict is Verdict.ISSUER_NOT_TRUSTED:
        values["reader"] = reader_name  # the command to run names this reader
    lines += ["", t(key, **values)]
    window = tuple(r for r in verdict.reasons if r.window)
    others = tuple(r for r in verdict.reasons if not r.window)
    if window:
        lines.append(t("triage.reasons", reasons=reason_terms(window)))
    if others:
        lines.append(t("triage.notes", notes=reason_terms(others)))
    if any(r.code is ReasonCode.REVOCATION_NO_CRL for r in verdict.reasons):
        lines.append(t("status.add_crl"))  # the command line says which command mends it
    return "\n".join(lines)


def _outcome_key(check: SignPinCheck) -> str:
    if check.outcome is SignPinOutcome.BLOCKED and check.sent:
        return "blocked-now"  # wrong at its last try
    return check.outcome.value


def _columns(rows: list[tuple[str, str]]) -> list[str]:
    """Label and value columns, aligned by display width (a Japanese character takes two)."""
    width = max(_cells(label) for label, _ in rows) + 2
    lines = []
    for label, value in rows:
        first, *more = value.split("\n") if value else [""]
        lines.append((label + " " * (width - _cells(label)) + first).rstrip())
        lines += [" " * width + line for line in more]
    return lines


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
