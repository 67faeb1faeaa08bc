"""The start screen: which reader (unless preselected), then which task.

Discovery queries PC/SC and sysfs, so it runs in a thread (``jpki-reset`` starts it before
loading Textual); the screen is usable at once, with the list in its first frame when discovery
has answered by then, else filled in when it answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui import i18n
from tui.choices import TASKS, Task, TaskChoice
from tui.errors import Explanation
from tui.screens.base import WizardScreen
from tui.widgets.say import Say

if TYPE_CHECKING:
    from readers.discovery import ReaderChoice


class ChoiceList(OptionList):
    """An OptionList whose options are drawn from the catalogs (and again on a language switch)."""

    def __init__(self, *options: Option, id: str, help_key: str) -> None:
        super().__init__(*options, id=id)
        self.help_key = help_key


class ReadersFound(Message):
    def __init__(self, choices: list[ReaderChoice]) -> None:
        super().__init__()
        self.choices = choices


class StartScreen(WizardScreen):
    NAME: ClassVar[str] = "start"
    STARTS_TASKS: ClassVar[bool] = True
    _filled: tuple[str, object] | None = None

    def body(self) -> Iterable[Widget]:
        if self.wizard.preselected:
            yield Say(id="reader-chosen")
        else:
            yield Say("start.readers", classes="label")
            yield Say(id="discovering")
            yield ChoiceList(id="readers", help_key="help.start.readers")
            yield Say(id="reader-chosen")  # the choice in words: a tint alone is not seen by all
        yield Say("start.tasks", classes="label")
        yield ChoiceList(*self._task_options(), id="tasks", help_key="help.start.tasks")
        self._filled = (self.app.lang, None)

    def on_mount(self) -> None:
        if self.wizard.preselected:
            self._say_reader()
            self.query_one("#tasks", OptionList).focus()
            return
        self.query_one("#readers", OptionList).focus()
        if self.wizard.choices is None:
            self.wizard.choices = self.wizard.discovered_yet()
        if self.wizard.choices is not None:
            self._fill_readers()
        else:
            self.query_one("#discovering", Say).show("start.discovering")
            # After the first frame: the screen is there at once, and the PC/SC query does not
            # compete with drawing it.
            self.call_after_refresh(self.run_worker, self._discover, thread=True, group="discovery")

    def _discover(self) -> None:
        self.post_message(ReadersFound(self.wizard.found_readers()))

    def on_readers_found(self, message: ReadersFound) -> None:
        self.wizard.choices = message.choices
        self.query_one("#discovering", Say).clear()
        self._fill_readers()
        self._filled = (self.app.lang, self.wizard.choices)

    def can_go_back(self) -> bool:
        return False

    def on_screen_resume(self) -> None:
        if self.wizard.task is not None:
            # Back at the start: the previous card and task are forgotten, the reader let go.
            self.wizard.reset_task()
            self.run_worker(self.wizard.close(), group="card")
            self.query_one("#tasks", OptionList).highlighted = 0  # a fresh start for the next resident
        super().on_screen_resume()

    def relabel(self) -> None:
        # Options hold drawn text: fill them again only when the language or the readers changed.
        if self._filled != (self.app.lang, self.wizard.choices):
            self._fill_readers()
        if self._filled is None or self._filled[0] != self.app.lang:
            self._fill_tasks()
        self._filled = (self.app.lang, self.wizard.choices)
        self._say_reader()  # its words are drawn text too
        super().relabel()

    def _fill(self, selector: str, options: list[Option], highlight: int | None = None) -> None:
        listing = self.query_one(selector, OptionList)
        highlighted = listing.highlighted if highlight is None else highlight
        listing.clear_options()
        listing.add_options(options)
        if options:
            listing.highlighted = highlighted if highlighted is not None else 0

    def _choice_name(self, choice: ReaderChoice) -> str:
        """Training cards by their profile in the current language; readers by their own name."""
        if choice.kind == "training" and i18n.has(self.app.lang, f"profile.{choice.detail}"):
            return self.app.t("reader.training", profile=self.app.t(f"profile.{choice.detail}"))
        if choice.spec in ("pcsc", "nfc"):  # the stand-in entry when no such reader is found
            return self.app.t(f"reader.{choice.spec}-any")
        return choice.name

    def _choice_reason(self, choice: ReaderChoice) -> str:
        """Discovery's reason in the current language (its English words when no entry fits)."""
        key = f"reader.reason.{choice.reason_code}"
        if choice.reason_code and i18n.has(self.app.lang, key):
            return self.app.t(key, detail=choice.detail)
        return choice.reason or ""

    def _say_reader(self) -> None:
        """The reader in use, in words (the spec given on the command line is not words)."""
        if self.wizard.reader_spec:
            self.query_one("#reader-chosen", Say).show("start.reader_chosen", reader=self._reader_words())

    def _reader_words(self) -> str:
        spec = self.wizard.reader_spec or ""
        for choice in self.wizard.choices or ():
            if choice.spec == spec:
                return self._choice_name(choice)
        kind, _, rest = spec.partition(":")
        profile = f"profile.{rest or 'adult'}"
        if kind == "training" and i18n.has(self.app.lang, profile):
            return self.app.t("reader.training", profile=self.app.t(profile))
        if kind in ("pcsc", "nfc") and not rest:
            return self.app.t(f"reader.{kind}-any")
        return spec

    def _fill_readers(self) -> None:
        if self.wizard.preselected:
            self._say_reader()
            return
        if self.wizard.choices is None:
            return  # discovery has not answered yet
        choices = self.wizard.choices
        options = []
        for choice in choices:
            prompt = self._choice_name(choice)
            if not choice.available:
                prompt = self.app.t("reader.unavailable", reader=prompt, reason=self._choice_reason(choice))
            elif choice.reason:  # usable, with a note (e.g. no card on the reader yet)
                prompt = self.app.t("reader.note", reader=prompt, note=self._choice_reason(choice))
            options.append(Option(prompt, id=choice.spec, disabled=not choice.available))
        specs = [choice.spec for choice in choices]
        chosen = specs.index(self.wizard.reader_spec) if self.wizard.reader_spec in specs else None
        first_usable = next((i for i, c in enumerate(choices) if c.available), None)
        self._fill("#readers", options, chosen if chosen is not None else first_usable)

    def _task_options(self) -> list[Option]:
        return [Option(self.app.t(choice.key), id=choice.key) for choice in TASKS]

    def _fill_tasks(self) -> None:
        self._fill("#tasks", self._task_options())

    # --- choosing ------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "readers":
            self.wizard.reader_spec = event.option.id
            self._say_reader()
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
            base = "start.no_reader"
            self.show_error(Explanation(f"{base}.title", f"{base}.text", f"{base}.action"))
            self.query_one("#readers", OptionList).focus()
            return
        self.clear_error()
        self.wizard.task = choice
        self.app.push_screen(first_screen(choice))


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
