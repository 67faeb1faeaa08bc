"""The command line's reset_flow parts: ``status``'s triage object and ``jpki-reset serve``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

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
    done = cli("status", "--reader", f"training:{profile}", "--json")
    assert done.returncode == 0, done.stderr
    triage = json.loads(done.stdout)["triage"]
    assert (triage["verdict"], triage["kiosk_pins"]) == (verdict, kiosk_pins)
    if code:
        assert code in [r["code"] for r in triage["reasons"]]


def test_status_text_says_the_verdict_and_the_revocation_with_the_signing_pin() -> None:
    done = cli("status", "--reader", "training:sign-revoked", "--ask-sign-pin", stdin="TRAIN1234\n")
    assert done.returncode == 0, done.stderr
    assert "Verdict: go to the municipal window" in done.stdout
    assert "signing certificate revoked" in done.stdout


def test_serve_issues_a_terminal_token_that_the_service_accepts(tmp_path: Path) -> None:
    database = tmp_path / "served.sqlite3"
    issued = cli("serve", "--db", str(database), "--new-terminal", "counter-2")
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
