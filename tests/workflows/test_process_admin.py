"""Designers build and publish processes from the admin alone."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from project.accounts.roles import Role
from tests.factories import UserFactory
from tests.workflows.factories import make_process
from workflows.models import Process, ProcessState, ProcessTransition, ProcessVersion

pytestmark = pytest.mark.django_db


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in {**row, "ORDER": str(index + 1)}.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def process_form(**overrides) -> dict:
    approver = Group.objects.get(name=Role.APPROVER)
    data = {
        "name": "Discount approval",
        "code": "discount-approval",
        "reference_prefix": "DISC",
        "description": "",
        "assignment_rule": "none",
        "assignment_field": "",
        "is_active": "on",
        **formset(
            "states",
            [
                {"code": "requested", "label": "Requested", "kind": "initial", "sla_hours": "4"},
                {"code": "approved", "label": "Approved", "kind": "terminal"},
                {"code": "refused", "label": "Refused", "kind": "terminal"},
            ],
        ),
        **formset("triggers", []),
        **formset(
            "transitions",
            [
                {
                    "code": "approve",
                    "label": "Approve",
                    "sources": "requested",
                    "target": "approved",
                    "allowed_groups": [str(approver.pk)],
                    "button_style": "primary",
                    "condition": "",
                },
                {
                    "code": "refuse",
                    "label": "Refuse",
                    "sources": "requested",
                    "target": "refused",
                    "button_style": "warning",
                    "comment_required": "on",
                    "condition": "",
                },
            ],
        ),
    }
    data.update(overrides)
    return data


@pytest.fixture
def designer_client(login_client):
    return login_client(UserFactory(role=Role.PROCESS_DESIGNER))


def test_designer_creates_a_process_with_a_group_restricted_transition(designer_client):
    response = designer_client.post("/admin/processes/new/", process_form())

    assert response.status_code == 302, response.context["form"].errors
    process = Process.objects.get(code="discount-approval")
    assert [s.code for s in process.states.all()] == ["requested", "approved", "refused"]
    approve = process.transitions.get(code="approve")
    assert [g.name for g in approve.allowed_groups.all()] == [Role.APPROVER]


def test_review_page_lists_the_problems_and_publish_is_refused(designer_client):
    process = make_process(
        states=[("a", "A", "initial"), ("z", "Z", "terminal")],
        transitions=[("go", "Go", ["a"], "nowhere", [], "")],
    )

    review = designer_client.get(f"/admin/processes/publish/{process.pk}/")
    published = designer_client.post(f"/admin/processes/publish/{process.pk}/", follow=True)

    message = "Transition “go” goes to “nowhere”, which is not a state of this process."
    assert message in review.text
    assert message in published.text
    assert not ProcessVersion.objects.filter(process=process).exists()


def test_designer_publishes_from_the_review_page(designer_client):
    designer_client.post("/admin/processes/new/", process_form())
    process = Process.objects.get(code="discount-approval")

    response = designer_client.post(f"/admin/processes/publish/{process.pk}/", follow=True)

    process.refresh_from_db()
    assert process.live_version.number == 1
    assert "version 1 is live" in response.text
    assert 'data-state="requested"' in response.text  # the diagram


def test_staff_cannot_edit_or_publish_processes(login_client):
    client = login_client(UserFactory(role=Role.STORE_STAFF))
    process = make_process()

    assert client.get(f"/admin/processes/edit/{process.pk}/").status_code in {302, 403}
    response = client.post(f"/admin/processes/publish/{process.pk}/")
    assert response.status_code in {302, 403}
    assert response.get("Location", "/admin/") == "/admin/"
    assert not ProcessVersion.objects.exists()


def test_form_choices_follow_the_forms_purpose(designer_client):
    from forms.choices import FormPurpose
    from tests.forms.factories import FormDefinitionFactory

    FormDefinitionFactory(name="Counter intake", purpose=FormPurpose.INTAKE)
    FormDefinitionFactory(name="Diagnosis", purpose=FormPurpose.STEP)
    FormDefinitionFactory(name="Product quiz", purpose=FormPurpose.QUIZ)

    form = designer_client.get("/admin/processes/new/").context["form"]

    intake_choices = {str(label) for _value, label in form.fields["intake_form"].choices}
    step_field = form.formsets["transitions"].empty_form.fields["step_form"]
    step_choices = {str(label) for _value, label in step_field.choices}
    assert "Counter intake" in intake_choices
    assert {"Diagnosis", "Product quiz"}.isdisjoint(intake_choices)
    assert "Diagnosis" in step_choices
    assert {"Counter intake", "Product quiz"}.isdisjoint(step_choices)


def test_copying_a_process_starts_a_new_one_with_its_states_and_transitions(designer_client):
    from tests.rendered import form_with_button, submit

    original = make_process(name="Returns", prefix="RET")
    page = designer_client.get(f"/admin/processes/copy/{original.pk}/")
    form = form_with_button(page, "Create")
    form.fill("name", "Returns (Paris)")
    form.fill("code", "returns-paris")
    form.fill("reference_prefix", "RETP")

    response = submit(designer_client, page, form)

    assert response.status_code == 302
    copy = Process.objects.get(code="returns-paris")
    original.refresh_from_db()
    assert (original.name, original.reference_prefix) == ("Returns", "RET")
    assert [s.code for s in copy.states.all()] == [s.code for s in original.states.all()]
    assert [t.code for t in copy.transitions.all()] == [t.code for t in original.transitions.all()]
    assert original.states.count() == copy.states.count() == 4
    assert not set(copy.states.values_list("pk", flat=True)) & set(
        original.states.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("999999.99", "An SLA target is at most 2000 business hours."),
        ("2000.01", "An SLA target is at most 2000 business hours."),
        ("-1", "An SLA target is at least 0.25 business hours."),
        ("0", "An SLA target is at least 0.25 business hours."),
    ],
)
def test_an_sla_target_out_of_range_is_refused_on_saving(designer_client, hours, message):
    data = process_form()
    data["states-0-sla_hours"] = hours

    response = designer_client.post("/admin/processes/new/", data)

    assert response.status_code == 200
    assert message in response.text
    assert not Process.objects.filter(code="discount-approval").exists()


@pytest.mark.parametrize("hours", ["0.25", "2000"])
def test_the_ends_of_the_sla_range_are_accepted(designer_client, hours):
    data = process_form()
    data["states-0-sla_hours"] = hours

    response = designer_client.post("/admin/processes/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    state = Process.objects.get(code="discount-approval").states.get(code="requested")
    assert str(state.sla_hours) == f"{Decimal(hours):.2f}"


def test_publishing_refuses_an_sla_target_out_of_range_written_around_the_admin(designer_client):
    process = make_process(
        states=[("a", "A", "initial", 4), ("z", "Z", "terminal")],
        transitions=[("go", "Go", ["a"], "z", [], "")],
    )
    ProcessState.objects.filter(process=process, code="a").update(sla_hours=999999.99)

    published = designer_client.post(f"/admin/processes/publish/{process.pk}/", follow=True)

    assert (
        "State “a” has an SLA target of 999999.99 business hours: give 0.25 to 2000, or none."
        in published.text
    )
    assert not ProcessVersion.objects.filter(process=process).exists()


def test_publishing_refuses_a_text_longer_than_its_column_written_around_the_admin(
    designer_client,
):
    process = make_process(
        states=[("a", "A", "initial"), ("z", "Z", "terminal")],
        transitions=[("go", "Go", ["a"], "z", [], "")],
    )
    ProcessTransition.objects.filter(process=process).update(customer_message="m" * 5000)

    published = designer_client.post(f"/admin/processes/publish/{process.pk}/", follow=True)

    assert (
        "Transition “go”: Message to the customer: at most 4000 characters (it has 5000)."
        in published.text
    )
    assert not ProcessVersion.objects.filter(process=process).exists()


def test_a_description_longer_than_its_bound_is_refused_on_saving(designer_client):
    response = designer_client.post("/admin/processes/new/", process_form(description="d" * 2001))

    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert 'maxlength="2000"' in response.text
    assert not Process.objects.filter(code="discount-approval").exists()
