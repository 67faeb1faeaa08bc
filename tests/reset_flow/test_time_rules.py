"""The kiosk window (06:30 open, 23:00 closed, Japan time), the 24-hour reservation life and the
certificate renewal warning, walked across their edges with the machine's zone set elsewhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reset_flow.certificate_validity import CertificateStanding, certificate_standing, renewal_from
from reset_flow.clock import JST, FixedClock, TrainingClock
from reset_flow.kiosk_window import KIOSK_WINDOW
from reset_flow.reservation_life import reservation_deadline, reservation_expired

ELSEWHERE = ("America/Los_Angeles", "Europe/London", "Pacific/Kiritimati", "UTC")


@pytest.fixture(params=ELSEWHERE, autouse=True)
def machine_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The laptop's zone is not Japan's (TZ + tzset, as a misconfigured laptop would be)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def jst(hour: int, minute: int, second: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=JST)


def in_every_zone(moment: datetime) -> list[datetime]:
    """The same instant written in JST, UTC, the machine's zone and a far one."""
    return [
        moment,
        moment.astimezone(ZoneInfo("UTC")),
        moment.astimezone(),
        moment.astimezone(ZoneInfo("Etc/GMT+12")),
    ]


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (jst(6, 29, 59), False),
        (jst(6, 30, 0), True),
        (jst(12, 0), True),
        (jst(22, 59, 59), True),
        (jst(23, 0, 0), False),
        (jst(0, 0), False),
    ],
)
def test_kiosk_window_edges_whatever_the_zone(moment: datetime, is_open: bool) -> None:
    for written in in_every_zone(moment):
        assert KIOSK_WINDOW.is_open(written) is is_open


def test_a_clock_walking_across_the_edges() -> None:
    clock = FixedClock(jst(6, 29, 58).astimezone())  # the machine's own zone
    seen = []
    for _ in range(3):
        seen.append(KIOSK_WINDOW.is_open(clock.now()))
        clock.advance(timedelta(seconds=1))
    assert seen == [False, False, True]
    clock.set(jst(22, 59, 58).astimezone(ZoneInfo("UTC")))
    seen = []
    for _ in range(3):
        seen.append(KIOSK_WINDOW.is_open(clock.now()))
        clock.advance(timedelta(seconds=1))
    assert seen == [True, True, False]


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (jst(6, 29, 59), jst(6, 30)),
        (jst(23, 0), jst(6, 30, day=2)),
        (jst(1, 15), jst(6, 30)),
        (jst(10, 0), jst(6, 30, day=2)),  # open now: the next opening is tomorrow's
    ],
)
def test_next_opening_is_japan_time(moment: datetime, opening: datetime) -> None:
    for written in in_every_zone(moment):
        found = KIOSK_WINDOW.next_opening(written)
        assert found == opening
        assert found.utcoffset() == timedelta(hours=9)


def test_reservation_lives_exactly_24_hours() -> None:
    made = jst(10, 0).astimezone()  # recorded in the machine's zone
    deadline = reservation_deadline(made)
    assert deadline == jst(10, 0, day=2)
    assert not reservation_expired(made, jst(9, 59, 59, day=2))
    assert reservation_expired(made, jst(10, 0, 0, day=2))


@pytest.mark.parametrize(
    ("made", "usable_until"),
    [
        (jst(10, 0), jst(10, 0, day=2)),  # deadline inside the window: the deadline itself
        (jst(23, 30), jst(23, 0, day=2)),  # deadline 23:30: the kiosk closes at 23:00 first
        (jst(2, 0), jst(23, 0, day=1)),  # deadline 02:00 the next day: last chance 23:00 today
        (jst(6, 30), jst(6, 30, day=2)),  # deadline at the opening itself is usable
    ],
)
def test_last_usable_kiosk_moment(made: datetime, usable_until: datetime) -> None:
    assert KIOSK_WINDOW.usable_until(reservation_deadline(made)) == usable_until


def test_training_clock_starts_where_told_and_runs() -> None:
    base = FixedClock(datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")))
    clock = TrainingClock(jst(22, 59, 59), base)
    assert clock.training and KIOSK_WINDOW.is_open(clock.now())
    base.advance(timedelta(seconds=1))
    assert not KIOSK_WINDOW.is_open(clock.now())


def test_clocks_refuse_naive_times() -> None:
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 12, 1, 10, 0))


def test_certificate_standing_and_the_three_month_warning() -> None:
    """Renewal from the day after the date three months before the expiry date (the date with no
    twin in February takes February's last day), from midnight Japan time."""
    start, end = jst(0, 0, day=1) - timedelta(days=365), datetime(2027, 5, 31, 12, 0, tzinfo=JST)
    assert renewal_from(end) == datetime(2027, 3, 1, 0, 0, tzinfo=JST)  # 28 Feb is the day 3 months before
    assert (
        certificate_standing(start, end, datetime(2027, 2, 28, 23, 59, 59, tzinfo=JST))
        is CertificateStanding.VALID
    )
    assert (
        certificate_standing(start, end, datetime(2027, 3, 1, 0, 0, tzinfo=JST))
        is CertificateStanding.RENEWAL_DUE
    )
    assert certificate_standing(start, end, end) is CertificateStanding.RENEWAL_DUE  # inclusive end
    assert certificate_standing(start, end, end + timedelta(seconds=1)) is CertificateStanding.EXPIRED
    assert certificate_standing(start, end, start - timedelta(seconds=1)) is CertificateStanding.NOT_YET_VALID
    january_end = datetime(2027, 1, 15, tzinfo=JST)
    assert renewal_from(january_end) == datetime(2026, 10, 16, tzinfo=JST)  # across the year
    # The expiry date is Japan's: 2031-01-09 23:59:59 UTC is 2031-01-10 in Japan.
    assert renewal_from(datetime(2031, 1, 9, 23, 59, 59, tzinfo=ZoneInfo("UTC"))) == datetime(
        2030, 10, 11, tzinfo=JST
    )
