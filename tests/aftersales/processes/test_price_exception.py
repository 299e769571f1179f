"""The shipped price-exception process (fixtures/processes/price_exception.toml), walked through
the services: small amounts approved by the store manager alone, large ones confirmed by the area
manager, no one approving their own request, and the threshold read from the definition."""

import pytest

from forms.models import FormDefinition
from project.accounts.roles import Role
from tests.aftersales.factories import offered, refusal, request_exception, shipped_process
from tests.factories import StoreFactory, UserFactory
from workflows.models import Process, ProcessTransition
from workflows.services import case_transition, process_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(admin) -> Process:
    return shipped_process("price-exception", actor=admin)


@pytest.fixture
def store():
    return StoreFactory(code="NYC-01", currency="USD")


@pytest.fixture
def area(store):
    return UserFactory(username="area", role=Role.AREA_MANAGER, stores=[store])


def test_the_request_form_keeps_its_reason_codes_editable(process):
    form = FormDefinition.objects.get(slug="price-exception-request")
    reason = next(spec for spec in form.live_version.schema if spec["clean_name"] == "reason")

    assert "Display item" in reason["choices"]
    assert process.intake_form == form


def test_a_small_discount_is_approved_by_the_store_manager_alone(process, store, staff, manager):
    case = request_exception(process, store, staff, amount="300")

    assert offered(case, manager) == ["approve", "refuse"]
    case_transition(case=case, transition="approve", actor=manager)

    case.refresh_from_db()
    assert case.state == "approved" and case.closed_at is not None


def test_a_large_discount_needs_the_area_manager_to_confirm(process, store, staff, manager, area):
    case = request_exception(process, store, staff, amount="2500")

    assert offered(case, manager) == ["escalate", "refuse"]
    refused = refusal(case, "approve", manager)
    assert refused.reason == "condition"
    assert "data.amount.in_store_currency <= 1000" in refused.message

    case_transition(case=case, transition="escalate", actor=manager)
    assert offered(case, manager) == ["refuse"]  # confirming is the area manager's
    assert refusal(case, "confirm", manager).reason == "permission"
    assert offered(case, area) == ["confirm", "refuse"]
    case_transition(case=case, transition="confirm", actor=area)

    case.refresh_from_db()
    assert case.state == "approved"
    assert [e.actor for e in case.events.order_by("created_at", "pk")][1:] == [manager, area]


def test_amounts_are_judged_in_their_currency(process, staff, manager):
    seoul = StoreFactory(code="SEL-01", currency="KRW")
    for user in (staff, manager):
        user.store_memberships.create(store=seoul)

    small = request_exception(process, seoul, staff, amount="1200000", currency="KRW")
    large = request_exception(process, seoul, staff, amount="1600000", currency="KRW")

    assert offered(small, manager) == ["approve", "refuse"]
    assert offered(large, manager) == ["escalate", "refuse"]


def test_nobody_approves_their_own_request(process, store, manager, area):
    own = request_exception(process, store, manager, amount="300")

    refused = refusal(own, "approve", manager)
    assert refused.reason == "condition"
    assert "actor.is_opener" in refused.message
    assert offered(own, manager) == ["withdraw"]

    escalated = request_exception(process, store, area, amount="2500")
    case_transition(case=escalated, transition="escalate", actor=manager)
    assert refusal(escalated, "confirm", area).reason == "condition"
    assert refusal(escalated, "refuse", area, comment="No").reason == "condition"


def test_store_staff_can_neither_approve_nor_refuse(process, store, staff, manager):
    colleague = UserFactory(role=Role.STORE_STAFF, stores=[store])
    case = request_exception(process, store, staff)

    for code in ("approve", "refuse"):
        assert refusal(case, code, colleague, comment="x").reason == "permission"
    assert offered(case, colleague) == []


def test_a_refusal_needs_a_reason_and_closes_the_request(process, store, staff, manager):
    case = request_exception(process, store, staff)

    assert refusal(case, "refuse", manager).reason == "comment"
    event = case_transition(
        case=case, transition="refuse", actor=manager, comment="Not a display item."
    )

    assert (event.to_state, event.comment) == ("refused", "Not a display item.")


def test_the_requester_may_withdraw_but_no_one_else(process, store, staff, manager):
    case = request_exception(process, store, staff, amount="2500")
    case_transition(case=case, transition="escalate", actor=manager)

    assert refusal(case, "withdraw", manager).reason == "condition"
    case_transition(case=case, transition="withdraw", actor=staff)

    case.refresh_from_db()
    assert case.state == "withdrawn"


def test_the_threshold_is_the_definitions_and_a_designer_changes_it(
    process, store, staff, manager, admin
):
    before = request_exception(process, store, staff, amount="800")
    assert offered(before, manager) == ["approve", "refuse"]

    for row in ProcessTransition.objects.filter(process=process, code__in=["approve", "escalate"]):
        row.condition = row.condition.replace("<= 1000", "<= 500")
        row.save()
    process_publish(process=process, actor=admin)

    after = request_exception(process, store, staff, amount="800")
    assert offered(after, manager) == ["escalate", "refuse"]
    assert offered(before, manager) == ["approve", "refuse"]  # running cases keep their version
