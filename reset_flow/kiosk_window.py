"""The kiosk window: step 2 runs only from 06:30 (open) to 23:00 (closed) Japan time, whatever
zone the machine is set to. 06:30:00 is open; 23:00:00 is closed (docs/rules.md, our reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from reset_flow.clock import JST


@dataclass(frozen=True, slots=True)
class KioskWindow:
    opens: time = time(6, 30)
    closes: time = time(23, 0)

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(JST).time()
        return self.opens <= local < self.closes

    def next_opening(self, at: datetime) -> datetime:
        """The first opening strictly after ``at`` (JST, aware)."""
        local = at.astimezone(JST)
        today = datetime.combine(local.date(), self.opens, tzinfo=JST)
        return today if local < today else today + timedelta(days=1)

    def last_closing_before(self, at: datetime) -> datetime:
        """The latest closing at or before ``at`` (JST, aware)."""
        local = at.astimezone(JST)
        today = datetime.combine(local.date(), self.closes, tzinfo=JST)
        return today if today <= local else today - timedelta(days=1)

    def usable_until(self, deadline: datetime) -> datetime:
        """The last moment the kiosk can be used for a reservation ending at ``deadline``: the
        deadline itself, or the closing before it when the deadline falls in the closed hours."""
        if self.is_open(deadline):
            return deadline.astimezone(JST)
        return self.last_closing_before(deadline)


KIOSK_WINDOW = KioskWindow()
