"""Deadlines in a store's business hours: opening hours per weekday, closed on its holidays."""

from __future__ import annotations

import datetime
from decimal import Decimal

from project.stores.models import Store

MAX_DAYS = 800  # a target further away than this many calendar days is treated as a mistake


def add_business_hours(store: Store, start: datetime.datetime, hours: Decimal) -> datetime.datetime:
    """The moment ``hours`` business hours after ``start`` in ``store``'s time zone.

    A store without opening hours is treated as open around the clock. Returns an aware datetime.
    """
    remaining = datetime.timedelta(seconds=float(Decimal(hours) * 3600))
    intervals_by_weekday: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for row in store.opening_hours.all():
        intervals_by_weekday.setdefault(row.weekday, []).append((row.opens, row.closes))
    if not intervals_by_weekday:
        return start + remaining
    holidays = {holiday.date for holiday in store.holidays.all()}
    tz = store.zoneinfo
    cursor = start.astimezone(tz)
    day = cursor.date()
    for _offset in range(MAX_DAYS):
        if day not in holidays:
            for opens, closes in sorted(intervals_by_weekday.get(day.weekday(), [])):
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
