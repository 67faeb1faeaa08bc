"""The command line contract: output, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from readers.recording import load_recording
from tui.cli import build_parser, main
from tui.commands.arguments import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
# One option of each command of COMMANDS, in its order.
OPTIONS = (
    "--ask-sign-pin",
    "--spend-pin-tries",
    "--proofs-per-minute",
    "--nfc-udp",
    "{add,list,remove,crl}",
    "--speed",
    "--staff-code-file",
    "--max-tabs",
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output=True, text=True, input=stdin
    )


def test_status_prints_tries_and_certificates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--lang", "en", "--reader", "training:one-try-left"]) == 0
    out = capsys.readouterr().out
    assert "  User-authentication PIN              1 of 3 tries left" in out
    assert "  Signing PIN                          5 of 5 tries left" in out
    # The certificate ends 2031-01-09 15:00 UTC, which is 2031-01-10 in Japan, as the screens say.
    assert "  User-authentication certificate      valid 2026-01-10 to 2031-01-10 (Japan time)" in out


def test_status_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--reader", "training:under-15", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["card"]["kind"] == "my-number-card"
    assert set(data["pins"]) == {"auth", "sign", "juki", "kenmen"}
    auth = {"tries_left": 3, "max_tries": 3, "blocked": False, "set": True, "verified": False}
    assert data["pins"]["auth"] == auth
    assert data["warnings"] == [] and "sign_pin" not in data
    assert data["certificates"]["sign"]["present"] is False
    assert data["certificates"]["auth"]["not_after"].startswith("2031-01-09")


def test_status_reads_the_signing_certificate_only_with_its_pin() -> None:
    without = json.loads(run("status", "--json").stdout)
    assert without["certificates"]["sign"] == {
        "present": True,
        "not_before": None,
        "not_after": None,
        "subject": None,
    }
    done = run("status", "--json", "--ask-sign-pin", stdin="train1234\n")
    assert done.returncode == 0, done.stderr
    sign = json.loads(done.stdout)["certificates"]["sign"]
    assert "TRAINING Taro Adult" in sign["subject"] and "train1234" not in done.stdout.lower()


def test_a_wrong_signing_pin_is_exit_4_with_one_line_after_the_whole_report() -> None:
    done = run("status", "--lang", "en", "--ask-sign-pin", stdin="WRONG9876\n")
    assert done.returncode == 4
    assert done.stderr.strip() == "jpki-reset: wrong-pin: wrong signing PIN: 4 tries left"
    assert "WRONG9876" not in done.stderr + done.stdout
    assert "  Signing PIN                          4 of 5 tries left" in done.stdout
    assert (
        "Resident-registry PIN" in done.stdout
        and "Signing PIN given: it was wrong: 4 tries left" in done.stdout
    )


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["status", "--reader", "training:nobody"], 2, "unknown-profile"),
        (["status", "--reader", "bluetooth:x"], 2, "reader-spec-invalid"),
        (["status", "--reader", "replay:/nonexistent.jsonl"], 2, "recording-invalid"),
    ],
)
def test_bad_input_is_one_line_with_a_stable_code(args: list[str], code: int, error: str) -> None:
    done = run(*args)
    assert done.returncode == code
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"jpki-reset: {error}: ")


def test_a_removed_card_is_exit_3(tmp_path: Path) -> None:
    text = (ROOT / "recordings" / "card-check-adult.jsonl").read_text().splitlines()
    # The card check as recorded, but the card is lifted after the first two commands.
    lifted = [*text[:4], '{"type": "event", "event": "card_removed"}']
    (tmp_path / "lifted.jsonl").write_text("\n".join(lifted) + "\n")
    done = run("status", "--reader", f"replay:{tmp_path / 'lifted.jsonl'}")
    assert done.returncode == 3
    assert done.stderr.startswith("jpki-reset: card-removed: ")


def test_status_replays_a_recorded_card_check() -> None:
    done = run(
        "status",
        "--lang",
        "en",
        "--reader",
        f"replay:{ROOT / 'recordings' / 'card-check-both-blocked.jsonl'}",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("BLOCKED (0 tries left)") == 2


def test_record_writes_a_replayable_file(tmp_path: Path) -> None:
    out = tmp_path / "check.jsonl"
    done = run("record", "--reader", "training:sign-blocked", "--out", str(out))
    assert done.returncode == 0, done.stderr
    recording = load_recording(out)
    assert recording.header.conversation == "card-check"
    assert "sign PIN: 0 of 5" in recording.header.outcome
    again = run("status", "--lang", "en", "--reader", f"replay:{out}")
    assert again.returncode == 0 and "BLOCKED" in again.stdout


def test_help_lists_the_commands() -> None:
    done = run("--help")
    assert done.returncode == 0 and "status" in done.stdout


@pytest.mark.parametrize(
    ("name", "said", "option"), [(c[0], c[1], o) for c, o in zip(COMMANDS, OPTIONS, strict=True)]
)
def test_each_command_is_listed_with_its_help_and_its_own_help_lists_its_options(
    capsys: pytest.CaptureFixture[str], name: str, said: str, option: str
) -> None:
    # Each command's options are declared only when it is parsed: its --help must still list them.
    with pytest.raises(SystemExit) as listed:
        main(["--help"])
    assert listed.value.code == 0
    assert " ".join(said.split()) in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit) as own:
        main([name, "--help"])
    assert own.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: jpki-reset {name} ") and option in out


def test_a_command_s_own_options_are_parsed_after_its_name() -> None:
    args = build_parser().parse_args(["status", "--json", "--reader", "training:minor"])
    assert (args.command, args.json, args.reader) == ("status", True, "training:minor")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--json"])  # not an option before a command names it


def test_a_reader_that_stops_early_ends_status_quietly() -> None:
    # `jpki-reset status | head -1`: the pipe closes before the report is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "status", "--reader", "training:adult"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # type: ignore[union-attr]
    errors = process.stderr.read()  # type: ignore[union-attr]
    assert process.wait() == 141  # as a tool killed by SIGPIPE
    assert errors == ""  # no traceback, no "Exception ignored"
