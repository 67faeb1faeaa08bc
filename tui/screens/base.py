"""What every wizard screen shares: banners, title and instruction at a fixed place, the body,
the error note, the key bar; Enter forward, Escape back (asking first when data would be lost)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Offset
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

from tui.cursor import highlight_region
from tui.errors import Explanation, explain
from tui.widgets.banner import Banner
from tui.widgets.error_note import ErrorNote
from tui.widgets.keybar import KeyBar
from tui.widgets.say import Say

if TYPE_CHECKING:
    from tui.screens.host import WizardHost
    from tui.wizard import Wizard


class WizardScreen(Screen):
    NAME: ClassVar[str] = "screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "forward", "key.forward", key_display="Enter"),
        Binding("escape", "back", "key.back", key_display="Esc"),
        # Shown only when there is more to read: the error note if one is up, else the body.
        # Priority, so a focused entry does not swallow the keys; a focused list keeps its own.
        Binding("pagedown", "read_more(1)", "key.read_more", key_display="PgUp/PgDn", priority=True),
        Binding("pageup", "read_more(-1)", "key.read_more", show=False, priority=True),
    ]

    # Whether this screen is where a task starts (Escape in a flow goes back to it).
    STARTS_TASKS: ClassVar[bool] = False

    @property
    def reset_app(self) -> WizardHost:
        return cast("WizardHost", self.app)

    @property
    def wizard(self) -> Wizard:
        return self.reset_app.wizard

    @property
    def help_key(self) -> str:
        """The screen's help entry (F1 shows it below the focused control's)."""
        return f"help.{self.NAME}"

    # --- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._drawn_lang = self.reset_app.lang
        yield Banner(id="demo-banner", classes="banner")
        yield Banner(id="clock-banner", classes="banner")
        yield Say(f"{self.NAME}.title", id="title")
        yield Say(self.instruction_key(), id="instruction")
        with VerticalScroll(id="body", can_focus=False):
            yield from self.body()
        yield ErrorNote(id="error")
        yield KeyBar(id="keys")

    def body(self) -> Iterable[Widget]:
        return ()

    def instruction_key(self) -> str:
        return f"{self.NAME}.instruction"

    _drawn_lang: str | None = None

    def on_screen_resume(self) -> None:
        if self._drawn_lang != self.reset_app.lang:
            self.relabel()  # the language changed while another screen was on top
        else:
            self.refresh_banners()

    def relabel(self) -> None:
        """Draw every text again from the wizard state, in the current language."""
        self._drawn_lang = self.reset_app.lang
        self.refresh_banners()
        for say in self.query(Say):
            say.relabel()
        self.query_one(KeyBar).relabel()
        self.refresh_bindings()

    def refresh_banners(self) -> None:
        demo = self.query_one("#demo-banner", Banner)
        player = self.reset_app.demo
        if player is None:
            demo.clear()
        else:
            demo.show(player.banner_key(), **player.banner_values())
        clock = self.query_one("#clock-banner", Banner)
        at, served = self.wizard.training_at, self.wizard.service_training_time
        if at is not None or served is not None:
            # Here: Japan time loads the time-zone data, and only a training clock shows a time.
            from tui.jst import jst

            key = "clock.banner" if at is not None else "clock.banner_service"
            clock.show(key, time=jst(at or served))
        elif self.wizard.training or self.wizard.service_training:
            clock.show("training.banner")  # training mode says so on every screen
        else:
            clock.clear()

    def set_instruction(self, key: str, **values: object) -> None:
        self.query_one("#instruction", Say).show(key, **values)

    # --- errors in place -----------------------------------------------------------------------

    def show_error(self, error: BaseException | Explanation, *, action: str | None = None) -> None:
        explanation = error if isinstance(error, Explanation) else explain(error, action=action)
        self.query_one(ErrorNote).explain(explanation)
        self.refresh_bindings()
        self.call_after_refresh(self.refresh_bindings)  # whether PgDn has more to show

    def clear_error(self) -> None:
        self.query_one(ErrorNote).clear()
        self.refresh_bindings()

    @property
    def error_shown(self) -> bool:
        return self.query_one(ErrorNote).shown

    # --- keys ----------------------------------------------------------------------------------

    def action_forward(self) -> None:
        self.forward()

    def forward(self) -> None:
        """Enter: the next step (screens override)."""

    def action_back(self) -> None:
        if not self.can_go_back():
            return
        if self.loses_data():
            from tui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.go_back()

            self.app.push_screen(ConfirmScreen("confirm.lose_data", self.loss_key()), answered)
        else:
            self.go_back()

    def can_go_back(self) -> bool:
        return len(self.app.screen_stack) > 1

    def loses_data(self) -> bool:
        """Whether going back throws away something typed or done (then Escape asks first)."""
        return False

    def loss_key(self) -> str:
        return "confirm.lose_data.text"

    def go_back(self) -> None:
        self.app.pop_screen()

    def key_words(self, action: str, words: str) -> str:
        """The key bar's words for ``action`` now (catalog key): what the key does in this
        screen's present state; the binding's own words unless a screen says otherwise."""
        return words

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back()
        if action.partition("(")[0] == "read_more":
            more = any(reading.max_scroll_y > 0 for reading in self._readings())
            return more and not isinstance(self.focused, OptionList)
        return True

    def _readings(self) -> list[VerticalScroll]:
        """What PgUp/PgDn scroll, in turn: the error note when one is shown, then the body (text
        under a focused entry may be hidden below an error note at small sizes)."""
        body = self.query_one("#body", VerticalScroll)
        return [self.query_one(ErrorNote), body] if self.error_shown else [body]

    def action_read_more(self, direction: int) -> None:
        # The first that can still move that way: the note is read to its end, then the body.
        for reading in self._readings():
            at_end = reading.scroll_y >= reading.max_scroll_y if direction > 0 else reading.scroll_y <= 0
            if not at_end:
                reading.scroll_page_down() if direction > 0 else reading.scroll_page_up()
                return

    def on_mount(self) -> None:
        # Textual calls this as well as a screen's own on_mount. What is typed or said can grow
        # the body or the note past what fits: the key bar then offers PgUp/PgDn (and drops them).
        for reading in (self.query_one("#body", VerticalScroll), self.query_one(ErrorNote)):
            self.watch(reading, "virtual_size", lambda _size: self.refresh_bindings(), init=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Arrows move the highlight inside a list, but a list taller than what the body shows
        # at small sizes would leave it out of sight (and the terminal cursor off the screen).
        self.call_after_refresh(self._bring_into_sight, event.option_list)

    def _bring_into_sight(self, listing: OptionList) -> None:
        body = self.query_one("#body", VerticalScroll)
        option = highlight_region(listing)
        if option is None or body not in listing.ancestors:
            return
        window = body.scrollable_content_region
        inside_body = option.translate(Offset(-window.x, round(body.scroll_offset.y) - window.y))
        body.scroll_to_region(inside_body, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.refresh_bindings)
