"""Issue 3's acceptance, through the admin views only (no code, no shell).

A process designer builds a step form and a three-state process with a group-restricted transition
in the admin and publishes both; a store staff member opens a case and moves it on; an approver
finishes it with the step form. Every POST is made from the form the admin rendered (as a browser
would submit it, see ``tests.rendered.RenderedForm``), so the test proves the pages offer the
fields it fills.
The same journey by clicking, with the admin's JavaScript, is tests/browser/test_process_journey.py.
"""

from __future__ import annotations

import re

import pytest

from forms.models import FormDefinition
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.rendered import form_with_button, messages_of, submit, text_of
from workflows.choices import EventKind
from workflows.models import Case, CaseEvent, Process

pytestmark = pytest.mark.django_db


def offered_transitions(response) -> list[str]:
    """Codes of the transition buttons in the case page's "Next steps"."""
    return re.findall(r'<a href="/admin/cases/\d+/transition/([\w-]+)/"', response.text)


# --- The people -----------------------------------------------------------------------------------


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul Cheongdam")


@pytest.fixture
def designer():
    return UserFactory(username="designer", role=Role.PROCESS_DESIGNER)


@pytest.fixture
def staff(store):
    return UserFactory(
        username="minjun",
        first_name="Min-jun",
        last_name="Kim",
        role=Role.STORE_STAFF,
        stores=[store],
    )


@pytest.fixture
def approver(store):
    return UserFactory(
        username="seoyeon",
        first_name="Seo-yeon",
        last_name="Park",
        role=Role.APPROVER,
        stores=[store],
    )


# --- The designer's part --------------------------------------------------------------------------


def design_diagnosis_form(client) -> FormDefinition:
    """Build the "Diagnosis" step form with two fields in the admin, then publish it."""
    page = client.get("/admin/form-definitions/new/")
    form = form_with_button(page, "Create")
    form.fill("name", "Diagnosis")
    form.fill("slug", "diagnosis")
    form.choose("purpose", "Workflow step")
    findings = form.add_child("fields")
    form.fill(f"{findings}-label", "Findings")
    form.choose(f"{findings}-field_type", "Single line text")
    form.tick(f"{findings}-required")
    hours = form.add_child("fields")
    form.fill(f"{hours}-label", "Hours spent")
    form.choose(f"{hours}-field_type", "Number")
    form.fill(f"{hours}-min_value", "0")

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    definition = FormDefinition.objects.get(slug="diagnosis")
    assert created.url == "/admin/form-definitions/"
    edit = client.get(f"/admin/form-definitions/edit/{definition.pk}/")
    assert "Publish" in text_of(edit)

    published = client.post(f"/admin/form-definitions/{definition.pk}/publish/", follow=True)

    assert published.redirect_chain == [(f"/admin/form-definitions/edit/{definition.pk}/", 302)]
    assert "Published version 1." in text_of(published)
    definition.refresh_from_db()
    schema = definition.live_version.schema
    assert [(spec["clean_name"], spec["field_type"], spec["required"]) for spec in schema] == [
        ("findings", "single_line", True),
        ("hours_spent", "number", True),
    ]
    return definition


def design_repair_process(client) -> Process:
    """Build "Watch repair" (Received -> In diagnosis -> Done) in the admin, then publish it."""
    page = client.get("/admin/processes/new/")
    form = form_with_button(page, "Create")
    form.fill("name", "Watch repair")
    form.fill("code", "watch-repair")
    form.fill("reference_prefix", "REP")
    form.fill("description", "A watch comes in, is diagnosed and goes back.")
    for code, label, kind in [
        ("received", "Received", "Initial"),
        ("in_diagnosis", "In diagnosis", "Active (someone works on it)"),
        ("done", "Done", "Terminal (the case is closed)"),
    ]:
        state = form.add_child("states")
        form.fill(f"{state}-code", code)
        form.fill(f"{state}-label", label)
        form.choose(f"{state}-kind", kind)
    start = form.add_child("transitions")
    form.fill(f"{start}-code", "start")
    form.fill(f"{start}-label", "Start diagnosis")
    form.fill(f"{start}-sources", "received")
    form.fill(f"{start}-target", "in_diagnosis")
    form.choose(f"{start}-allowed_groups", Role.STORE_STAFF)
    finish = form.add_child("transitions")
    form.fill(f"{finish}-code", "finish")
    form.fill(f"{finish}-label", "Finish")
    form.fill(f"{finish}-sources", "in_diagnosis")
    form.fill(f"{finish}-target", "done")
    form.choose(f"{finish}-allowed_groups", Role.APPROVER)
    form.choose(f"{finish}-step_form", "Diagnosis")

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    process = Process.objects.get(code="watch-repair")
    edit = client.get(f"/admin/processes/edit/{process.pk}/")
    assert f'href="/admin/processes/publish/{process.pk}/"' in edit.text  # "Review and publish"

    review = client.get(f"/admin/processes/publish/{process.pk}/")
    assert "No problems found: the draft can be published." in text_of(review)
    published = submit(client, review, form_with_button(review, "Publish"), follow=True)

    assert published.redirect_chain == [(f"/admin/processes/publish/{process.pk}/", 302)]
    assert "Watch repair: version 1 is live." in text_of(published)
    for state in ("received", "in_diagnosis", "done"):
        assert f'data-state="{state}"' in published.text  # the diagram
    process.refresh_from_db()
    return process


