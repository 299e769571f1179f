"""The shipped care file (fixtures/processes/care_file.toml), walked through the services: every
path from the counter to the archive, each refusal (wrong state, group, condition, step form), and
what each step stores."""

import pytest
from django.urls import reverse

from project.accounts.roles import Role
from tests.aftersales.factories import DIAGNOSIS, SIGNATURE, move, offered, open_care_file, refusal
from tests.factories import StoreFactory, UserFactory
from workflows.errors import InvalidInput
from workflows.models import Attachment
from workflows.services import case_open

pytestmark = pytest.mark.django_db


def quote(case, staff):
    """The diagnosis quoted and sent to the customer: what the decision is taken on. Sending it
    moves a file in "quotation in preparation" to "quotation sent"."""
    from aftersales.services import lines_from_case_data, quotation_create, quotation_send

    quotation = quotation_create(case=case, actor=staff, lines=lines_from_case_data(case))
    sent = quotation_send(quotation=quotation, actor=staff)
    case.refresh_from_db()
    return sent


def decide(case, staff, *, accept: bool, reason: str = ""):
    """The customer's decision given at the counter, recorded on the quotation sent (quoted and
    sent first when none is): that is what fires "customer_accepts" or "customer_refuses"."""
    from aftersales.models import QuotationStatus
    from aftersales.services import quotation_decide

    sent = case.quotations.filter(status=QuotationStatus.SENT).order_by("-number").first()
    quotation_decide(
        quotation=sent or quote(case, staff),
        accept=accept,
        actor=staff,
        name="Ji-woo Lee" if accept else "",
        reason=reason,
        channel="counter",
    )
    case.refresh_from_db()


SEND_FIRST = (
    "Draft the quotation in the Quotations panel and send it (“Send to the customer”): that "
    "moves the case."
)
DECISION_FIRST = (
    "Record the customer's decision on the quotation (“Decision given at the counter” in the "
    "Quotations panel, or the customer's own link): that moves the case."
)


def test_intake_stores_the_condition_report_photos_and_signature(care_file, store, staff):
    case = open_care_file(care_file, store, staff)

    assert case.reference.startswith("CARE-") and case.state == "intake"
    assert set(case.data["photos"]) == {"front", "back", "serial_number"}
    names = sorted(Attachment.objects.filter(case=case).values_list("original_name", flat=True))
    assert names == ["back.png", "front.png", "serial_number.png", "signature.png"]


def test_intake_without_photos_or_signature_is_refused(care_file, store, staff):
    with pytest.raises(InvalidInput) as refused:
        case_open(
            process=care_file,
            store=store,
            actor=staff,
            data={
                "product": "Tank",
                "serial_number": "T-1",
                "warranty_status": "Out of warranty",
                "condition_report": "Fine",
            },
        )

    assert set(refused.value.field_errors) == {"photos", "customer_signature"}
    assert not care_file.cases.exists()


def test_out_of_warranty_accepted_repaired_locally_and_handed_over(
    care_file, store, staff, manager
):
    case = open_care_file(care_file, store, staff)
    move(case, "send_to_diagnosis", staff)
    assert "repair_under_warranty" not in offered(case, staff)  # a quotation is needed
    assert refusal(case, "repair_under_warranty", staff, data=DIAGNOSIS).reason == "condition"
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)
    assert case.state == "quoting"
    assert case.data["service_items_and_parts"]["total"] == "450000.00"
    decide(case, staff, accept=True)
    assert case.state == "accepted"
    move(case, "repair_locally", staff)
    move(case, "repair_done", staff)
    assert refusal(case, "quality_ok", staff).reason == "permission"  # the manager checks
    move(case, "quality_ok", manager)
    move(case, "hand_over", staff, data={"identity_checked": "on", "customer_signature": SIGNATURE})
    move(case, "archive", staff)

    case.refresh_from_db()
    assert case.state == "archived" and case.closed_at is not None
    assert case.data["identity_checked"] is True
    events = list(case.events.order_by("created_at", "pk").values_list("to_state", flat=True))
    assert events == [
        "intake",
        "diagnosis",
        "quoting",
        "quotation",
        "accepted",
        "local_repair",
        "quality_check",
        "ready",
        "handed_over",
        "archived",
    ]


def test_under_warranty_goes_to_the_workshop_without_a_quotation(care_file, store, staff):
    case = open_care_file(care_file, store, staff, warranty="Under warranty")
    move(case, "send_to_diagnosis", staff)

    assert "record_diagnosis" not in offered(case, staff)
    assert refusal(case, "record_diagnosis", staff, data=DIAGNOSIS).reason == "condition"
    move(case, "repair_under_warranty", staff, data=DIAGNOSIS)
    assert case.state == "accepted"


