"""Step 1: the staff member checks the resident against the photo ID, in person, and confirms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.widget import Widget

from reset_flow import states as st
from tui.screens.flow_work import FlowScreen
from tui.widgets.say import Say


class PhotoIdScreen(FlowScreen):
    NAME: ClassVar[str] = "photo"
    OWNS = (st.ConfirmIdentity,)

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("photo.check", id="check")

    def loses_data(self) -> bool:
        return False

    def forward(self) -> None:
        flow = self.wizard.flow
        if flow is not None:
            self.run_flow(flow.confirm_identity)  # type: ignore[attr-defined]
