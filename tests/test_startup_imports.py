"""What the TUI's start and ``status`` load: the start-up bars (bench/startup.py) rest on the first
screen loading no command but the one that runs, no certificate code and no flow state, and on
``status`` starting no event loop. Each check runs in a fresh interpreter, as a start does."""

import subprocess
import sys
from pathlib import Path

from readers.spec import DEFAULT_SPEC
from tui.commands.arguments import DEFAULT_READER

ROOT = Path(__file__).resolve().parent.parent

# Loaded only when needed: the other commands, x509 (when a card's certificate is read), the flow
# states (with a flow), the time-zone data (a training clock), asyncio outside Textual's loop.
HEAVY = ("cryptography", "reset_flow.states", "zoneinfo", "asyncio")


def loaded_after(code: str) -> set[str]:
    """The heavy modules and the command modules loaded once ``code`` has run in a fresh
    interpreter."""
    wanted = f"m in {HEAVY!r} or m.startswith('tui.commands.')"
    script = code + f"\nimport sys\nprint(sorted(m for m in sys.modules if {wanted}))\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(eval(out.stdout.strip().splitlines()[-1]))  # a list of names printed by repr


def test_the_first_screen_loads_no_command_and_no_certificate_code() -> None:
    code = """
from tui.cli import build_parser
from tui.launch import build_app

async def first_screen(pilot):
    await pilot.pause()
    pilot.app.exit()

app = build_app(build_parser().parse_args(["--lang", "en"]))
app.run(headless=True, size=(80, 24), auto_pilot=first_screen)
"""
    loaded = loaded_after(code)
    assert "asyncio" in loaded  # Textual's own loop: the check below would see a missing module
    assert loaded - {"asyncio"} == {"tui.commands.arguments"}


def test_status_loads_only_its_own_command_and_starts_no_event_loop() -> None:
    loaded = loaded_after("from tui.cli import main\nmain(['status', '--reader', 'training:adult'])")
    assert "cryptography" in loaded  # the card's certificate was read and judged
    assert not {m for m in loaded if m.startswith("tui.commands.")} - {
        "tui.commands.arguments",
        "tui.commands.status",
        "tui.commands.prompt",
    }
    assert "asyncio" not in loaded


def test_status_default_reader_is_the_readers_default() -> None:
    """The parser spells the default without importing reader code; both say the same."""
    assert DEFAULT_READER == DEFAULT_SPEC
