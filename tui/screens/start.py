"""The start screen: which reader (unless preselected), then which task."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.choices import TASKS, Task, TaskChoice
from tui.screens.base import WizardScreen
from tui.widgets.say import Say


class ChoiceList(OptionList):
    """An OptionList whose options are drawn from the catalogs (and again on a language switch)."""

    def __init__(self, *, id: str, help_key: str) -> None:
        super().__init__(id=id)
        self.help_key = help_key


class StartScreen(WizardScreen):
    NAME: ClassVar[str] = "start"

    def body(self) -> Iterable[Widget]:
        if self.wizard.preselected:
            yield Say(id="reader-chosen")
        else:
            yield Say("start.readers", classes="label")
            yield ChoiceList(id="readers", help_key="help.start.readers")
        yield Say("start.tasks", classes="label")
        yield ChoiceList(id="tasks", help_key="help.start.tasks")

    def on_mount(self) -> None:
        super().on_mount()
        first = "#tasks" if self.wizard.preselected else "#readers"
        self.query_one(first, OptionList).focus()

    def can_go_back(self) -> bool:
        return False

    def on_screen_resume(self) -> None:
        # Back at the start: the previous card and task are forgotten, the reader let go.
        self.wizard.reset_task()
        self.run_worker(self.wizard.close(), group="card")
        super().on_screen_resume()

    def relabel(self) -> None:
        self._fill_readers()
        self._fill_tasks()
        super().relabel()

    def _fill(self, selector: str, options: list[Option]) -> None:
        listing = self.query_one(selector, OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = highlighted if highlighted is not None else 0

    def _fill_readers(self) -> None:
        if self.wizard.preselected:
            chosen = self._chosen_reader_name()
            self.query_one("#reader-chosen", Say).show("start.reader_chosen", reader=chosen)
            return
        options = []
        for choice in self.wizard.choices:
            prompt = self.app.t(f"reader.kind.{choice.kind}", name=choice.name)
            if not choice.available:
                prompt = self.app.t("reader.unavailable", reader=prompt, reason=choice.reason)
            options.append(Option(prompt, id=choice.spec, disabled=not choice.available))
        self._fill("#readers", options)
        if self.wizard.reader_spec and self.query_one("#readers", OptionList).highlighted is None:
            specs = [c.spec for c in self.wizard.choices]
            if self.wizard.reader_spec in specs:
                self.query_one("#readers", OptionList).highlighted = specs.index(self.wizard.reader_spec)

    def _chosen_reader_name(self) -> str:
        spec = self.wizard.reader_spec or ""
        for choice in self.wizard.choices:
            if choice.spec == spec:
                return self.app.t(f"reader.kind.{choice.kind}", name=choice.name)
        return spec

    def _fill_tasks(self) -> None:
        self._fill("#tasks", [Option(self.app.t(choice.key), id=choice.key) for choice in TASKS])

    # --- choosing ------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "readers":
            self.wizard.reader_spec = event.option.id
            self.clear_error()
            self.query_one("#tasks", OptionList).focus()
        else:
            self._start(TASKS[event.option_index])

    def forward(self) -> None:
        tasks = self.query_one("#tasks", OptionList)
        if tasks.highlighted is not None:
            self._start(TASKS[tasks.highlighted])

    def _start(self, choice: TaskChoice) -> None:
        if not self.wizard.reader_spec:
            self.show_error_key("start.no_reader")
            self.query_one("#readers", OptionList).focus()
            return
        self.clear_error()
        self.wizard.task = choice
        self.app.push_screen(first_screen(choice))

    def show_error_key(self, base: str) -> None:
        from tui.errors import Explanation

        self.show_error(Explanation(f"{base}.title", f"{base}.text", f"{base}.action"))


def first_screen(choice: TaskChoice) -> WizardScreen:
    """Where a task begins."""
    if choice.task is Task.CARD_CHECK:
        from tui.screens.card_check import CardCheckScreen

        return CardCheckScreen()
    if choice.task is Task.STEP1:
        from tui.screens.place_card import PlaceCardScreen

        return PlaceCardScreen()
    from tui.screens.kiosk_window import KioskWindowScreen

    return KioskWindowScreen()
