"""The card check: what the card says about itself, and the verdict, without any PIN."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from readers.card_check import check_card
from readers.connection import CardConnection
from reset_flow.triage import Verdict

if TYPE_CHECKING:
    from reset_flow.triage import Triage
from tui.card_words import certificate_notes, reason_terms, verdict_line
from tui.screens.card_work import CardScreen
from tui.widgets.card_report import report_table
from tui.widgets.say import Say


class CardCheckScreen(CardScreen):
    NAME: ClassVar[str] = "check"
    verdict: Triage
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "key.done", key_display="Enter"),
        Binding("r", "read_again", "key.read_again", key_display="R"),
    ]

    def body(self) -> Iterable[Widget]:
        # The verdict first: it is what the counter acts on; the findings follow. The same ids as
        # the triage screen's, each filled by its own screen's words.
        yield Say(id="progress")
        yield Say(id="verdict", classes="verdict")
        yield Say(id="reasons")
        yield Say(id="notes")
        yield Static(id="report")

    def on_mount(self) -> None:
        body = self.query_one("#body", VerticalScroll)
        body.can_focus, body.help_key = True, "help.check.report"  # arrow keys scroll the findings
        body.focus()
        self.read()

    def read(self) -> None:
        self.wizard.report = None
        for name in ("verdict", "reasons", "notes"):
            self.query_one(f"#{name}", Say).clear()
        self.query_one("#report", Static).update("")
        self.run_card(self._check, "check")

    async def _check(self, card: CardConnection) -> Any:
        from reset_flow.triage import triage

        report = await check_card(card)
        revocation, issuer = self.wizard.card_checks()  # what this terminal trusts, read now
        return report, triage(report, self.wizard.clock.now(), revocation, issuer)

    def card_done(self, name: str, result: Any) -> None:
        self.wizard.report, self.verdict = result
        self.set_instruction("check.done")
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        report = self.wizard.report
        if report is None:
            return
        verdict = self.verdict
        self.query_one("#report", Static).update(report_table(self.app.t, report, certificate_notes(verdict)))
        key, values = verdict_line(verdict)
        if verdict.verdict is Verdict.ISSUER_NOT_TRUSTED:
            values["reader"] = self.wizard.reader_spec or "SPEC"  # the command to run names this reader
        self.query_one("#verdict", Say).show(key, **values)
        window = tuple(r for r in verdict.reasons if r.window)
        notes = tuple(r for r in verdict.reasons if not r.window)
        if window:
            self.query_one("#reasons", Say).show("triage.reasons", reasons=reason_terms(window))
        if notes:
            self.query_one("#notes", Say).show("triage.notes", notes=reason_terms(notes))

    def forward(self) -> None:
        if not self.resume() and not self.busy:
            self.go_back()

    def action_read_again(self) -> None:
        if not self.busy:
            self.read()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read_again":
            return not self.busy or None
        return super().check_action(action, parameters)
