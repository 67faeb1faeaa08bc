"""The repository stands on its own: nothing in it cites a file outside it (the team's shared
notes, or protocol, design and rule documents kept elsewhere). What the code relies on is written
in docs/ in the project's own words."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spelt in pieces so that this file does not cite them itself.
OUTSIDE = re.compile("shared" + "/" + "|" + r"\b(" + "|".join(("JPKI", "DESIGN", "RULES")) + r")\.md\b")


def test_no_file_cites_a_document_outside_the_repository() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "README.md" in tracked
    citing = []
    for name in tracked:
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary files, and files deleted in the working tree
        citing += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert citing == []
