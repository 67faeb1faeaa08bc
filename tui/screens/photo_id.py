"""Step 1: the staff member checks the resident against the photo ID, in person, and confirms.
The card's own expiry is printed on its face (the chip gives it only behind a PIN), so staff read
it here too; X says it has passed, and the flow ends at the window before any PIN."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from reset_flow import states as st
from tui.screens.flow_work import FlowScreen
from tui.widgets.say import Say


class PhotoIdScreen(FlowScreen):
    NAME: ClassVar[str] = "photo"
    OWNS = (st.ConfirmIdentity,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "card_expired", "key.card_expired", key_display="X"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("photo.check", id="check")
        yield Say("photo.expiry", id="expiry")

    def loses_data(self) -> bool:
        return False

    def forward(self) -> None:
        flow = self.wizard.flow
        if flow is not None:
            self.run_flow(flow.confirm_identity)  # type: ignore[attr-defined]

    def action_card_expired(self) -> None:
        flow = self.wizard.flow
        if flow is not None and not self.busy and not self.ended:
            self.run_flow(flow.card_expired)  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "card_expired":
            return not self.busy and not self.ended
        return super().check_action(action, parameters)
