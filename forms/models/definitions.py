"""Form definitions (edited by designers) and their published versions (frozen).

Runtime code never reads ``FormDefinition`` or ``FormField`` rows: it builds forms from a
``FormVersion``'s schema, so editing a form never changes what an earlier submission meant.

Most of this module is ``FormField``'s checks of its own columns (``get_problems``), kept next to
the columns they check; the publish service adds the checks across rows.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable

from forms.choices import CHOICE_TYPES, DATE_TYPES, LAYOUT_TYPES, FieldType, FormPurpose
from forms.fields import LINE_ITEMS_MAX_ROWS, MAX_FILES_PER_FIELD, checklist_key
from forms.rules import RuleError, parse_rule
from forms.validators import IMAGE_EXTENSIONS, checkable_extensions
from project.core.limits import (
    CHOICES_MAX_LENGTH,
    CONDITION_MAX_LENGTH,
    DEFAULT_VALUE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    HELP_TEXT_MAX_LENGTH,
    TEXT_ANSWER_MAX_LENGTH,
    UPLOAD_MB_MAX,
)
from project.core.models import ImmutableError, ImmutableModel
from project.core.patterns import pattern_problem
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
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
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
    help_text = models.TextField(
        _("help text"),
        blank=True,
        max_length=HELP_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(HELP_TEXT_MAX_LENGTH)],
    )
    placeholder = models.CharField(_("placeholder"), max_length=255, blank=True)
    default_value = models.TextField(
        _("default value"),
        blank=True,
        max_length=DEFAULT_VALUE_MAX_LENGTH,
        validators=[MaxLengthValidator(DEFAULT_VALUE_MAX_LENGTH)],
        help_text=_(
            "For multiple choice, one choice per line; for an amount of money, a currency code."
        ),
    )
    choices = models.TextField(
        _("choices"),
        blank=True,
        max_length=CHOICES_MAX_LENGTH,
        validators=[MaxLengthValidator(CHOICES_MAX_LENGTH)],
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
    min_date = models.DateField(
        _("earliest date"),
        null=True,
        blank=True,
        help_text=_("For dates and date-times: the first day accepted (that day included)."),
    )
    max_date = models.DateField(
        _("latest date"),
        null=True,
        blank=True,
        help_text=_("For dates and date-times: the last day accepted (that day included)."),
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
        max_length=CONDITION_MAX_LENGTH,
        validators=[MaxLengthValidator(CONDITION_MAX_LENGTH)],
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
                FieldRowPanel([FieldPanel("min_date"), FieldPanel("max_date")]),
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
        for attribute, message in self._date_problems():
            add(attribute, message)
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
            # Compiled as every answer is checked (RE2, linear time), so what saves also runs;
            # a pattern that needs backtracking is refused here, at save and at publish.
            problem = pattern_problem(self.regex)
            if problem:
                add("regex", problem)
        if self.field_type == FieldType.FILE:
            if not self.extension_list:
                add("allowed_extensions", _("List the allowed file extensions, e.g. pdf, jpg."))
            elif any(not re.fullmatch(r"[a-z0-9]+", ext) for ext in self.extension_list):
                add(
                    "allowed_extensions",
                    _("Use letters and digits only, separated by commas, e.g. pdf, jpg."),
                )
        for attribute, message in self._upload_problems():
            add(attribute, message)
        for attribute, message in self._range_problems():
            add(attribute, message)
        if self.condition.strip():
            try:
                parse_rule(self.condition)
            except RuleError as exc:
                add("condition", _("This condition cannot be read: %s") % rule_error_text(exc))
        return problems

    def _date_problems(self) -> list[tuple[str, str]]:
        """Problems of the earliest and latest dates (and of a date field's default value)."""
        problems: list[tuple[str, str]] = []
        if self.field_type not in DATE_TYPES:
            for attribute in ("min_date", "max_date"):
                if getattr(self, attribute) is not None:
                    problems.append(
                        (
                            attribute,
                            _(
                                "Earliest and latest dates apply only to date and date-time "
                                "fields; clear it or change the field type."
                            ),
                        )
                    )
            return problems
        low, high = as_date(self.min_date), as_date(self.max_date)
        if low is not None and high is not None and low > high:
            problems.append(
                (
                    "max_date",
                    _("The latest date (%(max)s) is before the earliest date (%(min)s).")
                    % {"max": high.isoformat(), "min": low.isoformat()},
                )
            )
        default = self.default_value.strip()
        if self.field_type == FieldType.DATE and default:
            try:
                day = datetime.date.fromisoformat(default)
            except ValueError:
                day = None
            if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", default):
                problems.append(
                    ("default_value", _("The default value must be a date such as 2026-03-31."))
                )
            elif low is not None and day < low:
                problems.append(
                    (
                        "default_value",
                        _("The default value (%(day)s) is before the earliest date (%(min)s).")
                        % {"day": default, "min": low.isoformat()},
                    )
                )
            elif high is not None and day > high:
                problems.append(
                    (
                        "default_value",
                        _("The default value (%(day)s) is after the latest date (%(max)s).")
                        % {"day": default, "max": high.isoformat()},
                    )
                )
        return problems

    def _range_problems(self) -> list[tuple[str, str]]:
        """Numbers out of their range: the file size, and lengths a text answer never reaches
        (files and line items have their own ranges, see ``_upload_problems``)."""
        problems: list[tuple[str, str]] = []
        # Only numbers are compared: a value that is not one is refused by its column's check.
        max_upload_mb, min_length, max_length = (
            value if isinstance(value, int) else None
            for value in (self.max_upload_mb, self.min_length, self.max_length)
        )
        if max_upload_mb is not None:
            if max_upload_mb < 1:
                problems.append(
                    ("max_upload_mb", _("The maximum file size must be at least 1 MB."))
                )
            elif max_upload_mb > UPLOAD_MB_MAX:
                problems.append(
                    (
                        "max_upload_mb",
                        _("The maximum file size can be at most %(limit)d MB.")
                        % {"limit": UPLOAD_MB_MAX},
                    )
                )
        counts_items = self.field_type == FieldType.LINE_ITEMS or (
            self.field_type in (FieldType.FILE, FieldType.IMAGE) and not self.choice_list
        )
        if counts_items:
            ceiling = (
                LINE_ITEMS_MAX_ROWS
                if self.field_type == FieldType.LINE_ITEMS
                else MAX_FILES_PER_FIELD
            )
            if min_length is not None and min_length > ceiling:
                problems.append(
                    (
                        "min_length",
                        _("The minimum length can be at most %(limit)d here.") % {"limit": ceiling},
                    )
                )
            return problems  # the maximum is checked in _upload_problems
        if max_length is not None and not 1 <= max_length <= TEXT_ANSWER_MAX_LENGTH:
            problems.append(
                (
                    "max_length",
                    _("The maximum length must be from 1 to %(limit)d characters.")
                    % {"limit": TEXT_ANSWER_MAX_LENGTH},
                )
            )
        if min_length is not None and min_length > TEXT_ANSWER_MAX_LENGTH:
            problems.append(
                (
                    "min_length",
                    _("The minimum length can be at most %(limit)d characters.")
                    % {"limit": TEXT_ANSWER_MAX_LENGTH},
                )
            )
        return problems

    def _upload_problems(self) -> list[tuple[str, str]]:
        """Problems of the file, image and line-item columns (see ``forms.fields``)."""
        problems: list[tuple[str, str]] = []
        extensions = self.extension_list
        if self.field_type == FieldType.FILE:
            unchecked = [ext for ext in extensions if ext not in checkable_extensions()]
            if unchecked:
                problems.append(
                    (
                        "allowed_extensions",
                        _(
                            "The content of %(types)s files cannot be checked, so they cannot be "
                            "accepted; use types such as pdf, jpg, png, docx, xlsx or txt."
                        )
                        % {"types": ", ".join(f"“{ext}”" for ext in unchecked)},
                    )
                )
        if self.field_type == FieldType.IMAGE:
            not_photos = [ext for ext in extensions if ext not in IMAGE_EXTENSIONS]
            if not_photos:
                problems.append(
                    (
                        "allowed_extensions",
                        _("Photos must be of one of these types: %(photos)s (not %(others)s).")
                        % {"photos": ", ".join(IMAGE_EXTENSIONS), "others": ", ".join(not_photos)},
                    )
                )
            keys: dict[str, str] = {}
            for label in self.choice_list:
                other = keys.setdefault(checklist_key(label), label)
                if other != label:
                    problems.append(
                        (
                            "choices",
                            _("“%(one)s” and “%(other)s” are too alike; name them differently.")
                            % {"one": other, "other": label},
                        )
                    )
        if self.field_type in (FieldType.FILE, FieldType.IMAGE) and not self.choice_list:
            if self.max_length is not None and not 1 <= self.max_length <= MAX_FILES_PER_FIELD:
                problems.append(
                    (
                        "max_length",
                        _("For files, the maximum length is the number of files: 1 to %d.")
                        % MAX_FILES_PER_FIELD,
                    )
                )
        if self.field_type == FieldType.LINE_ITEMS:
            currency = self.default_value.strip()
            if currency and currency not in Currency.values:
                problems.append(
                    (
                        "default_value",
                        _("For line items, the default value is a currency code, one of: %s.")
                        % ", ".join(Currency.values),
                    )
                )
            if self.max_length is not None and not 1 <= self.max_length <= LINE_ITEMS_MAX_ROWS:
                problems.append(
                    (
                        "max_length",
                        _("For line items, the maximum length is the number of rows: 1 to %d.")
                        % LINE_ITEMS_MAX_ROWS,
                    )
                )
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
            "min_date": date_text(self.min_date),
            "max_date": date_text(self.max_date),
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


# The name this error had before every immutable model shared one.
FormVersionImmutable = ImmutableError


class FormVersion(ImmutableModel):
    """A published, frozen form: what submissions, cases and step forms are made with.

    ``schema`` is the ordered list of field dicts (see ``FormField.to_schema``). A version never
    changes once created (nor is it deleted but with its form); publishing changes creates the
    next one. No column is mutable.
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

    def get_immutable_message(self) -> str:
        return f"Form version {self} is published and cannot be changed; publish a new one."

    @property
    def labels(self) -> dict[str, str]:
        """Label of each field by clean_name, as this version showed them."""
        return {spec["clean_name"]: spec["label"] for spec in self.schema}

    @cached_property
    def specs(self) -> dict[str, dict]:
        """Each field's spec by clean_name (versions never change, so it is read once)."""
        return {spec["clean_name"]: spec for spec in self.schema}


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


def as_date(value: datetime.date | str | None) -> datetime.date | None:
    """A date column's value as a date (a row built in code may hold ISO text until cleaned)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def date_text(value: datetime.date | str | None) -> str | None:
    """``date(2024, 1, 1)`` → ``"2024-01-01"``, as a version's schema keeps dates."""
    day = as_date(value)
    return day.isoformat() if day else None


def rule_error_text(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)


# The page types (forms/pages.py) need the models above; importing them here registers them with
