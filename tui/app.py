"""The jpki-reset Textual app: the screens of the wizard over one ``Wizard`` state object."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from tui import i18n
from tui.cursor import cursor_spot
from tui.themes import DEFAULT_THEME, HIGH_CONTRAST, next_theme
from tui.unattended import UnattendedPins
from tui.widgets.say import Chains, Inline, Term, Terms
from tui.wizard import Wizard

if TYPE_CHECKING:
    from textual.screen import Screen

    from reset_flow.states import FlowState
    from tui.demo import DemoPlayer
    from tui.screens.start import StartScreen

log = logging.getLogger(__name__)


class ResetApp(UnattendedPins, App[int]):
    """Staff-facing wizard. Global keys: F1 help, F2 language, F3 theme, Ctrl+Q quit."""

    CSS_PATH = "styles/app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "jpki-reset"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "key.help", key_display="F1"),
        Binding("f2", "switch_language", "key.language", key_display="F2"),
        Binding("f3", "next_theme", "key.theme", key_display="F3"),
        Binding("ctrl+q", "quit", "key.quit", key_display="Ctrl+Q", priority=True),
    ]

    lang: reactive[str] = reactive("en", init=False)

    def __init__(self, wizard: Wizard, *, lang: str | None = None, theme: str = DEFAULT_THEME) -> None:
        super().__init__()
        self.wizard = wizard
        self.set_reactive(ResetApp.lang, lang or i18n.default_language())
        self.missing_keys: set[str] = set()
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme
        self.demo: DemoPlayer | None = None  # set by demo mode before the app runs
        wizard.card_events = self._card_event

    def _card_event(self, event: str) -> None:
        """Reader events may come from a backend's own thread; screens hear them on ours."""
        if threading.get_ident() == self._thread_id:
            self._route_card_event(event)
        else:
            self.call_from_thread(self._route_card_event, event)

    def _route_card_event(self, event: str) -> None:
        handler = getattr(self.screen, "card_event", None)
        if handler is not None:
            handler(event)

    # --- words ---------------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """``key`` in the current language; Term values are translated too."""
        filled = {k: self._fill(v) for k, v in values.items()}
        if not i18n.has(self.lang, key):
            # A missing entry must not stop a reset at the counter: show the key, remember it.
            self.missing_keys.add(key)
            log.warning("no %s catalog entry for %s", self.lang, key)
            return key
        return i18n.translate(self.lang, key, **filled)

    def _fill(self, value: object) -> object:
        if isinstance(value, Term):
            return self.t(value)
        if isinstance(value, Terms):
            return "\n".join("- " + self.t(key) for key in value)
        if isinstance(value, Inline):
            return self.t("list.separator").join(self.t(key) for key in value)
        if isinstance(value, Chains):
            names = (
                self.t("chains.some_stores", name=chain.name(self.lang))
                if chain.some_stores
                else chain.name(self.lang)
                for chain in value
            )
            return self.t("list.separator").join(names)
        return value

    # --- the terminal cursor on the focused control ---------------------------------------------

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        # Textual writes ``cursor_position`` with each frame; placed here, from the frame's own
        # layout, the cursor is never a frame behind the focus (see tui.cursor).
        spot = cursor_spot(self.screen)
        if spot is not None:
            self.cursor_position = spot
        super()._display(screen, renderable)

    def watch_lang(self) -> None:
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel:
                relabel()

    # --- screens -------------------------------------------------------------------------------

    def get_default_screen(self) -> StartScreen:
        from tui.screens.start import StartScreen

        return StartScreen()

    def screen_for(self, state: FlowState) -> Screen | None:
        """The wizard's screen that shows ``state`` (``flow_map``)."""
        from tui.screens.flow_map import next_screen

        return next_screen(state)

    def on_mount(self) -> None:
        if self.demo is not None:
            self.demo.start()
        else:
            self.watch_unattended_pins()  # a PIN left typed on an unattended laptop is cleared

    async def on_event(self, event: events.Event) -> None:
        self.note_activity(event)
        # In demo mode the viewer's keys control the demo; only the script's keys reach the wizard.
        if self._taken_by_demo(event):
            return
        await super().on_event(event)

    def _taken_by_demo(self, event: events.Event) -> bool:
        demo = self.demo
        if demo is None or not isinstance(event, events.Key) or event.is_forwarded:
            return False
        return not demo.scripted(event) and demo.viewer_key(event.key)

    # --- global actions ------------------------------------------------------------------------

    def action_switch_language(self) -> None:
        self.lang = "en" if self.lang == "ja" else "ja"

    def action_next_theme(self) -> None:
        self.theme = next_theme(self.theme)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen, self.focused))

    def help_key_for(self, widget: Widget | None) -> str:
        """The help entry of a control: its own, else its screen's."""
        key = getattr(widget, "help_key", None) if widget is not None else None
        return key if key and i18n.has(self.lang, key) else getattr(self.screen, "help_key", "help.general")
