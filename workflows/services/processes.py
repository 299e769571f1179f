"""Publishing processes and moving open cases to a newer version."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition

from project.core.limits import text_length_problems
from workflows.choices import AssignmentRule, EventKind
from workflows.definition import (
    ProcessDefinition,
    StateDef,
    TransitionDef,
)
from workflows.errors import CaseChanged, InvalidInput, PublishRefused
from workflows.models import (
    Case,
    Process,
    ProcessVersion,
)

# --- Publishing -----------------------------------------------------------------------------------
from workflows.permissions import may_move_cases
from workflows.rule_context import _Attempt
from workflows.services.cases import _deadline, _record_event, _seconds


def process_build_definition(*, process: Process) -> ProcessDefinition:
    """The definition the process's current rows describe (not validated)."""
    states = tuple(
        StateDef(
            code=state.code,
            label=state.label,
            kind=state.kind,
            sla_hours=state.sla_hours,
            colour=state.colour,
        )
        for state in process.states.all()
    )
    transitions = []
    for row in process.transitions.all():
        groups = sorted(row.allowed_groups.all(), key=lambda group: group.pk)
        transitions.append(
            TransitionDef(
                code=row.code,
                label=row.label,
                sources=row.source_codes,
                target=row.target.strip(),
                allowed_group_ids=tuple(group.pk for group in groups),
                allowed_group_names=tuple(group.name for group in groups),
                step_form_version_id=_live_form_version_id(row.step_form),
                condition=row.condition.strip(),
                comment_required=row.comment_required,
                button_style=row.button_style,
                condition_message=row.condition_message.strip(),
                automatic=row.automatic,
                customer_message=row.customer_message.strip(),
            )
        )
    return ProcessDefinition(
        states=states,
        transitions=tuple(transitions),
        reference_prefix=process.reference_prefix,
        intake_form_version_id=_live_form_version_id(process.intake_form),
        assignment_rule=process.assignment_rule,
        assignment_field=process.assignment_field,
        assignee_group_id=process.assignee_group_id,
        triggers=tuple(
            (trigger.event, trigger.transition.strip())
            for trigger in process.triggers.all()
            if trigger.transition.strip()
        ),
    )


def _live_form_version_id(form) -> int | None:
    if form is None:
        return None
    return form.live_version_id


def _form_errors(process: Process) -> list[str]:
    errors = []
    if process.intake_form is not None and process.intake_form.live_version_id is None:
        errors.append(f"The intake form “{process.intake_form}” has no published version yet.")
    for row in process.transitions.all():
        if row.step_form is not None and row.step_form.live_version_id is None:
            errors.append(
                f"Transition “{row.code}” uses the step form “{row.step_form}”, "
                "which has no published version yet."
            )
    if process.assignment_rule == AssignmentRule.BY_FIELD and not process.assignment_field:
        errors.append("Assignment “by a form field” needs the name of that intake field.")
    if (
        process.assignment_rule in (AssignmentRule.ROUND_ROBIN, AssignmentRule.LEAST_OPEN)
        and process.assignee_group_id is None
    ):
        errors.append("Round robin and least-open assignment need the assignees' group.")
    return errors


def _length_errors(process: Process) -> list[str]:
    """Texts of the process and its rows longer than their columns allow (the admin refuses
    them on saving; rows written another way are caught here)."""
    errors = [
        message for messages in text_length_problems(process).values() for message in messages
    ]
    for rows, where in (
        (process.states.all(), gettext("State “%(code)s”: %(problem)s")),
        (process.transitions.all(), gettext("Transition “%(code)s”: %(problem)s")),
    ):
        for row in rows:
            for messages in text_length_problems(row).values():
                errors.extend(where % {"code": row.code, "problem": m} for m in messages)
    return errors


def process_problems(*, process: Process) -> list[str]:
    """Every reason publishing ``process`` as it stands would be refused (empty: publishable)."""
    return (
        process_build_definition(process=process).validate()
        + _form_errors(process)
        + _length_errors(process)
    )


@transaction.atomic
def process_publish(*, process: Process, actor) -> ProcessVersion:
    """Freeze the process into a new ProcessVersion, or raise PublishRefused listing every
    problem. Publishing an unchanged process returns its live version."""
    locked = Process.objects.select_for_update().get(pk=process.pk)
    errors = process_problems(process=locked)
    if errors:
        raise PublishRefused(errors)
    spec = process_build_definition(process=locked).to_json()
    version = locked.live_version
    if version is None or version.spec != spec:
        number = locked.versions.order_by("-number").values_list("number", flat=True).first()
        version = ProcessVersion.objects.create(
            process=locked, number=(number or 0) + 1, spec=spec, published_by=actor
        )
        Process.objects.filter(pk=locked.pk).update(live_version=version)
    process.live_version = version
    return version


