"""Who may act on a case, fire which transition, and move cases between versions."""

from __future__ import annotations

from project.accounts.system_users import SCHEDULER_USERNAME
from project.stores.scoping import user_store_ids
from workflows.definition import (
    TransitionDef,
)
from workflows.errors import InvalidInput, TransitionRefused
from workflows.models import (
    Case,
)
from workflows.rule_context import _Attempt, missing_conversions, rule_context


def may_act_on(case: Case, actor) -> bool:
    """Whether ``actor`` may change ``case`` at all (transitions, notes, files, assignment):
    an active user with the ``change_case`` permission (staff and approvers; auditors only look)
    who belongs to the case's store, or has access to every store. Their stores are read once
    per user instance (a request's user, ``user_store_ids``), as their permissions are."""
    if not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm("workflows.change_case") and (
        actor.has_perm("stores.access_all_stores") or case.store_id in user_store_ids(actor)
    )


def _refuse_read_only(case: Case, actor) -> None:
    if not may_act_on(case, actor):
        raise InvalidInput(
            f"You can look at {case.reference} but not change it: acting on a case needs a "
            f"role that works on cases and membership of {case.store.name}."
        )


def transition_refusal(
    case: Case,
    definition: TransitionDef | None,
    actor,
    code: str = "",
    *,
    attempt: _Attempt | None = None,
):
    """Why ``actor`` may not fire ``definition`` on ``case`` now, or None when they may.

    ``attempt`` (``case_transition``'s): the condition is read from its context and, when it
    holds, the attempt remembers it, so ``Case.fire``'s own guard does not build the context and
    evaluate the condition again."""
    if definition is None:
        return TransitionRefused(
            f"“{code}” is not a transition of {case.process} (version {case.version.number}).",
            reason="unknown",
        )
    if case.is_closed:
        return TransitionRefused(f"{case.reference} is closed.", reason="closed")
    if case.state not in definition.sources:
        current = case.current_state
        return TransitionRefused(
            f"“{definition.label}” cannot be used while the case is "
            f"“{current.label if current else case.state}”.",
            reason="wrong_state",
        )
    if not may_act_on(case, actor):
        return TransitionRefused(
            f"You can look at {case.reference} but not move it: that needs a role that works "
            f"on cases and membership of {case.store.name}.",
            reason="permission",
        )
    if not definition.allows_user(actor):
        return TransitionRefused(
            f"“{definition.label}” is reserved for: {', '.join(definition.allowed_group_names)}.",
            reason="permission",
        )
    if definition.automatic and actor.username != SCHEDULER_USERNAME:
        return TransitionRefused(
            f"“{definition.label}” happens by itself when its condition holds.",
            reason="automatic",
        )
    rule = definition.rule
    if rule is not None:
        context = attempt.context if attempt is not None else rule_context(case, actor)
        failing = rule.explain(context)
        if failing is None and attempt is not None:
            attempt.condition_held = True
        if failing is not None:
            explanation = definition.condition_message or (
                f"the condition {failing} does not hold."
            )
            # An amount without its value in the store's currency: say which rate is missing.
            explanation = " ".join([explanation, *missing_conversions(rule, context, case)])
            return TransitionRefused(
                f"“{definition.label}” is not possible: {explanation}", reason="condition"
            )
    return None


def available_transitions(case: Case, actor) -> list[TransitionDef]:
    """The transitions ``actor`` may fire on ``case`` now (what the case page offers)."""
    if case.is_closed:
        return []
    return [
        t
        for t in case.definition.transitions_from(case.state)
        if transition_refusal(case, t, actor) is None
    ]


def waiting_transitions(case: Case, actor) -> list[tuple[TransitionDef, TransitionRefused]]:
    """The transitions ``actor`` could fire on ``case`` now but for a condition that does not
    hold yet, each with the refusal saying what is missing (the designer's message when there is
    one): the case page tells staff what to do instead of offering nothing."""
    if case.is_closed:
        return []
    waiting = []
    for definition in case.definition.transitions_from(case.state):
        refusal = transition_refusal(case, definition, actor)
        if refusal is not None and refusal.reason == "condition":
            waiting.append((definition, refusal))
    return waiting


def may_move_cases(actor) -> bool:
    """Moving cases between process versions is process design: it needs ``change_process``."""
    return actor.is_active and actor.has_perm("workflows.change_process")
