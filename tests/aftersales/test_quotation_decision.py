"""The customer's decision link (aftersales/views/decision.py): accept with a typed name, refuse
with a reason, and the links that must not work: expired, used, replaced, tampered with, or
another customer's. The decision fires the case transition the process names."""

import datetime

import pytest
from django.core import signing
from django.utils import timezone

from aftersales.models import Quotation, QuotationStatus
from aftersales.services import (
    DECISION_SALT,
    DecisionRefused,
    decision_token,
    quotation_create,
    quotation_decide,
    quotation_revise,
    quotation_send,
)
from project.stores.models import Store
from tests.aftersales.factories import decision_path, move, open_care_file, quoted_care_file
from tests.factories import UserFactory
from workflows.models import Case

pytestmark = pytest.mark.django_db


def test_the_link_shows_the_quotation_in_the_customers_language(client, quoted):
    case, quotation = quoted
    Store.objects.filter(pk=case.store_id).update(
        address="438 Apgujeong-ro, Gangnam-gu\nSeoul 06015", phone="+82200000100"
    )

    response = client.get(decision_path(quotation))

    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html and "종합 서비스" in html
    assert f"{case.reference} 견적서 (버전 1)" in html  # the page's own texts in Korean too
    assert ">견적 수락</button>" in html and ">견적 거절</button>" in html
    assert "Accept the quotation" not in html
    # 450,000 + 10 % tax: grouped, no decimals in won
    assert "<td data-total>495,000 KRW</td>" in html and "495000" not in html
    assert "<td>450,000 KRW</td>" in html
    assert "438 Apgujeong-ro, Gangnam-gu<br>Seoul 06015" in html
    assert "전화: +82 2-0000-0100" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


def test_a_ukrainian_customer_reads_the_page_in_ukrainian_with_ukrainian_numbers(client, quoted):
    case, quotation = quoted
    Case.objects.filter(pk=case.pk).update(customer_language="uk")

    html = client.get(decision_path(quotation)).content.decode()

    assert ">Прийняти кошторис</button>" in html
    assert "<td data-total>495\xa0000 KRW</td>" in html  # grouped by a no-break space


def test_dollar_amounts_are_grouped_with_their_cents(client, care_file, store, staff):
    case = open_care_file(care_file, store, staff)
    Case.objects.filter(pk=case.pk).update(customer_language="en")
    quotation = quotation_send(
        quotation=quotation_create(
            case=case,
            actor=staff,
            currency="USD",
            lines=[{"description": "Strap", "unit_price": "1234.5", "quantity": "2"}],
        ),
        actor=staff,
    )

    html = client.get(decision_path(quotation)).content.decode()

    assert "<td>1,234.50 USD</td>" in html
    assert "<td data-total>2,469.00 USD</td>" in html
    assert ">Accept the quotation</button>" in html


def test_the_quotation_email_is_in_the_customers_language(
    quoted, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    case, quotation = quoted
    Case.objects.filter(pk=case.pk).update(customer_email="jiwoo@example.com")
    revised = quotation_revise(quotation=quotation, actor=staff)

    with django_capture_on_commit_callbacks(execute=True):
        quotation_send(quotation=revised, actor=staff)

    [email] = mail.outbox
    assert email.subject == f"{case.reference} 견적서 안내"
    assert "견적 금액: 495,000 KRW" in email.body
    assert decision_path(Quotation.objects.get(pk=revised.pk)) in email.body


def test_accepting_with_a_typed_name_moves_the_case_on(client, quoted):
    case, quotation = quoted

    missing_name = client.post(decision_path(quotation), {"decision": "accept", "name": "  "})
    assert missing_name.status_code == 400
    assert "수락하시려면 성함을 입력해 주세요." in missing_name.content.decode()  # in Korean

    response = client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})

    assert response.status_code == 200
    assert 'data-decided="accepted"' in response.content.decode()
    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, quotation.decision_name) == ("accepted", "Ji-woo Lee")
    assert case.state == "accepted"
    event = case.events.latest("created_at")
    assert event.actor.username == "public-web"
    assert event.comment == "Quotation v1 accepted online, signed “Ji-woo Lee”."


def test_refusing_with_a_reason_moves_the_case_to_unrepaired(client, quoted):
    case, quotation = quoted

    client.post(decision_path(quotation), {"decision": "refuse", "reason": "Too expensive."})

    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, quotation.refusal_reason) == ("refused", "Too expensive.")
    assert case.state == "unrepaired"
    assert case.events.latest("created_at").comment == (
        "Quotation v1 refused online. Reason: Too expensive."
    )


def test_a_used_link_says_so_and_changes_nothing(client, quoted):
    case, quotation = quoted
    client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})

    again = client.post(decision_path(quotation), {"decision": "refuse"})

    assert again.status_code == 410
    assert 'data-decision-refused="decided"' in again.content.decode()
    assert "data-total" not in again.content.decode()
    quotation.refresh_from_db()
    assert quotation.status == "accepted"
    assert case.events.count() == 5  # opened, diagnosis, quoting, quotation sent, accepted


