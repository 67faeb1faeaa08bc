"""The card check's findings as a table: card kind, the four PINs, the two certificates."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table

from readers.card_check import CardReport, CertificateSummary
from readers.jpki import PinStatus
from reset_flow.triage import Triage, Verdict
from tui.jst import jst_date
from tui.widgets.say import Inline

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


def report_table(t: Translate, report: CardReport, warnings: dict[str, str] | None = None) -> Table:
    """``warnings`` maps a certificate kind to a catalog key of what is wrong with it."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    # Fold long cells rather than cut them with an ellipsis (East-Asian ambiguous).
    table.add_column(ratio=1, overflow="fold")
    table.add_column(ratio=1, overflow="fold")
    kind = report.info.kind.value
    table.add_row(t("check.card"), t(f"card.kind.{kind}"))
    if report.face_authentication:
        table.add_row("", t("card.face_auth"))
    table.add_row(t("check.pins"), "")
    for pin, status in report.pins.items():
        table.add_row("  " + t(f"pin.short.{pin.value}"), pin_state(t, status))
    table.add_row(t("check.certificates"), "")
    for cert, summary in report.certificates.items():
        warning = (warnings or {}).get(cert.value)
        table.add_row("  " + t(f"cert.name.{cert.value}"), certificate_state(t, summary, warning))
    return table
