"""The card check's findings as a table: card kind, the four PINs, the two certificates."""

from __future__ import annotations

from rich.table import Table

from readers.card_check import CardReport
from tui.card_words import Translate, certificate_state, pin_state


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
