"""The store's business calendar: cached per calendar version, holidays read a year at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from project.stores import calendar
from project.stores.calendar import store_calendar, store_calendar_changed
from project.stores.models import Holiday, OpeningHours, Store
from tests.factories import OpeningHoursFactory, StoreFactory

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    monkeypatch.setattr(calendar, "_calendars", calendar._CalendarCache(maxsize=8))


@pytest.fixture
def store():
    store = StoreFactory()
    OpeningHoursFactory(store=store, weekday=0, opens=T(15), closes=T(19))
    OpeningHoursFactory(store=store, weekday=0, opens=T(10), closes=T(14))
    return store


def version_of(store) -> object:
    return Store.objects.values_list("calendar_version", flat=True).get(pk=store.pk)


def test_a_weekdays_intervals_come_in_order(store):
    monday = datetime.date(2026, 11, 23)

    assert store_calendar(store).intervals_on(monday) == ((T(10), T(14)), (T(15), T(19)))
    assert store_calendar(store).intervals_on(monday + datetime.timedelta(days=1)) == ()


def test_saving_or_deleting_hours_or_holidays_gives_the_store_a_new_version(store):
    versions = [version_of(store)]
    row = OpeningHours.objects.filter(store=store).first()
    row.closes = T(20)
    row.save()
    versions.append(version_of(store))
    holiday = Holiday.objects.create(store=store, date=datetime.date(2026, 12, 25))
    versions.append(version_of(store))
    holiday.delete()
    versions.append(version_of(store))
    store.opening_hours.all().delete()  # one signal per row deleted
    versions.append(version_of(store))

    assert len(set(versions)) == len(versions)


def test_bulk_writes_say_so_themselves(store):
    """bulk_create sends no signal: code writing hours in bulk calls store_calendar_changed."""
    before = version_of(store)
    OpeningHours.objects.bulk_create(
        [OpeningHours(store=store, weekday=1, opens=T(9), closes=T(12))]
    )
    assert version_of(store) == before

    store_calendar_changed(store)

    assert version_of(store) != before
    assert store.calendar_version == version_of(store)


def test_the_calendar_of_a_version_is_read_once(store):
    version = version_of(store)
    store_calendar(store, version=version)

    with CaptureQueriesContext(connection) as captured:
        calendar_again = store_calendar(store, version=version)
        calendar_again.intervals_on(datetime.date(2026, 11, 30))
        calendar_again.intervals_on(datetime.date(2026, 12, 7))

    assert len(captured) == 1  # the holidays of 2026, once


def test_holidays_are_read_for_the_year_asked_about_only(store):
    for year in range(2018, 2031):
        Holiday.objects.create(store=store, date=datetime.date(year, 12, 25))
    Holiday.objects.create(store=store, date=datetime.date(2026, 11, 30))
    cached = store_calendar(store)

    with CaptureQueriesContext(connection) as captured:
        assert cached.is_holiday(datetime.date(2026, 11, 30))
        assert not cached.is_holiday(datetime.date(2026, 12, 24))
        assert cached.is_holiday(datetime.date(2027, 12, 25))

    assert len(captured) == 2  # 2026, then 2027
    assert cached._holidays[2026] == {datetime.date(2026, 11, 30), datetime.date(2026, 12, 25)}


def test_the_calendar_is_read_again_under_a_new_version_only(store):
    monday = datetime.date(2026, 11, 23)
    first = store_calendar(store)
    OpeningHours.objects.filter(store=store).update(closes=T(20))  # no signal: same version

    assert store_calendar(store) is first

    store_calendar_changed(store)

    assert store_calendar(store) is not first
    assert store_calendar(store).intervals_on(monday) == ((T(10), T(20)), (T(15), T(20)))
