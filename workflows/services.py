"""Everything that changes processes and cases. Views, the API and tasks call these; nothing else
writes workflow rows."""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_fsm import ConcurrentTransition, has_transition_perm

from forms.builder import answers_for_rules
from forms.models import FormVersion
from project.stores.models import Store, StoreMembership
from workflows import hooks
from workflows.choices import AssignmentRule, EventKind
from workflows.definition import (
    ProcessDefinition,
    StateDef,
    TransitionDef,
    user_group_names,
)
from workflows.errors import CaseChanged, InvalidInput, PublishRefused, TransitionRefused
from workflows.models import (
    Attachment,
    Case,
    CaseEvent,
    Process,
    ProcessVersion,
    ReferenceCounter,
)
from workflows.signals import case_opened, case_transitioned
from workflows.sla import add_business_hours

# The system user automatic transitions are fired by (``scheduler_user``).
SCHEDULER_USERNAME = "atelier-scheduler"

User = get_user_model()


# --- Publishing -----------------------------------------------------------------------------------


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


def process_problems(*, process: Process) -> list[str]:
    """Every reason publishing ``process`` as it stands would be refused (empty: publishable)."""
    return process_build_definition(process=process).validate() + _form_errors(process)


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


# --- Opening --------------------------------------------------------------------------------------


def _next_number(process: Process, year: int) -> int:
    # The UPDATE takes the counter row's lock until commit: concurrent openers queue up here,
    # and a rolled-back opening gives its number back.
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(process=process, year=year)], ignore_conflicts=True
    )
    ReferenceCounter.objects.filter(process=process, year=year).update(
        last_number=F("last_number") + 1
    )
    return ReferenceCounter.objects.get(process=process, year=year).last_number


def _validate_form(version_id: int | None, data: dict | None, files=None):
    """The valid, bound form of ``version_id`` filled with ``data``; None when there is no form.

    Raises InvalidInput naming every field in error, or when data is given to no form at all
    (it would otherwise be dropped without a word).
    """
    if version_id is None:
        if data or files:
            raise InvalidInput("There is no form to fill in here, so no data can be taken.")
        return None
    from forms.builder import build_form
    from forms.models import FormVersion

    form = build_form(FormVersion.objects.get(pk=version_id), data=data or {}, files=files)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        summary = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errs)}"
            for name, errs in errors.items()
        )
        raise InvalidInput(f"The form has errors: {summary}", field_errors=errors)
    return form


def _form_data(form, *, case: Case | None = None, actor=None) -> dict:
    """The answers of a valid form as stored on the case. With a case, each uploaded file
    (file, photo or signature field) becomes one of its attachments and the answer refers to it
    (``{"attachment": id, "name", "size", "content_type", "sha256"}``)."""
    if form is None:
        return {}
    if case is None:
        return form.get_data_for_storage()

    def save_file(spec, uploaded, slot) -> dict:
        attachment = _store_attachment(case=case, actor=actor, upload=uploaded)
        return {
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "size": attachment.size,
            "content_type": attachment.content_type,
            "sha256": attachment.sha256,
        }

    return form.get_data_for_storage(save_file=save_file)


def _deadline(store: Store, state: StateDef, start: datetime.datetime):
    if state.sla_hours is None:
        return None
    return add_business_hours(store, start, state.sla_hours)


