"""Deadlines in a store's business hours: opening hours per weekday, closed on its holidays."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from project.stores.calendar import store_calendar
from project.stores.models import Store

MAX_DAYS = 800  # a target further away than this many calendar days is treated as a mistake


def add_business_hours(
    store: Store,
    start: datetime.datetime,
    hours: Decimal,
    *,
    calendar_version: uuid.UUID | None = None,
) -> datetime.datetime:
    """The moment ``hours`` business hours after ``start`` in ``store``'s time zone.

    The hours and holidays come from the store's cached calendar at ``calendar_version`` (read
    from the database when not given; see ``project.stores.calendar``). A store without opening
    hours is treated as open around the clock. Returns an aware datetime.
    """
    remaining = datetime.timedelta(seconds=float(Decimal(hours) * 3600))
    calendar = store_calendar(store, version=calendar_version)
    if not calendar.has_hours:
        return start + remaining
    tz = store.zoneinfo
    cursor = start.astimezone(tz)
    day = cursor.date()
    for _offset in range(MAX_DAYS):
        for opens, closes in calendar.intervals_on(day):
            interval_start = datetime.datetime.combine(day, opens, tzinfo=tz)
            interval_end = datetime.datetime.combine(day, closes, tzinfo=tz)
            begin = max(interval_start, cursor)
            if begin >= interval_end:
                continue
            available = interval_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += datetime.timedelta(days=1)
    raise ValueError(f"{hours} business hours do not fit in {MAX_DAYS} days of {store}'s hours.")
