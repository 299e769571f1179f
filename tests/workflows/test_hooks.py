"""The engine's extension points, exercised with features registered only for a test: a feature
adds rule-context roots that publishing accepts, panels to the case page, work after the timer
sweep, and rows written in the very transaction of a case event."""

import pytest
from django.db import transaction
from wagtail import hooks

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import REPAIR_STATES, published_process
from workflows import hooks as workflow_hooks
from workflows.errors import PublishRefused
from workflows.models import CaseEvent
from workflows.services import case_open, case_transition, process_publish
from workflows.tasks import fire_automatic_transitions

pytestmark = pytest.mark.django_db

GOLD_ONLY = [
    ("start_diagnosis", "Start diagnosis", ["intake"], "diagnosis", [], 'loyalty.tier == "gold"'),
    ("send_quote", "Send quote", ["diagnosis"], "waiting_customer", [], ""),
    ("close", "Close", ["intake", "diagnosis", "waiting_customer"], "closed", [], ""),
]


def loyalty_context(case, actor):
    return {"loyalty": {"tier": "gold" if case.customer_name == "Gold" else "silver"}}


loyalty_context.rule_context_roots = ("loyalty",)


@pytest.fixture
def store():
    return StoreFactory()


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


def test_a_condition_on_an_undeclared_root_is_refused_at_publishing():
    with pytest.raises(PublishRefused) as refused:
        published_process(states=REPAIR_STATES, transitions=GOLD_ONLY)

    assert any("start_diagnosis" in error for error in refused.value.errors)


def test_a_feature_declares_a_root_that_conditions_read(store, staff):
    with hooks.register_temporarily(workflow_hooks.RULE_CONTEXT, loyalty_context):
        assert "loyalty" in workflow_hooks.rule_context_roots()
        process = published_process(states=REPAIR_STATES, transitions=GOLD_ONLY)
        gold = case_open(process=process, store=store, actor=staff, customer={"name": "Gold"})
        silver = case_open(process=process, store=store, actor=staff, customer={"name": "Ann"})

        case_transition(case=gold, transition="start_diagnosis", actor=staff)
        from workflows.errors import TransitionRefused

        with pytest.raises(TransitionRefused):
            case_transition(case=silver, transition="start_diagnosis", actor=staff)

    assert (gold.state, silver.state) == ("diagnosis", "intake")


def test_a_feature_only_adds_the_roots_it_declared(store, staff):
    def sneaky(case, actor):
        return {"data": {"overwritten": True}, "loyalty": {"tier": "gold"}}

    sneaky.rule_context_roots = ("loyalty",)
    process = published_process()
    case = case_open(process=process, store=store, actor=staff)
    with hooks.register_temporarily(workflow_hooks.RULE_CONTEXT, sneaky):
        extra = workflow_hooks.rule_context_extra(case, staff)

    # (Installed features add their own roots beside it, e.g. after-sales' quotation.)
    assert extra["loyalty"] == {"tier": "gold"}
    assert "data" not in extra


def test_event_listeners_run_inside_the_transaction_that_writes_the_event(store, staff):
    process = published_process()
    case = case_open(process=process, store=store, actor=staff)
    seen = []

    def listener(event):
        seen.append((event.transition, transaction.get_connection().in_atomic_block))
        if event.transition == "close":
            raise RuntimeError("the outbox is full")

    with hooks.register_temporarily(workflow_hooks.EVENT_RECORDED, listener):
        case_transition(case=case, transition="start_diagnosis", actor=staff)
        with pytest.raises(RuntimeError):
            case_transition(case=case, transition="close", actor=staff)

    case.refresh_from_db()
    assert seen == [("start_diagnosis", True), ("close", True)]
    # The failing listener took the transition and its event with it.
    assert case.state == "diagnosis"
    assert not CaseEvent.objects.filter(case=case, transition="close").exists()


def test_case_panels_come_in_order_and_none_is_no_panel(store, staff):
    process = published_process()
    case = case_open(process=process, store=store, actor=staff)

    def late(case, user, **forms):
        return workflow_hooks.CasePanel(template="late.html", order=200)

    def early(case, user, **forms):
        return workflow_hooks.CasePanel(template="early.html", context=forms, order=10)

    def absent(case, user, **forms):
        return None

    with (
        hooks.register_temporarily(workflow_hooks.CASE_PANELS, late),
        hooks.register_temporarily(workflow_hooks.CASE_PANELS, early),
        hooks.register_temporarily(workflow_hooks.CASE_PANELS, absent),
    ):
        panels = workflow_hooks.case_panels(case, staff, new_form="bound")

    templates = [panel.template for panel in panels]
    assert templates.index("early.html") < templates.index("late.html")
    assert next(p for p in panels if p.template == "early.html").context == {"new_form": "bound"}


def test_work_after_the_timer_sweep_reports_in_the_task_result():
    def count(now):
        return {"counted": now.year >= 2000}

    with hooks.register_temporarily(workflow_hooks.AFTER_TIMERS, count):
        result = fire_automatic_transitions.call_local()

    assert result["counted"] is True
    assert result["fired"] == []


def test_a_process_without_triggers_is_published_and_reads_no_trigger():
    process = published_process()
    process_publish(process=process, actor=UserFactory(is_superuser=True))
    process.refresh_from_db()

    assert process.live_version.definition.triggers == ()
    assert process.live_version.definition.trigger("quotation.sent") == ""
