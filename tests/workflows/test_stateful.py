"""Random sequences of transitions by random users on random published processes."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.workflows.factories import published_process
from workflows.choices import StateKind
from workflows.errors import CaseChanged, TransitionRefused
from workflows.models import Case
from workflows.services import case_open, case_transition

ROLES = [Role.STORE_STAFF, Role.APPROVER]


@st.composite
def process_specs(draw):
    """A valid graph: a chain s0 -> ... -> sN (so every state is reachable and can close), plus
    random extra edges, group restrictions and conditions."""
    size = draw(st.integers(min_value=2, max_value=6))
    codes = [f"s{i}" for i in range(size)]
    kinds = [StateKind.INITIAL] + [StateKind.ACTIVE] * (size - 2) + [StateKind.TERMINAL]
    states = [(code, code.upper(), kind) for code, kind in zip(codes, kinds, strict=True)]
    transitions = []

    def extras():
        groups = draw(st.lists(st.sampled_from(ROLES), max_size=1, unique=True))
        condition = draw(st.sampled_from(["", "", "data.amount > 100", "data.amount <= 100"]))
        return groups, condition

    for index in range(size - 1):
        groups, condition = extras()
        transitions.append(
            (f"t{index}", f"T{index}", [codes[index]], codes[index + 1], groups, condition)
        )
    for index in range(draw(st.integers(min_value=0, max_value=4))):
        sources = draw(st.lists(st.sampled_from(codes[:-1]), min_size=1, max_size=3, unique=True))
        target = draw(st.sampled_from(codes))
        groups, condition = extras()
        transitions.append((f"x{index}", f"X{index}", sources, target, groups, condition))
    return states, transitions


class CaseMachine(RuleBasedStateMachine):
    @initialize(spec=process_specs(), amount=st.integers(min_value=0, max_value=200))
    def open_case(self, spec, amount):
        states, transitions = spec
        self.store = StoreFactory()
        self.users = [UserFactory(role=role, stores=[self.store]) for role in ROLES]
        self.users.append(UserFactory(stores=[self.store]))  # no role at all
        self.clock = timezone.now()
        process = published_process(states=states, transitions=transitions)
        self.case = case_open(
            process=process, store=self.store, actor=self.users[0], now=self.clock
        )
        Case.objects.filter(pk=self.case.pk).update(data={"amount": amount})
        self.case.refresh_from_db()
        self.codes = [t[0] for t in transitions]
        self.expected_events = 1

    @rule(
        pick=st.integers(min_value=0, max_value=50),
        who=st.integers(min_value=0, max_value=2),
        wait=st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=3)),
    )
    def try_transition(self, pick, who, wait):
        code = self.codes[pick % len(self.codes)]
        self.clock += wait
        before = self.case.state
        was_closed = self.case.is_closed
        try:
            event = case_transition(
                case=self.case, transition=code, actor=self.users[who], now=self.clock
            )
        except (TransitionRefused, CaseChanged):
            self.case.refresh_from_db()
            assert self.case.state == before
        else:
            assert not was_closed, "a closed case accepted a transition"
            self.expected_events += 1
            assert event.from_state == before
            assert event.to_state == self.case.state

    @invariant()
    def state_belongs_to_the_version(self):
        if hasattr(self, "case"):
            assert self.case.definition.state(self.case.state) is not None

    @invariant()
    def one_event_per_successful_change(self):
        if hasattr(self, "case"):
            assert self.case.events.count() == self.expected_events

    @invariant()
    def durations_add_up_to_the_age_at_close(self):
        if hasattr(self, "case") and self.case.is_closed:
            total = sum(event.seconds_in_state for event in self.case.events.all())
            age = self.case.closed_at - self.case.opened_at
            assert (
                total == Decimal(age.days * 86400 + age.seconds) + Decimal(age.microseconds) / 10**6
            )


class TestCaseMachine(TestCase):
    def test_random_walks_keep_cases_consistent(self):
        Group.objects.get(name=Role.STORE_STAFF)  # shipped roles exist (data migration)
        machine = CaseMachine.TestCase
        machine.settings = settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        machine("runTest").runTest()
