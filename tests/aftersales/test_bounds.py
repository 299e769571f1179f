"""Bounds on what is typed into quotations: a customer's reason for refusing (at the counter, on
the decision page and through the service), the name typed as a signature, quotation lines and
how long a quotation stays valid. A refused text changes nothing; a text at the limit is kept."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Quotation, QuotationStatus
from aftersales.services import DecisionRefused, quotation_create, quotation_decide
from aftersales.views.decision import DecisionForm
from project.core.limits import (
    LINE_DESCRIPTION_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    QUOTATION_VALIDITY_MAX_DAYS,
    REFUSAL_REASON_MAX_LENGTH,
)
from tests.aftersales.factories import decision_path, move, open_care_file
from tests.rendered import messages_of
from workflows.errors import InvalidInput

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_048_576
MEGABYTE_REFUSED = "Reason for refusing: at most 2000 characters (it has 1048576)."


def assert_still_waiting(case, quotation):
    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, quotation.refusal_reason) == (QuotationStatus.SENT, "")
    assert case.state == "quotation"
    assert not case.events.filter(transition="customer_refuses").exists()


# --- The reason for refusing ----------------------------------------------------------------------


def test_a_megabyte_reason_given_at_the_counter_is_refused_and_nothing_is_stored(
    login_client, quoted, staff
):
    case, quotation = quoted

    response = login_client(staff).post(
        reverse("cases:quotation_decision", args=[case.pk, quotation.pk]),
        {"decision-decision": "refuse", "decision-reason": MEGABYTE},
    )

    assert response.status_code == 200
    assert messages_of(response) == ["The form has errors."]
    form = response.context["panel_forms"]["decision_form"]
    assert form.errors["reason"] == [MEGABYTE_REFUSED]
    assert_still_waiting(case, quotation)


def test_the_decision_service_refuses_a_megabyte_reason(quoted, staff):
    case, quotation = quoted

    with pytest.raises(DecisionRefused) as refused:
        quotation_decide(
            quotation=quotation, accept=False, reason=MEGABYTE, actor=staff, channel="counter"
        )

    assert refused.value.reason == "too_long"
    assert refused.value.field_errors == {"reason": [MEGABYTE_REFUSED]}
    assert_still_waiting(case, quotation)


def test_a_reason_of_exactly_the_limit_is_kept_and_quoted_in_the_history(quoted, staff):
    case, quotation = quoted
    reason = "r" * REFUSAL_REASON_MAX_LENGTH

    quotation_decide(
        quotation=quotation, accept=False, reason=reason, actor=staff, channel="counter"
    )

    quotation.refresh_from_db()
    assert quotation.refusal_reason == reason
    assert case.events.latest("created_at").comment.endswith(f"Reason: {reason}")


def test_a_megabyte_reason_on_the_decision_page_is_refused(client, quoted):
    case, quotation = quoted

    response = client.post(decision_path(quotation), {"decision": "refuse", "reason": MEGABYTE})

    assert response.status_code == 400
    assert_still_waiting(case, quotation)


def test_the_decision_page_and_the_service_agree_on_the_bounds():
    fields = DecisionForm.base_fields

    assert fields["reason"].max_length == REFUSAL_REASON_MAX_LENGTH
    assert fields["name"].max_length == PERSON_NAME_MAX_LENGTH


def test_a_name_longer_than_a_quotation_keeps_is_refused(quoted, staff):
    case, quotation = quoted

    with pytest.raises(DecisionRefused) as refused:
        quotation_decide(quotation=quotation, accept=True, name="n" * 201, actor=staff)

    assert refused.value.field_errors == {
        "name": ["Name typed as signature: at most 200 characters (it has 201)."]
    }
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.SENT


def test_the_database_refuses_a_reason_written_around_the_service(quoted):
    _case, quotation = quoted

    with pytest.raises(IntegrityError), transaction.atomic():
        Quotation.objects.filter(pk=quotation.pk).update(refusal_reason="r" * 2001)


# --- Quotation lines and validity -----------------------------------------------------------------


@pytest.fixture
def diagnosed(care_file, store, staff):
    case = open_care_file(care_file, store, staff)
    move(case, "send_to_diagnosis", staff)
    return case


def test_a_line_description_longer_than_a_line_keeps_is_refused_not_cut(diagnosed, staff):
    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=diagnosed,
            actor=staff,
            lines=[{"description": "d" * 501, "unit_price": "1000", "code": "c" * 65}],
        )

    assert refused.value.field_errors == {
        "lines": [
            "Line 1: Code: at most 64 characters (it has 65).",
            "Line 1: Description: at most 500 characters (it has 501).",
        ]
    }
    assert not Quotation.objects.filter(case=diagnosed).exists()


def test_a_line_as_long_as_a_line_item_allows_is_quoted_whole(diagnosed, staff):
    description = "d" * LINE_DESCRIPTION_MAX_LENGTH

    quotation = quotation_create(
        case=diagnosed,
        actor=staff,
        lines=[{"description": description, "unit_price": "1000", "code": "c" * 64}],
    )

    line = quotation.lines.get()
    assert (line.description, line.code) == (description, "c" * 64)


def test_a_quotation_valid_for_longer_than_a_year_is_refused(diagnosed, staff):
    today = timezone.now().astimezone(diagnosed.store.zoneinfo).date()
    latest = today + datetime.timedelta(days=QUOTATION_VALIDITY_MAX_DAYS)
    lines = [{"description": "Strap", "unit_price": "1000"}]

    with pytest.raises(InvalidInput) as refused:
        quotation_create(
            case=diagnosed, actor=staff, lines=lines, valid_until=datetime.date(9999, 12, 31)
        )

    assert refused.value.field_errors == {
        "valid_until": [
            f"A quotation stays valid for at most 365 days: choose {latest.isoformat()} or earlier."
        ]
    }
    assert (
        quotation_create(case=diagnosed, actor=staff, lines=lines, valid_until=latest).valid_until
        == latest
    )
