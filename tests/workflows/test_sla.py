import datetime
import zoneinfo
from decimal import Decimal

import pytest

from project.stores.models import Holiday
from tests.factories import OpeningHoursFactory, StoreFactory
from workflows.sla import add_business_hours

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T = datetime.time


def seoul(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def store():
    """Open Monday to Friday 10:00-14:00 and 15:00-19:00 (a lunch break), Seoul time."""
    store = StoreFactory(time_zone="Asia/Seoul")
    for weekday in range(5):
        OpeningHoursFactory(store=store, weekday=weekday, opens=T(10), closes=T(14))
        OpeningHoursFactory(store=store, weekday=weekday, opens=T(15), closes=T(19))
    return store


def test_deadline_within_the_same_interval(store):
    # Monday 2026-11-23 11:00 + 2h = 13:00
    assert add_business_hours(store, seoul(2026, 11, 23, 11), Decimal(2)) == seoul(2026, 11, 23, 13)


def test_deadline_skips_the_lunch_break(store):
    assert add_business_hours(store, seoul(2026, 11, 23, 13), Decimal(2)) == seoul(2026, 11, 23, 16)


def test_deadline_started_at_night_counts_from_opening(store):
    assert add_business_hours(store, seoul(2026, 11, 23, 22), Decimal("1.5")) == seoul(
        2026, 11, 24, 11, 30
    )


def test_deadline_skips_the_weekend_and_holidays(store):
    Holiday.objects.create(store=store, date=datetime.date(2026, 11, 30), name="Closed")
    # Friday 18:00 + 3h: one hour on Friday, Monday is a holiday, two hours on Tuesday.
    assert add_business_hours(store, seoul(2026, 11, 27, 18), Decimal(3)) == seoul(2026, 12, 1, 12)


def test_deadline_is_computed_in_the_store_time_zone():
    store = StoreFactory(time_zone="America/New_York")
    OpeningHoursFactory(store=store, weekday=0, opens=T(10), closes=T(19))
    start = datetime.datetime(2026, 11, 23, 14, 0, tzinfo=datetime.UTC)  # 09:00 in New York

    deadline = add_business_hours(store, start, Decimal(1))

    assert deadline == datetime.datetime(2026, 11, 23, 16, 0, tzinfo=datetime.UTC)


def test_store_without_hours_counts_around_the_clock():
    store = StoreFactory()
    start = seoul(2026, 11, 28, 23)

    assert add_business_hours(store, start, Decimal(5)) == start + datetime.timedelta(hours=5)
