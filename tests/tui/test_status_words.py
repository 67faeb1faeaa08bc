"""``jpki-reset status`` in the staff's language: the screens' words, every moment in Japan time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.i18n.terms import Inline, translator

ROOT = Path(__file__).resolve().parents[2]


def status(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["status", "--reader", "training:one-try-left", *args]) == 0
    return capsys.readouterr().out


def test_status_in_japanese_says_the_card_check_screen_s_words(capsys: pytest.CaptureFixture[str]) -> None:
    out = status(capsys, "--lang", "ja")
    assert re.search(r"^  利用者証明用電子証明書の暗証番号 +残り 1 回（最大 3 回）$", out, re.M)
    # The certificate ends 2031-01-09 15:00 UTC: in Japan that is already 2031-01-10.
    assert re.search(
        r"^  利用者証明用電子証明書 +有効期間 2026-01-10 から 2031-01-10（日本時間）$", out, re.M
    )
    t = translator("ja")
    assert t("check.verdict.kiosk", pins=Inline(["pin.label.sign", "pin.label.auth"])) in out
    assert "- " + t("reason.auth-pin-last-try") in out
    assert "tries left" not in out and "VERDICT" not in out


def test_status_in_english_says_the_same_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    out = status(capsys, "--lang", "en")
    assert "  User-authentication PIN              1 of 3 tries left" in out
    assert "valid 2026-01-10 to 2031-01-10 (Japan time)" in out
    assert "VERDICT: the kiosk path can reset the signing PIN, user-authentication PIN." in out
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", out)  # no Japanese left in


@pytest.mark.parametrize(
    ("lang", "label"), [("en", r"Read at (\S+ \S+) Japan time\."), ("ja", r"読み取り：日本時間 (\S+ \S+)")]
)
def test_the_moment_of_the_reading_is_in_japan_time_and_says_so(
    capsys: pytest.CaptureFixture[str], lang: str, label: str
) -> None:
    from datetime import UTC, datetime, timedelta

    before = datetime.now(UTC)
    found = re.search(label, status(capsys, "--lang", lang))
    assert found is not None
    shown = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC) - timedelta(hours=9)
    assert before - timedelta(minutes=1) <= shown <= datetime.now(UTC)


def test_the_language_can_be_given_before_the_command_too() -> None:
    assert build_parser().parse_args(["--lang", "ja", "status"]).lang == "ja"
    assert build_parser().parse_args(["status", "--lang", "ja"]).lang == "ja"
    assert build_parser().parse_args(["status"]).lang is None  # then the locale decides


@pytest.mark.parametrize(
    ("locale", "word"), [("ja_JP.UTF-8", "判定："), ("en_US.UTF-8", "VERDICT:"), ("C.UTF-8", "VERDICT:")]
)
def test_without_lang_the_locale_decides_as_for_the_screens(locale: str, word: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")} | {"LANG": locale}
    done = run_status(env=env)
    assert done.returncode == 0, done.stderr
    assert word in done.stdout


def test_a_wrong_signing_pin_is_said_in_japanese_too() -> None:
    done = run_status("--lang", "ja", "--ask-sign-pin", stdin="WRONG9876\n")
    assert done.returncode == 4
    assert "誤っていました（残り 4 回）" in done.stdout and "WRONG9876" not in done.stdout + done.stderr


def run_status(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tui.cli", "status", *args]
    return subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=60)
