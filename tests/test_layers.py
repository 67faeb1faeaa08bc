"""The house rule: layers import downward only (tui -> reset_flow -> readers)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules_loaded_by(package: str) -> set[str]:
    """Import every module of ``package`` in a fresh interpreter; list what got loaded."""
    code = f"""
import importlib, pkgutil, sys
import {package}
for info in pkgutil.walk_packages({package}.__path__, "{package}."):
    if info.name.endswith("__main__"):
        continue
    importlib.import_module(info.name)
print("\\n".join(sorted(sys.modules)))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("readers", {"reset_flow", "tui", "textual"}), ("reset_flow", {"tui", "textual"})],
)
def test_layers_import_downward_only(package: str, forbidden: set[str]) -> None:
    loaded = _modules_loaded_by(package)
    assert package in loaded
    assert not loaded & forbidden, f"{package} pulls in {sorted(loaded & forbidden)}"


def test_status_does_not_import_textual() -> None:
    code = "import sys; from tui.cli import main; main(['status']); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
