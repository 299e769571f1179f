"""case_open, case_transition, case_assign, case_comment, case_attach and bulk transitions."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from forms.choices import FormPurpose
from forms.services import form_publish
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory
from tests.workflows.factories import published_process
from workflows.choices import AssignmentRule, EventKind, StateKind
from workflows.errors import CaseChanged, InvalidInput, TransitionRefused
from workflows.models import Case, CaseEvent
from workflows.services import (
    available_transitions,
    case_assign,
    case_attach,
    case_comment,
    case_open,
    case_transition,
    cases_bulk_transition,
    waiting_transitions,
)

pytestmark = pytest.mark.django_db

INITIAL, A, W, T = StateKind.INITIAL, StateKind.ACTIVE, StateKind.WAITING, StateKind.TERMINAL

APPROVAL_STATES = [("requested", "Requested", INITIAL), ("approved", "Approved", T)]


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def approver(store):
    return UserFactory(role=Role.APPROVER, stores=[store])


@pytest.fixture
def process():
    return published_process(prefix="CARE")


@pytest.fixture
def case(process, store, staff):
    return case_open(process=process, store=store, actor=staff, customer={"name": "Ji-woo Park"})


# --- opening --------------------------------------------------------------------------------------


def test_opening_a_case_gives_a_reference_the_initial_state_and_an_event(case, staff):
    year = timezone.now().astimezone(case.store.zoneinfo).year

    assert case.reference == f"CARE-{year}-000001"
    assert case.state == "intake"
    [event] = case.events.all()
    assert (event.kind, event.actor, event.to_state) == (EventKind.OPENED, staff, "intake")


def test_references_are_consecutive_per_process_and_year(process, store, staff):
    first = case_open(process=process, store=store, actor=staff)
    second = case_open(process=process, store=store, actor=staff)
    other = case_open(process=published_process(prefix="RET"), store=store, actor=staff)

    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert other.reference.startswith("RET-")


def test_staff_cannot_open_a_case_in_another_store(process, staff):
    with pytest.raises(InvalidInput, match="not a member of Kyiv"):
        case_open(process=process, store=StoreFactory(name="Kyiv"), actor=staff)
    assert not Case.objects.exists()


def test_an_unpublished_process_cannot_open_cases(store, staff):
    from tests.workflows.factories import make_process

    with pytest.raises(InvalidInput, match="no published version"):
        case_open(process=make_process(), store=store, actor=staff)


# --- transitions: allowed, refused, permission ----------------------------------------------------


def test_allowed_transition_moves_the_case_and_records_who_when_and_how_long(case, staff):
    opened = case.opened_at
    later = opened + datetime.timedelta(hours=2, microseconds=5)

    event = case_transition(
        case=case, transition="start_diagnosis", actor=staff, comment="Scratched case", now=later
    )

    case.refresh_from_db()
    assert case.state == "diagnosis"
    assert case.state_entered_at == later
    assert (event.from_state, event.to_state, event.transition) == (
        "intake",
        "diagnosis",
        "start_diagnosis",
    )
    assert event.actor == staff and event.comment == "Scratched case"
    assert event.seconds_in_state == Decimal("7200.000005")


def test_refused_transition_from_the_wrong_state_says_so_and_changes_nothing(case, staff):
    with pytest.raises(TransitionRefused) as caught:
        case_transition(case=case, transition="send_quote", actor=staff)

    assert caught.value.reason == "wrong_state"
    assert "cannot be used while the case is “Intake”" in caught.value.message
    case.refresh_from_db()
    assert case.state == "intake"
    assert case.events.count() == 1


def test_unknown_transition_is_refused_by_name(case, staff):
    with pytest.raises(TransitionRefused, match="“teleport” is not a transition"):
        case_transition(case=case, transition="teleport", actor=staff)


def test_group_restricted_transition_refuses_other_groups(store, staff, approver):
    process = published_process(
        states=APPROVAL_STATES,
        transitions=[("approve", "Approve", ["requested"], "approved", [Role.APPROVER], "")],
    )
    case = case_open(process=process, store=store, actor=staff)

    with pytest.raises(TransitionRefused) as caught:
        case_transition(case=case, transition="approve", actor=staff)

    assert caught.value.reason == "permission"
    assert "reserved for: Approver" in caught.value.message
    assert case_transition(case=case, transition="approve", actor=approver).to_state == "approved"


def test_condition_false_names_the_failing_clause(store, staff):
    process = published_process(
        states=APPROVAL_STATES,
        transitions=[
            (
                "approve",
                "Approve",
                ["requested"],
                "approved",
                [],
                'data.amount > 500 and store.country == "KR"',
            )
        ],
    )
    case = case_open(process=process, store=store, actor=staff)
    Case.objects.filter(pk=case.pk).update(data={"amount": 300})

    with pytest.raises(TransitionRefused) as caught:
        case_transition(case=case, transition="approve", actor=staff)

    assert caught.value.reason == "condition"
    assert "data.amount > 500" in caught.value.message
    assert "store.country" not in caught.value.message


def test_waiting_transitions_are_those_held_back_only_by_their_condition(store, staff):
    process = published_process(
        states=APPROVAL_STATES,
        transitions=[
            ("approve", "Approve", ["requested"], "approved", [], "data.amount > 500"),
            ("escalate", "Escalate", ["requested"], "approved", [Role.APPROVER], "data.amount > 0"),
            ("drop", "Drop", ["requested"], "approved", [], ""),
        ],
    )
    case = case_open(process=process, store=store, actor=staff)
    Case.objects.filter(pk=case.pk).update(data={"amount": 300})
    case.refresh_from_db()

    waiting = waiting_transitions(case, staff)

    # Escalate is another group's, drop is available now: neither is waiting.
    assert [(t.code, refusal.reason) for t, refusal in waiting] == [("approve", "condition")]
    assert "data.amount > 500" in waiting[0][1].message
    assert [t.code for t in available_transitions(case, staff)] == ["drop"]


def test_condition_true_lets_the_transition_run(store, staff):
    process = published_process(
        states=APPROVAL_STATES,
        transitions=[("approve", "Approve", ["requested"], "approved", [], "data.amount > 500")],
    )
    case = case_open(process=process, store=store, actor=staff)
    Case.objects.filter(pk=case.pk).update(data={"amount": 900})

    assert case_transition(case=case, transition="approve", actor=staff).to_state == "approved"


def test_comment_required_transition_refuses_an_empty_comment(store, staff):
    process = published_process(
        states=APPROVAL_STATES,
        transitions=[
            ("approve", "Approve", ["requested"], "approved", [], "", {"comment_required": True})
        ],
    )
    case = case_open(process=process, store=store, actor=staff)

    with pytest.raises(TransitionRefused) as caught:
        case_transition(case=case, transition="approve", actor=staff, comment="  ")

    assert caught.value.field_errors == {"comment": ["Say why in a comment."]}
    event = case_transition(case=case, transition="approve", actor=staff, comment="OK by phone")
    assert event.comment == "OK by phone"


def test_stale_expected_state_asks_to_reload(case, staff):
    case_transition(case=case, transition="start_diagnosis", actor=staff)

    with pytest.raises(CaseChanged, match="Reload it"):
        case_transition(case=case, transition="close", actor=staff, expected_state="intake")
    case.refresh_from_db()
    assert case.state == "diagnosis"


def test_closing_sets_closed_and_offers_nothing_more(case, staff):
    case_transition(case=case, transition="close", actor=staff)
    case.refresh_from_db()

    assert case.is_closed
    assert available_transitions(case, staff) == []
    with pytest.raises(TransitionRefused, match="is closed"):
        case_transition(case=case, transition="close", actor=staff)


def test_the_state_field_cannot_be_written_directly(case):
    with pytest.raises(AttributeError):
        case.state = "closed"


def test_available_transitions_follow_state_and_group(store, staff, approver):
    process = published_process(
        states=[("requested", "Requested", INITIAL), ("approved", "Approved", T), ("no", "No", T)],
        transitions=[
            ("approve", "Approve", ["requested"], "approved", [Role.APPROVER], ""),
            ("withdraw", "Withdraw", ["requested"], "no", [], ""),
        ],
    )
    case = case_open(process=process, store=store, actor=staff)

    assert [t.code for t in available_transitions(case, staff)] == ["withdraw"]
    assert [t.code for t in available_transitions(case, approver)] == ["approve", "withdraw"]


# --- events ---------------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted(case):
    event = case.events.get()

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_events_cannot_be_changed_through_the_admin_or_in_bulk(case, login_client):
    event = case.events.get()
    admin = UserFactory(is_superuser=True)

    # No admin viewset, snippet or Django admin page is registered for events.
    assert AdminURLFinder(admin).get_edit_url(event) is None
    for name in (
        "wagtailsnippets_workflows_caseevent:edit",
        "wagtailsnippets_workflows_caseevent:delete",
        "caseevent:edit",
        "caseevent:delete",
        "admin:workflows_caseevent_change",
        "admin:workflows_caseevent_delete",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[event.pk])
    client = login_client(admin)
    for path in (
        f"/admin/cases/{case.pk}/events/{event.pk}/",
        f"/admin/cases/{case.pk}/events/{event.pk}/edit/",
        f"/admin/cases/{case.pk}/events/{event.pk}/delete/",
        f"/admin/snippets/workflows/caseevent/edit/{event.pk}/",
        f"/admin/snippets/workflows/caseevent/delete/{event.pk}/",
    ):
        assert client.post(path, {"comment": "rewritten"}).status_code == 404, path
    # The history feed only reads: writing to it is refused and changes nothing.
    feed = reverse("cases:events", args=[case.pk])
    assert client.post(feed, {"comment": "rewritten"}).status_code == 405
    assert client.delete(feed).status_code == 405
    assert list(case.events.values_list("pk", "comment")) == [(event.pk, "")]

    event.comment = "rewritten"
    # bulk_update runs in an atomic block without a savepoint: give it one to fail in.
    with pytest.raises(TypeError, match="immutable"), transaction.atomic():
        CaseEvent.objects.bulk_update([event], ["comment"])
    event.refresh_from_db()
    assert event.comment == ""


def test_durations_add_up_to_the_age_of_a_closed_case(case, staff):
    start = case.opened_at
    case_transition(
        case=case,
        transition="start_diagnosis",
        actor=staff,
        now=start + datetime.timedelta(minutes=7, microseconds=3),
    )
    case_transition(
        case=case, transition="close", actor=staff, now=start + datetime.timedelta(days=2)
    )
    case.refresh_from_db()

    total = sum(event.seconds_in_state for event in case.events.all())
    assert total == Decimal((case.closed_at - case.opened_at).total_seconds())


# --- assignment, notes, attachments, bulk ---------------------------------------------------------


def test_assigning_to_a_store_member_records_an_event(case, staff, approver):
    event = case_assign(case=case, assignee=approver, actor=staff)

    case.refresh_from_db()
    assert case.assignee == approver
    assert event.data == {"from": None, "to": approver.username}


def test_assigning_to_someone_outside_the_store_is_refused(case, staff):
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()])

    with pytest.raises(InvalidInput, match="not a member"):
        case_assign(case=case, assignee=outsider, actor=staff)


def test_round_robin_assignment_takes_turns(store, staff):
    from django.contrib.auth.models import Group

    from workflows.choices import AssignmentRule

    first = UserFactory(role=Role.STORE_STAFF, stores=[store])
    second = UserFactory(role=Role.STORE_STAFF, stores=[store])
    UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()])  # other store: never picked
    process = published_process(
        assignment_rule=AssignmentRule.ROUND_ROBIN,
        assignee_group=Group.objects.get(name=Role.STORE_STAFF),
    )

    picks = [case_open(process=process, store=store, actor=staff).assignee for _ in range(4)]

    assert picks == [staff, first, second, staff]


def test_least_open_assignment_picks_the_least_busy(store, staff):
    from django.contrib.auth.models import Group

    from workflows.choices import AssignmentRule

    idle = UserFactory(role=Role.STORE_STAFF, stores=[store])
    process = published_process(
        assignment_rule=AssignmentRule.LEAST_OPEN,
        assignee_group=Group.objects.get(name=Role.STORE_STAFF),
    )

    picks = [case_open(process=process, store=store, actor=staff).assignee for _ in range(3)]

    assert picks == [staff, idle, staff]


def test_no_assignment_rule_leaves_new_cases_unassigned(store, staff):
    UserFactory(role=Role.STORE_STAFF, stores=[store])
    process = published_process(
        assignment_rule=AssignmentRule.NONE,
        # A group alone assigns nobody: with "none", staff pick cases up themselves.
        assignee_group=Group.objects.get(name=Role.STORE_STAFF),
    )

    cases = [case_open(process=process, store=store, actor=staff) for _ in range(2)]

    assert [case.assignee for case in cases] == [None, None]
    assert [case.events.get().data for case in cases] == [{}, {}]


@pytest.fixture
def by_field_process():
    """Cases go to the user whose username the intake form's "Technician" field names."""
    intake = FormDefinitionFactory(name="Repair request", purpose=FormPurpose.INTAKE)
    FormFieldFactory(form=intake, label="Technician", required=False)
    form_publish(form=intake, actor=UserFactory(is_superuser=True))
    intake.refresh_from_db()
    return published_process(
        intake_form=intake,
        assignment_rule=AssignmentRule.BY_FIELD,
        assignment_field="technician",
    )


