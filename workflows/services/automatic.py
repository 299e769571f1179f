"""Automatic transitions: the periodic sweep that fires each due one exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field

from project.accounts.system_users import scheduler_user
from project.core.tasks import send_email
from workflows.definition import (
    TransitionDef,
)

# --- Automatic transitions ------------------------------------------------------------------------
from workflows.errors import WorkflowError
from workflows.models import (
    Case,
    ProcessVersion,
)
from workflows.permissions import transition_refusal
from workflows.services.cases import case_transition


@dataclass
class AutomaticRun:
    """What one run of ``cases_fire_automatic`` did: references moved, and those that
    could not be moved with the reason."""

    fired: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def cases_fire_automatic(*, batch_size: int = 500) -> AutomaticRun:
    """Fire every automatic transition whose condition holds on an open case in one of its
    source states (at most ``batch_size`` cases per process version a run), and tell the case's
    assignee, or whoever opened it, by e-mail. Each case moves in its own transaction, so one
    failing case stops nothing else."""

    actor = scheduler_user()
    run = AutomaticRun()
    versions = ProcessVersion.objects.filter(cases__closed_at__isnull=True).distinct()
    for version in versions:
        automatic = [t for t in version.definition.transitions if t.automatic]
        if not automatic:
            continue
        sources = {source for t in automatic for source in t.sources}
        cases = (
            Case.objects.filter(version=version, closed_at__isnull=True, state__in=sources)
            .select_related("version", "store", "process")
            .order_by("pk")[:batch_size]
        )
        for case in cases:
            due = next(
                (
                    t
                    for t in automatic
                    if case.state in t.sources and transition_refusal(case, t, actor) is None
                ),
                None,
            )
            if due is None:
                continue
            try:
                case_transition(case=case, transition=due.code, actor=actor)
            except WorkflowError as exc:
                run.failed.append((case.reference, exc.message))
                continue
            run.fired.append(case.reference)
            _tell_about_automatic_move(case, due)
    return run


def _tell_about_automatic_move(case: Case, transition: TransitionDef) -> None:
    from django.utils.translation import gettext as _

    person = case.assignee or case.opened_by
    if not person.email:
        return
    state = case.current_state
    send_email(
        to=person.email,
        subject=_("%(reference)s: %(transition)s")
        % {
            "reference": case.reference,
            "transition": transition.label,
        },
        body=_(
            "%(reference)s (%(process)s, %(customer)s) moved by itself to “%(state)s”: "
            "%(transition)s."
        )
        % {
            "reference": case.reference,
            "process": case.process.name,
            "customer": case.customer_name or "-",
            "state": state.label if state else case.state,
            "transition": transition.label,
        },
    )