@dataclass
class MoveRow:
    case: Case
    from_state: str
    to_state: str | None
    problem: str = ""


# The code the "migrated" events of a version move carry in ``CaseEvent.transition``.
MOVE_TRANSITION = "move_version"


def process_move_cases(
    *,
    process: Process,
    to_version: ProcessVersion,
    mapping: dict[str, str],
    actor,
    dry_run: bool = True,
    now: datetime.datetime | None = None,
) -> list[MoveRow]:
    """Move the open cases of other versions onto ``to_version``. States are mapped by
    ``mapping`` (old code -> new code), or kept when the new version has the same code. With
    ``dry_run`` nothing changes and the rows say what would happen; when any row has a problem
    nothing moves either. Otherwise every case moves in one transaction, with its rows locked,
    through ``Case.fire`` and with a "migrated" event (see ``_move_case``)."""
    if not may_move_cases(actor):
        raise InvalidInput(
            "Only process designers can move cases to another process version: it needs the "
            "permission to change processes."
        )
    if to_version.process_id != process.pk:
        raise InvalidInput(f"Version {to_version} does not belong to {process}.")
    target_definition = to_version.definition
    cases = (
        Case.objects.open()
        .filter(process=process)
        .exclude(version=to_version)
        .select_related("version", "store")
        .order_by("pk")
    )
    try:
        with transaction.atomic():
            if not dry_run:
                # Locked until every case moved: none can change state between the mapping
                # check and its move. Only the case rows; versions and stores are not written.
                cases = cases.select_for_update(of=("self",))
            rows = [_move_row(case, to_version, target_definition, mapping) for case in cases]
            if dry_run or any(row.problem for row in rows):
                return rows
            now = now or timezone.now()
            for row in rows:
                _move_case(row, to_version, actor, now)
    except ConcurrentTransition as exc:
        raise CaseChanged(
            "A case changed while the cases were being moved, so none was moved. "
            "Preview the move again."
        ) from exc
    return rows


def _move_row(
    case: Case, to_version: ProcessVersion, target_definition: ProcessDefinition, mapping
) -> MoveRow:
    new_state = mapping.get(case.state) or (
        case.state if target_definition.state(case.state) else None
    )
    if new_state is None:
        problem = f"No state of version {to_version.number} is mapped to “{case.state}”."
        return MoveRow(case, case.state, None, problem)
    if target_definition.state(new_state) is None:
        problem = f"“{new_state}” is not a state of version {to_version.number}."
        return MoveRow(case, case.state, None, problem)
    return MoveRow(case, case.state, new_state)


def _move_case(row: MoveRow, to_version: ProcessVersion, actor, now: datetime.datetime) -> None:
    """Put one locked case on ``to_version`` in ``row.to_state`` through django-fsm, save it and
    record the "migrated" event.

    The state clock: a case mapped to another state leaves its state, so the event stores the
    seconds spent there and the clock (and SLA deadline) restarts now. A case that keeps its
    state code stays in that state: its clock and deadline keep counting from when it entered
    (a new version gives no fresh SLA) and the event stores no seconds, so the next transition
    counts the whole stay once and durations still add up to the case's age."""
    case = row.case
    from_version = case.version
    move = TransitionDef(
        code=MOVE_TRANSITION,
        label="Move to another process version",
        sources=(row.from_state,),
        target=row.to_state,
    )
    case._attempt = _Attempt(move, case, actor)
    try:
        case.fire(move)
    finally:
        del case._attempt
    target = to_version.definition.state(row.to_state)
    case.version = to_version
    changed = ["state", "version", "due_at"]
    seconds = Decimal(0)
    if row.to_state != row.from_state:
        seconds = _seconds(now - case.state_entered_at)
        case.state_entered_at = now
        changed.append("state_entered_at")
    case.due_at = _deadline(case.store, target, case.state_entered_at)
    if target.is_terminal:
        case.closed_at = now
        changed.append("closed_at")
    # ConcurrentTransitionMixin adds "AND state = <as read>" to the UPDATE.
    case.save(update_fields=changed)
    _record_event(
        case=case,
        kind=EventKind.MIGRATED,
        actor=actor,
        created_at=now,
        transition=MOVE_TRANSITION,
        from_state=row.from_state,
        to_state=row.to_state,
        data={"from_version": from_version.number, "version": to_version.number},
        seconds_in_state=seconds,
    )