def test_an_expired_link_shows_no_quotation_and_takes_no_decision(client, quoted):
    case, quotation = quoted
    yesterday = timezone.now().astimezone(case.store.zoneinfo).date() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday)

    response = client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})

    assert response.status_code == 410
    html = response.content.decode()
    assert 'data-decision-refused="expired"' in html and "data-total" not in html
    case.refresh_from_db()
    assert case.state == "quotation"


def test_a_quotation_the_scheduler_marked_expired_says_so_on_its_link(client, quoted):
    from workflows.tasks import fire_automatic_transitions

    case, quotation = quoted
    yesterday = timezone.now().astimezone(case.store.zoneinfo).date() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday)

    result = fire_automatic_transitions.call_local()

    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.EXPIRED
    assert result["expired"] == [f"{case.reference} v1"]
    response = client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})
    assert response.status_code == 410
    html = response.content.decode()
    assert 'data-decision-refused="expired"' in html and "data-total" not in html
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.EXPIRED


def test_a_replaced_version_points_to_the_latest_email(client, quoted, staff):
    case, quotation = quoted
    old_url = decision_path(quotation)
    quotation_send(quotation=quotation_revise(quotation=quotation, actor=staff), actor=staff)

    response = client.get(old_url)

    assert response.status_code == 410
    assert 'data-decision-refused="superseded"' in response.content.decode()


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: signing.Signer(salt=DECISION_SALT).sign_object("guessed-nonce"),
        lambda token: signing.Signer(salt=DECISION_SALT).sign_object(""),
        lambda token: signing.dumps("guessed-nonce", salt=DECISION_SALT),  # another signer
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_or_guessed_link_shows_nothing(client, quoted, forge):
    _case, quotation = quoted

    response = client.get(f"/quotation/{forge(decision_token(quotation))}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-decision-refused="invalid"' in html and "data-total" not in html


def test_another_customers_link_shows_only_their_own_quotation(
    client, quoted, care_file, store, staff, service
):
    case, quotation = quoted
    other_case, other = quoted_care_file(care_file, store, staff, service, customer_name="Ada Park")

    response = client.post(decision_path(other), {"decision": "accept", "name": "Ji-woo Lee"})

    html = response.content.decode()
    assert other_case.reference in html and case.reference not in html
    quotation.refresh_from_db()
    assert quotation.status == "sent"  # the first customer's quotation is untouched
    case.refresh_from_db()
    assert case.state == "quotation"


def test_a_decision_at_the_counter_is_recorded_by_the_staff_member(quoted, staff):
    case, quotation = quoted

    quotation_decide(
        quotation=quotation, accept=True, name="Ji-woo Lee", actor=staff, channel="counter"
    )

    case.refresh_from_db()
    event = case.events.latest("created_at")
    assert (case.state, event.actor) == ("accepted", staff)
    assert event.comment == "Quotation v1 accepted at the counter, signed “Ji-woo Lee”."


def test_no_decision_while_the_case_is_not_waiting_for_one(care_file, store, staff, service):
    case = open_care_file(care_file, store, staff)
    move(case, "send_to_diagnosis", staff)  # quoted before the diagnosis sent the case on
    quotation = quotation_send(
        quotation=quotation_create(case=case, actor=staff, lines=[{"service": service}]),
        actor=staff,
    )

    with pytest.raises(DecisionRefused) as online:
        quotation_decide(quotation=quotation, accept=True, name="Ji-woo", actor=staff)
    with pytest.raises(DecisionRefused) as counter:
        quotation_decide(
            quotation=quotation, accept=True, name="Ji-woo", actor=staff, channel="counter"
        )

    expected = (
        f"{case.reference} is no longer waiting for this decision. Please contact {store.name}."
    )
    assert online.value.reason == counter.value.reason == "case_moved"
    assert online.value.message == expected  # the customer is spared the process's details
    assert counter.value.message.startswith(expected + " (“Customer accepts” cannot be used")
    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, case.state) == (QuotationStatus.SENT, "diagnosis")


def test_publishing_refuses_a_decision_that_fires_no_transition_of_the_process():
    from tests.workflows.factories import published_process
    from workflows.errors import PublishRefused
    from workflows.models import ProcessTrigger
    from workflows.services import process_publish

    process = published_process()
    ProcessTrigger.objects.create(
        process=process, event="quotation.accepted", transition="customer_says_yes"
    )

    with pytest.raises(PublishRefused) as refused:
        process_publish(process=process, actor=UserFactory(is_superuser=True))

    assert (
        "The customer's acceptance of a quotation fires “customer_says_yes”, which is not a "
        "transition of this process." in refused.value.errors
    )


def test_publishing_refuses_a_quotation_send_that_fires_no_transition_of_the_process():
    from tests.workflows.factories import published_process
    from workflows.errors import PublishRefused
    from workflows.models import ProcessTrigger
    from workflows.services import process_publish

    process = published_process()
    ProcessTrigger.objects.create(
        process=process, event="quotation.sent", transition="quotation_gone"
    )

    with pytest.raises(PublishRefused) as refused:
        process_publish(process=process, actor=UserFactory(is_superuser=True))

    assert (
        "Sending a quotation to the customer fires “quotation_gone”, which is not a transition "
        "of this process." in refused.value.errors
    )


