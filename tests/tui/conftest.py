"""Every TUI test fails if the app had to show a raw catalog key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui.app import ResetApp


@pytest.fixture(autouse=True)
def _no_missing_catalog_entries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test fails if the app had to show a raw catalog key."""
    seen: list[ResetApp] = []
    original = ResetApp.__init__

    def tracking(self: ResetApp, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(self)

    monkeypatch.setattr(ResetApp, "__init__", tracking)
    yield
    for app in seen:
        assert not app.missing_keys, f"missing catalog entries: {sorted(app.missing_keys)}"