def test_central_workshop_needs_the_parcel_and_comes_back_to_quality_check(
    care_file, store, staff, manager
):
    case = open_care_file(care_file, store, staff, warranty="Under warranty")
    move(case, "send_to_diagnosis", staff)
    move(case, "repair_under_warranty", staff, data=DIAGNOSIS)

    refused = refusal(case, "send_to_central", staff, data={"carrier": "DHL"})
    assert refused.reason == "step_form"
    assert set(refused.field_errors) == {"parcel_number", "handed_to_the_stock_team"}
    move(
        case,
        "send_to_central",
        staff,
        data={"parcel_number": "JD0146", "carrier": "DHL", "handed_to_the_stock_team": "on"},
    )
    move(case, "back_from_central", staff)
    move(case, "quality_failed", manager, comment="Crown still stiff.")
    assert case.state == "local_repair"
    move(case, "repair_done", staff)
    move(case, "quality_ok", manager)
    assert case.state == "ready" and case.data["parcel_number"] == "JD0146"


def test_a_refused_quotation_is_handed_back_unrepaired_with_a_diagnosis_fee(
    diagnosed_care_file, staff
):
    case = diagnosed_care_file
    quote(case, staff)

    assert refusal(case, "customer_refuses", staff, comment="Too expensive.").reason == (
        "condition"
    )
    decide(case, staff, accept=False, reason="Too expensive for the customer.")
    assert case.state == "unrepaired"
    assert case.events.latest("created_at").comment == (
        "Quotation v1 refused at the counter. Reason: Too expensive for the customer."
    )
    move(
        case,
        "hand_back_unrepaired",
        staff,
        data={
            "diagnosis_fee_amount": "50000",
            "diagnosis_fee_currency": "KRW",
            "customer_signature": SIGNATURE,
        },
    )
    move(case, "archive", staff)

    assert case.data["diagnosis_fee"] == {"amount": "50000", "currency": "KRW"}


@pytest.fixture
def quoted_file(diagnosed_care_file, staff):
    """A care file waiting for the customer's answer on a quotation sent to them."""
    return diagnosed_care_file, quote(diagnosed_care_file, staff)


def expire(quotation, store, **columns):
    """``quotation`` valid until yesterday in ``store``'s time zone (and ``columns`` set)."""
    import datetime

    from django.utils import timezone

    from aftersales.models import Quotation

    yesterday = timezone.now().astimezone(store.zoneinfo).date() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday, **columns)


def test_no_answer_by_the_deadline_happens_by_itself_and_the_piece_goes_back_for_free(
    quoted_file, store, staff
):
    from workflows.tasks import fire_automatic_transitions

    case, quotation = quoted_file
    assert refusal(case, "no_answer", staff).reason == "automatic"
    assert fire_automatic_transitions.call_local()["fired"] == []  # still valid today
    expire(quotation, store)

    assert fire_automatic_transitions.call_local() == {
        "fired": [case.reference],
        "failed": [],
        "expired": [f"{case.reference} v1"],
    }

    case.refresh_from_db()
    quotation.refresh_from_db()
    assert (case.state, quotation.status) == ("unrepaired", "expired")
    move(case, "hand_back_unrepaired", staff, data={"customer_signature": SIGNATURE})
    assert case.data["diagnosis_fee"] is None


def test_a_quotation_already_marked_expired_still_sends_the_file_back_unrepaired(
    quoted_file, store
):
    from workflows.tasks import fire_automatic_transitions

    case, quotation = quoted_file
    # Marked expired on an earlier run that could not move the case.
    expire(quotation, store, status="expired")

    assert fire_automatic_transitions.call_local()["fired"] == [case.reference]

    case.refresh_from_db()
    assert case.state == "unrepaired"


def test_sending_the_quotation_moves_the_file_to_quotation_sent_as_the_sender(
    diagnosed_care_file, staff
):
    from aftersales.services import lines_from_case_data, quotation_create, quotation_send

    case = diagnosed_care_file
    draft = quotation_create(case=case, actor=staff, lines=lines_from_case_data(case))
    case.refresh_from_db()
    assert case.state == "quoting"  # a draft is not sent yet

    quotation_send(quotation=draft, actor=staff)

    case.refresh_from_db()
    assert case.state == "quotation"
    [event] = case.events.filter(transition="send_quotation")
    assert (event.actor, event.from_state, event.to_state) == (staff, "quoting", "quotation")
    assert event.comment == "Quotation v1 sent to the customer."


def test_send_quotation_by_hand_without_a_sent_quotation_is_refused_and_says_how(
    diagnosed_care_file, staff
):
    from aftersales.services import lines_from_case_data, quotation_create

    case = diagnosed_care_file
    refused_without_quotation = refusal(case, "send_quotation", staff)
    quotation_create(case=case, actor=staff, lines=lines_from_case_data(case))

    refused = refusal(case, "send_quotation", staff)

    assert refused_without_quotation.reason == refused.reason == "condition"
    assert refused.message == f"“Send the quotation” is not possible: {SEND_FIRST}"
    assert "send_quotation" not in offered(case, staff)
    case.refresh_from_db()
    assert case.state == "quoting"