@pytest.fixture
def repair_process(login_client, designer) -> Process:
    client = login_client(designer)
    design_diagnosis_form(client)
    return design_repair_process(client)


def test_designer_publishes_a_step_form_and_a_three_state_process_from_the_admin(
    repair_process,
):
    definition = repair_process.live_version.definition
    assert [(s.code, s.label, s.kind) for s in definition.states] == [
        ("received", "Received", "initial"),
        ("in_diagnosis", "In diagnosis", "active"),
        ("done", "Done", "terminal"),
    ]
    start, finish = definition.transitions
    assert (start.code, start.sources, start.target) == ("start", ("received",), "in_diagnosis")
    assert start.allowed_group_names == (Role.STORE_STAFF,)
    assert start.step_form_version_id is None
    assert (finish.code, finish.sources, finish.target) == ("finish", ("in_diagnosis",), "done")
    assert finish.allowed_group_names == (Role.APPROVER,)
    diagnosis = FormDefinition.objects.get(slug="diagnosis")
    assert finish.step_form_version_id == diagnosis.live_version_id
    assert repair_process.live_version.published_by.username == "designer"


# --- The staff's and the approver's part ----------------------------------------------------------


def test_staff_and_approver_move_a_case_through_the_designed_process(
    repair_process, login_client, staff, approver, store
):
    # Store staff open a case on the process the designer just published.
    staff_client = login_client(staff)
    listing = staff_client.get("/admin/cases/open/")
    assert f'href="/admin/cases/open/{repair_process.pk}/"' in listing.text
    assert "Watch repair" in text_of(listing)
    page = staff_client.get(f"/admin/cases/open/{repair_process.pk}/")
    form = form_with_button(page, "Open the case")
    assert form.data["case-store"] == [str(store.pk)]  # their only store, chosen already
    form.fill("case-customer_name", "Ji-woo Lee")

    opened = submit(staff_client, page, form)

    case = Case.objects.get(process=repair_process)
    assert opened.status_code == 302
    assert opened.url == f"/admin/cases/{case.pk}/"
    assert messages_of(opened) == [f"Opened {case.reference}"]
    assert re.fullmatch(r"REP-\d{4}-000001", case.reference)
    assert (case.state, case.store, case.opened_by) == ("received", store, staff)

    # They start the diagnosis; "Finish" is not offered to them then.
    detail = staff_client.get(f"/admin/cases/{case.pk}/")
    assert offered_transitions(detail) == ["start"]
    page = staff_client.get(f"/admin/cases/{case.pk}/transition/start/")
    assert f"{case.reference} is “Received”; this moves it to “In diagnosis”." in text_of(page)
    form = form_with_button(page, "Start diagnosis")
    form.fill("transition-comment", "Crown does not wind.")

    started = submit(staff_client, page, form, follow=True)

    assert started.redirect_chain == [(f"/admin/cases/{case.pk}/", 302)]
    assert f"{case.reference} moved to “In diagnosis”" in text_of(started)
    assert offered_transitions(started) == []
    assert "Nothing you can do from this state: another group takes it from here." in text_of(
        started
    )
    case.refresh_from_db()
    assert case.state == "in_diagnosis"

    # "Finish" is reserved for approvers: opening or posting it as staff is refused and says so.
    refused_page = staff_client.get(f"/admin/cases/{case.pk}/transition/finish/", follow=True)
    refused_post = staff_client.post(
        f"/admin/cases/{case.pk}/transition/finish/",
        {"findings": "Mainspring broken", "hours_spent": "1", "transition-comment": ""},
        follow=True,
    )

    for response in (refused_page, refused_post):
        assert response.redirect_chain == [(f"/admin/cases/{case.pk}/", 302)]
        assert "“Finish” is reserved for: Approver." in text_of(response)
    case.refresh_from_db()
    assert case.state == "in_diagnosis"
    assert "findings" not in case.data
    assert CaseEvent.objects.filter(case=case).count() == 2

    # The approver of the same store sees "Finish" and its step form.
    approver_client = login_client(approver)
    detail = approver_client.get(f"/admin/cases/{case.pk}/")
    assert offered_transitions(detail) == ["finish"]
    page = approver_client.get(f"/admin/cases/{case.pk}/transition/finish/")
    form = form_with_button(page, "Finish")
    assert {"findings", "hours_spent", "transition-comment"} <= set(form.data)

    # Wrong answers: the form comes back with the errors, nothing is recorded.
    form.fill("findings", "")
    form.fill("hours_spent", "two")
    invalid = submit(approver_client, page, form)

    assert invalid.status_code == 200
    [message] = messages_of(invalid)
    assert message.startswith("The form has errors:")
    step_form = invalid.context["step_form"]
    assert step_form.errors["findings"] == ["This field is required."]
    assert step_form.errors["hours_spent"] == ["Enter a number such as 12 or 12.5."]
    for name, error in [
        ("findings", "This field is required."),
        ("hours_spent", "Enter a number such as 12 or 12.5."),
    ]:
        # Shown next to the field, and announced with it (the input points at the message).
        assert f'aria-describedby="id_{name}_error"' in invalid.text
        errors_box = rf'id="id_{name}_error"[^>]*>(?:(?!</div>).)*{re.escape(error)}'
        assert re.search(errors_box, invalid.text, flags=re.S)
    case.refresh_from_db()
    assert case.state == "in_diagnosis"
    assert CaseEvent.objects.filter(case=case).count() == 2

    # Corrected answers, from the page the errors were shown on: the case is done.
    form = form_with_button(invalid, "Finish")
    assert form.data["hours_spent"] == ["two"]  # what they typed is kept
    form.fill("findings", "Mainspring broken, replaced")
    form.fill("hours_spent", "2.5")
    finished = submit(approver_client, invalid, form, follow=True)

    assert finished.redirect_chain == [(f"/admin/cases/{case.pk}/", 302)]
    page_text = text_of(finished)
    assert f"{case.reference} moved to “Done”" in page_text
    assert "This case is closed." in page_text
    assert offered_transitions(finished) == []
    case.refresh_from_db()
    assert case.state == "done"
    assert case.closed_at is not None
    assert case.data == {"findings": "Mainspring broken, replaced", "hours_spent": "2.5"}

    events = list(CaseEvent.objects.filter(case=case).order_by("created_at", "pk"))
    assert [(e.kind, e.transition, e.from_state, e.to_state, e.actor) for e in events] == [
        (EventKind.OPENED, "", "", "received", staff),
        (EventKind.TRANSITION, "start", "received", "in_diagnosis", staff),
        (EventKind.TRANSITION, "finish", "in_diagnosis", "done", approver),
    ]
    assert events[1].comment == "Crown does not wind."
    assert events[2].data == {"findings": "Mainspring broken, replaced", "hours_spent": "2.5"}

    # The timeline tells the story in the user's words, with the step form's labels.
    timeline = finished.text[finished.text.index("data-timeline") :]
    timeline_text = " ".join(re.sub(r"<[^>]+>", " ", timeline).split())
    assert timeline_text.index("Opened") < timeline_text.index("Transition: Start diagnosis")
    assert "Received → In diagnosis" in timeline_text
    assert "Crown does not wind." in timeline_text
    assert "Transition: Finish" in timeline_text
    assert "In diagnosis → Done" in timeline_text
    assert "Findings Mainspring broken, replaced" in timeline_text
    assert "Hours spent 2.5" in timeline_text
    assert "Seo-yeon Park" in timeline_text
