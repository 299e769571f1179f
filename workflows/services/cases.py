"""Writes on cases: open, transition, fire a trigger, assign, comment, attach, bulk moves.

Every event is written through ``_record_event``, which lets the features listening on
``workflows_event_recorded`` act in the same transaction."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_fsm import ConcurrentTransition

from forms.builder import build_form
from forms.models import FormVersion
from forms.submissions import fill_placeholders
from project.core.files import sha256_of, sniff_content_type
from project.core.limits import (
    COMMENT_MAX_LENGTH,
    CUSTOMER_PHONE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    LANGUAGE_CODE_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    SLA_HOURS_MAX,
    SLA_HOURS_MIN,
    length_problem,
)
from project.core.tasks import send_email
from project.stores.models import Store
from workflows import hooks
from workflows.choices import AssignmentRule, EventKind
from workflows.definition import (
    ProcessDefinition,
    StateDef,
    TransitionDef,
)
from workflows.errors import CaseChanged, InvalidInput, TransitionRefused
from workflows.models import (
    Attachment,
    Case,
    CaseEvent,
    Process,
    ReferenceCounter,
)

# --- Opening --------------------------------------------------------------------------------------
from workflows.permissions import _refuse_read_only, transition_refusal
from workflows.rule_context import _Attempt
from workflows.signals import case_opened, case_transitioned
from workflows.sla import add_business_hours

User = get_user_model()
logger = logging.getLogger(__name__)


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


def _deadline(
    store: Store,
    state: StateDef,
    start: datetime.datetime,
    *,
    calendar_version: uuid.UUID | None = None,
):
    """When a case entering ``state`` at ``start`` is due; None when the state has no SLA
    target, or one out of range (a version published before SLA targets had a range may hold
    999,999.99 hours) or that the store's hours cannot place. The case then goes without a
    deadline and the problem is logged, instead of the opening or the transition failing.
    ``calendar_version``: the store's, read with the work at hand (read now when not given)."""
    hours = state.sla_hours
    if hours is None:
        return None
    problem = ""
    if not SLA_HOURS_MIN <= hours <= SLA_HOURS_MAX:
        problem = f"out of the range {SLA_HOURS_MIN} to {SLA_HOURS_MAX}"
    else:
        try:
            return add_business_hours(store, start, hours, calendar_version=calendar_version)
        except (ArithmeticError, ValueError) as exc:  # OverflowError is an ArithmeticError
            problem = str(exc)
    logger.warning(
        "No deadline for state %s (SLA %s business hours) at %s from %s: %s",
        state.code,
        hours,
        store.code,
        start.isoformat(),
        problem,
    )
    return None


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
    # The store's calendar version (its deadlines' key) is read with the membership check.
    calendar_version = (
        Store.objects.for_user(actor)
        .filter(pk=store.pk)
        .values_list("calendar_version", flat=True)
        .first()
    )
    if calendar_version is None:
        raise InvalidInput(f"You are not a member of {store.name}.")
    definition = version.definition
    form = _validate_form(definition.intake_form_version_id, data, files)
    clean_data = _form_data(form)
    customer = customer or {}
    _check_customer(customer)
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
            due_at=_deadline(store, initial, now, calendar_version=calendar_version),
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


# The customer's details as ``case_open`` takes them, the bound of each and its field's name.
_CUSTOMER_LIMITS = {
    "name": (PERSON_NAME_MAX_LENGTH, "customer_name", gettext_lazy("Customer name")),
    "phone": (CUSTOMER_PHONE_MAX_LENGTH, "customer_phone", gettext_lazy("Customer phone")),
    "email": (EMAIL_MAX_LENGTH, "customer_email", gettext_lazy("Customer e-mail")),
    "language": (
        LANGUAGE_CODE_MAX_LENGTH,
        "customer_language",
        gettext_lazy("Customer's language"),
    ),
}


def _check_customer(customer: dict) -> None:
    """Refuse customer details longer than the case keeps, naming each."""
    field_errors = {}
    for key, (limit, name, label) in _CUSTOMER_LIMITS.items():
        problem = length_problem(label, str(customer.get(key) or ""), limit)
        if problem:
            field_errors[name] = [problem]
    if field_errors:
        raise InvalidInput(
            " ".join(message for messages in field_errors.values() for message in messages),
            field_errors=field_errors,
        )


def _lock(case: Case, *, columns: tuple[str, ...] | None = None, with_store: bool = False) -> Case:
    """``case`` read again with its row locked until the transaction ends (SELECT ... FOR UPDATE
    OF the case row on PostgreSQL): all its columns, or only ``columns`` (the others load when
    first used). Only the case row is locked. Its version (immutable) is taken over from
    ``case`` when loaded there; its store is read in the same query ``with_store``, otherwise
    taken over from ``case`` too, and otherwise loads when first used."""
    queryset = Case.objects.select_for_update(of=("self",))
    if with_store:
        queryset = queryset.select_related("store")
    if columns is not None:
        queryset = queryset.only(*columns)
    locked = queryset.get(pk=case.pk)
    for relation in _LOCK_KEEPS[:1] if with_store else _LOCK_KEEPS:
        if relation.is_cached(case) and getattr(case, relation.attname) == getattr(
            locked, relation.attname
        ):
            relation.set_cached_value(locked, relation.get_cached_value(case))
    return locked


