"""The price exception's threshold compares like with like: the amount asked, in whichever of the
currencies the form offers, is held against the store manager's limit in the store's currency,
converted with the exchange rate valid on the day of the request. No choice of currency, unit or
sign lets a request that is large in the store's currency be approved by the store manager alone;
without a rate the request goes to the area manager, and the refusal says which rate is missing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import ROUND_FLOOR, Decimal

import pytest

from forms.models import FormDefinition
from project.accounts.roles import Role
from project.core.money import currency_decimals
from project.stores.choices import Currency
from project.stores.models import ExchangeRate
from tests.aftersales.factories import move, offered, refusal, request_exception, shipped_process
from tests.factories import StoreFactory, UserFactory
from workflows.errors import InvalidInput
from workflows.models import Case, Process
from workflows.services import case_open

pytestmark = pytest.mark.django_db

# The store manager's limit per store currency, as fixtures/processes/price_exception.toml says.
LIMITS = {"KRW": Decimal(1500000), "JPY": Decimal(150000), "UAH": Decimal(40000)}
OTHER_LIMIT = Decimal(1000)
# Units of each currency per US dollar, from which every test rate is derived (not market data).
PER_DOLLAR = {
    "USD": Decimal("1"),
    "KRW": Decimal("1400"),
    "UAH": Decimal("41.5"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.8"),
    "CHF": Decimal("0.88"),
    "JPY": Decimal("150"),
    "CNY": Decimal("7.2"),
}
RATES_FROM = datetime.date(2026, 1, 1)
REQUEST_DAY = datetime.datetime(2026, 6, 15, 3, 0, tzinfo=datetime.UTC)
ON_THE_DAY = {"now": REQUEST_DAY}


def limit(store_currency: str) -> Decimal:
    return LIMITS.get(store_currency, OTHER_LIMIT)


def rate(currency: str, store_currency: str) -> Decimal:
    return (PER_DOLLAR[store_currency] / PER_DOLLAR[currency]).quantize(Decimal("1E-10"))


def add_rates(store_currency: str, valid_from: datetime.date = RATES_FROM) -> None:
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency=currency,
            store_currency=store_currency,
            rate=rate(currency, store_currency),
            valid_from=valid_from,
        )
        for currency in PER_DOLLAR
        if currency != store_currency
    )


def boundary(currency: str, store_currency: str) -> tuple[Decimal, Decimal]:
    """The largest amount in ``currency`` (in its minor units) whose value in the store's
    currency is within the limit, and the next one up, which is above it."""
    unit = Decimal(1).scaleb(-currency_decimals(currency))
    conversion = Decimal(1) if currency == store_currency else rate(currency, store_currency)
    at = (limit(store_currency) / conversion).quantize(unit, rounding=ROUND_FLOOR)
    return at, at + unit


@pytest.fixture
def process(admin) -> Process:
    return shipped_process("price-exception", actor=admin)


def people(store):
    """The requester, the store manager and the area manager of ``store``."""
    return (
        UserFactory(role=Role.STORE_STAFF, stores=[store]),
        UserFactory(role=Role.APPROVER, stores=[store]),
        UserFactory(role=Role.AREA_MANAGER, stores=[store]),
    )


def ask(process, store, requester, amount, currency, **kwargs) -> Case:
    """A price exception of ``amount`` ``currency`` asked in ``store``, read back from the
    database (no conversion cached on an instance)."""
    case = case_open(
        process=process,
        store=store,
        actor=requester,
        data={
            "kind_of_exception": "Discount",
            "reason": "Price match",
            "sale_reference": "POS-2026-0042",
            "sale_amount_amount": str(amount),
            "sale_amount_currency": currency,
            "amount_amount": str(amount),
            "amount_currency": currency,
        },
        **kwargs,
    )
    return Case.objects.get(pk=case.pk)


# --- Every currency offered, in stores of every currency --------------------------------------


def test_the_request_form_offers_every_currency(process):
    """What the tests below go through: the amount's currencies are the form's to offer."""
    form = FormDefinition.objects.get(slug="price-exception-request")
    amount = next(spec for spec in form.live_version.schema if spec["clean_name"] == "amount")

    assert not amount["choices"]  # none listed: every currency
    assert set(PER_DOLLAR) == set(Currency.values)


@pytest.mark.parametrize("store_currency", Currency.values)
@pytest.mark.parametrize("currency", Currency.values)
def test_an_amount_above_the_limit_in_the_stores_currency_always_goes_to_the_area_manager(
    process, store_currency, currency
):
    store = StoreFactory(currency=store_currency)
    add_rates(store_currency)
    requester, manager, _area = people(store)
    within, above = boundary(currency, store_currency)

    small = ask(process, store, requester, within, currency, **ON_THE_DAY)
    large = ask(process, store, requester, above, currency, **ON_THE_DAY)

    assert offered(small, manager) == ["approve", "refuse"]
    assert offered(large, manager) == ["escalate", "refuse"]
    assert refusal(large, "approve", manager).reason == "condition"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1000", "GBP", "escalate"),  # 1,750,000 won at 1,750 won to the pound
        ("857.14", "GBP", "approve"),  # 1,499,995 won
        ("857.15", "GBP", "escalate"),  # 1,500,012.50 won
        ("1600000", "KRW", "escalate"),
        ("1500000", "KRW", "approve"),
        ("1500001", "KRW", "escalate"),
        ("1400000", "KRW", "approve"),
        ("160000", "JPY", "approve"),  # 1,493,333 won: judged in won, not against the yen limit
        ("161000", "JPY", "escalate"),  # 1,502,667 won
        ("1100", "USD", "escalate"),  # 1,540,000 won
        ("0", "GBP", "approve"),
        ("999999999999.99", "CHF", "escalate"),
        ("9999999999999999", "KRW", "escalate"),
    ],
)
def test_amounts_in_a_won_store_are_judged_in_won(process, amount, currency, expected):
    seoul = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    add_rates("KRW")
    requester, manager, _area = people(seoul)

    case = ask(process, seoul, requester, amount, currency, **ON_THE_DAY)

    assert offered(case, manager) == [expected, "refuse"]


def test_a_thousand_pounds_in_seoul_are_confirmed_by_the_area_manager(process):
    seoul = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    add_rates("KRW")
    requester, manager, area = people(seoul)
    case = ask(process, seoul, requester, "1000", "GBP", **ON_THE_DAY)

    refused = refusal(case, "approve", manager)
    assert refused.reason == "condition"
    assert "data.amount.in_store_currency" in refused.message
    move(case, "escalate", manager)
    assert offered(case, manager) == ["refuse"]
    move(case, "confirm", area)

    assert case.state == "approved"
    assert [event.transition for event in case.events.order_by("created_at", "pk")][1:] == [
        "escalate",
        "confirm",
    ]


# --- Sign and units ---------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["-1", "-1600000", "-0.01"])
def test_a_negative_amount_is_refused_when_asking(process, amount):
    seoul = StoreFactory(currency="KRW")
    requester, _manager, _area = people(seoul)

    with pytest.raises(InvalidInput) as refused:
        ask(process, seoul, requester, amount, "GBP" if "." in amount else "KRW")

    assert "amount" in refused.value.field_errors
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1500000.5", "KRW", "amounts have no decimals"),
        ("150000.5", "JPY", "amounts have no decimals"),
        ("1000.001", "GBP", "amounts have at most 2 decimals"),
    ],
)
def test_an_amount_finer_than_its_currencys_unit_is_refused(process, amount, currency, message):
    seoul = StoreFactory(currency="KRW")
    requester, _manager, _area = people(seoul)

    with pytest.raises(InvalidInput) as refused:
        ask(process, seoul, requester, amount, currency)

    assert message in " ".join(refused.value.field_errors["amount"])


# --- Missing rates and rates by date ----------------------------------------------------------


@pytest.mark.parametrize("amount", ["1", "1000", "50000"])
def test_without_a_rate_the_request_goes_to_the_area_manager_and_the_refusal_says_why(
    process, amount
):
    seoul = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    requester, manager, area = people(seoul)
    case = ask(process, seoul, requester, amount, "GBP", **ON_THE_DAY)

    assert offered(case, manager) == ["escalate", "refuse"]
    refused = refusal(case, "approve", manager)
    assert refused.reason == "condition"
    assert "No exchange rate from GBP into KRW is known for June 15, 2026" in refused.message
    assert "Settings > Exchange rates" in refused.message
    move(case, "escalate", manager)
    move(case, "confirm", area)
    assert case.state == "approved"


def test_a_rate_of_another_store_currency_does_not_convert(process):
    """A pound-to-dollar rate says nothing about won: a Seoul request in pounds still escalates."""
    seoul = StoreFactory(currency="KRW")
    add_rates("USD")
    requester, manager, _area = people(seoul)

    case = ask(process, seoul, requester, "10", "GBP", **ON_THE_DAY)

    assert offered(case, manager) == ["escalate", "refuse"]


def seoul_time(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))


def test_the_rate_valid_on_the_day_of_the_request_is_used(process):
    seoul = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    requester, manager, _area = people(seoul)
    for valid_from, won in (
        (datetime.date(2026, 1, 1), "1400"),
        (datetime.date(2026, 3, 1), "1700"),
    ):
        ExchangeRate.objects.create(
            currency="GBP", store_currency="KRW", rate=Decimal(won), valid_from=valid_from
        )

    before_any = ask(process, seoul, requester, "1000", "GBP", now=seoul_time(2025, 12, 31, 23))
    february = ask(process, seoul, requester, "1000", "GBP", now=seoul_time(2026, 2, 28, 23, 30))
    # Still 28 February in UTC, already 1 March in Seoul: the store's day decides.
    march = ask(process, seoul, requester, "1000", "GBP", now=seoul_time(2026, 3, 1, 0, 30))

    assert offered(february, manager) == ["approve", "refuse"]  # 1,400,000 won
    assert offered(march, manager) == ["escalate", "refuse"]  # 1,700,000 won
    assert offered(before_any, manager) == ["escalate", "refuse"]
    assert "known for Dec. 31, 2025" in refusal(before_any, "approve", manager).message


def test_a_later_rate_does_not_change_a_request_already_made(process):
    seoul = StoreFactory(currency="KRW", time_zone="Asia/Seoul")
    requester, manager, _area = people(seoul)
    ExchangeRate.objects.create(
        currency="GBP", store_currency="KRW", rate=Decimal("1400"), valid_from=RATES_FROM
    )
    case = ask(process, seoul, requester, "1000", "GBP", now=seoul_time(2026, 2, 10, 12))

    ExchangeRate.objects.create(
        currency="GBP",
        store_currency="KRW",
        rate=Decimal("1700"),
        valid_from=datetime.date(2026, 2, 11),
    )

    assert offered(Case.objects.get(pk=case.pk), manager) == ["approve", "refuse"]


# --- Who may make the transitions, in another currency ----------------------------------------


@pytest.fixture
def seoul():
    store = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    add_rates("KRW")
    return store


def test_approve_in_pounds_allowed_to_the_store_manager_when_small(process, seoul):
    requester, manager, _area = people(seoul)
    case = ask(process, seoul, requester, "500", "GBP", **ON_THE_DAY)

    move(case, "approve", manager)

    assert case.state == "approved"


def test_approve_in_pounds_refused_when_large_and_escalate_refused_when_small(process, seoul):
    requester, manager, _area = people(seoul)
    large = ask(process, seoul, requester, "1000", "GBP", **ON_THE_DAY)
    small = ask(process, seoul, requester, "500", "GBP", **ON_THE_DAY)

    assert refusal(large, "approve", manager).reason == "condition"
    assert refusal(small, "escalate", manager).reason == "condition"
    assert Case.objects.get(pk=large.pk).state == "requested"
    assert not large.events.filter(transition="approve").exists()


@pytest.mark.parametrize("code", ["approve", "escalate"])
def test_approve_and_escalate_in_pounds_are_reserved_to_the_store_manager(process, seoul, code):
    requester, _manager, area = people(seoul)
    colleague = UserFactory(role=Role.STORE_STAFF, stores=[seoul])
    amount = "500" if code == "approve" else "1000"
    case = ask(process, seoul, requester, amount, "GBP", **ON_THE_DAY)

    for outsider in (colleague, area):
        refused = refusal(case, code, outsider)
        assert refused.reason == "permission"
        assert "Approver" in refused.message


def test_the_requester_cannot_approve_in_pounds_even_as_a_store_manager(process, seoul):
    _requester, manager, _area = people(seoul)
    case = ask(process, seoul, manager, "500", "GBP", **ON_THE_DAY)

    assert refusal(case, "approve", manager).reason == "condition"
    assert refusal(case, "escalate", manager).reason == "condition"
    assert offered(case, manager) == ["withdraw"]


def test_the_requester_cannot_escalate_a_large_request_in_pounds(process, seoul):
    _requester, manager, area = people(seoul)
    case = ask(process, seoul, manager, "1000", "GBP", **ON_THE_DAY)

    assert refusal(case, "escalate", manager).reason == "condition"
    assert offered(case, area) == ["refuse"]  # approving is for a store manager who did not ask


def test_request_exception_helper_still_asks_in_the_stores_currency(process):
    """The shared helper asks in dollars: in a dollar store no rate is needed."""
    new_york = StoreFactory(currency="USD")
    requester, manager, _area = people(new_york)

    case = request_exception(process, new_york, requester, amount="1000")

    assert offered(Case.objects.get(pk=case.pk), manager) == ["approve", "refuse"]
