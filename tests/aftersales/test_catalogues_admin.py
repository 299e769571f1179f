"""The Catalogues menu: designers keep spare parts and service items, staff look them up."""

from decimal import Decimal

import pytest

from aftersales.models import ServiceItem, SparePart
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.rendered import form_with_button, submit, text_of

pytestmark = pytest.mark.django_db


def test_a_designer_adds_a_spare_part_with_a_korean_text_and_two_prices(login_client):
    client = login_client(UserFactory(role=Role.PROCESS_DESIGNER))
    page = client.get("/admin/spare-parts/new/")
    form = form_with_button(page, "Create")
    form.fill("part_number", "CR-100")
    form.fill("brand", "Cartier")
    form.fill("description", "Crown")
    text = form.add_child("texts")
    form.choose(f"{text}-language", "한국어")
    form.fill(f"{text}-description", "크라운")
    # One price form is there from the start (a part needs a price); the second is added.
    for price, currency, amount in (
        ("prices-0", "South Korean won", "85000"),
        (form.add_child("prices"), "US dollar", "65.50"),
    ):
        form.choose(f"{price}-currency", currency)
        form.fill(f"{price}-amount", amount)

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    part = SparePart.objects.get(part_number="CR-100")
    assert part.description_in("ko") == "크라운" and part.description_in("fr") == "Crown"
    assert (part.price_in("KRW"), part.price_in("USD"), part.price_in("EUR")) == (
        Decimal("85000.00"),
        Decimal("65.50"),
        None,
    )
    listing = client.get("/admin/spare-parts/")
    assert "CR-100" in text_of(listing)


def test_a_part_without_a_price_is_refused(login_client):
    client = login_client(UserFactory(role=Role.PROCESS_DESIGNER))
    page = client.get("/admin/service-items/new/")
    form = form_with_button(page, "Create")
    form.fill("code", "SRV-BATTERY")
    form.fill("description", "Battery change")

    refused = submit(client, page, form)

    assert refused.status_code == 200
    assert not ServiceItem.objects.exists()


def test_store_staff_look_parts_up_but_do_not_change_them(login_client):
    SparePart.objects.create(part_number="CR-100", description="Crown")
    client = login_client(UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()]))

    assert "CR-100" in text_of(client.get("/admin/spare-parts/"))
    adding = client.get("/admin/spare-parts/new/")
    assert adding.status_code in (302, 403)
    posted = client.post("/admin/spare-parts/new/", {"part_number": "X-1", "description": "X"})
    assert posted.status_code in (302, 403)
    assert not SparePart.objects.filter(part_number="X-1").exists()


def test_a_won_price_with_decimals_is_refused_in_the_admin(login_client):
    client = login_client(UserFactory(role=Role.PROCESS_DESIGNER))
    page = client.get("/admin/spare-parts/new/")
    form = form_with_button(page, "Create")
    form.fill("part_number", "CR-200")
    form.fill("description", "Crown")
    form.choose("prices-0-currency", "South Korean won")
    form.fill("prices-0-amount", "85000.50")

    refused = submit(client, page, form)

    assert refused.status_code == 200
    assert "Prices in KRW have no decimals." in text_of(refused)
    assert not SparePart.objects.filter(part_number="CR-200").exists()
