"""Exchange rates (Settings > Exchange rates): administrators keep them; the roles that design,
decide and audit processes look them up; the rate valid on a day is the latest one from that day
or before."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from project.accounts.roles import Role
from project.stores.models import ExchangeRate
from project.stores.selectors import amount_in_currency, exchange_rate_get
from tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)
LIST, NEW = "/admin/exchange-rates/", "/admin/exchange-rates/new/"


def rate(currency="GBP", store_currency="KRW", value="1700", valid_from=JAN) -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency, store_currency=store_currency, rate=Decimal(value), valid_from=valid_from
    )


def posted(**overrides) -> dict:
    return {
        "currency": "GBP",
        "store_currency": "KRW",
        "rate": "1712.35",
        "valid_from": "2026-03-01",
    } | overrides


# --- The rate valid on a day --------------------------------------------------------------------


def test_the_rate_valid_on_a_day_is_the_latest_from_that_day_or_before():
    january, march = rate(value="1700", valid_from=JAN), rate(value="1750", valid_from=MAR)
    rate(currency="GBP", store_currency="USD", value="1.27", valid_from=MAR)

    def on(day):
        return exchange_rate_get(currency="GBP", store_currency="KRW", on=day)

    assert on(datetime.date(2025, 12, 31)) is None
    assert on(JAN) == january
    assert on(datetime.date(2026, 2, 28)) == january
    assert on(MAR) == march
    assert on(datetime.date(2027, 1, 1)) == march


def test_an_amount_is_converted_exactly_and_only_with_a_known_rate():
    rate(value="1712.35")

    def convert(amount, currency, into="KRW"):
        return amount_in_currency(amount=amount, currency=currency, into=into, on=MAR)

    assert convert(Decimal("1000.01"), "GBP") == Decimal("1712367.1235")  # not rounded
    assert convert(Decimal("5"), "KRW") == Decimal("5")  # the store's own currency
    assert convert(Decimal("5"), "EUR") is None  # no rate
    assert convert(Decimal("5"), "KRW", into="GBP") is None  # a rate works one way only
    assert convert(None, "GBP") is None
    assert convert(Decimal("5"), "") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rate": Decimal("0")}, "A rate is more than zero."),
        ({"rate": Decimal("-1700")}, "A rate is more than zero."),
        ({"store_currency": "GBP"}, "A rate converts between two different currencies"),
    ],
)
def test_a_rate_that_cannot_convert_is_refused(changes, message):
    candidate = ExchangeRate(currency="GBP", store_currency="KRW", rate=Decimal(1), valid_from=JAN)
    for name, value in changes.items():
        setattr(candidate, name, value)

    with pytest.raises(ValidationError) as refused:
        candidate.full_clean()

    assert message in str(refused.value)


# --- Who keeps them -----------------------------------------------------------------------------


def test_an_administrator_adds_and_changes_a_rate(login_client):
    client = login_client(UserFactory(is_superuser=True))

    created = client.post(NEW, posted())
    assert created.status_code == 302
    added = ExchangeRate.objects.get()
    assert (added.currency, added.store_currency, added.rate, added.valid_from) == (
        "GBP",
        "KRW",
        Decimal("1712.35"),
        MAR,
    )

    changed = client.post(f"/admin/exchange-rates/edit/{added.pk}/", posted(rate="1720"))
    assert changed.status_code == 302
    added.refresh_from_db()
    assert added.rate == Decimal("1720")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rate": "0"}, "A rate is more than zero."),
        ({"store_currency": "GBP"}, "A rate converts between two different currencies"),
        ({"valid_from": "2026-01-01"}, "These two currencies already have a rate from that day"),
    ],
)
def test_the_admin_refuses_a_rate_that_cannot_convert(login_client, overrides, message):
    rate(value="1700", valid_from=JAN)
    client = login_client(UserFactory(is_superuser=True))

    refused = client.post(NEW, posted(**overrides))

    assert refused.status_code == 200
    assert message in refused.text.replace("&#x27;", "'")
    assert ExchangeRate.objects.count() == 1


@pytest.mark.parametrize(
    "role",
    [Role.PROCESS_DESIGNER, Role.STORE_STAFF, Role.APPROVER, Role.AREA_MANAGER, Role.AUDITOR],
)
def test_no_shipped_role_adds_changes_or_deletes_a_rate(login_client, role):
    kept = rate(value="1700")
    client = login_client(UserFactory(role=role, stores=[StoreFactory()]))

    assert client.post(NEW, posted()).status_code in (302, 403)
    edited = client.post(f"/admin/exchange-rates/edit/{kept.pk}/", posted(rate="1"))
    assert edited.status_code in (302, 403)
    deleted = client.post(f"/admin/exchange-rates/delete/{kept.pk}/")
    assert deleted.status_code in (302, 403)

    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("1700")]


@pytest.mark.parametrize(
    "role", [Role.PROCESS_DESIGNER, Role.APPROVER, Role.AREA_MANAGER, Role.AUDITOR]
)
def test_designers_deciders_and_auditors_look_rates_up(login_client, role):
    rate(value="1712.35")
    client = login_client(UserFactory(role=role, stores=[StoreFactory()]))

    listing = client.get(LIST)

    assert listing.status_code == 200
    assert "1712.35" in listing.text
    assert "Exchange rates" in client.get("/admin/").text  # in the Settings menu


def test_store_staff_do_not_see_the_rates(login_client):
    rate()
    client = login_client(UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()]))

    assert client.get(LIST).status_code in (302, 403)


def test_a_group_granted_the_change_permission_keeps_rates(login_client):
    """Who keeps the rates is an administrator's choice in Settings > Groups."""
    finance = Group.objects.create(name="Finance")
    finance.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="stores",
            codename__in=["add_exchangerate", "change_exchangerate", "view_exchangerate"],
        ),
        Permission.objects.get(codename="access_admin"),
    )
    user = UserFactory()
    user.groups.add(finance)

    created = login_client(user).post(NEW, posted())

    assert created.status_code == 302
    assert ExchangeRate.objects.filter(currency="GBP", valid_from=MAR).exists()
