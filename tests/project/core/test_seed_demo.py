import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from project.accounts.demo import DEMO_USERS
from project.stores.choices import Currency
from project.stores.models import ExchangeRate, OpeningHours, Store, StoreMembership

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_stores_in_seoul_kyiv_and_new_york():
    seed()

    assert {(s.code, s.time_zone, s.currency) for s in Store.objects.all()} == {
        ("SEL-01", "Asia/Seoul", "KRW"),
        ("KBP-01", "Europe/Kyiv", "UAH"),
        ("NYC-01", "America/New_York", "USD"),
    }


def test_seed_demo_prints_every_login_and_each_can_sign_in():
    output = seed()

    for username, password, *_rest in DEMO_USERS:
        assert f"{username}" in output and password in output
        client = Client()
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.get("/admin/").status_code == 200, username


def test_seed_demo_twice_gives_the_same_data():
    seed()
    counts = (
        Store.objects.count(),
        OpeningHours.objects.count(),
        StoreMembership.objects.count(),
        get_user_model().objects.count(),
        ExchangeRate.objects.count(),
    )
    seed()

    assert (
        Store.objects.count(),
        OpeningHours.objects.count(),
        StoreMembership.objects.count(),
        get_user_model().objects.count(),
        ExchangeRate.objects.count(),
    ) == counts


def test_seed_demo_converts_every_currency_into_each_stores_currency():
    seed()

    pairs = set(ExchangeRate.objects.values_list("currency", "store_currency"))
    assert pairs == {
        (currency, store.currency)
        for store in Store.objects.all()
        for currency in Currency.values
        if currency != store.currency
    }


def test_seed_demo_restores_a_changed_demo_password():
    seed()
    staff = get_user_model().objects.get(username="staff")
    staff.set_password("something else entirely")
    staff.save()

    seed()

    response = Client().post("/admin/login/", {"username": "staff", "password": "atelier-staff"})
    assert response.status_code == 302


def test_seed_demo_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        seed()
    assert not Store.objects.exists()
