"""The dashboard panels "My cases", "Waiting for my group" and "Overdue"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import StateKind
from workflows.services import case_assign, case_open, case_transition

pytestmark = pytest.mark.django_db

INITIAL, WAITING, TERMINAL = StateKind.INITIAL, StateKind.WAITING, StateKind.TERMINAL


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def approver(store):
    return UserFactory(role=Role.APPROVER, stores=[store])


@pytest.fixture
def process():
    return published_process(
        name="Discount approval",
        prefix="DISC",
        states=[
            ("requested", "Requested", INITIAL, 2),
            ("review", "In review", WAITING),
            ("done", "Done", TERMINAL),
        ],
        transitions=[
            ("submit", "Submit", ["requested"], "review", [], ""),
            ("approve", "Approve", ["review"], "done", [Role.APPROVER], ""),
        ],
    )


def panel(content: str, name: str) -> str:
    """The HTML of one dashboard panel."""
    match = re.search(rf'id="{name}-section".*?</section>', content, re.S)
    assert match, f"panel {name} not shown"
    return match.group(0)


def shown(html: str, *cases) -> set[str]:
    return {case.reference for case in cases if case.reference in html}


def test_dashboard_panels_show_the_right_cases_for_staff(
    login_client, process, store, staff, approver
):
    mine = case_open(process=process, store=store, actor=staff)
    case_assign(case=mine, assignee=staff, actor=staff)
    late = case_open(
        process=process,
        store=store,
        actor=staff,
        now=timezone.now() - datetime.timedelta(hours=3),
    )
    in_review = case_open(process=process, store=store, actor=staff)
    case_transition(case=in_review, transition="submit", actor=staff)
    other_store = StoreFactory(code="NYC-01")
    elsewhere = case_open(
        process=process,
        store=other_store,
        actor=UserFactory(role=Role.STORE_STAFF, stores=[other_store]),
        now=timezone.now() - datetime.timedelta(hours=3),
    )
    everything = (mine, late, in_review, elsewhere)

    content = login_client(staff).get(reverse("wagtailadmin_home")).content.decode()

    assert shown(panel(content, "cases-mine"), *everything) == {mine.reference}
    # Anyone may submit a request; only approvers take it from review.
    assert shown(panel(content, "cases-waiting"), *everything) == {mine.reference, late.reference}
    assert shown(panel(content, "cases-overdue"), *everything) == {late.reference}
    assert "Requested" in panel(content, "cases-overdue")  # the state's label
    assert reverse("cases:detail", args=[late.pk]) in panel(content, "cases-overdue")

    approver_home = login_client(approver).get(reverse("wagtailadmin_home")).content.decode()
    assert shown(panel(approver_home, "cases-waiting"), *everything) == {
        mine.reference,
        late.reference,
        in_review.reference,
    }
    assert shown(panel(approver_home, "cases-mine"), *everything) == set()


def test_empty_panels_say_so(login_client, staff):
    content = login_client(staff).get(reverse("wagtailadmin_home")).content.decode()

    assert "No open case is assigned to you." in panel(content, "cases-mine")
    assert "No open case is past its deadline." in panel(content, "cases-overdue")


def test_users_who_do_not_work_with_cases_get_no_case_panels(login_client, store):
    designer = UserFactory(role=Role.PROCESS_DESIGNER)  # may view cases, but belongs to no store
    trainer = UserFactory(role=Role.TRAINER, stores=[store])  # in a store, no case permission

    for user in (designer, trainer):
        content = login_client(user).get(reverse("wagtailadmin_home")).content.decode()
        assert 'id="cases-mine-section"' not in content
