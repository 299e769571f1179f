"""Cases, their immutable history and their attachments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from project.core.files import private_storage
from project.core.limits import COMMENT_MAX_LENGTH
from project.core.models import ImmutableModel, ImmutableQuerySetMixin
from project.stores.models import Store
from project.stores.scoping import StoreScopedQuerySet
from workflows.choices import EventKind
from workflows.definition import ProcessDefinition, TransitionDef
from workflows.models.processes import Process, ProcessVersion

# --- Cases ----------------------------------------------------------------------------------------


def _attempted(case: Case) -> TransitionDef:
    attempt = getattr(case, "_attempt", None)
    if attempt is None:
        raise TypeError("Call Case.fire through workflows.services.case_transition.")
    return attempt.transition


def _source_allowed(case: Case) -> bool:
    return case.state in _attempted(case).sources


def _condition_holds(case: Case) -> bool:
    rule = _attempted(case).rule
    attempt = case._attempt
    return rule is None or attempt.condition_held or rule.evaluate(attempt.context)


def _actor_allowed(case: Case, user) -> bool:
    return _attempted(case).allows_user(user)


class CaseQuerySet(StoreScopedQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Case(ConcurrentTransitionMixin, models.Model):
    # Foreign keys without an index of their own lead a composite index (Meta below): an index
    # more is written by every transition and read by no query.
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="cases", db_index=False)
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_phone = models.CharField(_("customer phone"), max_length=32, blank=True)
    customer_email = models.EmailField(_("customer e-mail"), blank=True)
    customer_language = models.CharField(_("customer language"), max_length=10, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,
    )
    # Changed only by ``fire`` below; django-fsm refuses any direct assignment.
    state = FSMField(_("state"), max_length=60, protected=True)
    state_entered_at = models.DateTimeField(_("in this state since"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_cases"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    store_field = "store"
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "year", "number"], name="workflows_case_number_unique"
            ),
        ]
        indexes = [
            # The case list's default order, so page 1 of a large table is an index scan.
            models.Index(fields=["-opened_at", "-id"], name="workflows_case_opened"),
            # These three also serve their first column's foreign key (a process, store or
            # user deleted, a filter on one of them).
            models.Index(fields=["process", "state"], name="workflows_case_proc_state"),
            models.Index(fields=["store", "state"], name="workflows_case_store_state"),
            models.Index(fields=["assignee", "closed_at"], name="workflows_case_assignee"),
            models.Index(
                fields=["due_at"],
                name="workflows_case_open_due",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def definition(self) -> ProcessDefinition:
        return self.version.definition

    @property
    def current_state(self):
        return self.definition.state(self.state)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @transition(
        field=state,
        source="*",
        target=GET_STATE(lambda case, definition: definition.target),
        conditions=[_source_allowed, _condition_holds],
        permission=_actor_allowed,
    )
    def fire(self, definition: TransitionDef) -> None:
        """The one transition of every case: sources, target, condition and permission come from
        ``definition`` (a transition of the case's process version). It changes nothing but the
        state; ``case_transition`` saves, records the event and schedules side effects."""


# --- History --------------------------------------------------------------------------------------


class CaseEventQuerySet(ImmutableQuerySetMixin, StoreScopedQuerySet):
    pass


class CaseEvent(ImmutableModel):
    """One thing that happened to a case. Written once by a service; never changed or deleted."""

    # Indexed by "workflows_event_case" (case, created_at), which it leads.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    transition = models.CharField(_("transition"), max_length=60, blank=True)
    from_state = models.CharField(_("from"), max_length=60, blank=True)
    to_state = models.CharField(_("to"), max_length=60, blank=True)
    # Bounded by the services that take comments (and by ``_record_event``, which writes every
    # event); no database constraint, so events written before the bound stay as they were.
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)],
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    seconds_in_state = models.DecimalField(
        _("seconds in the state left"),
        max_digits=16,
        decimal_places=6,
        default=Decimal(0),
        help_text=_("Stored when written, so lead-time reports never replay history."),
    )

    store_field = "case__store"
    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["case", "created_at"], name="workflows_event_case"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.from_state}→{self.to_state}"

    def get_immutable_message(self) -> str:
        return "Case events are immutable."


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{instance.sha256[:16]}/{filename}"


# Migration 0001 names the storage by this name.
_private_storage = private_storage


class Attachment(models.Model):
    """A file on a case, kept in private storage and served only after a permission check."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    store_field = "case__store"
    objects = StoreScopedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def clean(self):
        if self.size is not None and self.size <= 0:
            raise ValidationError({"file": _("The file is empty.")})
