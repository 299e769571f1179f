"""The frozen form of a process: what a ProcessVersion stores and what running cases obey.

A designer edits a ``Process`` (rows in the admin); publishing turns it into a
``ProcessDefinition`` (plain frozen dataclasses, stored as JSON on the ``ProcessVersion``),
after ``validate()`` found nothing wrong. Cases read their version's definition, never the
editable rows, so editing a process cannot break a running case.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from forms.rules import RuleError, parse_rule
from project.core.limits import SLA_HOURS_MAX, SLA_HOURS_MIN
from workflows import hooks
from workflows.choices import AssignmentRule, ButtonStyle, StateKind

# Names a transition condition may use (the rule language resolves dotted names below them);
# feature apps add theirs through ``workflows.hooks.register_rule_context``.
CONDITION_ROOTS = ("data", "case", "store", "customer", "actor", "today")


def condition_roots() -> tuple[str, ...]:
    """The engine's roots and those the installed features declare."""
    return CONDITION_ROOTS + tuple(
        root for root in hooks.rule_context_roots() if root not in CONDITION_ROOTS
    )


@dataclass(frozen=True)
class StateDef:
    code: str
    label: str
    kind: str = StateKind.ACTIVE
    sla_hours: Decimal | None = None
    colour: str = ""

    @property
    def is_terminal(self) -> bool:
        return self.kind == StateKind.TERMINAL


@dataclass(frozen=True)
class TransitionDef:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    allowed_group_ids: tuple[int, ...] = ()
    allowed_group_names: tuple[str, ...] = ()
    step_form_version_id: int | None = None
    condition: str = ""
    comment_required: bool = False
    button_style: str = ButtonStyle.PRIMARY
    condition_message: str = ""
    automatic: bool = False
    customer_message: str = ""

    @functools.cached_property
    def rule(self):
        """The parsed condition, or None when the transition has none."""
        from forms.rules import parse_rule

        return parse_rule(self.condition) if self.condition.strip() else None

    def allows_user(self, user) -> bool:
        """May ``user`` fire this transition? Empty allowed groups: any of the case's staff."""
        if not user.is_active:
            return False
        if user.is_superuser or not self.allowed_group_ids:
            return True
        return bool(set(self.allowed_group_ids) & user_group_ids(user))


def user_group_ids(user) -> frozenset[int]:
    """The ids of ``user``'s groups, read once per user instance (a request's user)."""
    return _user_groups(user)[0]


def user_group_names(user) -> frozenset[str]:
    """The names of ``user``'s groups, read with their ids (see ``user_group_ids``)."""
    return _user_groups(user)[1]


def _user_groups(user) -> tuple[frozenset[int], frozenset[str]]:
    cached = getattr(user, "_atelier_groups", None)
    if cached is None:
        # Through the membership table: cheaper to build than the related manager's query.
        memberships = get_user_model().groups.through.objects.filter(user_id=user.pk)
        rows = list(memberships.values_list("group_id", "group__name"))
        cached = (frozenset(pk for pk, _name in rows), frozenset(name for _pk, name in rows))
        user._atelier_groups = cached
    return cached


