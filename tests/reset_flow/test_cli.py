"""The command line's reset_flow parts: ``status``'s triage object and ``jpki-reset serve``."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.moments import TRAINING_NOW
from tests.reset_flow.served import ROOT, free_port


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tui.cli", *args]
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("profile", "verdict", "kiosk_pins", "code"),
    [
        ("adult", "kiosk", ["sign", "auth"], None),
        ("sign-blocked", "kiosk", ["sign"], "sign-pin-blocked"),
        ("both-blocked", "window", [], "both-pins-blocked"),
        ("face-auth", "window", [], "face-authentication-card"),
    ],
)
def test_status_json_carries_the_triage(
    profile: str, verdict: str, kiosk_pins: list[str], code: str | None
) -> None:
    done = cli("--at", TRAINING_NOW.isoformat(), "status", "--reader", f"training:{profile}", "--json")
    assert done.returncode == 0, done.stderr
    triage = json.loads(done.stdout)["triage"]
    assert (triage["verdict"], triage["kiosk_pins"]) == (verdict, kiosk_pins)
    if code:
        assert code in [r["code"] for r in triage["reasons"]]


def test_status_text_says_the_verdict_and_the_revocation_with_the_signing_pin() -> None:
    done = cli(
        "status", "--lang", "en", "--reader", "training:sign-revoked", "--ask-sign-pin", stdin="TRAIN1234\n"
    )
    assert done.returncode == 0, done.stderr
    assert "VERDICT: go to the municipal window" in done.stdout
    assert "- the signing certificate is revoked" in done.stdout


def test_serve_issues_a_terminal_token_that_the_service_accepts(tmp_path: Path) -> None:
    database = tmp_path / "served.sqlite3"
    issued = cli("serve", "--db", str(database), "--init", "--new-terminal", "counter-2")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert len(token) >= 40
    port = free_port()
    command = [sys.executable, "-m", "tui.cli", "serve", "--port", str(port), "--db", str(database)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        good = httpx.post(url + "/v1/challenges", headers={"Authorization": f"Bearer {token}"})
        bad = httpx.post(url + "/v1/challenges", headers={"Authorization": "Bearer nope"})
        assert (good.status_code, bad.status_code) == (200, 401)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by ``serve --init`` once per worker; tests that serve on one use a copy."""
    database = tmp_path_factory.mktemp("initialised") / "made.sqlite3"
    made = cli("serve", "--db", str(database), "--init")
    assert made.returncode == 0, made.stderr
    return database


def copy_of(database: Path, folder: Path) -> Path:
    """The test's own copy of ``database`` (with its owner-only mode), so serving it changes no other."""
    return Path(shutil.copy2(database, folder / database.name))


