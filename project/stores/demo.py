"""Demo stores in Seoul, Kyiv and New York, the demo users' memberships, and exchange rates into
the stores' currencies."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from project.accounts.demo import DEMO_USERS
from project.stores.calendar import store_calendar_changed
from project.stores.choices import Currency, Weekday
from project.stores.models import ExchangeRate, Holiday, OpeningHours, Store, StoreMembership

T = datetime.time
WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]

# Addresses on real streets; the phone numbers cannot be anyone's: no Seoul or Kyiv subscriber
# number starts with 0, and 555-0100 to 555-0199 are reserved for fiction in North America.
DEMO_STORES = [
    {
        "code": "SEL-01",
        "name": "Seoul Cheongdam",
        "country": "KR",
        "time_zone": "Asia/Seoul",
        "currency": Currency.KRW,
        "languages": ["ko", "en"],
        "address": "438 Apgujeong-ro, Gangnam-gu\nSeoul 06015\nSouth Korea",
        "phone": "+82200000100",
        "hours": [(day, T(10, 30), T(20, 0)) for day in [*WEEKDAYS, Weekday.SATURDAY]]
        + [(Weekday.SUNDAY, T(11, 0), T(19, 0))],
        "holidays": [
            (datetime.date(2026, 12, 25), "Christmas"),
            (datetime.date(2027, 1, 1), "New Year's Day"),
            (datetime.date(2027, 2, 6), "Seollal"),
        ],
    },
    {
        "code": "KBP-01",
        "name": "Kyiv Horodetskoho",
        "country": "UA",
        "time_zone": "Europe/Kyiv",
        "currency": Currency.UAH,
        "languages": ["uk", "en"],
        "address": "vul. Arkhitektora Horodetskoho, 10\nKyiv 01001\nUkraine",
        "phone": "+380440000100",
        # Closed for lunch on weekdays: two intervals a day.
        "hours": [(day, T(10, 0), T(14, 0)) for day in WEEKDAYS]
        + [(day, T(15, 0), T(19, 0)) for day in WEEKDAYS]
        + [(Weekday.SATURDAY, T(11, 0), T(17, 0))],
        "holidays": [
            (datetime.date(2026, 12, 25), "Christmas"),
            (datetime.date(2027, 1, 1), "New Year's Day"),
        ],
    },
    {
        "code": "NYC-01",
        "name": "New York Madison Avenue",
        "country": "US",
        "time_zone": "America/New_York",
        "currency": Currency.USD,
        "languages": ["en"],
        "address": "655 Madison Avenue\nNew York, NY 10065\nUnited States",
        "phone": "+12125550100",
        "hours": [(day, T(10, 0), T(19, 0)) for day in [*WEEKDAYS, Weekday.SATURDAY]]
        + [(Weekday.SUNDAY, T(12, 0), T(18, 0))],
        "holidays": [
            (datetime.date(2026, 11, 26), "Thanksgiving"),
            (datetime.date(2026, 12, 25), "Christmas"),
            (datetime.date(2027, 1, 1), "New Year's Day"),
        ],
    },
]


# Demo exchange rates: units of each currency per US dollar (rounded), from which the rate of
# every currency into each demo store's currency is derived; valid from the first day of 2026.
# Not market data: an administrator keeps the real ones in Settings > Exchange rates.
PER_US_DOLLAR = {
    Currency.USD: Decimal("1"),
    Currency.KRW: Decimal("1400"),
    Currency.UAH: Decimal("41.5"),
    Currency.EUR: Decimal("0.92"),
    Currency.GBP: Decimal("0.79"),
    Currency.CHF: Decimal("0.88"),
    Currency.JPY: Decimal("150"),
    Currency.CNY: Decimal("7.2"),
}
RATES_VALID_FROM = datetime.date(2026, 1, 1)


def seed(*, log) -> None:
    stores = {}
    for spec in DEMO_STORES:
        store, _created = Store.objects.update_or_create(
            code=spec["code"],
            defaults={
                key: spec[key]
                for key in (
                    "name",
                    "country",
                    "time_zone",
                    "currency",
                    "languages",
                    "address",
                    "phone",
                )
            }
            | {"is_active": True},
        )
        store.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(store=store, weekday=day, opens=opens, closes=closes, sort_order=index)
            for index, (day, opens, closes) in enumerate(spec["hours"])
        )
        store.holidays.all().delete()
        Holiday.objects.bulk_create(
            Holiday(store=store, date=date, name=name, sort_order=index)
            for index, (date, name) in enumerate(spec["holidays"])
        )
        store_calendar_changed(store)  # bulk_create sends no signal
        stores[store.code] = store
        log(f"  store {store}")

    User = get_user_model()
    for username, *_rest, store_codes in DEMO_USERS:
        user = User.objects.get(username=username)
        StoreMembership.objects.filter(user=user).exclude(store__code__in=store_codes).delete()
        for code in store_codes:
            StoreMembership.objects.get_or_create(user=user, store=stores[code])
    seed_exchange_rates(log=log)


def seed_exchange_rates(*, log) -> None:
    """A rate from every currency into each demo store's currency, unless one exists that day."""
    store_currencies = sorted({spec["currency"] for spec in DEMO_STORES})
    created = 0
    for store_currency in store_currencies:
        for currency, per_dollar in PER_US_DOLLAR.items():
            if currency == store_currency:
                continue
            rate = (PER_US_DOLLAR[store_currency] / per_dollar).quantize(Decimal("1E-10"))
            _rate, made = ExchangeRate.objects.get_or_create(
                currency=currency,
                store_currency=store_currency,
                valid_from=RATES_VALID_FROM,
                defaults={"rate": rate},
            )
            created += made
    log(f"  exchange rates: {created} added, {ExchangeRate.objects.count()} in all")
