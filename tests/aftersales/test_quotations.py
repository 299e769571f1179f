"""Quotations (aftersales/services/quotations.py): lines from the catalogue or free, amounts
computed in the quotation's currency, drafts that change and sent versions that do not, revisions,
and bad lines refused by number and field with nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import (
    Quotation,
    QuotationLine,
    QuotationStatus,
    ServiceItem,
    SparePart,
)
from aftersales.services import (
    quotation_create,
    quotation_revise,
    quotation_send,
    quotation_update,
)
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.errors import InvalidInput
from workflows.services import case_open

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def case(store, staff):
    return case_open(
        process=published_process(),
        store=store,
        actor=staff,
        customer={"name": "Ji-woo Lee", "language": "ko"},
    )


@pytest.fixture
def crown():
    part = SparePart.objects.create(part_number="CR-100", description="Crown", brand="Cartier")
    part.texts.create(language="ko", description="크라운")
    part.prices.create(currency="KRW", amount=D("85000"))
    part.prices.create(currency="USD", amount=D("65.50"))
    part.save()  # the children of a clusterable model are saved with it
    return part


@pytest.fixture
def service():
    """The complete service without a Korean text (unlike the conftest's)."""
    item = ServiceItem.objects.create(code="SRV-COMPLETE", description="Complete service")
    item.prices.create(currency="KRW", amount=D("450000"))
    item.save()
    return item


def test_lines_come_from_the_catalogue_in_the_customers_language_and_currency(
    case, staff, crown, service
):
    quotation = quotation_create(
        case=case,
        actor=staff,
        lines=[
            {"service": "SRV-COMPLETE", "tax_rate": "10"},
            {"part": crown, "quantity": "2", "discount_percent": "10", "tax_rate": "10"},
        ],
    )

    assert (quotation.number, quotation.currency, quotation.status) == (1, "KRW", "draft")
    lines = list(quotation.lines.all())
    assert [(ln.kind, ln.code, ln.description) for ln in lines] == [
        ("service", "SRV-COMPLETE", "Complete service"),  # no Korean text: the English one
        ("part", "CR-100", "크라운"),
    ]
    assert [ln.net for ln in lines] == [D("450000"), D("153000")]
    assert (quotation.subtotal, quotation.tax, quotation.total) == (
        D("603000"),
        D("60300"),
        D("663300"),
    )
    seoul_today = timezone.now().astimezone(case.store.zoneinfo).date()
    assert quotation.valid_until == seoul_today + datetime.timedelta(days=30)


def test_a_quotation_in_another_currency_takes_that_price(case, staff, crown):
    quotation = quotation_create(case=case, actor=staff, currency="USD", lines=[{"part": "CR-100"}])

    assert quotation.total == D("65.50")


def test_catalogue_edits_never_change_a_quotation(case, staff, crown):
    quotation = quotation_create(case=case, actor=staff, lines=[{"part": crown}])
    crown.description = "Crown, steel"
    crown.save()
    SparePart.objects.get(pk=crown.pk).prices.filter(currency="KRW").update(amount=D("99000"))

    line = QuotationLine.objects.get(quotation=quotation)
    assert (line.description, line.unit_price) == ("크라운", D("85000"))


def test_bad_lines_are_refused_by_number_and_field_and_nothing_is_written(case, staff, crown):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=case,
            actor=staff,
            currency="EUR",
            lines=[
                {"part": "CR-100"},
                {"description": "Strap", "unit_price": "12.5", "quantity": "0"},
                {"part": "NOPE-1"},
                {"description": "Polish", "unit_price": "abc"},
                {"description": "Gift box", "unit_price": "3.999"},
                {"service": "SRV-COMPLETE", "part": "CR-100"},
                {"quantity": "1"},
                {"description": "Engraving", "unit_price": "20", "discount_percent": "120"},
                {"description": "Cleaning", "unit_price": "20", "tax_rate": "8.875"},
            ],
        )

    assert refused.value.field_errors["lines"] == [
        "Line 1: part “CR-100” has no price in EUR.",
        "Line 2: quantity must be more than 0.",
        "Line 3: there is no part “NOPE-1”.",
        "Line 4: unit_price “abc” is not a number.",
        "Line 5: EUR prices have at most 2 decimals.",
        "Line 6: there is no service “SRV-COMPLETE”.",
        "Line 6: part “CR-100” has no price in EUR.",
        "Line 7: choose a part or a service, or describe the line.",
        "Line 8: discount_percent must be between 0 and 100.",
        "Line 9: tax_rate has at most 2 decimals.",
    ]
    assert not Quotation.objects.exists() and not QuotationLine.objects.exists()


def test_won_prices_have_no_decimals(case, staff):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(case=case, actor=staff, lines=[{"description": "x", "unit_price": "10.5"}])

    assert refused.value.field_errors["lines"] == ["Line 1: KRW prices have no decimals."]


