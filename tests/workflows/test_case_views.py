"""The staff UI of cases in the Wagtail admin: list, case page, transitions, opening, uploads,
downloads, the events feed and the bulk transition."""

import datetime
import re

import defusedxml.ElementTree as DefusedET
import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forms.choices import FieldType, FormPurpose
from forms.services import form_publish
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory
from tests.workflows.factories import published_process
from workflows.choices import EventKind, StateKind
from workflows.models import Attachment, Case
from workflows.services import case_assign, case_attach, case_open, case_transition

pytestmark = pytest.mark.django_db

INITIAL, ACTIVE, WAITING, TERMINAL = (
    StateKind.INITIAL,
    StateKind.ACTIVE,
    StateKind.WAITING,
    StateKind.TERMINAL,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def publish_form(name: str, purpose: str, fields: list[dict]):
    form = FormDefinitionFactory(name=name, purpose=purpose)
    for index, field in enumerate(fields):
        FormFieldFactory(form=form, sort_order=index, **field)
    form_publish(form=form, actor=UserFactory(is_superuser=True))
    form.refresh_from_db()
    return form


@pytest.fixture
def private_storage(tmp_path, monkeypatch):
    """Attachments go to a temporary folder instead of the project's private media."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def other_store():
    return StoreFactory(code="NYC-01", name="New York", time_zone="America/New_York")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store], first_name="Min-jun", last_name="Kim")


@pytest.fixture
def approver(store):
    return UserFactory(role=Role.APPROVER, stores=[store])


@pytest.fixture
def intake_form():
    return publish_form(
        "Repair request",
        FormPurpose.INTAKE,
        [
            {"label": "Serial number", "field_type": FieldType.SINGLE_LINE},
            {"label": "Symptom", "field_type": FieldType.MULTI_LINE, "required": False},
        ],
    )


@pytest.fixture
def diagnosis_form():
    return publish_form(
        "Diagnosis",
        FormPurpose.STEP,
        [{"label": "Findings", "field_type": FieldType.SINGLE_LINE}],
    )


@pytest.fixture
def process(intake_form, diagnosis_form):
    return published_process(
        name="Care",
        prefix="CARE",
        intake_form=intake_form,
        states=[
            ("intake", "Intake", INITIAL, 4),
            ("diagnosis", "Diagnosis", ACTIVE),
            ("approval", "Waiting for approval", WAITING),
            ("closed", "Closed", TERMINAL),
        ],
        transitions=[
            (
                "diagnose",
                "Diagnose",
                ["intake"],
                "diagnosis",
                [],
                "",
                {"step_form": diagnosis_form},
            ),
            ("ask_approval", "Ask for approval", ["diagnosis"], "approval", [], ""),
            ("approve", "Approve", ["approval"], "closed", [Role.APPROVER], ""),
            (
                "close",
                "Close",
                ["intake", "diagnosis"],
                "closed",
                [],
                "",
                {"comment_required": True, "button_style": "warning"},
            ),
        ],
    )


def open_case(process, store, actor, *, serial="AB123456", name="Ji-woo Park", now=None, **kw):
    return case_open(
        process=process,
        store=store,
        actor=actor,
        customer={"name": name, "email": kw.pop("email", ""), "phone": kw.pop("phone", "")},
        data={"serial_number": serial},
        now=now,
    )


@pytest.fixture
def case(process, store, staff):
    return open_case(process, store, staff)


@pytest.fixture
def foreign_case(process, other_store):
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[other_store])
    return open_case(process, other_store, outsider, name="Someone Else")


def case_url(case, name="detail", *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


# --- List -----------------------------------------------------------------------------------------


def test_case_list_shows_only_the_cases_of_the_users_stores(
    login_client, staff, case, foreign_case
):
    response = login_client(staff).get(reverse("cases:index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert case.reference in content
    assert foreign_case.reference not in content
    assert case_url(case) in content
    assert "Intake" in content  # the state's label, not its code
    assert reverse("cases:open_index") in content  # "Open a case"


def test_a_case_of_another_store_answers_404_everywhere(
    login_client, staff, foreign_case, private_storage
):
    attachment = case_attach(
        case=foreign_case,
        actor=foreign_case.opened_by,
        upload=SimpleUploadedFile("front.png", PNG, "image/png"),
    )
    client = login_client(staff)

    assert client.get(case_url(foreign_case)).status_code == 404
    assert client.get(case_url(foreign_case, "attachment", attachment.pk)).status_code == 404
    assert client.get(case_url(foreign_case, "events")).status_code == 404
    assert client.get(case_url(foreign_case, "transition", "close")).status_code == 404
    response = client.post(case_url(foreign_case, "note"), {"note-text": "peek"})
    assert response.status_code == 404
    assert not foreign_case.events.filter(kind=EventKind.COMMENT).exists()


def test_a_user_without_case_permissions_cannot_open_the_list(login_client, store):
    trainer = UserFactory(role=Role.TRAINER, stores=[store])

    response = login_client(trainer).get(reverse("cases:index"))

    assert response.status_code in (302, 403)
    home = login_client(trainer).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("cases:index") not in home


def test_list_filters_by_state_store_and_overdue(login_client, process, store, other_store, staff):
    staff.store_memberships.create(store=other_store)
    five_hours_ago = timezone.now() - datetime.timedelta(hours=5)  # the intake SLA is 4 hours
    late = open_case(process, store, staff, serial="LATE0001", now=five_hours_ago)
    fresh = open_case(process, store, staff, serial="FRESH001")
    moved = open_case(process, store, staff, serial="MOVED001")
    case_transition(case=moved, transition="diagnose", actor=staff, data={"findings": "Scratch"})
    elsewhere = open_case(process, other_store, staff)
    client = login_client(staff)

    def listed(query: str) -> set[str]:
        content = client.get(f"{reverse('cases:index')}?{query}").content.decode()
        return {c.reference for c in (late, fresh, moved, elsewhere) if c.reference in content}

    assert listed("state=diagnosis") == {moved.reference}
    assert listed(f"store={other_store.pk}") == {elsewhere.reference}
    assert listed("overdue=true") == {late.reference}
    assert listed("overdue=false") == {fresh.reference, moved.reference, elsewhere.reference}
    assert listed("status=closed") == set()


def test_list_filters_by_assignee(login_client, process, store, staff, approver):
    colleague = UserFactory(role=Role.STORE_STAFF, stores=[store])
    mine = open_case(process, store, staff, serial="MINE0001")
    theirs = open_case(process, store, staff, serial="THEIRS01")
    nobodys = open_case(process, store, staff, serial="NOBODY01")
    mine_closed = open_case(process, store, staff, serial="MINE0002")
    case_assign(case=mine, assignee=staff, actor=staff)
    case_assign(case=theirs, assignee=colleague, actor=staff)
    case_assign(case=mine_closed, assignee=staff, actor=staff)
    case_transition(case=mine_closed, transition="close", actor=staff, comment="Done")
    client = login_client(staff)
    everything = (mine, theirs, nobodys, mine_closed)

    def listed(query: str) -> set[str]:
        response = client.get(f"{reverse('cases:index')}?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        return {c.reference for c in everything if c.reference in content}

    assert 'name="assignee"' in client.get(reverse("cases:index")).content.decode()
    assert listed(f"assignee={colleague.pk}") == {theirs.reference}
    assert listed(f"assignee={staff.pk}") == {mine.reference, mine_closed.reference}
    assert listed(f"assignee={staff.pk}&status=open") == {mine.reference}  # "My cases"
    assert listed(f"assignee={approver.pk}") == set()
    assert listed("") == {c.reference for c in everything}


def test_list_filters_by_opening_date_range(login_client, process, store, staff):
    def noon(day: int, month: int = 3) -> datetime.datetime:
        return datetime.datetime(2024, month, day, 12, tzinfo=datetime.UTC)

    early = open_case(process, store, staff, serial="EARLY001", now=noon(1))
    middle = open_case(process, store, staff, serial="MIDDLE01", now=noon(15))
    late = open_case(process, store, staff, serial="LATE0001", now=noon(2, month=4))
    client = login_client(staff)

    def listed(query: str) -> set[str]:
        response = client.get(f"{reverse('cases:index')}?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        return {c.reference for c in (early, middle, late) if c.reference in content}

    page = client.get(reverse("cases:index")).content.decode()
    assert 'name="opened_from"' in page and 'name="opened_to"' in page
    assert listed("opened_from=2024-03-10") == {middle.reference, late.reference}
    assert listed("opened_to=2024-03-10") == {early.reference}
    # Both ends are whole days and included.
    assert listed("opened_from=2024-03-01&opened_to=2024-03-15") == {
        early.reference,
        middle.reference,
    }
    assert listed("opened_from=2024-03-16&opened_to=2024-04-01") == set()
    assert listed("opened_from=2024-04-02&opened_to=2024-04-02") == {late.reference}


def test_overdue_cases_are_highlighted_in_the_list(login_client, process, store, staff):
    late = open_case(process, store, staff, now=timezone.now() - datetime.timedelta(hours=5))

    content = login_client(staff).get(reverse("cases:index")).content.decode()

    assert late.reference in content
    assert "data-overdue" in content


def test_search_finds_cases_by_reference_and_customer(login_client, process, store, staff):
    park = open_case(process, store, staff, name="Ji-woo Park", email="park@example.com")
    lee = open_case(process, store, staff, name="Seo-yeon Lee", phone="+82 10 5555 1234")
    client = login_client(staff)

    def found(query: str) -> set[str]:
        content = client.get(reverse("cases:index"), {"q": query}).content.decode()
        return {c.reference for c in (park, lee) if c.reference in content}

    assert found("park@EXAMPLE") == {park.reference}
    assert found("5555") == {lee.reference}
    assert found("lee") == {lee.reference}
    assert found(lee.reference) == {lee.reference}


def test_csv_export_contains_the_listed_cases(login_client, case, foreign_case, staff):
    case_assign(case=case, assignee=staff, actor=staff)

    response = login_client(staff).get(reverse("cases:index"), {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cases.csv"'
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == (
        "Reference,Process,State,Store,Customer name,Customer e-mail,Assignee,Opened,Due,Closed"
    )
    assert len(lines) == 2
    assert lines[1].startswith(
        f"{case.reference},Care,Intake,SEL-01,Ji-woo Park,,{staff.username},"
    )


def test_xlsx_export_is_offered(login_client, case, staff):
    response = login_client(staff).get(reverse("cases:index"), {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_list_query_count_does_not_grow_with_the_rows(
    login_client, process, store, other_store, staff, approver
):
    staff.store_memberships.create(store=other_store)
    approver.store_memberships.create(store=other_store)
    second = published_process(name="Returns", prefix="RET", intake_form=process.intake_form)
    client = login_client(staff)

    def add_cases(count: int) -> None:
        for index in range(count):
            case = open_case(
                process if index % 2 else second,
                store if index % 3 else other_store,
                staff,
                serial=f"SN{index:06d}",
            )
            if index % 4 == 0:
                case_assign(case=case, assignee=approver, actor=staff)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("cases:index"), params)
            if params.get("export"):
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured)

    add_cases(20)
    twenty = queries(), queries(export="csv")
    add_cases(80)
    hundred = queries(), queries(export="csv")

    assert twenty == hundred


# --- The case page --------------------------------------------------------------------------------


def test_case_page_shows_data_with_the_intake_labels_and_the_timeline(login_client, case, staff):
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "Worn clasp"})

    response = login_client(staff).get(case_url(case))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Serial number" in content and "AB123456" in content
    assert "Findings" in content and "Worn clasp" in content
    assert "Intake → Diagnosis" in content
    assert "<svg" in content
    assert "Min-jun Kim" in content


def diagram_marks(content: str) -> tuple[list[str], list[str], set[str]]:
    """From a case page: the states the process diagram marks current (``aria-current`` and the
    ``is-current`` class), and the sources of the transitions it draws as next steps."""
    svg = re.search(r'<svg[^>]*class="process-diagram".*?</svg>', content, re.DOTALL).group(0)
    root = DefusedET.fromstring(svg)
    by_aria = [el.get("data-state") for el in root.iter() if el.get("aria-current") == "step"]
    by_class = [
        el.get("data-state") for el in root.iter() if "is-current" in el.get("class", "").split()
    ]
    next_from = {el.get("data-source") for el in root.iter() if el.get("class") == "from-current"}
    return by_aria, by_class, next_from


def test_case_page_diagram_highlights_the_current_state(login_client, case, staff):
    client = login_client(staff)

    assert diagram_marks(client.get(case_url(case)).content.decode()) == (
        ["intake"],
        ["intake"],
        {"intake"},
    )

    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "Scratch"})

    assert diagram_marks(client.get(case_url(case)).content.decode()) == (
        ["diagnosis"],
        ["diagnosis"],
        {"diagnosis"},
    )


def test_case_page_offers_only_the_transitions_the_user_may_fire(
    login_client, process, case, staff, approver
):
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "ok"})
    case_transition(case=case, transition="ask_approval", actor=staff)
    approve_url = case_url(case, "transition", "approve")

    staff_page = login_client(staff).get(case_url(case)).content.decode()
    approver_page = login_client(approver).get(case_url(case)).content.decode()

    assert approve_url not in staff_page
    assert approve_url in approver_page


def test_transition_buttons_carry_their_style(login_client, case, staff):
    content = login_client(staff).get(case_url(case)).content.decode()

    assert f'href="{case_url(case, "transition", "close")}" class="button warning"' in content
    assert f'href="{case_url(case, "transition", "diagnose")}" class="button"' in content


# --- Transitions ----------------------------------------------------------------------------------


def test_transition_page_shows_the_step_form_and_the_state_seen(login_client, case, staff):
    response = login_client(staff).get(case_url(case, "transition", "diagnose"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="findings"' in content
    assert 'name="transition-expected_state" value="intake"' in content


def test_transition_with_a_valid_step_form_moves_the_case(login_client, case, staff):
    response = login_client(staff).post(
        case_url(case, "transition", "diagnose"),
        {"findings": "Worn clasp", "transition-comment": "", "transition-expected_state": "intake"},
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert messages_of(response) == [f"{case.reference} moved to “Diagnosis”"]
    case.refresh_from_db()
    assert case.state == "diagnosis"
    assert case.data["findings"] == "Worn clasp"
    event = case.events.get(kind=EventKind.TRANSITION)
    assert event.data == {"findings": "Worn clasp"}


def test_transition_without_step_form_stores_no_form_data(login_client, case, staff):
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "ok"})

    login_client(staff).post(
        case_url(case, "transition", "ask_approval"),
        {"transition-comment": "Over budget", "transition-expected_state": "diagnosis"},
    )

    event = case.events.get(transition="ask_approval")
    assert event.data == {}
    assert event.comment == "Over budget"


def test_an_invalid_step_form_is_shown_again_with_errors_and_changes_nothing(
    login_client, case, staff
):
    events_before = case.events.count()

    response = login_client(staff).post(
        case_url(case, "transition", "diagnose"),
        {"findings": "", "transition-expected_state": "intake"},
    )

    assert response.status_code == 200
    form = response.context["step_form"]
    assert form.errors["findings"]
    assert "error-message" in response.content.decode() or "This field is required" in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.state == "intake"
    assert case.events.count() == events_before


def test_a_missing_required_comment_is_shown_on_the_comment_field(login_client, case, staff):
    response = login_client(staff).post(
        case_url(case, "transition", "close"),
        {"transition-comment": "  ", "transition-expected_state": "intake"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    case.refresh_from_db()
    assert case.state == "intake"


def test_a_stale_page_asks_to_reload_and_changes_nothing(login_client, case, staff):
    client = login_client(staff)
    client.get(case_url(case, "transition", "close"))  # the user sees "Intake"
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "ok"})

    response = client.post(
        case_url(case, "transition", "close"),
        {"transition-comment": "Customer withdrew", "transition-expected_state": "intake"},
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    [message] = messages_of(response)
    assert "changed while you were looking at it" in message
    assert "Reload" in message
    case.refresh_from_db()
    assert case.state == "diagnosis"
    assert not case.events.filter(transition="close").exists()


def test_a_transition_reserved_for_another_group_is_refused(login_client, case, staff):
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "ok"})
    case_transition(case=case, transition="ask_approval", actor=staff)
    client = login_client(staff)

    page = client.get(case_url(case, "transition", "approve"))
    attempt = client.post(
        case_url(case, "transition", "approve"), {"transition-expected_state": "approval"}
    )

    assert page.status_code == 302
    assert "reserved for" in messages_of(page)[0]
    assert attempt.status_code == 302
    case.refresh_from_db()
    assert case.state == "approval"


def test_an_unknown_transition_answers_404(login_client, case, staff):
    response = login_client(staff).get(case_url(case, "transition", "teleport"))

    assert response.status_code == 404


# --- Opening --------------------------------------------------------------------------------------


def test_open_index_lists_the_active_published_processes(login_client, process, staff):
    inactive = published_process(name="Archived process", prefix="OLD", is_active=False)

    content = login_client(staff).get(reverse("cases:open_index")).content.decode()

    assert reverse("cases:open", args=[process.pk]) in content
    assert inactive.name not in content


def test_staff_opens_a_case_from_the_admin(login_client, process, store, staff):
    client = login_client(staff)
    form_page = client.get(reverse("cases:open", args=[process.pk]))
    assert 'name="serial_number"' in form_page.content.decode()

    response = client.post(
        reverse("cases:open", args=[process.pk]),
        {
            "case-store": store.pk,
            "case-customer_name": "Ji-woo Park",
            "case-customer_phone": "+82 10 1234 5678",
            "case-customer_email": "jiwoo@example.com",
            "case-customer_language": "ko",
            "serial_number": "XY987654",
            "symptom": "Clasp does not close",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert messages_of(response) == [f"Opened {case.reference}"]
    assert (case.store, case.customer_name, case.customer_language) == (store, "Ji-woo Park", "ko")
    assert case.data == {"serial_number": "XY987654", "symptom": "Clasp does not close"}
    assert case.opened_by == staff


def test_opening_with_an_invalid_intake_form_shows_the_errors(login_client, process, store, staff):
    response = login_client(staff).post(
        reverse("cases:open", args=[process.pk]),
        {"case-store": store.pk, "case-customer_name": "Ji-woo Park", "serial_number": ""},
    )

    assert response.status_code == 200
    assert response.context["intake_form"].errors["serial_number"]
    assert not Case.objects.exists()


def test_a_case_cannot_be_opened_in_a_store_the_user_does_not_belong_to(
    login_client, process, other_store, staff
):
    response = login_client(staff).post(
        reverse("cases:open", args=[process.pk]),
        {"case-store": other_store.pk, "serial_number": "AB123456"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["store"]
    assert not Case.objects.exists()


# --- Notes, assignment, attachments, events -------------------------------------------------------


def test_an_internal_note_is_added_with_its_author(login_client, case, staff):
    response = login_client(staff).post(case_url(case, "note"), {"note-text": "Called the client"})

    assert response.status_code == 302
    note = case.events.get(kind=EventKind.COMMENT)
    assert (note.comment, note.actor) == ("Called the client", staff)


def test_an_empty_note_is_refused_with_the_services_words(login_client, case, staff):
    response = login_client(staff).post(case_url(case, "note"), {"note-text": "   "})

    assert response.status_code == 200
    assert "The note is empty." in messages_of(response)
    assert not case.events.filter(kind=EventKind.COMMENT).exists()


def test_assigning_from_the_case_page(login_client, case, staff, approver):
    response = login_client(staff).post(case_url(case, "assign"), {"assign-assignee": approver.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == approver


def test_an_upload_is_stored_and_downloaded_as_an_attachment(
    login_client, case, staff, private_storage
):
    client = login_client(staff)
    response = client.post(
        case_url(case, "attach"), {"upload-file": SimpleUploadedFile("front.png", PNG)}
    )
    assert response.status_code == 302
    attachment = case.attachments.get()

    download = client.get(case_url(case, "attachment", attachment.pk))

    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="front.png"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG
    assert (
        case_url(case, "attachment", attachment.pk) in client.get(case_url(case)).content.decode()
    )


def test_an_upload_of_a_forbidden_real_type_is_refused_with_a_clear_message(
    login_client, case, staff, private_storage
):
    disguised = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf"
    )

    response = login_client(staff).post(case_url(case, "attach"), {"upload-file": disguised})

    assert response.status_code == 200
    [message] = messages_of(response)
    assert "invoice.pdf" in message and "not accepted" in message
    assert response.context["upload_form"].errors["file"] == ["File type not accepted."]
    assert not case.attachments.exists()


def test_an_attachment_of_another_case_is_not_served(
    login_client, process, store, case, staff, private_storage
):
    other = open_case(process, store, staff)
    attachment = case_attach(
        case=other, actor=staff, upload=SimpleUploadedFile("front.png", PNG, "image/png")
    )

    response = login_client(staff).get(case_url(case, "attachment", attachment.pk))

    assert response.status_code == 404


def test_events_json_lists_the_history_with_state_labels(login_client, case, staff):
    case_transition(case=case, transition="diagnose", actor=staff, data={"findings": "ok"})

    payload = login_client(staff).get(case_url(case, "events")).json()

    assert payload["case"]["reference"] == case.reference
    assert [event["kind"] for event in payload["events"]] == ["opened", "transition"]
    transition = payload["events"][1]
    assert (transition["from_label"], transition["to_label"]) == ("Intake", "Diagnosis")
    assert transition["actor"] == staff.username
    assert transition["data"] == {"findings": "ok"}


# --- Bulk transition ------------------------------------------------------------------------------


def bulk_url(*cases, next_url="/admin/cases/") -> str:
    ids = "&".join(f"id={case.pk}" for case in cases)
    url = reverse("wagtail_bulk_action", args=["workflows", "case", "transition"])
    return f"{url}?{ids}&next={next_url}"


def test_bulk_transition_lists_the_cases_that_moved_and_those_that_failed(
    login_client, process, store, staff
):
    ready = open_case(process, store, staff)
    case_transition(case=ready, transition="diagnose", actor=staff, data={"findings": "ok"})
    still_in_intake = open_case(process, store, staff)
    client = login_client(staff)

    confirm = client.get(bulk_url(ready, still_in_intake))
    assert confirm.status_code == 200
    assert "ask_approval" in confirm.content.decode()

    response = client.post(bulk_url(ready, still_in_intake), {"transition": "ask_approval"})

    assert response.status_code == 200
    assert [row["case"].reference for row in response.context["succeeded"]] == [ready.reference]
    [failed] = response.context["failed"]
    assert failed["case"].reference == still_in_intake.reference
    assert "cannot be used while the case is “Intake”" in failed["reason"]
    content = response.content.decode()
    assert ready.reference in content and still_in_intake.reference in content
    ready.refresh_from_db()
    still_in_intake.refresh_from_db()
    assert (ready.state, still_in_intake.state) == ("approval", "intake")


def test_bulk_transition_ignores_cases_of_other_stores(login_client, case, foreign_case, staff):
    response = login_client(staff).post(
        bulk_url(case, foreign_case), {"transition": "close", "comment": "Duplicate"}
    )

    assert [row["case"] for row in response.context["succeeded"]] == [case]
    assert response.context["failed"] == []
    foreign_case.refresh_from_db()
    assert foreign_case.state == "intake"


def test_the_list_offers_the_bulk_transition(login_client, case, staff):
    content = login_client(staff).get(reverse("cases:index")).content.decode()

    assert reverse("wagtail_bulk_action", args=["workflows", "case", "transition"]) in content
    assert "data-bulk-action-checkbox" in content


def test_select_all_in_listing_takes_the_filtered_cases_of_the_users_stores(
    login_client, process, store, staff, foreign_case
):
    in_diagnosis = open_case(process, store, staff)
    case_transition(case=in_diagnosis, transition="diagnose", actor=staff, data={"findings": "x"})
    open_case(process, store, staff)  # still in intake: filtered out
    url = reverse("wagtail_bulk_action", args=["workflows", "case", "transition"])

    response = login_client(staff).get(url, {"id": "all", "state": "diagnosis", "q": ""})

    assert [row["item"] for row in response.context["items"]] == [in_diagnosis]


def test_live_search_results_are_scoped_too(login_client, case, foreign_case, staff):
    response = login_client(staff).get(reverse("cases:index_results"), {"q": "e"})

    content = response.content.decode()
    assert response.status_code == 200
    assert case.reference in content
    assert foreign_case.reference not in content
