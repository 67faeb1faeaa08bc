"""Step 1 of a signing-PIN reset: before any PIN, staff ask the resident the two questions that
decide whether the signing certificate still stands (it cannot be read without the signing PIN,
which this reset never asks). Each is answered by a key, Y or N; Enter is not an answer, so a
reflex key press never answers for the resident. A "yes" ends at the window, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from reset_flow import states as st
from tui.screens.flow_work import FlowScreen
from tui.widgets.say import Say, Term

QUESTIONS = ("details-changed", "loss-reported")  # in the order they are asked


class SigningQuestionsScreen(FlowScreen):
    NAME: ClassVar[str] = "signing"
    OWNS = (st.AskSigningCertificate,)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "key.yes", key_display="Y"),
        Binding("n", "answer(False)", "key.no", key_display="N"),
    ]

    def __init__(self, state: st.FlowState | None = None) -> None:
        super().__init__(state)
        self.answers: list[bool] = []

    def body(self) -> Iterable[Widget]:
        yield Say(id="progress")
        yield Say("signing.why", id="why")
        for question in QUESTIONS:
            yield Say(id=f"question-{question}")

    def on_mount(self) -> None:
        self._draw()

    @property
    def asking(self) -> str | None:
        """The question waiting for its answer (None once both are answered)."""
        return QUESTIONS[len(self.answers)] if len(self.answers) < len(QUESTIONS) else None

    def _draw(self) -> None:
        for index, question in enumerate(QUESTIONS):
            if index < len(self.answers):
                answer = Term("key.yes" if self.answers[index] else "key.no")
                self.query_one(f"#question-{question}", Say).show(
                    "signing.answered", question=Term(f"signing.question.{question}"), answer=answer
                )
            elif question == self.asking:
                self.query_one(f"#question-{question}", Say).show(
                    "signing.asking", question=Term(f"signing.question.{question}")
                )
            else:
                self.query_one(f"#question-{question}", Say).show(f"signing.question.{question}")

    def action_answer(self, yes: bool) -> None:
        flow = self.wizard.flow
        if self.busy or self.ended or self.asking is None or flow is None:
            return
        self.answers.append(yes)
        self._draw()
        self.refresh_bindings()
        if self.asking is None:
            changed, lost = self.answers
            self.run_flow(
                lambda: flow.answer_signing_questions(  # type: ignore[attr-defined]
                    details_changed=changed, loss_reported=lost
                )
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.partition("(")[0] == "answer":  # the key bar asks with the whole "answer(True)"
            return not self.busy and not self.ended and self.asking is not None
        if action == "forward" and not self.ended and self._waiting is None:
            return False  # Enter answers nothing here: Y or N
        return super().check_action(action, parameters)
