"""The card check's findings in words, for the screens and for ``jpki-reset status`` alike."""

from __future__ import annotations

from collections.abc import Callable

from readers.card_check import CertificateSummary
from readers.jpki import PinKind, PinStatus
from reset_flow.triage import Reason, Triage, Verdict
from tui import i18n
from tui.i18n.terms import Inline, Terms
from tui.jst import jst_date

Translate = Callable[..., str]


def pin_state(t: Translate, status: PinStatus) -> str:
    if status.not_set:
        return t("pin.state.not_set")
    if status.verified and status.tries_left is None:
        return t("pin.state.verified")
    if status.tries_left is None:
        return t("pin.state.unknown")
    if status.blocked:
        return t("pin.state.blocked")
    return t("pin.state.tries", left=status.tries_left, max=status.max_tries)


def certificate_state(t: Translate, summary: CertificateSummary, warning: str | None) -> str:
    if not summary.present:
        return t("cert.state.absent")
    if summary.not_after is None:
        return t("cert.state.needs_pin")
    text = t(
        "cert.state.valid",
        start=jst_date(summary.not_before or summary.not_after),
        end=jst_date(summary.not_after),
    )
    return f"{text}\n{t(warning)}" if warning else text  # in words, next to the dates


def certificate_notes(verdict: Triage) -> dict[str, str]:
    """Catalog keys of what the verdict says about each certificate (renewal due, expired, ...)."""
    notes: dict[str, str] = {}
    for reason in verdict.reasons:
        kind, _, rest = reason.code.value.partition("-certificate-")
        if rest and kind in ("auth", "sign"):
            notes.setdefault(kind, f"reason.{reason.code.value}")
    return notes


def verdict_line(verdict: Triage) -> tuple[str, dict[str, object]]:
    """The verdict's catalog key and values: which PINs the kiosk path can reset, or the window."""
    if verdict.verdict is Verdict.WINDOW:
        return "check.verdict.window", {}
    if verdict.verdict is Verdict.ISSUER_NOT_TRUSTED:
        return "check.verdict.issuer-not-trusted", {}
    return "check.verdict.kiosk", {"pins": Inline(f"pin.label.{pin.value}" for pin in verdict.kiosk_pins)}


def reason_terms(reasons: tuple[Reason, ...], reset: PinKind | None = None) -> Terms:
    """The reasons' words; with ``reset``, a wording for that reset where one exists (a note that
    is true of one reset only, e.g. when the signing certificate is checked)."""
    keys = []
    for reason in reasons:
        key = f"reason.{reason.code.value}"
        if reset is not None and i18n.has("en", f"{key}.{reset.value}"):
            key = f"{key}.{reset.value}"
        keys.append(key)
    return Terms(keys)


def window_reasons(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    """The reasons that send someone to the window (the others are notes); all if none does."""
    return tuple(r for r in reasons if r.window) or reasons