def test_an_inactive_part_cannot_be_quoted(case, staff, crown):
    crown.active = False
    crown.save()

    with pytest.raises(InvalidInput) as refused:
        quotation_create(case=case, actor=staff, lines=[{"part": "CR-100"}])

    assert "Line 1: part “CR-100” is no longer active." in refused.value.message


def test_a_draft_changes_but_a_sent_version_does_not(case, staff, crown, service):
    quotation = quotation_create(case=case, actor=staff, lines=[{"part": crown}])
    quotation = quotation_update(
        quotation=quotation, actor=staff, lines=[{"part": crown}, {"service": service}]
    )
    assert quotation.total == D("535000")
    assert quotation.lines.count() == 2

    sent = quotation_send(quotation=quotation, actor=staff)
    assert sent.status == QuotationStatus.SENT and sent.sent_at is not None
    with pytest.raises(InvalidInput) as refused:
        quotation_update(quotation=sent, actor=staff, lines=[{"part": crown}])
    assert "no longer changes: revise it instead" in refused.value.message
    with pytest.raises(InvalidInput):
        quotation_send(quotation=sent, actor=staff)
    assert Quotation.objects.get(pk=sent.pk).total == D("535000")


def test_a_revision_is_the_next_version_and_leaves_the_previous_one_as_it_was(
    case, staff, crown, service
):
    first = quotation_send(
        quotation=quotation_create(case=case, actor=staff, lines=[{"service": service}]),
        actor=staff,
    )

    copy = quotation_revise(quotation=first, actor=staff)
    changed = quotation_revise(
        quotation=copy, actor=staff, lines=[{"service": service, "discount_percent": "20"}]
    )

    statuses = dict(Quotation.objects.filter(case=case).values_list("number", "status"))
    assert statuses == {1: "superseded", 2: "superseded", 3: "draft"}
    assert (copy.number, copy.total) == (2, D("450000"))
    assert (changed.number, changed.total) == (3, D("360000"))
    assert Quotation.objects.get(pk=first.pk).lines.get().net == D("450000")


def test_an_accepted_quotation_is_not_revised(case, staff, service):
    quotation = quotation_create(case=case, actor=staff, lines=[{"service": service}])
    Quotation.objects.filter(pk=quotation.pk).update(status=QuotationStatus.ACCEPTED)
    quotation.refresh_from_db()

    with pytest.raises(InvalidInput) as refused:
        quotation_revise(quotation=quotation, actor=staff)

    assert "accepted by the customer" in refused.value.message
    assert Quotation.objects.count() == 1


def test_only_staff_of_the_store_quote(case, service):
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory(code="NYC-01")])
    auditor = UserFactory(role=Role.AUDITOR)

    for actor in (outsider, auditor):
        with pytest.raises(InvalidInput) as refused:
            quotation_create(case=case, actor=actor, lines=[{"service": service}])
        assert "not quote it" in refused.value.message
    assert not Quotation.objects.exists()


def test_an_unknown_currency_is_refused(case, staff, service):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(case=case, actor=staff, currency="XYZ", lines=[{"service": service}])

    assert refused.value.message == "“XYZ” is not a currency Atelier quotes in."
    assert "currency" in refused.value.field_errors
    assert not Quotation.objects.exists()


def test_a_quotation_cannot_be_valid_until_a_day_that_has_passed(case, staff, service):
    seoul_today = timezone.now().astimezone(case.store.zoneinfo).date()
    yesterday = seoul_today - datetime.timedelta(days=1)

    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=case, actor=staff, valid_until=yesterday, lines=[{"service": service}]
        )
    assert f"cannot be valid until {yesterday:%Y-%m-%d}" in refused.value.message
    assert not Quotation.objects.exists()

    draft = quotation_create(
        case=case, actor=staff, valid_until=seoul_today, lines=[{"service": service}]
    )
    with pytest.raises(InvalidInput):
        quotation_update(
            quotation=draft, actor=staff, valid_until=yesterday, lines=[{"service": service}]
        )
    assert Quotation.objects.get(pk=draft.pk).valid_until == seoul_today


def test_lines_that_are_not_fields_or_too_large_for_the_columns_are_refused(case, staff):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=case,
            actor=staff,
            lines=[
                "Crown",
                {"description": "Gold", "unit_price": "1000", "quantity": "10000000"},
                {"description": "Gold", "unit_price": "1000000000000"},
            ],
        )

    assert refused.value.field_errors["lines"] == [
        "Line 1: give the line as fields (part, service or description; quantity, unit_price, "
        "discount_percent, tax_rate).",
        "Line 2: quantity must be less than 10000000.",
        "Line 3: unit_price must be less than 1000000000000.",
    ]
    assert not Quotation.objects.exists() and not QuotationLine.objects.exists()


def test_a_total_too_large_to_store_is_refused_and_nothing_is_written(case, staff):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=case,
            actor=staff,
            lines=[{"description": "Gold", "unit_price": "999999999999", "quantity": "2"}],
        )

    assert "is too large" in refused.value.message
    assert not Quotation.objects.exists() and not QuotationLine.objects.exists()
