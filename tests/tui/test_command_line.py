"""``jpki-reset`` and ``jpki-reset demo``: options, and refusals with the contract's exit codes."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from reset_flow.clock import JST
from tui.cli import EXIT_USAGE, build_parser, main
from tui.launch import build_wizard


def test_the_tui_takes_reader_server_lang_and_at() -> None:
    args = build_parser().parse_args(
        ["--reader", "training:adult", "--server", "http://h:1", "--lang", "ja", "--at", "2026-04-01T22:00"]
    )
    assert (args.command, args.reader, args.server, args.lang, args.at) == (
        None,
        "training:adult",
        "http://h:1",
        "ja",
        "2026-04-01T22:00",
    )


def test_demo_takes_a_recording_and_a_speed_and_keeps_a_language_given_before_it() -> None:
    args = build_parser().parse_args(["--lang", "ja", "demo", "recordings/demo-step1.jsonl", "--speed", "2"])
    assert (args.command, args.recording, args.speed, args.lang) == (
        "demo",
        "recordings/demo-step1.jsonl",
        2.0,
        "ja",
    )


@pytest.mark.parametrize("command", [["status"], ["serve"], ["trust", "list"]])
def test_a_config_file_given_before_or_after_the_command_is_the_one_used(command: list[str]) -> None:
    parse = build_parser().parse_args
    assert parse(["--config", "before.toml", *command]).config.name == "before.toml"
    assert parse([*command, "--config", "after.toml"]).config.name == "after.toml"
    assert parse(command).config is None  # the config directory's file


def test_at_without_a_zone_is_japan_time_and_shows_as_a_training_clock() -> None:
    wizard = build_wizard("training:adult", None, "2026-04-01T22:00")
    assert wizard.training_at is not None and wizard.training_at.utcoffset().total_seconds() == 9 * 3600


@pytest.mark.parametrize("reader", [None, "pcsc", "nfc:usb"])
def test_the_training_clock_is_refused_off_training(
    capsys: pytest.CaptureFixture[str], reader: str | None
) -> None:
    argv = (["--reader", reader] if reader else []) + ["--at", "2026-04-01T22:00"]
    assert main(argv) == EXIT_USAGE
    assert "training-clock-invalid" in capsys.readouterr().err


def test_at_as_hh_mm_is_today_in_japan_time() -> None:
    from datetime import date

    from tui.training_time import parse_at

    assert parse_at("9:30", today=date(2026, 4, 1)).isoformat() == "2026-04-01T09:30:00+09:00"
    wizard = build_wizard("training:adult", None, "22:30")
    today_in_japan = datetime.now(JST).date()
    assert wizard.training_at == datetime.combine(today_in_japan, time(22, 30), tzinfo=JST)


@pytest.mark.parametrize("at", ["25:00", "10:75", "nonsense", "2026-13-01T10:00"])
def test_a_training_clock_that_is_no_time_is_refused_with_its_own_code(
    capsys: pytest.CaptureFixture[str], at: str
) -> None:
    assert main(["--reader", "training:adult", "--at", at]) == EXIT_USAGE
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jpki-reset: training-clock-invalid: --at {at!r}"), lines


def test_a_demo_of_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "no/such/demo.jsonl"]) == EXIT_USAGE
    assert "recording-invalid" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("reader", "said"),
    [
        ("nonsense", "reader-spec-invalid: unknown reader 'nonsense'"),
        ("training:nosuch", "unknown-profile: no training card profile 'nosuch'; known: adult"),
        ("replay:/no/such/recording.jsonl", "recording-invalid: /no/such/recording.jsonl: no such file"),
        ("replay:README.md", "recording-invalid: README.md:1"),
    ],
)
def test_a_reader_that_cannot_work_is_refused_before_any_screen(
    capsys: pytest.CaptureFixture[str], reader: str, said: str
) -> None:
    """Not after a task is chosen, on a screen whose advice (choose another reader) is impossible."""
    assert main(["--reader", reader]) == EXIT_USAGE
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jpki-reset: {said}"), lines


def test_a_hardware_reader_is_checked_for_its_form_only_before_the_screens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Without a terminal here the TUI stops at the terminal check: the reader was not refused.
    assert main(["--reader", "pcsc"]) == EXIT_USAGE
    assert "no-terminal" in capsys.readouterr().err


@pytest.mark.parametrize("speed", ["0", "-1", "nan", "inf", "100", "fast"])
def test_a_demo_speed_no_one_could_follow_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["demo", "recordings/demo-step1.jsonl", "--speed", speed])
    assert stopped.value.code == EXIT_USAGE
    assert f"argument --speed: '{speed}'" in capsys.readouterr().err


def test_a_recording_without_keys_is_refused_as_a_demo_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "recordings/card-check-adult.jsonl"]) == EXIT_USAGE
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "jpki-reset: recording-invalid: recordings/card-check-adult.jsonl: not a demo recording"
    )
    assert "--reader replay:recordings/card-check-adult.jsonl" in lines[0]  # what to do with it instead
