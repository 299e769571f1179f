"""Quotations on the case page: staff draft one from the diagnosis, send it (the customer is
e-mailed the decision link), and record a decision given at the counter."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from aftersales.models import Quotation, QuotationStatus, ServiceItem
from aftersales.services import quotation_create
from project.accounts.roles import Role
from tests.aftersales.factories import DIAGNOSIS, move, open_care_file
from tests.factories import StoreFactory, UserFactory
from tests.rendered import form_with_button, messages_of, submit, text_of
from tests.workflows.factories import published_process
from workflows.models import ProcessTrigger
from workflows.services import case_open, process_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul Cheongdam", currency="KRW", languages=["ko"])


@pytest.fixture
def case(care_file, store, staff):
    item = ServiceItem.objects.create(code="SRV-COMPLETE", description="Complete service")
    item.prices.create(currency="KRW", amount=Decimal("450000"))
    item.save()
    case = open_care_file(care_file, store, staff)
    case.customer_email = "jiwoo@example.com"
    case.save(update_fields=["customer_email"])
    move(case, "send_to_diagnosis", staff)
    move(case, "record_diagnosis", staff, data=DIAGNOSIS)
    return case


def test_staff_draft_send_and_record_a_counter_decision(
    login_client, staff, case, django_capture_on_commit_callbacks
):
    client = login_client(staff)
    page = client.get(f"/admin/cases/{case.pk}/")
    assert "No quotation yet." in text_of(page)
    assert "From the 1 line of the diagnosis." in text_of(page)
    form = form_with_button(page, "Draft the quotation")
    form.fill("quotation-tax_rate", "10")

    drafted = submit(client, page, form, follow=True)

    quotation = Quotation.objects.get(case=case)
    assert messages_of(drafted) == ["Quotation version 1 drafted: 495000 KRW."]
    line = quotation.lines.get()
    assert (line.kind, line.code, line.net) == ("service", "SRV-COMPLETE", Decimal("450000.00"))

    with django_capture_on_commit_callbacks(execute=True):
        sent = submit(
            client, drafted, form_with_button(drafted, "Send to the customer"), follow=True
        )

    assert "Version 1 sent to jiwoo@example.com." in text_of(sent)
    case.refresh_from_db()
    assert case.state == "quotation"  # sending fired "send_quotation", as the sender
    assert case.events.get(transition="send_quotation").actor == staff
    [email] = mail.outbox
    link = re.search(r"https?://\S+/quotation/\S+/", email.body).group(0)
    assert email.to == ["jiwoo@example.com"] and case.reference in email.subject
    assert f"data-decision-link>{link}<" in sent.text  # staff see the same link

    decision = form_with_button(sent, "Record the decision")
    decision.choose("decision-decision", "accepts")
    decision.fill("decision-name", "Ji-woo Lee")
    decided = submit(client, sent, decision, follow=True)

    assert f"Version 1 accepted; {case.reference} moved on." in text_of(decided)
    case.refresh_from_db()
    quotation.refresh_from_db()
    assert (case.state, quotation.status) == ("accepted", "accepted")


def test_a_counter_acceptance_without_a_name_is_refused(login_client, staff, case):
    client = login_client(staff)
    page = client.get(f"/admin/cases/{case.pk}/")
    drafted = submit(client, page, form_with_button(page, "Draft the quotation"), follow=True)
    sent = submit(client, drafted, form_with_button(drafted, "Send to the customer"), follow=True)
    decision = form_with_button(sent, "Record the decision")
    decision.choose("decision-decision", "accepts")

    refused = submit(client, sent, decision)

    assert refused.status_code == 200
    assert "Type your full name to accept." in text_of(refused)
    case.refresh_from_db()
    assert case.state == "quotation"


def test_send_quotation_by_hand_is_refused_with_how_to_send_it(login_client, staff, case):
    client = login_client(staff)

    opened = client.get(f"/admin/cases/{case.pk}/transition/send_quotation/", follow=True)
    posted = client.post(f"/admin/cases/{case.pk}/transition/send_quotation/", {}, follow=True)

    for response in (opened, posted):
        assert response.redirect_chain == [(f"/admin/cases/{case.pk}/", 302)]
        assert messages_of(response) == [
            "“Send the quotation” is not possible: Draft the quotation in the Quotations panel "
            "and send it (“Send to the customer”): that moves the case."
        ]
    case.refresh_from_db()
    assert case.state == "quoting"


def test_an_auditor_sees_quotations_but_cannot_draft_one(login_client, case):
    auditor = login_client(UserFactory(role=Role.AUDITOR))

    page = auditor.get(f"/admin/cases/{case.pk}/")

    assert "No quotation yet." in text_of(page)
    assert "Draft the quotation" not in text_of(page)
    refused = auditor.post(f"/admin/cases/{case.pk}/quotations/new/", {"quotation-tax_rate": "0"})
    assert refused.status_code == 200 and not Quotation.objects.exists()


def test_an_accepted_light_intervention_is_invoiced_from_the_case_page(login_client, staff, store):

    battery = ServiceItem.objects.create(
        code="SRV-BATTERY", description="Battery change", light_intervention=True
    )
    battery.prices.create(currency="KRW", amount=Decimal("60000"))
    battery.save()
    process = published_process()
    ProcessTrigger.objects.create(
        process=process, event="quotation.accepted", transition=process.transitions.first().code
    )
    process_publish(process=process, actor=UserFactory(is_superuser=True))
    case = case_open(process=process, store=store, actor=staff)
    quotation = quotation_create(case=case, actor=staff, lines=[{"service": "SRV-BATTERY"}])
    Quotation.objects.filter(pk=quotation.pk).update(status=QuotationStatus.ACCEPTED)
    client = login_client(staff)
    page = client.get(f"/admin/cases/{case.pk}/")

    issued = submit(
        client, page, form_with_button(page, "Invoice the light intervention"), follow=True
    )

    invoice = Quotation.objects.get(pk=quotation.pk).invoice
    assert f"Invoice {invoice.reference} issued: 60000 KRW." in text_of(issued)
    assert f"Invoiced: {invoice.reference}." in text_of(issued)
    assert "Invoice the light intervention" not in text_of(issued)


@pytest.fixture
def sent(case, staff):
    from aftersales.services import lines_from_case_data, quotation_send

    drafted = quotation_create(case=case, actor=staff, lines=lines_from_case_data(case))
    return quotation_send(quotation=drafted, actor=staff)


@pytest.mark.parametrize(
    "decision",
    [["accept", "refuse"], ["refuse", "accept"], ["accept", "accept"], ["perhaps"], []],
    ids=["accept-then-refuse", "refuse-then-accept", "accept-twice", "unknown", "missing"],
)
def test_a_counter_decision_without_exactly_one_answer_is_refused(
    login_client, staff, case, sent, decision
):
    events = case.events.count()

    response = login_client(staff).post(
        f"/admin/cases/{case.pk}/quotations/{sent.pk}/decision/",
        {"decision-decision": decision, "decision-name": "Ji-woo Lee"},
    )

    assert response.status_code == 200
    assert "Choose one: the customer accepts or refuses." in text_of(response)
    sent.refresh_from_db()
    case.refresh_from_db()
    assert (sent.status, case.state, case.events.count()) == ("sent", "quotation", events)


def test_someone_who_may_not_act_on_the_case_records_no_counter_decision(login_client, case, sent):
    def post(user):
        return login_client(user).post(
            f"/admin/cases/{case.pk}/quotations/{sent.pk}/decision/",
            {"decision-decision": "accept", "decision-name": "Ji-woo Lee"},
        )

    auditor = post(UserFactory(role=Role.AUDITOR))
    other_store = post(UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()]))

    assert auditor.status_code == 200
    assert messages_of(auditor) == [
        f"You can look at {case.reference} but not quote it: that needs a role that works on "
        "cases and membership of Seoul Cheongdam."
    ]
    assert other_store.status_code == 404  # another store's case is not even shown
    sent.refresh_from_db()
    case.refresh_from_db()
    assert (sent.status, case.state) == ("sent", "quotation")
