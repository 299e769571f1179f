"""Form definitions (edited by designers) and their published versions (frozen).

Runtime code never reads ``FormDefinition`` or ``FormField`` rows: it builds forms from a
``FormVersion``'s schema, so editing a form never changes what an earlier submission meant.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from forms.choices import CHOICE_TYPES, LAYOUT_TYPES, FieldType, FormPurpose
from forms.rules import RuleError, parse_rule
from project.stores.choices import Currency

# A clean_name is a key in stored data and a name in the rule language, so it stays short,
# ASCII and starts with a letter.
CLEAN_NAME_MAX_LENGTH = 60

# Words of the rule language (forms/rules.py); a field named like one could not be referred to.
RULE_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null", "today"})


class FormDefinition(ClusterableModel):
    """A form as the designer edits it. Publishing freezes it as a ``FormVersion``."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Stable key used by processes, pages and the API, e.g. repair-request."),
    )
    description = models.TextField(_("description"), blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=FormPurpose.choices, default=FormPurpose.INTAKE
    )
    live_version = models.ForeignKey(
        "FormVersion",
        verbose_name=_("live version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self):
        return self.name


class FormField(Orderable):
    """One field (or layout item) of a form definition, in the designer's order."""

    form = ParentalKey(FormDefinition, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(_("label"), max_length=255)
    clean_name = models.CharField(
        _("name"),
        max_length=CLEAN_NAME_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text=_(
            "Set from the label when the field is first saved and never changed afterwards: "
            "stored answers and conditions use it."
        ),
    )
    field_type = models.CharField(_("field type"), max_length=20, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=True)
    help_text = models.TextField(_("help text"), blank=True)
    placeholder = models.CharField(_("placeholder"), max_length=255, blank=True)
    default_value = models.TextField(
        _("default value"),
        blank=True,
        help_text=_(
            "For multiple choice, one choice per line; for an amount of money, a currency code."
        ),
    )
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One per line. For drop-downs, radio buttons and multiple choice; for an amount of "
            "money, the currency codes offered (all when empty)."
        ),
    )
    min_value = models.DecimalField(
        _("minimum value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    regex = models.CharField(
        _("pattern"),
        max_length=500,
        blank=True,
        help_text=_(
            r"Regular expression the whole answer must match, e.g. [A-Z]{2}\d{6} for a serial."
        ),
    )
    regex_message = models.CharField(
        _("pattern message"),
        max_length=255,
        blank=True,
        help_text=_("Shown when the answer does not match, e.g. “Two letters and six digits.”"),
    )
    allowed_extensions = models.CharField(
        _("allowed file extensions"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated, e.g. pdf, jpg, png."),
    )
    max_upload_mb = models.PositiveIntegerField(
        _("maximum file size (MB)"),
        null=True,
        blank=True,
        help_text=_("Empty: 10 MB."),
    )
    condition = models.TextField(
        _("show only when"),
        blank=True,
        help_text=_(
            'Rule over earlier fields\' names, e.g. warranty == "no". Empty: always shown. '
            "A hidden field is neither required nor stored."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("field_type")]),
        FieldPanel("clean_name", read_only=True),
        FieldRowPanel([FieldPanel("required"), FieldPanel("placeholder")]),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldPanel("default_value"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_value"), FieldPanel("max_value")]),
                FieldRowPanel([FieldPanel("min_length"), FieldPanel("max_length")]),
                FieldRowPanel([FieldPanel("regex"), FieldPanel("regex_message")]),
                FieldRowPanel([FieldPanel("allowed_extensions"), FieldPanel("max_upload_mb")]),
            ],
            heading=_("Validation"),
        ),
        FieldPanel("condition"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            # Empty only in memory, before the first save sets it.
            models.UniqueConstraint(
                fields=["form", "clean_name"], name="forms_formfield_unique_clean_name"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def takes_input(self) -> bool:
        return self.field_type not in LAYOUT_TYPES

    def save(self, *args, **kwargs):
        if not self.clean_name:
            self.clean_name = self.make_clean_name()
        super().save(*args, **kwargs)

    def make_clean_name(self) -> str:
        """A name for a new field, from its label, unique within its form (``_2``, ``_3`` …).

        Used once, on the first save; renaming the label later keeps the name, so answers stored
        under it and conditions referring to it stay valid.
        """
        base = clean_name_from_label(self.label)
        taken = set(
            FormField.objects.filter(form_id=self.form_id)
            .exclude(pk=self.pk)
            .values_list("clean_name", flat=True)
        )
        name, counter = base, 1
        while name in taken:
            counter += 1
            suffix = f"_{counter}"
            name = base[: CLEAN_NAME_MAX_LENGTH - len(suffix)] + suffix
        return name

    def clean(self):
        super().clean()
        problems = self.get_problems()
        if problems:
            raise ValidationError(problems)

    def get_problems(self) -> dict[str, list[str]]:
        """Problems within this row, by attribute; the publish service adds those across rows."""
        problems: dict[str, list[str]] = {}

        def add(attribute, message):
            problems.setdefault(attribute, []).append(str(message))

        if self.field_type in CHOICE_TYPES and not self.choice_list:
            add("choices", _("Add at least one choice, one per line."))
        if len(set(self.choice_list)) != len(self.choice_list):
            add("choices", _("Each choice may appear only once."))
        if self.field_type == FieldType.MULTI_SELECT:
            unknown = [v for v in split_lines(self.default_value) if v not in self.choice_list]
            if unknown:
                add("default_value", _("Not among the choices: %s.") % ", ".join(unknown))
        elif self.field_type in {FieldType.DROPDOWN, FieldType.RADIO} and self.default_value:
            if self.default_value.strip() not in self.choice_list:
                add("default_value", _("The default value must be one of the choices."))
        if self.field_type == FieldType.MONEY:
            currencies = set(self.choice_list) | (
                {self.default_value.strip()} if self.default_value.strip() else set()
            )
            unknown = sorted(currencies - set(Currency.values))
            if unknown:
                add(
                    "choices",
                    _("Unknown currency code(s): %(codes)s. Known: %(known)s.")
                    % {"codes": ", ".join(unknown), "known": ", ".join(Currency.values)},
                )
        if self.field_type == FieldType.NUMBER and self.default_value.strip():
            try:
                is_number = Decimal(self.default_value.strip()).is_finite()
            except ArithmeticError:
                is_number = False
            if not is_number:
                add("default_value", _("The default value must be a number, e.g. 1 or 2.5."))
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            add(
                "max_value",
                _("The maximum (%(max)s) is smaller than the minimum (%(min)s).")
                % {"max": format_decimal(self.max_value), "min": format_decimal(self.min_value)},
            )
        if (
            self.min_length is not None
            and self.max_length is not None
            and self.min_length > self.max_length
        ):
            add(
                "max_length",
                _("The maximum length (%(max)s) is smaller than the minimum length (%(min)s).")
                % {"max": self.max_length, "min": self.min_length},
            )
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as exc:
                add("regex", _("This is not a valid regular expression: %s.") % exc)
        if self.field_type == FieldType.FILE:
            if not self.extension_list:
                add("allowed_extensions", _("List the allowed file extensions, e.g. pdf, jpg."))
            elif any(not re.fullmatch(r"[a-z0-9]+", ext) for ext in self.extension_list):
                add(
                    "allowed_extensions",
                    _("Use letters and digits only, separated by commas, e.g. pdf, jpg."),
                )
            if self.max_upload_mb == 0:
                add("max_upload_mb", _("The maximum file size must be at least 1 MB."))
        if self.condition.strip():
            try:
                parse_rule(self.condition)
            except RuleError as exc:
                add("condition", _("This condition cannot be read: %s") % rule_error_text(exc))
        return problems

    @property
    def choice_list(self) -> list[str]:
        return split_lines(self.choices)

    @property
    def extension_list(self) -> list[str]:
        return [
            ext.strip().lstrip(".").lower()
            for ext in self.allowed_extensions.split(",")
            if ext.strip().lstrip(".")
        ]

    def to_schema(self) -> dict:
        """This field as a JSON-native dict, the way a ``FormVersion`` freezes it."""
        condition = self.condition.strip()
        condition_names: list[str] = []
        condition_rule = None
        if condition:
            rule = parse_rule(condition)
            condition_names = sorted(rule.names)
            condition_rule = rule.to_json()
        return {
            "clean_name": self.clean_name,
            "label": self.label,
            "field_type": self.field_type,
            "required": self.required,
            "help_text": self.help_text,
            "placeholder": self.placeholder,
            "default_value": self.default_value,
            "choices": self.choice_list,
            "min_value": format_decimal(self.min_value),
            "max_value": format_decimal(self.max_value),
            "min_length": self.min_length,
            "max_length": self.max_length,
            "regex": self.regex,
            "regex_message": self.regex_message,
            "allowed_extensions": self.extension_list,
            "max_upload_mb": self.max_upload_mb,
            "condition": condition,
            "condition_names": condition_names,
            "condition_rule": condition_rule,
        }


class FormVersionImmutable(Exception):
    """Raised when code tries to change a saved ``FormVersion``."""


class FormVersion(models.Model):
    """A published, frozen form: what submissions, cases and step forms are made with.

    ``schema`` is the ordered list of field dicts (see ``FormField.to_schema``). A version never
    changes once created; publishing changes creates the next one.
    """

    form = models.ForeignKey(
        FormDefinition, verbose_name=_("form"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    schema = models.JSONField(_("schema"), encoder=DjangoJSONEncoder, default=list)

    class Meta:
        ordering = ["form", "-number"]
        get_latest_by = "number"
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="forms_formversion_unique"),
        ]

    def __str__(self):
        return f"{self.form} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FormVersionImmutable(
                f"Form version {self} is published and cannot be changed; publish a new one."
            )
        super().save(*args, **kwargs)

    @property
    def labels(self) -> dict[str, str]:
        """Label of each field by clean_name, as this version showed them."""
        return {spec["clean_name"]: spec["label"] for spec in self.schema}


# --- helpers -------------------------------------------------------------------------------------


def clean_name_from_label(label: str) -> str:
    """``"Serial no. (back)"`` → ``"serial_no_back"``: ASCII, starting with a letter, and never
    a word of the rule language, so conditions can always refer to it."""
    name = re.sub(r"_+", "_", slugify(label).replace("-", "_")).strip("_")
    if not name:
        name = "field"
    elif not name[0].isalpha():
        name = f"field_{name}"
    name = name[:CLEAN_NAME_MAX_LENGTH].rstrip("_")
    if name in RULE_KEYWORDS:
        name = f"{name}_field"
    return name


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def format_decimal(value: Decimal | int | str | None) -> str | None:
    """A Decimal as plain text without exponent or trailing zeros: ``Decimal("10.5000")`` →
    ``"10.5"``."""
    if value is None:
        return None
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def rule_error_text(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)
