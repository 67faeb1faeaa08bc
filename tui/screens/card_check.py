"""The card check: what the card says about itself, and the verdict, without any PIN."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from readers.card_check import check_card
from readers.jpki import JpkiCard
from tui.screens.card_work import CardScreen
from tui.widgets.card_report import report_table
from tui.widgets.say import Say


class CardCheckScreen(CardScreen):
    NAME: ClassVar[str] = "check"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "key.done", key_display="Enter"),
        Binding("r", "read_again", "key.read_again", key_display="R"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        with VerticalScroll(id="report-box") as box:
            box.help_key = "help.check.report"
            yield Static(id="report")
        yield Say(id="verdict")

    def on_mount(self) -> None:
        self.query_one("#report-box").focus()
        self.read()

    def read(self) -> None:
        self.wizard.report = None
        self.query_one("#report", Static).update("")
        self.run_card(self._check, "check")

    async def _check(self, card: JpkiCard) -> Any:
        return await check_card(card)

    def card_done(self, name: str, result: Any) -> None:
        self.wizard.report = result
        self.set_instruction("check.done")
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        report = self.wizard.report
        if report is not None:
            self.query_one("#report", Static).update(report_table(self.app.t, report))

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
