"""Place the card: the flow reads it (progress shown) and triages it before any PIN."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget

from reset_flow import states as st
from reset_flow.errors import ServiceError
from tui.screens.flow_work import FlowScreen
from tui.widgets.say import Say


class PlaceCardScreen(FlowScreen):
    NAME: ClassVar[str] = "place"

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("place.hint", id="hint")

    def on_mount(self) -> None:
        try:
            flow = self.wizard.start_flow()
        except ServiceError as error:  # e.g. --server without a terminal token
            self.ended = True
            self.show_error(error)
            return
        self.run_flow(flow.start)

    def loses_data(self) -> bool:
        return False  # nothing typed or done yet

    def arrive(self, state: st.FlowState) -> None:
        if isinstance(state, st.GoToWindow):
            from tui.screens.triage import TriageScreen

            self.app.push_screen(TriageScreen(state))  # the triage's verdict, on the triage screen
            return
        super().arrive(state)
