"""Processes as designers edit them, their triggers, and the versions publishing freezes."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from project.core.limits import (
    CONDITION_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    SLA_HOURS_MAX,
    SLA_HOURS_MIN,
)
from project.core.models import ImmutableModel, ImmutableQuerySetMixin
from workflows import hooks
from workflows.choices import AssignmentRule, ButtonStyle, StateKind
from workflows.definition import ProcessDefinition

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
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
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
        validators=[
            MinValueValidator(
                SLA_HOURS_MIN, _("An SLA target is at least %(limit_value)s business hours.")
            ),
            MaxValueValidator(
                SLA_HOURS_MAX, _("An SLA target is at most %(limit_value)s business hours.")
            ),
        ],
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
        max_length=CONDITION_MAX_LENGTH,
        validators=[MaxLengthValidator(CONDITION_MAX_LENGTH)],
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
        max_length=MESSAGE_MAX_LENGTH,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
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


class ProcessTrigger(Orderable):
    """Something that happens outside the engine moves the process's cases: ``event`` (from the
    registry of trigger events the feature apps declare, e.g. a course completed by a new hire)
    fires the transition ``transition``. Publishing freezes the triggers into the version."""

    process = ParentalKey(Process, on_delete=models.CASCADE, related_name="triggers")
    event = models.CharField(_("event"), max_length=60, choices=hooks.trigger_event_choices)
    transition = models.CharField(
        _("transition"),
        max_length=60,
        validators=[code_validator],
        help_text=_("Code of the transition the event fires, e.g. customer_accepts."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        constraints = [
            models.UniqueConstraint(fields=["process", "event"], name="workflows_trigger_event"),
        ]

    def __str__(self):
        return f"{self.event} → {self.transition}"


class ProcessVersionQuerySet(ImmutableQuerySetMixin, models.QuerySet):
    pass


class ProcessVersion(ImmutableModel):
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

    def get_immutable_message(self) -> str:
        return "Process versions are immutable: publish a new version instead."

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
