"""Processes (edited), their published versions (frozen), cases and their immutable history."""

from __future__ import annotations

import threading
from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from project.stores.models import Store
from project.stores.scoping import StoreScopedQuerySet
from workflows.choices import AssignmentRule, ButtonStyle, EventKind, StateKind
from workflows.definition import ProcessDefinition, TransitionDef

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    _("Use lower-case letters, digits and underscores, starting with a letter, e.g. send_quote."),
)


# --- Process definitions (edited by designers) ----------------------------------------------------


class Process(ClusterableModel):
    """A process as the designer edits it. Cases never read these rows: they run on the
    ``ProcessVersion`` published from them."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9]*$", _("Capital letters and digits, e.g. CARE."))
        ],
        help_text=_("Case references read PREFIX-YEAR-NUMBER, e.g. CARE-2026-000123."),
    )
    description = models.TextField(_("description"), blank=True)
    intake_form = models.ForeignKey(
        "forms.FormDefinition",
        verbose_name=_("intake form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose__in": ["intake", "public"]},
        help_text=_("Filled when a case is opened; its published version is used."),
    )
    assignment_rule = models.CharField(
        _("default assignment"),
        max_length=20,
        choices=AssignmentRule.choices,
        default=AssignmentRule.NONE,
    )
    assignee_group = models.ForeignKey(
        Group,
        verbose_name=_("assignees' group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Round robin and least-open pick among this group's members of the store."),
    )
    assignment_field = models.CharField(
        _("assignment field"),
        max_length=80,
        blank=True,
        help_text=_("For “by a form field”: the intake field holding the assignee's username."),
    )
    quotation_send_transition = models.CharField(
        _("when a quotation is sent"),
        max_length=60,
        blank=True,
        help_text=_(
            "Code of the transition sending a quotation to the customer fires, as the staff "
            "member who sends it, when the case is in one of its source states, e.g. "
            "send_quotation. Empty: sending moves no case."
        ),
    )
    quotation_accept_transition = models.CharField(
        _("when the customer accepts a quotation"),
        max_length=60,
        blank=True,
        help_text=_(
            "Code of the transition the customer's acceptance fires (online or recorded at the "
            "counter), e.g. customer_accepts. Empty: the process takes no quotations."
        ),
    )
    quotation_refuse_transition = models.CharField(
        _("when the customer refuses a quotation"),
        max_length=60,
        blank=True,
        help_text=_("Code of the transition the customer's refusal fires, e.g. customer_refuses."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    live_version = models.ForeignKey(
        "ProcessVersion",
        verbose_name=_("live version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self):
        return self.name


class ProcessState(Orderable):
    process = ParentalKey(Process, on_delete=models.CASCADE, related_name="states")
    code = models.CharField(_("code"), max_length=60, validators=[code_validator])
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=StateKind.choices, default=StateKind.ACTIVE
    )
    sla_hours = models.DecimalField(
        _("SLA target (business hours)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when the state has no time target."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f6feb."))],
    )

    class Meta(Orderable.Meta):
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self):
        return f"{self.label} ({self.code})"


class ProcessTransition(ClusterableModel, Orderable):
    process = ParentalKey(Process, on_delete=models.CASCADE, related_name="transitions")
    code = models.CharField(_("code"), max_length=60, validators=[code_validator])
    label = models.CharField(_("button label"), max_length=120)
    sources = models.CharField(
        _("from states"),
        max_length=500,
        help_text=_("Codes of the states it may start from, separated by commas."),
    )
    target = models.CharField(_("to state"), max_length=60, help_text=_("Code of the state."))
    allowed_groups = ParentalManyToManyField(
        Group,
        verbose_name=_("allowed groups"),
        blank=True,
        related_name="+",
        help_text=_("Who may use it. None ticked: any member of the case's store."),
    )
    step_form = models.ForeignKey(
        "forms.FormDefinition",
        verbose_name=_("step form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "step"},
        help_text=_("Forms whose purpose is “Workflow step”."),
    )
    condition = models.TextField(
        _("condition"),
        blank=True,
        help_text=_(
            'Only offered when this holds, e.g. quote.total > 500 and store.country == "KR"'
        ),
    )
    condition_message = models.CharField(
        _("message when the condition does not hold"),
        max_length=255,
        blank=True,
        help_text=_(
            "Shown to staff instead of the condition itself, e.g. “You cannot approve your own "
            "request.”"
        ),
    )
    customer_message = models.TextField(
        _("message to the customer"),
        blank=True,
        help_text=_(
            "E-mailed to the customer when this transition is made, if they gave an address. "
            "Placeholders: {reference}, {name}, {store}, {state}."
        ),
    )
    automatic = models.BooleanField(
        _("automatic"),
        default=False,
        help_text=_(
            "Fired by Atelier itself, every few minutes, on open cases in its “from” states whose "
            "condition holds (e.g. today > data.reserved_until): never offered as a button. The "
            "case's assignee, or whoever opened it, is told by e-mail."
        ),
    )
    comment_required = models.BooleanField(_("comment required"), default=False)
    button_style = models.CharField(
        _("button style"),
        max_length=10,
        choices=ButtonStyle.choices,
        default=ButtonStyle.PRIMARY,
    )

    class Meta(Orderable.Meta):
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self):
        return f"{self.label} ({self.code})"

    @property
    def source_codes(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.sources.split(",") if code.strip())


class ProcessVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Process versions are immutable: publish a new version instead.")


class ProcessVersion(models.Model):
    """A published, immutable snapshot of a process. Cases keep the version they opened with."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    spec = models.JSONField(_("definition"))
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ProcessVersionQuerySet.as_manager()

    class Meta:
        ordering = ["process", "-number"]
        verbose_name = _("process version")
        verbose_name_plural = _("process versions")
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="workflows_version_unique"),
        ]

    def __str__(self):
        return f"{self.process} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Process versions are immutable: publish a new version instead.")
        super().save(*args, **kwargs)

    @property
    def definition(self) -> ProcessDefinition:
        if self.pk is None:
            return ProcessDefinition.from_json(self.spec)
        return _parsed_definitions.get(self)


