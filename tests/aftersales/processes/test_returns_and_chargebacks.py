"""The shipped return/exchange and chargeback processes (fixtures/processes/), walked through the
services: each happy path, each refusal, and the alternatives and deadlines their definitions
carry."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.aftersales.factories import move, offered, refusal, shipped_process
from tests.factories import StoreFactory
from tests.forms.samples import PDF, PNG
from workflows.models import Attachment
from workflows.services import case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(code="NYC-01", currency="USD", time_zone="America/New_York")


# --- Returns and exchanges ------------------------------------------------------------------------


@pytest.fixture
def returns():
    return shipped_process("return-exchange")


def return_request(process, store, staff, request="Return", receipt=True):
    return case_open(
        process=process,
        store=store,
        actor=staff,
        customer={"name": "Grace Hopper"},
        data={
            "request": request,
            "product": "Love bracelet",
            "sale_reference": "POS-NYC-1001",
            "purchase_date": "2026-11-02",
            "reason": "Wrong size",
            "condition": "Unworn, with its labels",
        },
        files={"receipt": SimpleUploadedFile("receipt.pdf", PDF)} if receipt else None,
    )


def test_an_eligible_return_is_inspected_and_refunded(returns, store, staff, manager):
    case = return_request(returns, store, staff)
    assert Attachment.objects.get(case=case).original_name == "receipt.pdf"

    move(case, "eligible", staff)
    assert offered(case, staff) == ["not_eligible", "refund"]  # a return, not an exchange
    assert refusal(case, "exchange", staff).reason == "condition"
    move(case, "refund", staff)
    assert refusal(case, "issue_refund", staff).reason == "permission"
    move(
        case,
        "issue_refund",
        manager,
        data={
            "refund_amount_amount": "6900",
            "refund_amount_currency": "USD",
            "refund_method": "Original card",
        },
    )

    assert case.state == "refunded"
    assert case.data["refund_amount"] == {"amount": "6900.00", "currency": "USD"}


def test_an_exchange_is_handed_over_with_the_price_difference(returns, store, staff):
    case = return_request(returns, store, staff, request="Exchange", receipt=False)
    move(case, "eligible", staff)
    move(case, "exchange", staff)
    move(
        case,
        "hand_over_exchange",
        staff,
        data={
            "new_product": "Love bracelet, size 17",
            "price_difference_amount": "150",
            "price_difference_currency": "USD",
        },
    )

    assert case.state == "exchanged"


def test_not_eligible_says_why_and_offers_a_repair_or_a_partial_exchange(
    returns, store, staff, manager
):
    case = return_request(returns, store, staff)

    refused = refusal(case, "not_eligible", staff, data={})
    assert refused.reason == "step_form"
    assert "why_it_is_not_eligible" in refused.field_errors
    move(
        case,
        "not_eligible",
        staff,
        data={"why_it_is_not_eligible": "Worn or damaged", "alternatives_offered": ["Repair"]},
    )

    assert offered(case, manager) == ["choose_repair", "decline"]  # no partial exchange offered
    assert refusal(case, "partial_exchange", manager).reason == "condition"
    move(case, "choose_repair", staff)
    assert case.state == "to_repair" and case.closed_at is not None


def test_a_partial_exchange_offered_is_agreed_by_the_manager(returns, store, staff, manager):
    case = return_request(returns, store, staff)
    move(
        case,
        "not_eligible",
        staff,
        data={
            "why_it_is_not_eligible": "Past the return period",
            "alternatives_offered": ["Repair", "Partial exchange"],
        },
    )

    assert refusal(case, "partial_exchange", staff).reason == "permission"
    move(case, "partial_exchange", manager)
    assert case.state == "exchange"


def test_a_customer_may_decline_every_alternative(returns, store, staff):
    case = return_request(returns, store, staff)
    move(case, "not_eligible", staff, data={"why_it_is_not_eligible": "Sale item"})

    assert offered(case, staff) == ["decline"]
    move(case, "decline", staff)
    assert case.state == "declined"


# --- Chargebacks ----------------------------------------------------------------------------------


@pytest.fixture
def chargebacks():
    return shipped_process("chargeback")


def chargeback(process, store, manager, deadline: datetime.date):
    return case_open(
        process=process,
        store=store,
        actor=manager,
        data={
            "bank_case_number": "VISA-7781-2026",
            "card_scheme": "Visa",
            "sale_reference": "POS-NYC-0999",
            "disputed_amount_amount": "12400",
            "disputed_amount_currency": "USD",
            "reason_given_by_the_bank": "Goods not received",
            "response_deadline": deadline.isoformat(),
        },
    )


def evidence():
    return {
        "documents": [
            SimpleUploadedFile("signed-receipt.pdf", PDF),
            SimpleUploadedFile("pick-up-photo.png", PNG),
        ]
    }


def store_today(store) -> datetime.date:
    return timezone.now().astimezone(store.zoneinfo).date()


def test_evidence_is_attached_and_the_response_submitted_before_the_deadline(
    chargebacks, store, staff, manager
):
    case = chargeback(chargebacks, store, manager, store_today(store) + datetime.timedelta(days=5))
    move(case, "collect", staff)

    assert refusal(case, "submit_response", staff).reason == "permission"
    refused = refusal(case, "submit_response", manager, data={"summary_of_the_response": "x"})
    assert refused.reason == "step_form" and "documents" in refused.field_errors
    move(
        case,
        "submit_response",
        manager,
        data={"summary_of_the_response": "Collected in store, receipt signed."},
        files=evidence(),
    )
    move(case, "won", manager)

    assert case.state == "won"
    names = set(Attachment.objects.filter(case=case).values_list("original_name", flat=True))
    assert names == {"signed-receipt.pdf", "pick-up-photo.png"}


def test_a_response_after_the_deadline_is_refused(chargebacks, store, staff, manager):
    case = chargeback(chargebacks, store, manager, store_today(store) - datetime.timedelta(days=1))
    move(case, "collect", staff)

    refused = refusal(
        case,
        "submit_response",
        manager,
        data={"summary_of_the_response": "Late"},
        files=evidence(),
    )

    assert refused.reason == "condition"
    assert "today <= data.response_deadline" in refused.message
    assert offered(case, manager) == ["accept"]


def test_a_lost_or_accepted_chargeback_says_why(chargebacks, store, manager):
    lost = chargeback(chargebacks, store, manager, store_today(store))
    move(lost, "collect", manager)
    move(
        lost,
        "submit_response",
        manager,
        data={"summary_of_the_response": "Receipt"},
        files=evidence(),
    )
    assert refusal(lost, "lost", manager).reason == "comment"
    move(lost, "lost", manager, comment="The bank kept the dispute.")

    accepted = chargeback(chargebacks, store, manager, store_today(store))
    move(accepted, "accept", manager, comment="Amount too small to dispute.")

    assert (lost.state, accepted.state) == ("lost", "accepted")
