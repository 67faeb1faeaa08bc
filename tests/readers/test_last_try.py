"""No code path confirms a PIN's last try without a person: every conversation, on a card that may
be a resident's, sends no VERIFY to a PIN at its last try unless the stage's person said yes; and
the only scripted confirmation in the code is the training-only conversation's."""

from __future__ import annotations

import ast
import contextlib
from dataclasses import replace
from pathlib import Path

import pytest

from readers.conversations import CONVERSATIONS, Stage
from readers.emulated import EmulatedReader
from readers.errors import JpkiResetError
from readers.reader import ReaderInfo
from readers.training_card.applet import TrainingCard
from readers.training_card.profiles import get_profile

ROOT = Path(__file__).resolve().parents[2]


class CardReaderOfUnknownCard(EmulatedReader):
    """A PC/SC reader as far as the program can tell (the card could be anyone's), counting the
    VERIFY commands with a PIN that reach a PIN at its last try."""

    def __init__(self) -> None:
        card = TrainingCard(replace(get_profile("adult"), auth_tries=1, sign_tries=1))
        super().__init__(card)
        self.info = ReaderInfo("pcsc", "Some Reader 00 00")
        self.last_tries_spent = 0
        self.commands = 0

    async def transmit(self, command: bytes) -> bytes:
        self.commands += 1
        card = self.card
        if card is not None and command[1] == 0x20 and len(command) > 5:
            pin = card.pins.get(card.session.ef or 0)
            self.last_tries_spent += pin is not None and pin.tries_left == 1
        return await super().transmit(command)


def put_back_for(reader: EmulatedReader):  # type: ignore[no-untyped-def]
    async def put_back() -> None:
        reader.insert_card()

    return put_back


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
@pytest.mark.parametrize("answer", [None, False], ids=["nobody-to-ask", "person-says-no"])
async def test_no_conversation_uses_a_last_try_without_a_person(name: str, answer: bool | None) -> None:
    reader = CardReaderOfUnknownCard()
    stage = Stage(put_card_back=put_back_for(reader))
    if answer is not None:
        stage.confirm_last_try = lambda kind: answer
    with contextlib.suppress(JpkiResetError):  # a refusal is a fine outcome; a spent last try is not
        await CONVERSATIONS[name](reader, stage)
    assert reader.last_tries_spent == 0
    if CONVERSATIONS[name].training_only:
        assert reader.commands == 0  # refused before anything reached the card


async def test_a_person_who_says_yes_is_the_one_way_to_a_last_try() -> None:
    reader = CardReaderOfUnknownCard()
    asked = []
    stage = Stage(confirm_last_try=lambda kind: asked.append(kind) or True)
    assert await CONVERSATIONS["verify-auth"](reader, stage) == ["auth tries: 1", "verify auth: ok"]
    assert reader.last_tries_spent == 1 and [k.value for k in asked] == ["auth"]


def _scripted_confirmations(path: Path) -> list[str]:
    """The functions in ``path`` that pass ``confirm_last_try`` something no person answered:
    the constant True, a lambda, or a comparison computed by the code itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            pairs: list[tuple[str | None, ast.expr]] = []
            if isinstance(node, ast.Call):
                pairs = [(k.arg, k.value) for k in node.keywords]
            for name, value in pairs:
                scripted = isinstance(value, ast.Lambda | ast.Compare) or (
                    isinstance(value, ast.Constant) and value.value is True
                )
                if name == "confirm_last_try" and scripted:
                    found.append(f"{path.relative_to(ROOT)}:{function.name}")
    return found


def test_the_only_scripted_confirmation_is_the_training_only_conversation() -> None:
    found = [
        where
        for package in ("readers", "reset_flow", "tui")
        for path in sorted((ROOT / package).rglob("*.py"))
        for where in _scripted_confirmations(path)
    ]
    assert found == ["readers/conversations.py:wrong_pin_to_blocked"]
    assert CONVERSATIONS["wrong-pin-to-blocked"].training_only
