"""Invoices for light interventions (aftersales.services.invoice_create): made from the accepted
quotation, refused when anything differs from what the customer accepted, numbered per store
and year without gaps."""

from decimal import Decimal

import pytest

from aftersales.models import Invoice, Quotation, QuotationStatus, ServiceItem, SparePart
from aftersales.services import invoice_create, quotation_create
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.errors import InvalidInput
from workflows.services import case_open

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def store():
    return StoreFactory(code="NYC-01", currency="USD", time_zone="America/New_York")


def catalogue():
    battery = ServiceItem.objects.create(
        code="SRV-BATTERY", description="Battery change", light_intervention=True
    )
    battery.prices.create(currency="USD", amount=D("45"))
    battery.save()
    service = ServiceItem.objects.create(code="SRV-COMPLETE", description="Complete service")
    service.prices.create(currency="USD", amount=D("350"))
    service.save()
    cell = SparePart.objects.create(part_number="BAT-371", description="Battery 371")
    cell.prices.create(currency="USD", amount=D("8.50"))
    cell.save()


def accepted_quotation(store, staff, lines) -> Quotation:
    case = case_open(process=published_process(), store=store, actor=staff)
    quotation = quotation_create(case=case, actor=staff, lines=lines)
    Quotation.objects.filter(pk=quotation.pk).update(status=QuotationStatus.ACCEPTED)
    quotation.refresh_from_db()
    return quotation


LIGHT = [
    {"service": "SRV-BATTERY", "tax_rate": "8.88"},
    {"part": "BAT-371", "tax_rate": "8.88"},
]


def till_lines(quotation) -> list[dict]:
    return [
        {
            "code": line.code,
            "description": line.description,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount_percent": str(line.discount_percent),
            "tax_rate": str(line.tax_rate),
        }
        for line in quotation.lines.all()
    ]


def test_the_accepted_quotation_is_invoiced_as_it_was_accepted(store, staff):
    catalogue()
    quotation = accepted_quotation(store, staff, LIGHT)

    invoice = invoice_create(
        quotation=quotation, actor=staff, lines=till_lines(quotation), total="58.25"
    )

    assert invoice.reference.startswith("INV-NYC-01-") and invoice.reference.endswith("-000001")
    assert (invoice.subtotal, invoice.tax, invoice.total) == (D("53.50"), D("4.75"), D("58.25"))
    assert [line.code for line in invoice.lines.all()] == ["SRV-BATTERY", "BAT-371"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lines: lines[0].update(unit_price="40.00"), "line 1 unit_price is “40.00”"),
        (lambda lines: lines[1].update(quantity="2"), "line 2 quantity is “2”"),
        (lambda lines: lines.pop(), "the customer accepted 2 lines, the invoice has 1."),
        (lambda lines: lines[0].update(description="Battery"), "line 1 description"),
    ],
)
def test_an_invoice_that_differs_from_the_accepted_quotation_is_refused(
    store, staff, change, message
):
    catalogue()
    quotation = accepted_quotation(store, staff, LIGHT)
    lines = till_lines(quotation)
    change(lines)

    with pytest.raises(InvalidInput) as refused:
        invoice_create(quotation=quotation, actor=staff, lines=lines)

    assert message in refused.value.message
    assert not Invoice.objects.exists()


def test_a_different_total_is_refused(store, staff):
    catalogue()
    quotation = accepted_quotation(store, staff, LIGHT)

    with pytest.raises(InvalidInput) as refused:
        invoice_create(quotation=quotation, actor=staff, total="55.00")

    assert "the total is 55.00, the customer accepted 58.25." in refused.value.message
    assert not Invoice.objects.exists()


def test_only_accepted_light_interventions_are_invoiced_once(store, staff):
    catalogue()
    heavy = accepted_quotation(store, staff, [{"service": "SRV-COMPLETE"}])
    with pytest.raises(InvalidInput) as refused:
        invoice_create(quotation=heavy, actor=staff)
    assert "Only light interventions are invoiced here; not: SRV-COMPLETE." in refused.value.message

    sent = accepted_quotation(store, staff, LIGHT)
    Quotation.objects.filter(pk=sent.pk).update(status=QuotationStatus.SENT)
    sent.refresh_from_db()
    with pytest.raises(InvalidInput):
        invoice_create(quotation=sent, actor=staff)

    accepted = accepted_quotation(store, staff, LIGHT)
    invoice_create(quotation=accepted, actor=staff)
    with pytest.raises(InvalidInput) as twice:
        invoice_create(quotation=accepted, actor=staff)
    assert "already invoiced" in twice.value.message


def test_invoice_numbers_follow_each_other_per_store(store, staff):
    catalogue()
    numbers = [
        invoice_create(quotation=accepted_quotation(store, staff, LIGHT), actor=staff).number
        for _ in range(3)
    ]
    other_store = StoreFactory(code="KBP-01", currency="USD")
    other_staff = UserFactory(role=Role.STORE_STAFF, stores=[other_store])
    other = invoice_create(
        quotation=accepted_quotation(other_store, other_staff, LIGHT), actor=other_staff
    )

    assert numbers == [1, 2, 3]
    assert other.number == 1 and other.reference.startswith("INV-KBP-01-")
