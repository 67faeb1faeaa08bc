"""The moment the tests judge training cards at, fixed so that the suite passes whatever the
machine's date is (the training certificates are valid 2026-01-10 to 2031-01-09)."""

from __future__ import annotations

from datetime import datetime

from reset_flow.clock import JST

# Inside the certificates' validity, after the training CRL's last update (2026-06-01), on a
# weekday morning when the kiosk window is open.
TRAINING_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
