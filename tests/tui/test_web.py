"""``jpki-reset web`` without a browser: what it refuses, what each tab runs, and the page it serves.
The browser itself is in ``tests/integration/test_web_browser.py``."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from readers.errors import JpkiResetError, ReaderSpecInvalid, RecordingInvalid
from tui.cli import main
from tui.commands.web import is_loopback
from tui.web.server import TrainingServer
from tui.web.session import WebSession, _parser, build_tab_app, web_choices, web_session

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tui.cli", *arguments]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


@pytest.mark.parametrize("reader", ["pcsc", "replay:/etc/passwd"])
def test_web_refuses_a_real_reader_or_a_file_with_one_line_and_exit_2(reader: str) -> None:
    done = run_cli("web", "--reader", reader)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("jpki-reset: reader-spec-invalid: web serves training cards")
    assert repr(reader) in done.stderr


@pytest.mark.parametrize(
    "reader", ["nfc", "nfc:usb", "pcsc:Virtual PCD 00 00", "replay:recordings/card-check-adult.jsonl"]
)
def test_web_serves_training_cards_only(reader: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["web", "--reader", reader]) == 2
    assert "web serves training cards" in capsys.readouterr().err


def test_a_reader_given_before_the_command_is_checked_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--reader", "pcsc", "web"]) == 2
    assert "not 'pcsc'" in capsys.readouterr().err


def test_an_unknown_training_card_is_named_with_the_ones_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["web", "--reader", "training:nobody"]) == 2
    error = capsys.readouterr().err
    assert "no training card 'nobody'" in error and "one-try-left" in error


def test_a_demo_must_be_a_recording_with_scripted_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["web", "--demo", "/etc/passwd"]) == 2
    assert capsys.readouterr().err.startswith("jpki-reset: recording-invalid: /etc/passwd")
    assert main(["web", "--demo", "card-check-adult"]) == 2
    assert "no scripted steps" in capsys.readouterr().err


def test_demo_and_reader_together_and_a_shared_service_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["web", "--demo", "demo-step1", "--reader", "training:adult"])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["--server", "http://127.0.0.1:8765", "web", "--reader", "training:adult"]) == 2
    assert capsys.readouterr().err.startswith("jpki-reset: web-option-refused: each tab uses a reservation")


def test_a_demo_is_found_by_its_name_among_the_projects_recordings() -> None:
    assert web_session("demo-step1", None, None).demo == RECORDINGS / "demo-step1.jsonl"
    assert web_session("demo-step2.jsonl", None, None).demo == RECORDINGS / "demo-step2.jsonl"
    with pytest.raises(RecordingInvalid, match="no such file"):
        web_session("demo-nothing", None, None)


def test_a_clock_that_is_no_time_stops_the_server_before_it_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["web", "--reader", "training:adult", "--at", "nonsense"]) == 2
    assert "'nonsense'" in capsys.readouterr().err


def test_the_training_clock_is_for_practice_not_for_a_demo() -> None:
    assert web_session(None, "training:adult", None, at="2026-04-01T22:30").at == "2026-04-01T22:30"
    with pytest.raises(ReaderSpecInvalid, match="recording's time"):
        web_session("demo-step1", None, None, at="2026-04-01T22:30")
    with pytest.raises(ReaderSpecInvalid, match="needs --reader training:PROFILE"):
        web_session(None, None, None, at="2026-04-01T22:30")
    with pytest.raises(JpkiResetError, match="half past ten"):  # refused once, not in every tab
        web_session(None, "training:adult", None, at="half past ten")


def test_each_tab_runs_the_session_the_trainer_chose(tmp_path: Path) -> None:
    """The tab's command line, through the shell textual-serve uses, gives back the same session."""
    odd = tmp_path / "a demo; rm -rf ~.jsonl"  # a path the shell must not take apart
    odd.write_text((RECORDINGS / "demo-step1.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    for session in (
        web_session(str(odd), None, "ja", speed=2.0),
        web_session(None, "training:one-try-left", "en", at="2026-04-01T10:00"),
        web_session(None, None, None),
    ):
        command = shlex.split(session.command())
        assert command[:3] == [sys.executable, "-m", "tui.web.session"]
        args = _parser().parse_args(command[3:])
        again = web_session(args.demo, args.reader, args.lang, args.speed, args.at)
        assert again == session


def test_a_tab_lists_training_cards_and_the_projects_recordings_only() -> None:
    choices = web_choices()
    assert {choice.kind for choice in choices} == {"training", "replay"}
    for choice in choices:
        if choice.kind == "replay":
            assert Path(choice.spec.removeprefix("replay:")).parent == RECORDINGS


def test_a_practice_tab_has_its_own_service_and_lists_no_real_reader(tmp_path: Path) -> None:
    app = build_tab_app(web_session(None, "training:adult", "en"), tmp_path)
    assert app.wizard.reader_spec == "training:adult" and app.wizard.training
    assert app.wizard.data_dir == tmp_path
    assert app.wizard.discover is web_choices


def test_a_demo_tab_plays_its_recording(tmp_path: Path) -> None:
    app = build_tab_app(web_session("demo-card-check", None, "ja"), tmp_path)
    assert app.demo is not None and app.demo.recording.header.title
    assert app.wizard.reader_spec == f"replay:{RECORDINGS / 'demo-card-check.jsonl'}"
    assert app.lang == "ja"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("192.168.1.20", False)],
)
def test_only_loopback_addresses_go_without_a_warning(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_listening_beyond_this_computer_says_so_before_serving() -> None:
    command = [sys.executable, "-m", "tui.cli", "web", "--host", "0.0.0.0", "--port", "0"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = server.stderr.readline()  # type: ignore[union-attr]
        serving = server.stdout.readline()  # type: ignore[union-attr]
    finally:
        server.terminate()
        server.wait(30)
    assert warning.startswith("jpki-reset web: WARNING: listening on 0.0.0.0, not only on this computer")
    assert "no login" in warning
    assert serving.startswith("jpki-reset web: serving on http://0.0.0.0:")


def training_server(max_tabs: int = 20) -> TrainingServer:
    session = WebSession(reader="training:adult")
    return TrainingServer(
        session.command(), host="127.0.0.1", port=0, title="jpki-reset TRAINING", lang="ja", max_tabs=max_tabs
    )


async def test_the_page_loads_nothing_from_elsewhere_and_says_training() -> None:
    server = training_server()
    async with TestClient(TestServer(await server._make_app())) as client:
        page = await (await client.get("/")).text()
        assert '<html lang="ja">' in page and "<title>jpki-reset TRAINING</title>" in page
        assert "http://" not in page and "https://" not in page  # a training room may be offline
        for asset in ("/static/js/textual.js", "/static/css/xterm.css"):
            assert asset in page
            assert (await client.get(asset)).status == 200


async def test_a_session_opened_from_another_sites_page_is_refused() -> None:
    server = training_server()
    async with TestClient(TestServer(await server._make_app())) as client:
        answer = await client.get("/ws", headers={"Origin": "http://evil.example", "Upgrade": "websocket"})
        assert answer.status == 403
        assert not server.sessions


async def test_a_tab_past_the_limit_is_told_to_wait() -> None:
    server = training_server(max_tabs=0)
    async with TestClient(TestServer(await server._make_app())) as client:
        answer = await client.get("/ws")
        assert answer.status == 503
        assert "sessions are open" in await answer.text()
