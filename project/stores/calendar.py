"""A store's business calendar (its opening hours and holidays), read once per process.

Deadlines are computed on every case opening and transition that enters a state with an SLA
target; reading the store's hours and holidays each time cost two queries, one of them over every
holiday the store ever had. The calendar is kept for the life of the process instead, keyed by
the store's ``calendar_version``: any change to its opening hours or holidays gives the store a
new version in the database (``store_calendar_changed``, called by the receivers below on every
save and delete), and readers pass the version they read from the database with the work they do
(a transition reads it with the locked case). So a change is seen by the next deadline computed,
in every process, without any process being told.

Holidays are read a calendar year at a time, for the years a deadline actually crosses.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import OrderedDict

from django.db.models.signals import post_delete, post_save

from project.stores.models import Holiday, OpeningHours, Store

Interval = tuple[datetime.time, datetime.time]


class StoreCalendar:
    """One version of a store's opening hours (all of them, a few rows) and holidays (loaded
    a year at a time when first asked about)."""

    def __init__(self, store_id: int, intervals: dict[int, tuple[Interval, ...]]):
        self.store_id = store_id
        self._intervals = intervals
        self._holidays: dict[int, frozenset[datetime.date]] = {}
        self._lock = threading.Lock()

    @property
    def has_hours(self) -> bool:
        """False for a store without opening hours, which counts as open around the clock."""
        return bool(self._intervals)

    def intervals_on(self, day: datetime.date) -> tuple[Interval, ...]:
        """The opening intervals of ``day`` in order; none on a holiday."""
        intervals = self._intervals.get(day.weekday(), ())
        if not intervals or self.is_holiday(day):
            return ()
        return intervals

    def is_holiday(self, day: datetime.date) -> bool:
        year = self._holidays.get(day.year)
        if year is None:
            year = frozenset(
                Holiday.objects.filter(
                    store_id=self.store_id,
                    date__gte=datetime.date(day.year, 1, 1),
                    date__lte=datetime.date(day.year, 12, 31),
                ).values_list("date", flat=True)
            )
            with self._lock:
                self._holidays[day.year] = year
        return day in year


class _CalendarCache:
    """Calendars by (store id, calendar version); the ``maxsize`` most recently used are kept.
    A version is a random UUID, so an entry never goes stale, and a store id used again (after
    a rolled-back transaction, as in tests) cannot find another store's calendar."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[int, uuid.UUID], StoreCalendar] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store_id: int, version: uuid.UUID) -> StoreCalendar:
        key = (store_id, version)
        with self._lock:
            calendar = self._entries.get(key)
            if calendar is not None:
                self._entries.move_to_end(key)
                return calendar
        intervals: dict[int, list[Interval]] = {}
        rows = OpeningHours.objects.filter(store_id=store_id).values_list(
            "weekday", "opens", "closes"
        )
        for weekday, opens, closes in rows:
            intervals.setdefault(weekday, []).append((opens, closes))
        calendar = StoreCalendar(
            store_id, {weekday: tuple(sorted(day)) for weekday, day in intervals.items()}
        )
        with self._lock:
            calendar = self._entries.setdefault(key, calendar)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return calendar

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_calendars = _CalendarCache(maxsize=1024)


def store_calendar(store: Store | int, *, version: uuid.UUID | None = None) -> StoreCalendar:
    """The business calendar of ``store`` (an instance or an id) at calendar ``version``.

    Pass the version read from the database with the work it serves (``case_transition`` reads
    it with the locked case); without one it is read now, one small query. The version held by
    a ``Store`` instance is never trusted: the instance may predate a change."""
    store_id = store if isinstance(store, int) else store.pk
    if version is None:
        version = Store.objects.filter(pk=store_id).values_list("calendar_version", flat=True).get()
    return _calendars.get(store_id, version)


def store_calendar_changed(store: Store | int) -> None:
    """Give the store a new calendar version: every process reads its hours and holidays again
    when it next computes a deadline. Called on every save and delete of opening hours and
    holidays; code writing them in bulk (``bulk_create``, ``update``), which sends no signal,
    calls it itself."""
    store_id = store if isinstance(store, int) else store.pk
    version = uuid.uuid4()
    Store.objects.filter(pk=store_id).update(calendar_version=version)
    if isinstance(store, Store):
        store.calendar_version = version


def _calendar_row_changed(sender, instance, **kwargs):
    relation = sender._meta.get_field("store")
    store_calendar_changed(instance.store if relation.is_cached(instance) else instance.store_id)


def connect_receivers() -> None:
    """Called once from ``StoresConfig.ready``."""
    for model in (OpeningHours, Holiday):
        post_save.connect(_calendar_row_changed, sender=model, dispatch_uid=f"calendar-{model}")
        post_delete.connect(_calendar_row_changed, sender=model, dispatch_uid=f"calendar-{model}")
