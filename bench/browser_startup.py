"""From a page request to the first screen in a browser: ``jpki-reset web`` in headless Chromium.

    .venv/bin/python bench/browser_startup.py [runs]

One server (a practice session on the training card ``adult``) and one browser serve every run;
each run is a new tab, so it pays what a trainee's tab pays: the page, textual.js, a new app
process and its first screen. The clock starts at the DevTools ``Page.navigate`` and stops when
the start screen's instruction is in the terminal's buffer (polled every 20 ms). ``startup.py``
prints the same figure with its others.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.web.browser import BrowserUnavailable, Chromium  # noqa: E402

FIRST_SCREEN = "Choose the reader, then the task."


async def _tab_first_screens(browser: Chromium, url: str, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        async with browser.tab() as tab:
            await tab.prepare()
            started = time.perf_counter()
            await tab.navigate(url)
            await tab.wait_for(FIRST_SCREEN)
            seconds.append(time.perf_counter() - started)
    return seconds


def page_to_first_screen(runs: int = 5) -> list[float] | str:
    """Seconds per run, or why the browser could not be measured."""
    practice = ["--reader", "training:adult", "--lang", "en"]
    command = [sys.executable, "-m", "tui.cli", "web", "--port", "0", *practice]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        found = re.search(r"http://\S+", server.stdout.readline())  # type: ignore[union-attr]
        if found is None:
            return "jpki-reset web did not start"
        with tempfile.TemporaryDirectory(prefix="jpki-reset-bench-chromium-") as profile:
            browser = Chromium(Path(profile))
            try:
                browser.start()
            except BrowserUnavailable as why:
                return str(why)
            try:
                asyncio.run(_tab_first_screens(browser, found.group(0), 1))  # warm the byte-code caches
                return asyncio.run(_tab_first_screens(browser, found.group(0), runs))
            finally:
                browser.stop()
    finally:
        server.terminate()
        server.wait(30)


def report(runs: int = 5) -> str:
    figures = page_to_first_screen(runs)
    if isinstance(figures, str):
        return f"web: page request to first screen: not measured ({figures})"
    median = statistics.median(figures) * 1000
    return f"web: page request to first screen:  {median:7.1f} ms  (median of {runs} tabs, headless Chromium)"


if __name__ == "__main__":
    print(report(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
