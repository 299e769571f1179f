"""Reads of cases: scoping to the user's stores, filters, search and the dashboard lists."""

import datetime

import pytest
from django.utils import timezone

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows import selectors
from workflows.choices import StateKind
from workflows.models import Case
from workflows.services import case_assign, case_open, case_transition

pytestmark = pytest.mark.django_db

INITIAL, ACTIVE, WAITING, TERMINAL = (
    StateKind.INITIAL,
    StateKind.ACTIVE,
    StateKind.WAITING,
    StateKind.TERMINAL,
)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01")


@pytest.fixture
def other_store():
    return StoreFactory(code="KBP-01", time_zone="Europe/Kyiv")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def approver(store):
    return UserFactory(role=Role.APPROVER, stores=[store])


@pytest.fixture
def process():
    """intake (SLA 2 h) -> review, where only approvers act -> done."""
    return published_process(
        prefix="APP",
        states=[
            ("intake", "Intake", INITIAL, 2),
            ("review", "Review", WAITING, 8),
            ("done", "Done", TERMINAL),
        ],
        transitions=[
            ("submit", "Submit", ["intake"], "review", [], ""),
            ("approve", "Approve", ["review"], "done", [Role.APPROVER], ""),
        ],
    )


def open_case(process, store, actor, *, hours_ago: float = 0, **customer):
    return case_open(
        process=process,
        store=store,
        actor=actor,
        customer=customer,
        now=timezone.now() - hours_ago * HOUR,
    )


def references(cases) -> list[str]:
    return [case.reference for case in cases]


def test_case_list_is_scoped_to_the_users_stores(process, store, other_store, staff):
    mine = open_case(process, store, staff)
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[other_store])
    theirs = open_case(process, other_store, outsider)
    auditor = UserFactory(role=Role.AUDITOR)

    assert list(selectors.case_list(user=staff)) == [mine]
    assert set(selectors.case_list(user=auditor)) == {mine, theirs}
    assert selectors.case_get(user=staff, pk=mine.pk) == mine
    with pytest.raises(Case.DoesNotExist):
        selectors.case_get(user=staff, pk=theirs.pk)


def test_overdue_filter_keeps_open_cases_past_their_deadline(process, store, staff):
    late = open_case(process, store, staff, hours_ago=3)
    on_time = open_case(process, store, staff, hours_ago=1)
    closed_late = open_case(process, store, staff, hours_ago=30)
    case_transition(case=closed_late, transition="submit", actor=staff)
    approver = UserFactory(role=Role.APPROVER, stores=[store])
    case_transition(case=closed_late, transition="approve", actor=approver)

    overdue = selectors.case_list(user=staff, filters={"overdue": True})
    not_overdue = selectors.case_list(user=staff, filters={"overdue": False})

    assert list(overdue) == [late]
    assert set(not_overdue) == {on_time, closed_late}


def test_a_case_without_deadline_is_never_overdue(store, staff):
    untimed = published_process(
        prefix="UNT",
        states=[("new", "New", INITIAL), ("done", "Done", TERMINAL)],
        transitions=[("finish", "Finish", ["new"], "done", [], "")],
    )
    case = open_case(untimed, store, staff, hours_ago=100)

    assert case.due_at is None
    assert list(selectors.case_list(user=staff, filters={"overdue": False})) == [case]
    assert not selectors.case_list(user=staff, filters={"overdue": True}).exists()


def test_filters_by_state_status_store_assignee_and_opening_date(
    process, store, other_store, staff, approver
):
    staff.store_memberships.create(store=other_store)
    old = open_case(process, store, staff, hours_ago=72)
    submitted = open_case(process, store, staff)
    case_transition(case=submitted, transition="submit", actor=staff)
    elsewhere = open_case(process, other_store, staff)
    case_assign(case=elsewhere, assignee=staff, actor=staff)
    now = timezone.now()

    def filtered(**filters):
        return set(selectors.case_list(user=staff, filters=filters))

    assert filtered(state="review") == {submitted}
    assert filtered(status="open") == {old, submitted, elsewhere}
    assert filtered(status="closed") == set()
    assert filtered(store=other_store) == {elsewhere}
    assert filtered(assignee=staff) == {elsewhere}
    assert filtered(process=process, opened=slice(now - 24 * HOUR, None)) == {
        submitted,
        elsewhere,
    }
    assert filtered(opened=slice(None, now - 24 * HOUR)) == {old}