@dataclass(frozen=True)
class ProcessDefinition:
    states: tuple[StateDef, ...]
    transitions: tuple[TransitionDef, ...]
    reference_prefix: str = ""
    intake_form_version_id: int | None = None
    assignment_rule: str = AssignmentRule.NONE
    assignment_field: str = ""
    assignee_group_id: int | None = None
    # (event, transition code) pairs: what happens outside the engine and moves a case
    # (``ProcessTrigger`` rows, frozen here; see ``workflows.hooks.TriggerEvent``).
    triggers: tuple[tuple[str, str], ...] = ()

    # --- lookups ---------------------------------------------------------------------------------

    def trigger(self, event: str) -> str:
        """The code of the transition ``event`` fires, or "" when it moves no case."""
        return next((code for name, code in self.triggers if name == event), "")

    def takes_events(self, prefix: str) -> bool:
        """Whether any event whose name starts with ``prefix`` moves this process's cases."""
        return any(name.startswith(prefix) and code for name, code in self.triggers)

    def state(self, code: str) -> StateDef | None:
        return next((state for state in self.states if state.code == code), None)

    def transition(self, code: str) -> TransitionDef | None:
        return next((t for t in self.transitions if t.code == code), None)

    @property
    def initial_state(self) -> StateDef:
        return next(state for state in self.states if state.kind == StateKind.INITIAL)

    def transitions_from(self, state_code: str) -> list[TransitionDef]:
        return [t for t in self.transitions if state_code in t.sources]

    # --- (de)serialisation -----------------------------------------------------------------------

    def to_json(self) -> dict:
        def state_json(state: StateDef) -> dict:
            data = asdict(state)
            data["sla_hours"] = None if state.sla_hours is None else str(state.sla_hours)
            return data

        return {
            "states": [state_json(state) for state in self.states],
            "transitions": [
                {**asdict(t), "sources": list(t.sources)}
                | {
                    "allowed_group_ids": list(t.allowed_group_ids),
                    "allowed_group_names": list(t.allowed_group_names),
                }
                for t in self.transitions
            ],
            "reference_prefix": self.reference_prefix,
            "intake_form_version_id": self.intake_form_version_id,
            "assignment_rule": self.assignment_rule,
            "assignment_field": self.assignment_field,
            "assignee_group_id": self.assignee_group_id,
            "triggers": [list(pair) for pair in self.triggers],
        }

    @classmethod
    def from_json(cls, data: dict) -> ProcessDefinition:
        states = tuple(
            StateDef(
                **{
                    **state,
                    "sla_hours": None
                    if state.get("sla_hours") in (None, "")
                    else Decimal(state["sla_hours"]),
                }
            )
            for state in data["states"]
        )
        transitions = tuple(
            TransitionDef(
                **{
                    **t,
                    "sources": tuple(t["sources"]),
                    "allowed_group_ids": tuple(t.get("allowed_group_ids", ())),
                    "allowed_group_names": tuple(t.get("allowed_group_names", ())),
                }
            )
            for t in data["transitions"]
        )
        return cls(
            states=states,
            transitions=transitions,
            reference_prefix=data.get("reference_prefix", ""),
            intake_form_version_id=data.get("intake_form_version_id"),
            assignment_rule=data.get("assignment_rule", AssignmentRule.NONE),
            assignment_field=data.get("assignment_field", ""),
            assignee_group_id=data.get("assignee_group_id"),
            triggers=_triggers_from_json(data),
        )

    # --- validation ------------------------------------------------------------------------------

    def validate(self) -> list[str]:
        """Every reason this definition cannot be published, as sentences for the designer."""
        errors: list[str] = []
        codes = [state.code for state in self.states]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            errors.append(f"State code “{code}” is used by more than one state.")

        for state in self.states:
            if state.sla_hours is not None and not (
                SLA_HOURS_MIN <= state.sla_hours <= SLA_HOURS_MAX
            ):
                errors.append(
                    gettext(
                        "State “%(code)s” has an SLA target of %(hours)s business hours: give "
                        "%(min)s to %(max)s, or none."
                    )
                    % {
                        "code": state.code,
                        "hours": state.sla_hours,
                        "min": SLA_HOURS_MIN,
                        "max": SLA_HOURS_MAX,
                    }
                )

        initial = [state.code for state in self.states if state.kind == StateKind.INITIAL]
        if not initial:
            errors.append("The process has no initial state: mark exactly one state as initial.")
        elif len(initial) > 1:
            errors.append(
                f"The process has {len(initial)} initial states ({', '.join(initial)}): "
                "exactly one state may be initial."
            )

        transition_codes = [t.code for t in self.transitions]
        for code in sorted({c for c in transition_codes if transition_codes.count(c) > 1}):
            errors.append(f"Transition code “{code}” is used by more than one transition.")

        known = set(codes)
        for t in self.transitions:
            if not t.sources:
                errors.append(f"Transition “{t.code}” has no source state.")
            for source in t.sources:
                if source not in known:
                    errors.append(
                        f"Transition “{t.code}” starts from “{source}”, "
                        "which is not a state of this process."
                    )
            if t.target not in known:
                errors.append(
                    f"Transition “{t.code}” goes to “{t.target}”, "
                    "which is not a state of this process."
                )
            state_by_code = {state.code: state for state in self.states}
            for source in t.sources:
                if source in state_by_code and state_by_code[source].is_terminal:
                    errors.append(
                        f"Transition “{t.code}” leaves the terminal state “{source}”; "
                        "a terminal state closes the case and has no way out."
                    )
            if t.condition.strip():
                errors.extend(_condition_errors(t))
            elif t.automatic:
                errors.append(
                    f"Automatic transition “{t.code}” has no condition: say when it fires, "
                    "e.g. today > data.reserved_until."
                )

        events = hooks.trigger_events()
        for name, code in self.triggers:
            event = events.get(name)
            if event is None:
                errors.append(f"The trigger event “{name}” is not known to Atelier.")
            elif code and code not in transition_codes:
                errors.append(
                    f"{event.label} fires “{code}”, which is not a transition of this process."
                )

        if len(initial) == 1 and not errors:
            errors.extend(self._graph_errors(initial[0]))
        return errors

    def _graph_errors(self, initial: str) -> list[str]:
        errors = []
        forward: dict[str, set[str]] = {state.code: set() for state in self.states}
        backward: dict[str, set[str]] = {state.code: set() for state in self.states}
        for t in self.transitions:
            for source in t.sources:
                forward[source].add(t.target)
                backward[t.target].add(source)

        reachable = _walk(initial, forward)
        for state in self.states:
            if state.code not in reachable:
                errors.append(
                    f"State “{state.code}” cannot be reached from the initial state “{initial}”."
                )

        terminals = [state.code for state in self.states if state.is_terminal]
        if not terminals:
            errors.append("The process has no terminal state: mark at least one as terminal.")
            return errors
        can_finish: set[str] = set()
        for terminal in terminals:
            can_finish |= _walk(terminal, backward)
        for state in self.states:
            if state.code in reachable and state.code not in can_finish:
                errors.append(
                    f"No terminal state can be reached from “{state.code}”: "
                    "a case there could never be closed."
                )
        return errors


def _condition_errors(t: TransitionDef) -> list[str]:

    try:
        parse_rule(t.condition).validate(condition_roots())
    except RuleError as exc:
        return [f"Transition “{t.code}” has an invalid condition: {exc.message}"]
    return []


def _triggers_from_json(data: dict) -> tuple[tuple[str, str], ...]:
    """The spec's triggers; a version published before triggers existed names them by keys of
    its own, which the registered events still read (``TriggerEvent.spec_key``)."""
    if "triggers" in data:
        return tuple((event, code) for event, code in data["triggers"])
    return tuple(hooks.legacy_triggers(data))


def _walk(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
