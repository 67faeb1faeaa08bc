"""What step 1's triage says besides the verdict: the PINs only the window resets, when blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.emulated import EmulatedReader
from readers.jpki_applet import EF_AUTH_PIN, EF_JUKI_PIN, EF_KENMEN_PIN
from tests.tui.driving import make_app, shows, walk
from tui.screens.triage import TriageScreen

AT = "2026-04-01T10:00:00+09:00"

BLOCKED = {
    ("en", EF_JUKI_PIN): "the resident-registry PIN is blocked: only the window resets it",
    ("en", EF_KENMEN_PIN): "the card-info input PIN is blocked: only the window resets it",
    ("ja", EF_JUKI_PIN): "住民基本台帳用暗証番号がロックされています。初期化は窓口でのみでき",
    ("ja", EF_KENMEN_PIN): "券面事項入力補助用暗証番号がロックされています。初期化は窓口でのみでき",
}
KIOSK = {"en": "KIOSK PATH POSSIBLE", "ja": "コンビニ等で手続きできます"}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("blocked", [EF_JUKI_PIN, EF_KENMEN_PIN])
async def test_a_blocked_window_only_pin_is_noted_when_the_kiosk_path_is_open(
    tmp_path: Path, lang: str, blocked: int
) -> None:
    reader = EmulatedReader("adult")
    reader.card.pins[blocked].tries_left = 0
    app = make_app("training:adult", lang=lang, at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, ["down", "down", "enter"])  # step 1 of the user-authentication PIN
        assert isinstance(app.screen, TriageScreen)
        assert shows(app, KIOSK[lang]) and shows(app, BLOCKED[lang, blocked])


MAYBE_FACE = {
    "en": "this may be a face-authentication My Number Card, whose PINs are locked",
    "ja": "顔認証マイナンバーカード（暗証番号がロックされた状態のカード）の可能性があります",
}
WINDOW = {"en": "GO TO THE MUNICIPAL WINDOW", "ja": "市区町村の窓口へ"}


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_card_with_its_pins_locked_may_be_a_face_authentication_card(
    tmp_path: Path, lang: str
) -> None:
    reader = EmulatedReader("under-15")  # no signing certificate
    reader.card.pins[EF_AUTH_PIN].tries_left = 0  # and the user-authentication PIN answers blocked
    app = make_app("training:under-15", lang=lang, at=AT, data_dir=tmp_path, open_reader=lambda spec: reader)
    async with app.run_test(size=(100, 40)) as pilot:
        await walk(pilot, ["down", "enter"])
        assert shows(app, WINDOW[lang]) and shows(app, MAYBE_FACE[lang])
