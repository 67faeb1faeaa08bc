"""No dead code: vulture, with the settings and framework names of pyproject.toml and the reasoned
whitelist of tests/vulture_whitelist.py, finds nothing unused."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VULTURE = [sys.executable, "-m", "vulture"]


def vulture(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(VULTURE, cwd=where, capture_output=True, text=True)


def test_vulture_finds_no_unused_code() -> None:
    result = vulture(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_vulture_reports_a_function_nothing_calls(tmp_path: Path) -> None:
    """The check is live: a function added to a copy of the project and never called is named."""
    for folder in ("readers", "reset_flow", "tui", "bench", "recordings", "tests"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "__snapshots__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    module = tmp_path / "reset_flow" / "kiosk_window.py"
    module.write_text(module.read_text() + "\n\ndef closing_soon() -> bool:\n    return True\n")
    result = vulture(tmp_path)
    assert result.returncode != 0
    assert "reset_flow/kiosk_window.py" in result.stdout and "closing_soon" in result.stdout
