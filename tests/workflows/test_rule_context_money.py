"""Amounts in transition conditions: every money answer carries its value in the store's currency
(``data.<field>.in_store_currency``), converted with the exchange rate valid on the day the case
was opened; without a rate the value is empty and a refusal names the missing rate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from forms.services import form_definition_create
from project.accounts.roles import Role
from project.stores.models import ExchangeRate
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import StateKind
from workflows.errors import TransitionRefused
from workflows.models import Case
from workflows.rule_context import rule_context
from workflows.services import available_transitions, case_open, case_transition

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def store():
    return StoreFactory(currency="KRW", time_zone="Asia/Seoul")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def process():
    admin = UserFactory(is_superuser=True)
    form = form_definition_create(
        slug="claim",
        name="Claim",
        purpose="intake",
        actor=admin,
        fields=[
            {"label": "Claimed", "field_type": "money", "min_value": 0},
            {"label": "Refund", "field_type": "money", "required": False},
            {"label": "Parts", "field_type": "line_items", "default_value": "EUR"},
        ],
    )
    return published_process(
        intake_form=form,
        states=[
            ("asked", "Asked", StateKind.INITIAL),
            ("done", "Done", StateKind.TERMINAL),
        ],
        transitions=[
            (
                "small",
                "Small claim",
                ["asked"],
                "done",
                [],
                "data.claimed.in_store_currency <= 100000",
            ),
        ],
    )


def claim(process, store, staff, amount, currency) -> Case:
    case = case_open(
        process=process,
        store=store,
        actor=staff,
        now=OPENED,
        data={
            "claimed_amount": amount,
            "claimed_currency": currency,
            "parts-0-description": "Strap",
            "parts-0-quantity": "2",
            "parts-0-unit_price": "10.50",
        },
    )
    return Case.objects.get(pk=case.pk)


def test_every_amount_carries_its_value_in_the_stores_currency(process, store, staff):
    ExchangeRate.objects.create(
        currency="EUR",
        store_currency="KRW",
        rate=Decimal("1500"),
        valid_from=datetime.date(2026, 1, 1),
    )
    case = claim(process, store, staff, "50.25", "EUR")

    data = rule_context(case, staff)["data"]

    assert data["claimed"]["amount"] == Decimal("50.25")
    assert data["claimed"]["in_store_currency"] == Decimal("75375")
    assert data["parts"]["in_store_currency"] == Decimal("31500")  # the total, 21.00 EUR
    assert data.get("refund") is None  # not answered: nothing to convert


def test_an_amount_in_the_stores_currency_needs_no_rate(process, store, staff):
    case = claim(process, store, staff, "90000", "KRW")

    assert rule_context(case, staff)["data"]["claimed"]["in_store_currency"] == Decimal(90000)
    assert [t.code for t in available_transitions(case, staff)] == ["small"]


def test_without_a_rate_the_value_is_empty_and_the_refusal_names_the_rate(process, store, staff):
    case = claim(process, store, staff, "1", "GBP")

    assert rule_context(case, staff)["data"]["claimed"]["in_store_currency"] is None
    assert available_transitions(case, staff) == []
    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition="small", actor=staff)
    assert refused.value.reason == "condition"
    assert (
        "No exchange rate from GBP into KRW is known for April 2, 2026, the day of the request"
        in refused.value.message
    )


def test_a_refusal_for_another_reason_names_no_rate(process, store, staff):
    ExchangeRate.objects.create(
        currency="GBP", store_currency="KRW", rate=Decimal("1700"), valid_from=OPENED.date()
    )
    case = claim(process, store, staff, "100", "GBP")  # 170,000 won

    with pytest.raises(TransitionRefused) as refused:
        case_transition(case=case, transition="small", actor=staff)

    assert "in_store_currency is 170000" in refused.value.message
    assert "No exchange rate" not in refused.value.message
