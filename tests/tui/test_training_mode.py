"""Training mode says TRAINING on every screen; a resident's card on a PC/SC reader never does."""

from __future__ import annotations

from pathlib import Path

from readers.emulated import EmulatedReader
from tests.tui.driving import make_app, press, screen_text, settle


def first_line(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[0]


async def test_every_screen_of_a_training_card_says_training(tmp_path: Path) -> None:
    app = make_app("training:adult", data_dir=tmp_path)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (
            [],
            ["enter"],
            ["escape"],
            ["down", "enter"],
            ["enter"],
            ["n", "n"],
            ["enter"],
            [*"1234", "enter"],
        ):
            await press(pilot, *keys)
            seen.append((type(app.screen).__name__, first_line(app)))
    assert len({name for name, _ in seen}) >= 5  # start, card check, triage, photo ID, PIN, result
    assert all("TRAINING: training cards only" in line for _, line in seen), seen


async def test_training_mode_by_the_switch_trusts_training_cards_on_any_reader(tmp_path: Path) -> None:
    """A training room: the emulator behind PC/SC (``jpki-reset emulate --vpcd``), ``--training``."""
    app = make_app(
        "pcsc:Virtual PCD 00 00", lang="ja", data_dir=tmp_path, open_reader=lambda spec: EmulatedReader()
    )
    app.wizard.training_mode = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert "研修用（TRAINING）" in first_line(app)
        assert "判定：コンビニ等で初期化できます" in screen_text(app)


async def test_a_training_card_on_a_counter_reader_is_not_trusted_without_training_mode(
    tmp_path: Path,
) -> None:
    app = make_app("pcsc:Counter Reader", data_dir=tmp_path, open_reader=lambda spec: EmulatedReader())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        text = screen_text(app)
        assert "TRAINING" not in text
        assert "does not trust the card's issuer yet" in " ".join(text.split())