def _pick_assignee(definition: ProcessDefinition, store: Store, process: Process, data: dict):
    rule = definition.assignment_rule
    if rule == AssignmentRule.BY_FIELD:
        username = str(data.get(definition.assignment_field) or "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not store.memberships.filter(user=user).exists():
            raise InvalidInput(
                f"“{username}” is not an active member of {store.name} and cannot be assigned.",
                field_errors={definition.assignment_field: ["Unknown assignee."]},
            )
        return user
    if rule not in (AssignmentRule.ROUND_ROBIN, AssignmentRule.LEAST_OPEN):
        return None
    candidates = User.objects.filter(
        is_active=True,
        groups__pk=definition.assignee_group_id,
        store_memberships__store=store,
    ).order_by("pk")
    if rule == AssignmentRule.LEAST_OPEN:
        return (
            candidates.annotate(
                open_cases=Count(
                    "assigned_cases",
                    filter=Q(assigned_cases__closed_at__isnull=True),
                )
            )
            .order_by("open_cases", "pk")
            .first()
        )
    candidate_ids = list(candidates.values_list("pk", flat=True))
    if not candidate_ids:
        return None
    last = (
        Case.objects.filter(process=process, store=store, assignee_id__in=candidate_ids)
        .order_by("-opened_at", "-pk")
        .values_list("assignee_id", flat=True)
        .first()
    )
    index = (candidate_ids.index(last) + 1) % len(candidate_ids) if last in candidate_ids else 0
    return User.objects.get(pk=candidate_ids[index])


def case_open(
    *,
    process: Process,
    store: Store,
    actor,
    customer: dict | None = None,
    data: dict | None = None,
    files=None,
    now: datetime.datetime | None = None,
) -> Case:
    """Open a case on the process's live version, validating ``data`` with its intake form."""
    version = process.live_version
    if version is None:
        raise InvalidInput(f"“{process}” has no published version: publish it first.")
    if not process.is_active:
        raise InvalidInput(f"“{process}” is not active: cases cannot be opened.")
    if not Store.objects.for_user(actor).filter(pk=store.pk).exists():
        raise InvalidInput(f"You are not a member of {store.name}.")
    definition = version.definition
    form = _validate_form(definition.intake_form_version_id, data, files)
    clean_data = _form_data(form)
    customer = customer or {}
    now = now or timezone.now()
    initial = definition.initial_state
    with transaction.atomic():
        year = now.astimezone(store.zoneinfo).year
        number = _next_number(process, year)
        assignee = _pick_assignee(definition, store, process, clean_data)
        case = Case(
            process=process,
            version=version,
            reference=f"{definition.reference_prefix}-{year}-{number:06d}",
            year=year,
            number=number,
            store=store,
            customer_name=customer.get("name", ""),
            customer_phone=customer.get("phone", ""),
            customer_email=customer.get("email", ""),
            customer_language=customer.get("language", ""),
            assignee=assignee,
            state=initial.code,
            state_entered_at=now,
            due_at=_deadline(store, initial, now),
            data=clean_data,
            opened_at=now,
            opened_by=actor,
        )
        case.save()
        if form is not None and any(True for _upload in form.uploads()):
            # Files are stored once the case exists; the answers then refer to them.
            case.data = _form_data(form, case=case, actor=actor)
            case.save(update_fields=["data"])
        event = _record_event(
            case=case,
            kind=EventKind.OPENED,
            actor=actor,
            created_at=now,
            to_state=initial.code,
            data={"assignee": assignee.username} if assignee else {},
        )
        transaction.on_commit(
            lambda: case_opened.send(sender=Case, case=case, event=event), robust=True
        )
    return case


# --- Transitions ----------------------------------------------------------------------------------


def rule_context(case: Case, actor) -> dict:
    """What a transition condition can read: ``data.*``, ``case.*``, ``store.*``,
    ``customer.*``, ``actor.*`` (``username``, ``groups``, ``is_assignee``, ``is_opener``),
    ``today`` (in the store's time zone), and the roots feature apps add
    (``workflows.hooks.register_rule_context``). Numbers and amounts in ``data`` are read as
    numbers, as the form field that stored them says."""
    return {
        "data": answers_for_rules(_data_field_types(case), case.data),
        "case": {
            "reference": case.reference,
            "state": case.state,
            "assignee": case.assignee.username if case.assignee_id else None,
            "opened_at": case.opened_at,
        },
        "store": {
            "code": case.store.code,
            "country": case.store.country,
            "currency": case.store.currency,
        },
        "customer": {
            "name": case.customer_name,
            "email": case.customer_email,
            "phone": case.customer_phone,
            "language": case.customer_language,
        },
        "actor": {
            "username": actor.username,
            "groups": sorted(user_group_names(actor)),
            "is_assignee": case.assignee_id == actor.pk,
            "is_opener": case.opened_by_id == actor.pk,
        },
        "today": timezone.now().astimezone(case.store.zoneinfo).date(),
        **hooks.rule_context_extra(case, actor),
    }


def _data_field_types(case: Case) -> dict[str, str]:
    """clean_name -> field type over the forms of the case's version (intake and step forms),
    so that ``data.*`` reads numbers and amounts as numbers. Read once per case instance."""
    cached = getattr(case, "_data_field_types", None)
    if cached is None:
        definition = case.definition
        version_ids = {
            definition.intake_form_version_id,
            *(transition.step_form_version_id for transition in definition.transitions),
        } - {None}
        cached = {}
        for schema in FormVersion.objects.filter(pk__in=version_ids).values_list(
            "schema", flat=True
        ):
            for spec in schema:
                cached.setdefault(spec["clean_name"], spec["field_type"])
        case._data_field_types = cached
    return cached


class _Attempt:
    """What ``Case.fire``'s condition and permission checks read; the rule context is built
    only when the transition has a condition."""

    def __init__(self, transition: TransitionDef, case: Case, actor):
        self.transition, self._case, self._actor = transition, case, actor

    @functools.cached_property
    def context(self) -> dict:
        return rule_context(self._case, self._actor)


def may_act_on(case: Case, actor) -> bool:
    """Whether ``actor`` may change ``case`` at all (transitions, notes, files, assignment):
    an active user with the ``change_case`` permission (staff and approvers; auditors only look)
    who belongs to the case's store, or has access to every store."""
    if not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm("workflows.change_case") and (
        actor.has_perm("stores.access_all_stores")
        or StoreMembership.objects.filter(store_id=case.store_id, user=actor).exists()
    )


def _refuse_read_only(case: Case, actor) -> None:
    if not may_act_on(case, actor):
        raise InvalidInput(
            f"You can look at {case.reference} but not change it: acting on a case needs a "
            f"role that works on cases and membership of {case.store.name}."
        )


def transition_refusal(case: Case, definition: TransitionDef | None, actor, code: str = ""):
    """Why ``actor`` may not fire ``definition`` on ``case`` now, or None when they may."""
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
        failing = rule.explain(rule_context(case, actor))
        if failing is not None:
            explanation = definition.condition_message or (
                f"the condition {failing} does not hold."
            )
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


def _lock(case: Case) -> Case:
    """``case`` read again with its row locked until the transaction ends (SELECT ... FOR UPDATE
    on PostgreSQL). Only the case row is read: its version (immutable) and its store are taken
    over from ``case`` when loaded there, and otherwise load when first used."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for relation in _LOCK_KEEPS:
        if relation.is_cached(case) and getattr(case, relation.attname) == getattr(
            locked, relation.attname
        ):
            relation.set_cached_value(locked, relation.get_cached_value(case))
    return locked


_LOCK_KEEPS = (Case._meta.get_field("version"), Case._meta.get_field("store"))


def case_transition(
    *,
    case: Case,
    transition: str,
    actor,
    data: dict | None = None,
    files=None,
    comment: str = "",
    expected_state: str | None = None,
    now: datetime.datetime | None = None,
) -> CaseEvent:
    """Apply a published transition to a case, or raise TransitionRefused saying why.

    ``expected_state`` is the state the actor saw: when the case moved on meanwhile, CaseChanged
    tells them to reload instead of acting on stale information.
    """
    comment = comment.strip()
    try:
        with transaction.atomic():
            locked = _lock(case)
            if expected_state is not None and locked.state != expected_state:
                current = locked.current_state
                raise CaseChanged(
                    f"{locked.reference} changed while you were looking at it: it is now "
                    f"“{current.label if current else locked.state}”. Reload it and try again."
                )
            definition = locked.definition.transition(transition)
            refusal = transition_refusal(locked, definition, actor, transition)
            if refusal is not None:
                raise refusal
            if definition.comment_required and not comment:
                raise TransitionRefused(
                    f"“{definition.label}” needs a comment.",
                    reason="comment",
                    field_errors={"comment": ["Say why in a comment."]},
                )
            try:
                step_form = _validate_form(definition.step_form_version_id, data, files)
            except InvalidInput as exc:
                raise TransitionRefused(
                    exc.message, reason="step_form", field_errors=exc.field_errors
                ) from exc

            now = now or timezone.now()
            from_state = locked.state
            locked._attempt = _Attempt(definition, locked, actor)
            try:
                if not has_transition_perm(locked.fire, actor):  # django-fsm's own checks
                    raise TransitionRefused("This transition is not allowed.", reason="permission")
                locked.fire(definition)
            finally:
                del locked._attempt
            step_data = _form_data(step_form, case=locked, actor=actor)
            target = locked.current_state
            elapsed = now - locked.state_entered_at
            locked.state_entered_at = now
            locked.due_at = _deadline(locked.store, target, now)
            changed = ["state", "state_entered_at", "due_at"]
            closed_at = now if target.is_terminal else None
            if closed_at != locked.closed_at:
                locked.closed_at = closed_at
                changed.append("closed_at")
            if step_data:
                locked.data = {**locked.data, **step_data}
                changed.append("data")
            # django-fsm's ConcurrentTransitionMixin adds "AND state = <as read>" to the UPDATE.
            # The row is locked, so the columns left out still hold what was read.
            locked.save(update_fields=changed)
            event = _record_event(
                case=locked,
                kind=EventKind.TRANSITION,
                actor=actor,
                created_at=now,
                transition=definition.code,
                from_state=from_state,
                to_state=target.code,
                comment=comment,
                data=step_data,
                seconds_in_state=_seconds(elapsed),
            )
            transaction.on_commit(
                lambda: case_transitioned.send(sender=Case, case=locked, event=event),
                robust=True,
            )
            if definition.customer_message and locked.customer_email:
                transaction.on_commit(
                    lambda: _tell_customer(locked, definition, target), robust=True
                )
    except ConcurrentTransition as exc:
        raise CaseChanged(
            f"{case.reference} was changed by someone else at the same moment. "
            "Reload it and try again."
        ) from exc
    _show_saved(case, locked)
    return event


def _tell_customer(case: Case, definition: TransitionDef, target: StateDef) -> None:
    """E-mail the transition's customer message, placeholders filled, through the queue."""
    from forms.submissions import fill_placeholders
    from workflows.tasks import send_case_email

    values = {
        "reference": case.reference,
        "name": case.customer_name,
        "store": case.store.name,
        "state": target.label,
    }
    send_case_email(
        to=case.customer_email,
        subject=f"{case.store.name}: {case.reference}",
        body=fill_placeholders(definition.customer_message, values),
    )


def _show_saved(case: Case, saved: Case) -> None:
    """Make the caller's instance show what was saved without reading it again. Written to the
    instance's ``__dict__``, as ``refresh_from_db`` does, since the state field is protected."""
    if case is saved:
        return
    for model_field in Case._meta.concrete_fields:
        case.__dict__[model_field.attname] = saved.__dict__[model_field.attname]
    case._state.fields_cache = dict(saved._state.fields_cache)


def _seconds(delta: datetime.timedelta) -> Decimal:
    """Exact seconds (to the microsecond), so durations add up to a case's age."""
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


# --- Assignment, notes, attachments ---------------------------------------------------------------


def _record_event(**fields) -> CaseEvent:
    """Write a case event, and let the features that listen (``workflows_event_recorded``) act
    in the same transaction, so their rows (an outbox message, an archive entry) and the event
    stand or fall together."""
    with transaction.atomic():
        event = CaseEvent.objects.create(**fields)
        hooks.event_recorded(event)
    return event


def case_fire_trigger(
    *,
    case: Case,
    event: str,
    actor,
    comment: str = "",
    now: datetime.datetime | None = None,
    only_from_sources: bool = False,
) -> CaseEvent | None:
    """Fire the transition the case's process maps to ``event`` (its triggers, e.g.
    ``course.completed``), as ``actor``. None when the process maps no transition to it, or,
    with ``only_from_sources``, when the case is not in one of that transition's sources;
    otherwise the transition's event, or TransitionRefused saying why it cannot fire."""
    code = case.definition.trigger(event)
    if not code:
        return None
    definition = case.definition.transition(code)
    if only_from_sources and (definition is None or case.state not in definition.sources):
        return None
    return case_transition(case=case, transition=code, actor=actor, comment=comment, now=now)


def case_assign(*, case: Case, assignee, actor, now=None) -> CaseEvent:
    """Give the case to ``assignee`` (None: unassign). The assignee must belong to its store."""
    _refuse_read_only(case, actor)
    if assignee is not None:
        if not assignee.is_active:
            raise InvalidInput(f"{assignee} is not active.")
        if not case.store.memberships.filter(user=assignee).exists():
            raise InvalidInput(f"{assignee} is not a member of {case.store.name}.")
    with transaction.atomic():
        locked = _lock(case)
        previous = locked.assignee
        Case.objects.filter(pk=locked.pk).update(assignee=assignee)
        event = _record_event(
            case=locked,
            kind=EventKind.ASSIGNED,
            actor=actor,
            created_at=now or timezone.now(),
            from_state=locked.state,
            to_state=locked.state,
            data={
                "from": previous.username if previous else None,
                "to": assignee.username if assignee else None,
            },
        )
    case.refresh_from_db()
    return event


def case_comment(*, case: Case, actor, text: str, now=None) -> CaseEvent:
    """Add an internal note (author and time are recorded)."""
    _refuse_read_only(case, actor)
    text = text.strip()
    if not text:
        raise InvalidInput("The note is empty.", field_errors={"text": ["Write something."]})
    return _record_event(
        case=case,
        kind=EventKind.COMMENT,
        actor=actor,
        created_at=now or timezone.now(),
        from_state=case.state,
        to_state=case.state,
        comment=text,
    )


def _sniff(upload) -> str:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def case_attach(*, case: Case, actor, upload) -> Attachment:
    """Store ``upload`` privately on the case after checking its size and its real type (read
    from the content, not the file name)."""
    _refuse_read_only(case, actor)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise InvalidInput("The file is empty.", field_errors={"file": ["The file is empty."]})
    if upload.size > limit:
        raise InvalidInput(
            f"“{upload.name}” is {upload.size / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB.",
            field_errors={"file": ["File too large."]},
        )
    content_type = _sniff(upload)
    if content_type not in settings.ATTACHMENT_CONTENT_TYPES:
        raise InvalidInput(
            f"“{upload.name}” is {content_type}, which is not accepted. Accepted: "
            f"{', '.join(sorted(settings.ATTACHMENT_CONTENT_TYPES))}.",
            field_errors={"file": ["File type not accepted."]},
        )
    with transaction.atomic():
        attachment = _store_attachment(
            case=case, actor=actor, upload=upload, content_type=content_type
        )
        _record_event(
            case=case,
            kind=EventKind.ATTACHMENT,
            actor=actor,
            from_state=case.state,
            to_state=case.state,
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


def _store_attachment(*, case: Case, actor, upload, content_type=None) -> Attachment:
    """Save ``upload`` privately on the case with its SHA-256. Size and type were checked by the
    caller (``case_attach``) or by the form field the file was posted to."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        case=case,
        original_name=upload.name[-255:],
        content_type=content_type or _sniff(upload),
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


# --- Bulk and version moves -----------------------------------------------------------------------


@dataclass
class BulkResult:
    succeeded: list[Case] = field(default_factory=list)
    failed: list[tuple[Case, str]] = field(default_factory=list)


def cases_bulk_transition(*, cases, transition: str, actor, comment: str = "") -> BulkResult:
    """Apply one transition to many cases; each succeeds or fails on its own."""
    result = BulkResult()
    for case in cases:
        try:
            case_transition(case=case, transition=transition, actor=actor, comment=comment)
        except (TransitionRefused, CaseChanged, InvalidInput) as exc:
            result.failed.append((case, exc.message))
        else:
            result.succeeded.append(case)
    return result


@dataclass
class MoveRow:
    case: Case
    from_state: str
    to_state: str | None
    problem: str = ""


# The code the "migrated" events of a version move carry in ``CaseEvent.transition``.
MOVE_TRANSITION = "move_version"


def may_move_cases(actor) -> bool:
    """Moving cases between process versions is process design: it needs ``change_process``."""
    return actor.is_active and actor.has_perm("workflows.change_process")


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


# --- Automatic transitions ------------------------------------------------------------------------


def scheduler_user():
    """The system user that fires automatic transitions (created on first use). It cannot sign
    in (no usable password, not staff) and holds ``workflows.change_case`` and
    ``stores.access_all_stores``, so it may act on cases of every store; case histories show it
    as the actor of what happened by itself."""
    from django.contrib.auth.models import Permission

    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SCHEDULER_USERNAME,
        defaults={"first_name": "Atelier", "last_name": "scheduler", "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="workflows", codename="change_case"),
            Permission.objects.get(content_type__app_label="stores", codename="access_all_stores"),
        )
    return user


@dataclass
class AutomaticRun:
    """What one run of ``fire_automatic_transitions`` did: references moved, and those that
    could not be moved with the reason."""

    fired: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def fire_automatic_transitions(*, batch_size: int = 500) -> AutomaticRun:
    """Fire every automatic transition whose condition holds on an open case in one of its
    source states (at most ``batch_size`` cases per process version a run), and tell the case's
    assignee, or whoever opened it, by e-mail. Each case moves in its own transaction, so one
    failing case stops nothing else."""
    from workflows.errors import WorkflowError

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

    from workflows.tasks import send_case_email

    person = case.assignee or case.opened_by
    if not person.email:
        return
    state = case.current_state
    send_case_email(
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