def test_the_link_of_a_quotation_is_always_the_same(quoted):
    _case, quotation = quoted

    assert decision_token(quotation) == decision_token(Quotation.objects.get(pk=quotation.pk))


# --- Validity, checked when the link is used ------------------------------------------------------


def past_validity(case, quotation):
    """Move the valid-until date of ``quotation`` to yesterday in its store, as if the periodic
    task had not run since."""
    yesterday = timezone.now().astimezone(case.store.zoneinfo).date() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday)


def test_a_link_past_its_validity_says_so_in_korean_and_marks_the_quotation_expired(client, quoted):
    case, quotation = quoted
    past_validity(case, quotation)

    response = client.get(decision_path(quotation))

    assert response.status_code == 410
    html = response.content.decode()
    assert 'data-decision-refused="expired"' in html and "data-total" not in html
    assert "이 견적서의 유효 기간은" in html  # the customer's language
    assert "<form" not in html
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.EXPIRED  # at once, not at the next periodic run
    case.refresh_from_db()
    assert case.state == "quotation"


def test_the_case_still_goes_on_unanswered_once_its_quotation_was_expired_by_the_link(
    client, quoted
):
    from workflows.tasks import fire_automatic_transitions

    case, quotation = quoted
    past_validity(case, quotation)
    client.get(decision_path(quotation))

    result = fire_automatic_transitions.call_local()

    assert result["expired"] == []  # already marked
    case.refresh_from_db()
    assert case.state == "unrepaired"  # the care file's "no answer" reads "expired" too


@pytest.mark.parametrize("decision", ["accept", "refuse"])
def test_a_decision_posted_past_the_validity_is_refused_and_nothing_is_decided(
    client, quoted, decision
):
    case, quotation = quoted
    past_validity(case, quotation)
    events = case.events.count()

    response = client.post(
        decision_path(quotation), {"decision": decision, "name": "Ji-woo Lee", "reason": "No"}
    )

    assert response.status_code == 410
    assert 'data-decision-refused="expired"' in response.content.decode()
    quotation.refresh_from_db()
    assert (quotation.status, quotation.decided_at, quotation.refusal_reason) == (
        QuotationStatus.EXPIRED,
        None,
        "",
    )
    assert case.events.count() == events


def test_a_valid_link_leaves_the_quotation_open(client, quoted):
    """A visitor cannot expire a quotation: only the calendar does."""
    case, quotation = quoted
    today = timezone.now().astimezone(case.store.zoneinfo).date()
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=today)  # its last day

    assert client.get(decision_path(quotation)).status_code == 200
    assert client.get(decision_path(quotation) + "pdf/").status_code == 200

    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.SENT


def test_a_counter_decision_past_the_validity_is_refused_and_marks_it_expired(quoted, staff):
    case, quotation = quoted
    past_validity(case, quotation)
    quotation = Quotation.objects.get(pk=quotation.pk)

    with pytest.raises(DecisionRefused) as refused:
        quotation_decide(
            quotation=quotation, accept=True, name="Ji-woo Lee", actor=staff, channel="counter"
        )

    assert refused.value.reason == "expired"
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.EXPIRED
    case.refresh_from_db()
    assert case.state == "quotation"


# --- A post gives exactly one answer --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"decision": ["accept", "refuse"], "name": "Ji-woo Lee"},
        {"decision": ["refuse", "accept"], "name": "Ji-woo Lee", "reason": "Too dear"},
        {"decision": ["accept", "accept"], "name": "Ji-woo Lee"},
        {"decision": ["refuse", "refuse"]},
        {"decision": ["accept", ""], "name": "Ji-woo Lee"},
        {"decision": "maybe", "name": "Ji-woo Lee"},
        {"decision": "ACCEPT", "name": "Ji-woo Lee"},
        {"decision": "accept,refuse", "name": "Ji-woo Lee"},
        {"decision": "", "name": "Ji-woo Lee"},
        {"name": "Ji-woo Lee", "reason": "Too dear"},
    ],
    ids=[
        "accept-then-refuse",
        "refuse-then-accept",
        "accept-twice",
        "refuse-twice",
        "accept-and-empty",
        "unknown",
        "upper-case",
        "both-in-one",
        "empty",
        "missing",
    ],
)
def test_a_post_without_exactly_one_answer_is_refused_and_changes_nothing(client, quoted, body):
    case, quotation = quoted
    Case.objects.filter(pk=case.pk).update(customer_language="en")
    events = case.events.count()

    response = client.post(decision_path(quotation), body)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Your answer: Choose one answer: accept the quotation or refuse it." in html
    assert "data-decided" not in html
    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, quotation.decided_at, quotation.decision_name) == ("sent", None, "")
    assert (case.state, case.events.count()) == ("quotation", events)
    # The page still takes a clear answer afterwards.
    accepted = client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})
    assert 'data-decided="accepted"' in accepted.content.decode()