class _DefinitionCache:
    """Parsed definitions of saved versions, shared for the life of the process; the
    ``maxsize`` most recently used are kept. Versions never change, so an entry never goes
    stale. The key includes the publication time so that a primary key used again (after a
    rolled-back transaction, as in tests) cannot find another version's definition."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, ProcessDefinition] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: ProcessVersion) -> ProcessDefinition:
        key = (version.pk, version.published_at)
        with self._lock:
            definition = self._entries.get(key)
            if definition is not None:
                self._entries.move_to_end(key)
                return definition
        definition = ProcessDefinition.from_json(version.spec)
        with self._lock:
            self._entries[key] = definition
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return definition


_parsed_definitions = _DefinitionCache(maxsize=512)


class ReferenceCounter(models.Model):
    """Last case number per process and year; locked while a case is opened, so numbers are
    unique and gap-free (a rolled-back opening rolls its number back too)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "year"], name="workflows_counter_unique"),
        ]

    def __str__(self):
        return f"{self.process_id}/{self.year}: {self.last_number}"


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
    return rule is None or rule.evaluate(case._attempt.context)


def _actor_allowed(case: Case, user) -> bool:
    return _attempted(case).allows_user(user)


class CaseQuerySet(StoreScopedQuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Case(ConcurrentTransitionMixin, models.Model):
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="cases")
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


class CaseEventQuerySet(StoreScopedQuerySet):
    def update(self, **kwargs):
        raise TypeError("Case events are immutable.")

    def delete(self):
        raise TypeError("Case events are immutable.")


class CaseEvent(models.Model):
    """One thing that happened to a case. Written once by a service; never changed or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
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
    comment = models.TextField(_("comment"), blank=True)
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
            models.Index(fields=["from_state", "created_at"], name="workflows_event_from"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Case events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are immutable.")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.reference}/{instance.sha256[:16]}/{filename}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Attachment(models.Model):
    """A file on a case, kept in private storage and served only after a permission check."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=_private_storage, max_length=300)
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


# The public page that opens a case (workflows/pages.py) and the catalogue and quotation models
# (workflows/quotation_models.py) need the models above; importing them here registers them with
# the app like the models of this module.
import workflows.pages  # noqa: E402, F401, I001
from workflows.quotation_models import (  # noqa: E402, F401, I001
    Quotation,
    QuotationLine,
    ServiceItem,
    SparePart,
)