def test_assignment_by_a_form_field_gives_the_case_to_the_named_member(
    store, staff, by_field_process
):
    technician = UserFactory(username="min-jun", role=Role.STORE_STAFF, stores=[store])

    case = case_open(
        process=by_field_process, store=store, actor=staff, data={"technician": "min-jun"}
    )

    assert case.assignee == technician
    assert case.events.get().data == {"assignee": "min-jun"}


def test_assignment_by_a_form_field_left_empty_assigns_nobody(store, staff, by_field_process):
    case = case_open(process=by_field_process, store=store, actor=staff, data={"technician": ""})

    assert case.assignee is None


@pytest.mark.parametrize("who", ["nobody-by-that-name", "other-store", "inactive"])
def test_assignment_by_a_form_field_refuses_a_user_who_cannot_take_the_case(
    store, staff, by_field_process, who
):
    UserFactory(username="other-store", role=Role.STORE_STAFF, stores=[StoreFactory()])
    UserFactory(username="inactive", role=Role.STORE_STAFF, stores=[store], is_active=False)

    with pytest.raises(InvalidInput) as refused:
        case_open(process=by_field_process, store=store, actor=staff, data={"technician": who})

    assert refused.value.message == (
        f"“{who}” is not an active member of Seoul and cannot be assigned."
    )
    assert refused.value.field_errors == {"technician": ["Unknown assignee."]}
    assert not Case.objects.filter(process=by_field_process).exists()