def test_search_matches_reference_and_customer_fields_in_any_case(process, store, staff):
    park = open_case(process, store, staff, name="Ji-woo Park", email="JIWOO@example.com")
    lee = open_case(process, store, staff, name="Seo-yeon Lee", phone="010-5555-1234")

    def found(text):
        return set(selectors.case_list(user=staff, search=text))

    assert found("jiwoo@") == {park}
    assert found("5555") == {lee}
    assert found("PARK") == {park}
    assert found(lee.reference.lower()) == {lee}
    assert found("  ") == {park, lee}


def test_cases_assigned_to_me_come_most_urgent_first(process, store, staff, approver):
    later = open_case(process, store, staff)
    sooner = open_case(process, store, staff, hours_ago=1)
    someone_elses = open_case(process, store, staff)
    for case in (later, sooner):
        case_assign(case=case, assignee=staff, actor=staff)
    case_assign(case=someone_elses, assignee=approver, actor=staff)

    assert references(selectors.cases_assigned_to(staff)) == [sooner.reference, later.reference]


def test_overdue_cases_come_most_overdue_first(process, store, other_store, staff):
    a_bit = open_case(process, store, staff, hours_ago=3)
    very = open_case(process, store, staff, hours_ago=10)
    open_case(process, store, staff)
    outsider = UserFactory(role=Role.STORE_STAFF, stores=[other_store])
    open_case(process, other_store, outsider, hours_ago=50)

    assert references(selectors.cases_overdue(staff)) == [very.reference, a_bit.reference]


def test_waiting_for_my_group_follows_the_transitions_my_groups_may_fire(
    process, store, other_store, staff, approver
):
    in_intake = open_case(process, store, staff)
    in_review = open_case(process, store, staff)
    case_transition(case=in_review, transition="submit", actor=staff)
    outsider = UserFactory(role=Role.APPROVER, stores=[other_store])
    review_elsewhere = open_case(process, other_store, outsider)
    case_transition(case=review_elsewhere, transition="submit", actor=outsider)

    # "submit" is open to anyone; "approve" only to approvers.
    assert selectors.cases_waiting_for(staff) == [in_intake]
    assert set(selectors.cases_waiting_for(approver)) == {in_intake, in_review}


def test_waiting_for_my_group_reads_each_version_and_leaves_out_closed_cases(
    process, store, staff, approver
):
    closed = open_case(process, store, staff)
    case_transition(case=closed, transition="submit", actor=staff)
    case_transition(case=closed, transition="approve", actor=approver)
    approvals_only = published_process(
        prefix="ONLY",
        states=[("asked", "Asked", INITIAL), ("granted", "Granted", TERMINAL)],
        transitions=[("grant", "Grant", ["asked"], "granted", [Role.APPROVER], "")],
    )
    asked = open_case(approvals_only, store, staff)

    assert selectors.cases_waiting_for(staff) == []
    assert selectors.cases_waiting_for(approver) == [asked]


def test_waiting_for_my_group_takes_a_fixed_number_of_queries(
    process, store, staff, approver, django_assert_max_num_queries
):
    for _ in range(12):
        case = open_case(process, store, staff)
        case_transition(case=case, transition="submit", actor=staff)
    approver = type(approver).objects.get(pk=approver.pk)  # no cached groups

    # The user's permissions (two, then cached), the versions in use, the user's groups, the cases.
    with django_assert_max_num_queries(5):
        waiting = selectors.cases_waiting_for(approver)
        for case in waiting:  # what a panel shows of each: no query per case
            _shown = (case.process.name, case.store.code, case.definition, case.assignee)

    assert len(waiting) == selectors.DASHBOARD_LIMIT