def test_the_case_page_tells_staff_to_send_the_quotation_while_it_is_in_preparation(
    login_client, diagnosed_care_file, staff
):
    case = diagnosed_care_file

    html = login_client(staff).get(f"/admin/cases/{case.pk}/").content.decode()

    # No button that could only fail, but the reason and what to do instead.
    assert reverse("cases:transition", args=[case.pk, "send_quotation"]) not in html
    assert 'data-waiting-transition="send_quotation"' in html
    assert "Draft the quotation in the Quotations panel and send it" in html
    assert "another group takes it from here" not in html


def test_a_send_refused_by_the_transition_changes_nothing(
    care_file, store, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    from aftersales.services import lines_from_case_data, quotation_create, quotation_send
    from workflows.models import Case

    case = open_care_file(care_file, store, staff)
    Case.objects.filter(pk=case.pk).update(customer_email="jiwoo@example.com")
    move(case, "send_to_diagnosis", staff)
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)
    draft = quotation_create(case=case, actor=staff, lines=lines_from_case_data(case))
    # Works on the store's cases, but "Send the quotation" is for store staff and approvers.
    area_manager = UserFactory(role=Role.AREA_MANAGER, stores=[store])
    events = case.events.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as refused:
        quotation_send(quotation=draft, actor=area_manager)

    assert refused.value.message == (
        "Version 1 was not sent: “Send the quotation” is reserved for: Store staff, Approver."
    )
    draft.refresh_from_db()
    case.refresh_from_db()
    assert (draft.status, draft.sent_at, draft.decision_nonce) == ("draft", None, "")
    assert (case.state, case.events.count()) == ("quoting", events)
    assert not mail.outbox


def test_a_piece_that_cannot_be_repaired_closes_with_a_credit_note(
    care_file, store, staff, manager
):
    case = open_care_file(care_file, store, staff)
    move(case, "send_to_diagnosis", staff)

    assert refusal(case, "cannot_repair", staff, comment="Movement discontinued.").reason == (
        "permission"
    )
    move(case, "cannot_repair", manager, comment="Movement discontinued.")
    assert refusal(case, "archive", manager).reason == "wrong_state"
    move(
        case,
        "issue_credit_note",
        manager,
        data={
            "credit_note_number": "CN-2026-0007",
            "credit_amount_amount": "6900000",
            "credit_amount_currency": "KRW",
        },
    )

    case.refresh_from_db()
    assert case.state == "closed_credit" and case.closed_at is not None


def test_another_stores_staff_cannot_move_the_file(care_file, store, staff):
    case = open_care_file(care_file, store, staff)
    other = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory(code="KBP-01")])

    assert refusal(case, "send_to_diagnosis", other).reason == "permission"
    assert offered(case, other) == []


def test_the_customer_is_told_when_the_piece_is_ready(
    care_file, store, staff, manager, django_capture_on_commit_callbacks
):
    from django.core import mail

    from workflows.models import Case

    case = open_care_file(care_file, store, staff, warranty="Under warranty")
    Case.objects.filter(pk=case.pk).update(customer_email="jiwoo@example.com")
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        for code, actor, data in [
            ("send_to_diagnosis", staff, None),
            ("repair_under_warranty", staff, DIAGNOSIS),
            ("repair_locally", staff, None),
            ("repair_done", staff, None),
        ]:
            move(case, code, actor, data=data)
    assert not mail.outbox  # only the transitions with a customer message write

    with django_capture_on_commit_callbacks(execute=True):
        move(case, "quality_ok", manager)

    [message] = mail.outbox
    assert message.to == ["jiwoo@example.com"]
    assert message.subject == f"{store.name}: {case.reference}"
    assert message.body.startswith("Dear Ji-woo Lee,")
    assert f"Your piece ({case.reference}) is ready. You can collect it at {store.name}" in (
        message.body.replace("\n", " ")
    )


def test_customer_accepts_by_hand_without_a_recorded_decision_is_refused(
    diagnosed_care_file, staff
):
    case = diagnosed_care_file
    quote(case, staff)  # sent, the customer has not answered yet

    refused = refusal(case, "customer_accepts", staff)

    assert refused.reason == "condition"
    assert refused.message == f"“Customer accepts” is not possible: {DECISION_FIRST}"
    assert refusal(case, "customer_refuses", staff, comment="No.").message == (
        f"“Customer refuses” is not possible: {DECISION_FIRST}"
    )
    assert not {"customer_accepts", "customer_refuses"} & set(offered(case, staff))
    case.refresh_from_db()
    assert case.state == "quotation"


def test_the_customers_acceptance_on_the_decision_page_moves_the_case(
    client, diagnosed_care_file, staff
):
    from aftersales.services import decision_token

    case = diagnosed_care_file
    quotation = quote(case, staff)

    response = client.post(
        f"/quotation/{decision_token(quotation)}/", {"decision": "accept", "name": "Ji-woo Lee"}
    )

    assert response.status_code == 200
    quotation.refresh_from_db()
    case.refresh_from_db()
    assert (quotation.status, case.state) == ("accepted", "accepted")
    event = case.events.latest("created_at")
    assert (event.transition, event.actor.username) == ("customer_accepts", "public-web")
    assert "repair_locally" in offered(case, staff)