def test_internal_note_records_author_and_text(case, staff):
    event = case_comment(case=case, actor=staff, text="  Customer prefers Saturday pick-up ")

    assert (event.kind, event.actor, event.comment) == (
        EventKind.COMMENT,
        staff,
        "Customer prefers Saturday pick-up",
    )
    with pytest.raises(InvalidInput):
        case_comment(case=case, actor=staff, text="   ")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_attachment_is_stored_privately_with_its_hash(case, staff, settings):
    import hashlib

    attachment = case_attach(
        case=case, actor=staff, upload=SimpleUploadedFile("front.png", PNG, "image/png")
    )

    assert attachment.content_type == "image/png"
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachment.file.read() == PNG
    assert attachment.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert case.events.filter(kind=EventKind.ATTACHMENT).exists()


def test_attachment_type_is_judged_by_content_not_name(case, staff):
    upload = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")

    with pytest.raises(InvalidInput, match="not accepted"):
        case_attach(case=case, actor=staff, upload=upload)
    assert not case.attachments.exists()


def test_attachment_over_the_limit_is_refused(case, staff, settings):
    settings.ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(InvalidInput, match="the limit is"):
        case_attach(case=case, actor=staff, upload=SimpleUploadedFile("a.png", PNG))


def test_bulk_transition_reports_each_case(process, store, staff):
    ready = case_open(process=process, store=store, actor=staff)
    moved_on = case_open(process=process, store=store, actor=staff)
    case_transition(case=moved_on, transition="start_diagnosis", actor=staff)

    result = cases_bulk_transition(
        cases=[ready, moved_on], transition="start_diagnosis", actor=staff
    )

    assert result.succeeded == [ready]
    assert [(case, "cannot be used" in reason) for case, reason in result.failed] == [
        (moved_on, True)
    ]