_LOCK_KEEPS = (Case._meta.get_field("version"), Case._meta.get_field("store"))

# The columns of the case every transition reads under its lock, and those some need as well;
# the rest (customer details, numbers, answers) is left in the database when not needed.
_TRANSITION_COLUMNS = ("id", "state", "state_entered_at", "closed_at", "version", "store")
_REFERENCE_COLUMNS = ("reference",)  # named by refusals and by attachments' paths
_CONDITION_COLUMNS = (  # what a condition reads (``rule_context``)
    "reference",
    "data",
    "assignee",
    "opened_at",
    "opened_by",
    "customer_name",
    "customer_phone",
    "customer_email",
    "customer_language",
)
_CUSTOMER_MESSAGE_COLUMNS = ("reference", "customer_name", "customer_email")


def _transition_columns(definition: TransitionDef | None) -> tuple[str, ...] | None:
    """The columns of the case ``definition`` reads; None (all) for an unknown transition."""
    if definition is None:
        return None
    columns = [*_TRANSITION_COLUMNS, *_REFERENCE_COLUMNS]
    if definition.rule is not None:
        columns += _CONDITION_COLUMNS
    if definition.step_form_version_id:
        columns.append("data")
    if definition.customer_message:
        columns += _CUSTOMER_MESSAGE_COLUMNS
    return tuple(dict.fromkeys(columns))


def _lock_for_transition(case: Case, code: str) -> Case:
    """The locked read of a transition, in one query: the columns of the case the transition
    reads, and its store as it is now (its time zone and calendar version, the key of the
    store's cached hours and holidays: ``project.stores.calendar``). What the transition reads
    is known from the version ``case`` was loaded with; when the case was moved to another
    version meanwhile, what the other version's transition reads as well is loaded before it
    fires."""
    hint = case.version.definition.transition(code) if _LOCK_KEEPS[0].is_cached(case) else None
    locked = _lock(case, columns=_transition_columns(hint), with_store=True)
    definition = locked.definition.transition(code)
    if definition is not hint:
        missing = [
            Case._meta.get_field(name).attname
            for name in _transition_columns(definition) or ()
            if Case._meta.get_field(name).attname not in locked.__dict__
        ]
        if missing:  # loaded now, not half-way through the transition (see case_transition)
            locked.refresh_from_db(fields=missing)
    return locked


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
    problem = length_problem(gettext("Comment"), comment, COMMENT_MAX_LENGTH)
    if problem:
        raise TransitionRefused(problem, reason="comment", field_errors={"comment": [problem]})
    try:
        with transaction.atomic():
            locked = _lock_for_transition(case, transition)
            if expected_state is not None and locked.state != expected_state:
                current = locked.current_state
                raise CaseChanged(
                    f"{locked.reference} changed while you were looking at it: it is now "
                    f"“{current.label if current else locked.state}”. Reload it and try again."
                )
            definition = locked.definition.transition(transition)
            # One attempt for the checks below and Case.fire's guard: the condition's context
            # is built once and the condition evaluated once.
            attempt = _Attempt(definition, locked, actor) if definition is not None else None
            refusal = transition_refusal(locked, definition, actor, transition, attempt=attempt)
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
            # transition_refusal checked who may fire it; django-fsm checks the source and the
            # condition again as it fires (the condition from the attempt's memory). No column
            # may load between here and the save: loading one resets django-fsm's record of the
            # state as read, which its concurrency guard compares with.
            locked._attempt = attempt
            try:
                locked.fire(definition)
            finally:
                del locked._attempt
            step_data = _form_data(step_form, case=locked, actor=actor)
            target = locked.current_state
            elapsed = now - locked.state_entered_at
            locked.state_entered_at = now
            locked.due_at = _deadline(
                locked.store, target, now, calendar_version=locked.store.calendar_version
            )
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

    values = {
        "reference": case.reference,
        "name": case.customer_name,
        "store": case.store.name,
        "state": target.label,
    }
    send_email(
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
        if model_field.attname in saved.__dict__:  # the columns the transition read
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
    problem = length_problem(gettext("Comment"), fields.get("comment", ""), COMMENT_MAX_LENGTH)
    if problem:  # what a feature wrote around a person's words (the services check theirs)
        raise InvalidInput(problem, field_errors={"comment": [problem]})
    # No savepoint inside the caller's transaction: a listener's failure undoes it all.
    with transaction.atomic(savepoint=False):
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
    problem = length_problem(gettext("Internal note"), text, COMMENT_MAX_LENGTH)
    if problem:
        raise InvalidInput(problem, field_errors={"text": [problem]})
    return _record_event(
        case=case,
        kind=EventKind.COMMENT,
        actor=actor,
        created_at=now or timezone.now(),
        from_state=case.state,
        to_state=case.state,
        comment=text,
    )


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
    content_type = sniff_content_type(upload)
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
    attachment = Attachment(
        case=case,
        original_name=upload.name[-255:],
        content_type=content_type or sniff_content_type(upload),
        size=upload.size,
        sha256=sha256_of(upload),
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
