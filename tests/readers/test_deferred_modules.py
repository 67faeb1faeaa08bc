"""A package whose body is deferred (readers.deferred_modules) behaves as the package once anyone
reads a name from it: its body runs once, and a second thread that reads from it while the body
runs waits for the body instead of finding a half-made package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A package whose body takes a while, counting its runs in a module of its own.
BODY = """
import time, slow_count
slow_count.runs += 1
time.sleep(0.3)
ANSWER = 42
"""

TWO_THREADS = """
import sys, threading, time
sys.path.insert(0, sys.argv[1])
from readers.deferred_modules import defer

defer("slow_package")
import slow_package  # bound, its body not run yet
import slow_count
assert slow_count.runs == 0

answers, errors = [], []
def read():
    try:
        answers.append(slow_package.ANSWER)
    except AttributeError as error:
        errors.append(error)

first = threading.Thread(target=read)
first.start()
time.sleep(0.1)  # the first thread is inside the body
read()
first.join()
print(answers, errors, slow_count.runs)
"""


def test_a_deferred_body_runs_once_and_a_second_thread_waits_for_it(tmp_path: Path) -> None:
    (tmp_path / "slow_package").mkdir()
    (tmp_path / "slow_package" / "__init__.py").write_text(BODY)
    (tmp_path / "slow_count.py").write_text("runs = 0\n")
    done = subprocess.run(
        [sys.executable, "-c", TWO_THREADS, str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "[42, 42] [] 1"
