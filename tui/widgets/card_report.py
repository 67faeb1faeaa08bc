"""The card check's findings as a table: card kind, the four PINs, the two certificates."""

from __future__ import annotations

from rich.table import Table

from readers.card_check import CardReport
from tui.card_words import Translate, certificate_state, pin_state
from tui.line_breaks import PhraseText, is_japanese


def report_table(t: Translate, report: CardReport, warnings: dict[str, str] | None = None) -> Table:
    """``warnings`` maps a certificate kind to a catalog key of what is wrong with it."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)

    def row(*texts: str) -> None:  # Japanese cells break between phrases (tui.line_breaks)
        table.add_row(*(PhraseText(text) if is_japanese(text) else text for text in texts))

    # Fold long cells rather than cut them with an ellipsis (East-Asian ambiguous).
    table.add_column(ratio=1, overflow="fold")
    table.add_column(ratio=1, overflow="fold")
    kind = report.info.kind.value
    row(t("check.card"), t(f"card.kind.{kind}"))
    if report.face_authentication:
        row("", t("card.face_auth"))
    row(t("check.pins"), "")
    for pin, status in report.pins.items():
        row("  " + t(f"pin.short.{pin.value}"), pin_state(t, status))
    row(t("check.certificates"), "")
    for cert, summary in report.certificates.items():
        warning = (warnings or {}).get(cert.value)
        row("  " + t(f"cert.name.{cert.value}"), certificate_state(t, summary, warning))
    return table