# --- who may act ------------------------------------------------------------------------------


def test_an_auditor_of_the_store_can_look_but_not_move_the_case(case, store):
    auditor = UserFactory(role=Role.AUDITOR, stores=[store])

    with pytest.raises(TransitionRefused, match="can look at .* but not move it") as refused:
        case_transition(case=case, transition="start_diagnosis", actor=auditor)

    assert refused.value.reason == "permission"
    assert available_transitions(case, auditor) == []
    assert case.events.count() == 1  # only the opening


@pytest.mark.parametrize("action", ["comment", "assign", "attach"])
def test_read_only_users_cannot_add_notes_files_or_assignments(case, store, staff, action):
    auditor = UserFactory(role=Role.AUDITOR, stores=[store])
    calls = {
        "comment": lambda: case_comment(case=case, actor=auditor, text="Looks fine"),
        "assign": lambda: case_assign(case=case, assignee=staff, actor=auditor),
        "attach": lambda: case_attach(
            case=case, actor=auditor, upload=SimpleUploadedFile("a.txt", b"hello")
        ),
    }

    with pytest.raises(InvalidInput, match="can look at .* but not change it"):
        calls[action]()

    assert case.events.count() == 1
    assert case.attachments.count() == 0


def test_staff_of_another_store_cannot_move_the_case_even_with_the_right_role(case):
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory(code="KBP-01")])

    with pytest.raises(TransitionRefused, match="membership of Seoul"):
        case_transition(case=case, transition="start_diagnosis", actor=outsider)

    case.refresh_from_db()
    assert case.state == "intake"


def test_data_sent_to_a_transition_without_a_step_form_is_refused_not_dropped(case, staff):
    with pytest.raises(TransitionRefused, match="no form to fill in") as refused:
        case_transition(
            case=case, transition="start_diagnosis", actor=staff, data={"findings": "Scratch"}
        )

    assert refused.value.reason == "step_form"
    case.refresh_from_db()
    assert case.state == "intake"
