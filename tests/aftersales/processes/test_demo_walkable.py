"""The demo data can be walked by the demo logins, not only by the superuser."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from aftersales.models import QuotationStatus
from aftersales.services import decision_problem
from project.accounts.demo import DEMO_USERS
from workflows.models import Case
from workflows.services import available_transitions, may_act_on

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def can_move_on(case: Case, user) -> bool:
    """A transition of the case page, sending a drafted quotation (which fires the process's
    send transition from the case's state), or the customer's decision on a sent quotation
    recorded at the counter (which fires the process's acceptance or refusal)."""
    if available_transitions(case, user):
        return True
    if not may_act_on(case, user):
        return False
    definition = case.definition
    send = definition.transition(definition.trigger("quotation.sent"))
    if (
        send is not None
        and case.state in send.sources
        and send.allows_user(user)
        and case.quotations.filter(status=QuotationStatus.DRAFT).exists()
    ):
        return True
    waiting = case.quotations.filter(status=QuotationStatus.SENT).last()
    return (
        waiting is not None
        and decision_problem(waiting) is None
        and bool(definition.trigger("quotation.accepted"))
    )


def test_the_demo_care_files_wait_in_each_step_of_the_quotation():
    seed()
    care_files = Case.objects.filter(process__code="care-file")
    states = set(care_files.values_list("state", flat=True))

    assert {"intake", "diagnosis", "quoting", "quotation"} <= states
    preparing = care_files.get(state="quoting")
    assert preparing.quotations.get().status == QuotationStatus.DRAFT
    waiting = care_files.get(state="quotation")
    assert waiting.quotations.get().status == QuotationStatus.SENT
    assert waiting.events.get(transition="send_quotation").actor.username == "staff"


def test_every_open_demo_case_can_be_moved_on_by_a_demo_user_who_is_not_the_superuser():
    seed()
    usernames = [username for username, _password, role, *_rest in DEMO_USERS if role is not None]
    users = list(get_user_model().objects.filter(username__in=usernames))
    assert len(users) == len(usernames)

    open_cases = Case.objects.filter(closed_at__isnull=True).select_related("store", "process")
    assert open_cases.exists()
    stuck = [
        f"{case.reference} ({case.process.code}, {case.state}, {case.store.code})"
        for case in open_cases
        if not any(can_move_on(case, user) for user in users)
    ]

    assert not stuck, "No demo user but admin can move: " + ", ".join(stuck)


def test_the_new_york_price_exception_is_requested_by_store_staff_and_approvable():
    seed()
    staff, approver = (
        get_user_model().objects.get(username=name) for name in ("staff", "approver")
    )
    case = Case.objects.get(process__code="price-exception", store__code="NYC-01")

    assert case.opened_by == staff
    assert "approve" in {t.code for t in available_transitions(case, approver)}


def test_a_second_seed_demo_run_prints_the_same_decision_link():
    link = re.compile(r"https?://\S+/quotation/\S+/")

    first = link.findall(seed())
    second = link.findall(seed())

    assert len(first) == 1, first
    assert second == first


def test_the_demo_request_in_pounds_in_seoul_waits_for_the_area_manager():
    """1,000 pounds are about 1.77 million won at the demo rate: over the store manager's limit."""
    seed()
    area = get_user_model().objects.get(username="area")
    case = Case.objects.get(process__code="price-exception", data__amount__currency="GBP")

    assert (case.store.code, case.state) == ("SEL-01", "area_review")
    assert "confirm" in {t.code for t in available_transitions(case, area)}