def one_line_error(done: subprocess.CompletedProcess[str], code: str) -> str:
    """The error as the README promises it: one line, ``jpki-reset: CODE: message``, no traceback."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jpki-reset: {code}: "), done.stderr
    return lines[0]


def test_serve_never_creates_a_database_unasked(tmp_path: Path) -> None:
    database = tmp_path / "missing.sqlite3"
    done = cli("serve", "--db", str(database), "--port", str(free_port()))
    assert done.returncode == 5
    assert "serve --init" in one_line_error(done, "database-missing")
    assert not database.exists()
    made = cli("serve", "--db", str(database), "--init")
    assert made.returncode == 0, made.stderr
    assert database.stat().st_mode & 0o777 == 0o600  # owner-only, whatever the umask


@pytest.mark.parametrize(
    ("options", "code", "exit_code"),
    [
        (["--port", "99999"], "option-invalid", 2),
        (["--port", "-1"], "option-invalid", 2),
        (["--port", "http"], "option-invalid", 2),
        (["--db", ""], "option-invalid", 2),
        (["--tls-cert", "cert.pem"], "option-invalid", 2),
        (["--proofs-per-minute", "many"], "option-invalid", 2),
        (["--host", "999.1.1.1"], "cannot-listen", 5),
        (["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"], "service-not-configured", 5),
    ],
)
def test_bad_serve_options_end_in_one_line(
    options: list[str], code: str, exit_code: int, initialised: Path, tmp_path: Path
) -> None:
    database = copy_of(initialised, tmp_path)
    done = cli("serve", "--db", str(database), *options)
    assert done.returncode == exit_code
    one_line_error(done, code)


@pytest.mark.parametrize("kind", ["directory", "text file", "/dev/null", "under a file", "long name"])
def test_serve_on_something_that_is_not_a_database(kind: str, tmp_path: Path) -> None:
    paths = {
        "directory": tmp_path,
        "text file": tmp_path / "notes.txt",
        "/dev/null": Path("/dev/null"),
        "under a file": tmp_path / "notes.txt" / "db.sqlite3",
        "long name": tmp_path / ("x" * 300),
    }
    (tmp_path / "notes.txt").write_text("not a database\n" * 100)
    done = cli("serve", "--db", str(paths[kind]), "--init")
    assert done.returncode == 5
    one_line_error(done, "storage-unavailable")


def test_a_port_in_use_is_exit_5(initialised: Path, tmp_path: Path) -> None:
    database = copy_of(initialised, tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = cli("serve", "--db", str(database), "--port", str(taken.getsockname()[1]))
    assert done.returncode == 5
    assert "in use" in one_line_error(done, "cannot-listen")


def test_revoking_a_terminal(tmp_path: Path) -> None:
    database = tmp_path / "revoke.sqlite3"
    assert cli("serve", "--db", str(database), "--init", "--new-terminal", "lost-laptop").returncode == 0
    done = cli("serve", "--db", str(database), "--revoke-terminal", "lost-laptop")
    assert done.returncode == 0, done.stderr
    again = cli("serve", "--db", str(database), "--revoke-terminal", "lost-laptop")
    assert again.returncode == 5
    one_line_error(again, "terminal-unknown")


def test_status_says_in_words_that_a_certificate_does_not_decode(tmp_path: Path) -> None:
    from reset_flow.training_proof import TrainingProver
    from tests.reset_flow.test_service_hardening import issuer_tag_changed

    der = TrainingProver("adult").credentials.auth_certificate
    spaced = lambda data: " ".join(f"{b:02X}" for b in data)  # noqa: E731
    recording = (ROOT / "recordings" / "card-check-adult.jsonl").read_text()
    start = spaced(der[:40])  # the certificate's first bytes, as the recording writes them
    assert recording.count(start) == 1
    mutated = recording.replace(spaced(der[:80]), spaced(issuer_tag_changed(der)[:80]))
    assert mutated != recording
    replay = tmp_path / "malformed-issuer.jsonl"
    replay.write_text(mutated)
    text = cli("status", "--lang", "en", "--reader", f"replay:{replay}")
    assert text.returncode == 0, text.stderr
    assert "Traceback" not in text.stderr
    assert "VERDICT: go to the municipal window" in text.stdout
    assert (
        "- the user-authentication certificate on the card cannot be read (its data does not decode)"
        in text.stdout
    )
    data = cli("status", "--reader", f"replay:{replay}", "--json")
    assert "auth-certificate-malformed" in [r["code"] for r in json.loads(data.stdout)["triage"]["reasons"]]


def test_status_takes_a_moment_only_for_a_training_card() -> None:
    """``--at`` judges a training card at that moment; a resident's card keeps the real time, and
    the refusal comes before the card is touched."""
    expired = cli("--at", "2032-06-01T10:00", "status", "--reader", "training:adult", "--json")
    assert expired.returncode == 0, expired.stderr
    reasons = [r["code"] for r in json.loads(expired.stdout)["triage"]["reasons"]]
    assert "auth-certificate-expired" in reasons
    refused = cli("--at", TRAINING_NOW.isoformat(), "status", "--reader", "pcsc:Counter Reader")
    assert refused.returncode == 2
    assert "--at needs a training card" in refused.stderr
