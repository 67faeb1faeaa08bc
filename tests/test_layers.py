"""The house rule, checked statically: layers import downward only (tui -> reset_flow -> readers),
Textual only in tui, the web framework only in the service, the service blind to the emulator, no
import cycles. The contracts are import-linter's, in pyproject.toml; its graph (grimp) holds every
import statement, those inside functions and under TYPE_CHECKING too.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("readers", "reset_flow", "tui")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the packages and pyproject.toml in ``where`` (which comes first on the path)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
    )


def test_the_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


# A deferred import in each direction the rules forbid, planted at the end of a real module.
PLANTED = [
    ("readers/apdu.py", "from tui import app", "Layers", "readers.apdu -> tui.app"),
    ("reset_flow/flow.py", "from tui.screens import base", "Layers", "reset_flow.flow -> tui.screens.base"),
    ("reset_flow/step2.py", "import textual.app", "Textual only in tui", "reset_flow.step2 -> textual"),
    ("tui/wizard.py", "import fastapi", "only in reset_flow.service", "tui.wizard -> fastapi"),
    (
        "reset_flow/service/office.py",
        "from readers.training_card import applet",
        "knows nothing of the training card",
        "readers.training_card",
    ),
    ("tui/screens/base.py", "from tui import app", "No import cycles", "tui"),
]


@pytest.mark.parametrize(("module", "statement", "contract", "shown"), PLANTED)
def test_a_function_level_import_against_the_rules_breaks_a_contract(
    copy_of_the_project: Path, module: str, statement: str, contract: str, shown: str
) -> None:
    assert lint_imports(copy_of_the_project).returncode == 0  # the copy is as clean as the project
    path = copy_of_the_project / module
    path.write_text(path.read_text() + f"\n\ndef _planted() -> None:\n    {statement}\n")
    result = lint_imports(copy_of_the_project)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert shown in broken


def imported_top_levels(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports, wherever the statement stands."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_benches_import_the_project_not_the_tests() -> None:
    """A bench measures what users run: it imports the packages, never the test suite's helpers."""
    benches = sorted((ROOT / "bench").glob("*.py"))
    assert benches
    for bench in benches:
        assert "tests" not in imported_top_levels(bench), bench.name


def test_status_does_not_import_textual() -> None:
    """At run time too: ``jpki-reset status`` starts without loading Textual."""
    code = "import sys; from tui.cli import main; main(['status']); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
