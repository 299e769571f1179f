"""The runtime form builder: a form version's schema in, a validated ``django.forms.Form`` out.

Shaped like ``wagtail.contrib.forms``' ``FormBuilder``: one ``create_<field_type>_field`` method
per field type, ``formfields`` and ``get_form_class()``. The server-side form built here is the
source of truth for every place a form is filled (workflow intake and step forms, public pages,
the API); ``forms.jsonschema.form_json_schema`` describes the same stored shapes for headless
clients. The built form is a ``forms.schema_form.SchemaForm`` (conditions, and the stored shape
of each type's answer); the fields it is made of are in ``forms.fields``, their validators in
``forms.validators``.

Per field type, the ``FormField`` columns that are not obvious:

- file: ``allowed_extensions`` (required; the content must be of one of these types, whatever the
  name says), ``max_upload_mb`` per file (default 10), ``max_length``/``min_length`` the most and
  fewest files (default 1; the least applies once a file is sent, a required field needs one).
- image: ``choices`` the checklist labels; ``allowed_extensions`` optional (default the photo
  types: jpg, jpeg, png, webp, heic, heif, gif); the content must be a JPEG, PNG, WebP, HEIC or GIF
  image; ``max_upload_mb`` per photo; without a checklist ``max_length``/``min_length`` as file.
- date, datetime: ``min_date``/``max_date`` the earliest and latest day accepted, both included
  (for a date-time, the day written in its own offset; see ``DateLimitValidator``).
- signature: drawn on a canvas and posted as a PNG data URL; stored as ``signature.png``.
- line_items: ``default_value`` a currency code (unit prices and totals get its decimals, 2
  without one), ``min_length``/``max_length`` the fewest and most rows (at most 200).

Fields hidden by their condition are neither validated, required nor stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import django.forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
)
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from forms.choices import LAYOUT_TYPES, FieldType
from forms.fields import (
    MAX_DIGITS,
    MULTI_LINE_MAX_LENGTH,
    SINGLE_LINE_MAX_LENGTH,
    FileListField,
    LineItemsField,
    MoneyField,
    PhoneNumberField,
    PhotoChecklistField,
    SignatureField,
    UniqueMultipleChoiceField,
    checklist_slots,
    decimal_or_none,
    text_max_length,
)
from forms.rules import parse_rule
from forms.schema_form import SchemaForm, answers_for_rules, browser_kind
from forms.validators import (
    DEFAULT_FILE_EXTENSIONS,
    DEFAULT_MAX_UPLOAD_MB,
    IMAGE_EXTENSIONS,
    AllowedExtensionValidator,
    DateLimitValidator,
    MaxUploadSizeValidator,
    UploadContentValidator,
    date_limits,
)
from forms.widgets import FileInput, MultipleFileInput, PhotoChecklistWidget, SignatureWidget
from project.core.limits import EMAIL_MAX_LENGTH, TEXT_ANSWER_MAX_LENGTH
from project.core.patterns import PatternValidator
from project.stores.choices import Currency


class UnsupportedFieldType(ValidationError):
    """A form contains a field type the builder cannot render (yet).

    Raised when publishing such a form, so that a designer cannot publish what the runtime cannot
    show, and by the builder if such a schema reaches it anyway.
    """


# --- The builder ------------------------------------------------------------------------------


class FormBuilder:
    """Builds a ``SchemaForm`` subclass from a list of field specs (a version's schema).

    Add a field type by adding a ``create_<field_type>_field(spec, options)`` method; publishing
    accepts a type as soon as the builder has one (see ``supports``).
    """

    form_class = SchemaForm

    def __init__(self, fields: Sequence[Mapping[str, Any]]):
        self.fields = list(fields)

    @classmethod
    def supports(cls, field_type: str) -> bool:
        return field_type in LAYOUT_TYPES or hasattr(cls, f"create_{field_type}_field")

    def get_create_field_function(self, field_type: str):
        create = getattr(self, f"create_{field_type}_field", None)
        if create is None:
            try:
                label = FieldType(field_type).label
            except ValueError:
                label = field_type
            raise UnsupportedFieldType(
                _("Forms cannot show %(type)s fields yet."), params={"type": label}
            )
        return create

    @property
    def formfields(self) -> dict[str, django.forms.Field]:
        formfields = {}
        for spec in self.fields:
            if spec["field_type"] in LAYOUT_TYPES:
                continue
            create = self.get_create_field_function(spec["field_type"])
            formfields[spec["clean_name"]] = create(spec, self.get_field_options(spec))
        return formfields

    def get_field_options(self, spec: Mapping) -> dict[str, Any]:
        """Options every field type shares. A field with a condition is never required at the
        field level: the form's ``clean()`` requires it only when it is shown."""
        return {
            "label": spec["label"],
            "help_text": conditional_escape(spec.get("help_text", "")),
            "required": bool(spec.get("required")) and not spec.get("condition"),
            "initial": spec.get("default_value") or None,
        }

    def get_form_class(self) -> type[SchemaForm]:
        conditions = {
            spec["clean_name"]: parse_rule(spec["condition"])
            for spec in self.fields
            if spec.get("condition")
        }
        formfields = self.formfields
        for spec in self.fields:
            formfield = formfields.get(spec["clean_name"])
            if formfield is not None:
                # Read by the templates: what the browser's show/hide needs (conditions.js).
                rule = conditions.get(spec["clean_name"])
                formfield.browser_kind = browser_kind(spec["field_type"])
                formfield.browser_condition = (
                    json.dumps(rule.to_json(), separators=(",", ":")) if rule else ""
                )
        attrs = {
            **formfields,
            "schema": tuple(self.fields),
            "conditions": conditions,
            "conditionally_required": frozenset(
                spec["clean_name"]
                for spec in self.fields
                if spec.get("required")
                and spec.get("condition")
                and spec["field_type"] not in LAYOUT_TYPES
            ),
            "inputs": tuple(
                (spec["clean_name"], spec["field_type"], spec)
                for spec in self.fields
                if spec["field_type"] not in LAYOUT_TYPES
            ),
        }
        return type("BuiltForm", (self.form_class,), attrs)

    # -- helpers for the create methods ---------------------------------------------------------

    @staticmethod
    def text_validators(
        spec: Mapping, default_max_length: int, ceiling: int = TEXT_ANSWER_MAX_LENGTH
    ) -> list:
        """Length and pattern validators with messages a customer understands."""
        validators = []
        min_length = spec.get("min_length")
        max_length = text_max_length(spec, default_max_length, ceiling)
        if min_length:
            validators.append(
                MinLengthValidator(
                    min_length,
                    ngettext_lazy(
                        "Use at least %(limit_value)d character (you entered %(show_value)d).",
                        "Use at least %(limit_value)d characters (you entered %(show_value)d).",
                        "limit_value",
                    ),
                )
            )
        if max_length:
            validators.append(
                MaxLengthValidator(
                    max_length,
                    ngettext_lazy(
                        "Use at most %(limit_value)d character (you entered %(show_value)d).",
                        "Use at most %(limit_value)d characters (you entered %(show_value)d).",
                        "limit_value",
                    ),
                )
            )
        if spec.get("regex"):
            # RE2, never Python's backtracking ``re``: the pattern is the designer's and the
            # answer anyone's (see project.core.patterns).
            validators.append(
                PatternValidator(
                    spec["regex"],
                    spec.get("regex_message") or _("Enter a value in the expected format."),
                    max_length=max_length,
                )
            )
        return validators

    @staticmethod
    def text_widget_attrs(
        spec: Mapping, default_max_length: int, ceiling: int = TEXT_ANSWER_MAX_LENGTH
    ) -> dict[str, Any]:
        """The input's attributes. The designer's pattern is deliberately not among them: an
        HTML ``pattern`` attribute runs in the browser's backtracking engine (V8's irregexp),
        where ``([A-Z0-9]+[ -]?)+`` freezes the visitor's tab while typing, and its syntax
        (``v`` flag) is not RE2's, so the same pattern could mean something else there. The
        server checks the pattern on every post and shows the designer's message."""
        attrs = {}
        if spec.get("placeholder"):
            attrs["placeholder"] = spec["placeholder"]
        if spec.get("min_length"):
            attrs["minlength"] = spec["min_length"]
        attrs["maxlength"] = text_max_length(spec, default_max_length, ceiling)
        return attrs

    @staticmethod
    def value_validators(spec: Mapping) -> list:
        validators = []
        if spec.get("min_value") is not None:
            validators.append(
                MinValueValidator(
                    Decimal(spec["min_value"]), _("Enter a number of at least %(limit_value)s.")
                )
            )
        if spec.get("max_value") is not None:
            validators.append(
                MaxValueValidator(
                    Decimal(spec["max_value"]), _("Enter a number of at most %(limit_value)s.")
                )
            )
        return validators

    @staticmethod
    def date_validators(spec: Mapping, *, earliest_message, latest_message) -> list:
        """The earliest and latest day (``min_date``, ``max_date``), both included."""
        earliest, latest = date_limits(spec)
        validators = []
        if earliest:
            validators.append(DateLimitValidator(earliest, earliest_message, latest=False))
        if latest:
            validators.append(DateLimitValidator(latest, latest_message, latest=True))
        return validators

    def get_formatted_field_choices(self, spec: Mapping) -> list[tuple[str, str]]:
        """The field's choices as ``(value, label)`` pairs; override to label them differently."""
        return [(choice, choice) for choice in spec.get("choices", [])]

    # -- one method per field type --------------------------------------------------------------

    def create_single_line_field(self, spec, options):
        return django.forms.CharField(
            validators=self.text_validators(spec, SINGLE_LINE_MAX_LENGTH),
            widget=django.forms.TextInput(
                attrs=self.text_widget_attrs(spec, SINGLE_LINE_MAX_LENGTH)
            ),
            **options,
        )

    def create_multi_line_field(self, spec, options):
        return django.forms.CharField(
            validators=self.text_validators(spec, MULTI_LINE_MAX_LENGTH),
            widget=django.forms.Textarea(attrs=self.text_widget_attrs(spec, MULTI_LINE_MAX_LENGTH)),
            **options,
        )

    def create_email_field(self, spec, options):
        return django.forms.EmailField(
            validators=self.text_validators(spec, EMAIL_MAX_LENGTH, EMAIL_MAX_LENGTH),
            widget=django.forms.EmailInput(
                attrs=self.text_widget_attrs(spec, EMAIL_MAX_LENGTH, EMAIL_MAX_LENGTH)
            ),
            error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
            max_length=None,
            **options,
        )

    def create_phone_field(self, spec, options):
        attrs = {"placeholder": spec["placeholder"]} if spec.get("placeholder") else {}
        return PhoneNumberField(widget=django.forms.TextInput(attrs=attrs), **options)

    def create_number_field(self, spec, options):
        attrs = {"step": "any"}
        if spec.get("placeholder"):
            attrs["placeholder"] = spec["placeholder"]
        if spec.get("min_value") is not None:
            attrs["min"] = spec["min_value"]
        if spec.get("max_value") is not None:
            attrs["max"] = spec["max_value"]
        options["initial"] = decimal_or_none(options["initial"])
        return django.forms.DecimalField(
            max_digits=MAX_DIGITS,
            validators=self.value_validators(spec),
            widget=django.forms.NumberInput(attrs=attrs),
            error_messages={
                "invalid": _("Enter a number such as 12 or 12.5."),
                "max_digits": _("Enter a number with at most %(max)s digits."),
            },
            **options,
        )

    def create_money_field(self, spec, options):
        currencies = spec.get("choices") or list(Currency.values)
        default = (spec.get("default_value") or "").strip()
        if not default and len(currencies) == 1:
            default = currencies[0]
        options.pop("initial")
        return MoneyField(
            currencies=currencies,
            default_currency=default,
            min_value=decimal_or_none(spec.get("min_value")),
            max_value=decimal_or_none(spec.get("max_value")),
            placeholder=spec.get("placeholder", ""),
            **options,
        )

    def create_date_field(self, spec, options):
        earliest, latest = date_limits(spec)
        attrs = {"type": "date"}
        if earliest:
            attrs["min"] = earliest.isoformat()
        if latest:
            attrs["max"] = latest.isoformat()
        return django.forms.DateField(
            validators=self.date_validators(
                spec,
                earliest_message=_("Enter a date on or after %(limit_value)s."),
                latest_message=_("Enter a date on or before %(limit_value)s."),
            ),
            widget=django.forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
            **options,
        )

    def create_datetime_field(self, spec, options):
        earliest, latest = date_limits(spec)
        attrs = {"type": "datetime-local"}
        if earliest:
            attrs["min"] = f"{earliest.isoformat()}T00:00"
        if latest:
            attrs["max"] = f"{latest.isoformat()}T23:59"
        return django.forms.DateTimeField(
            validators=self.date_validators(
                spec,
                earliest_message=_("Enter a date and time on or after %(limit_value)s."),
                latest_message=_("Enter a date and time on or before %(limit_value)s."),
            ),
            widget=django.forms.DateTimeInput(attrs=attrs, format="%Y-%m-%dT%H:%M"),
            error_messages={"invalid": _("Enter a date and time such as 2026-03-31 14:30.")},
            **options,
        )

    def create_checkbox_field(self, spec, options):
        default = (spec.get("default_value") or "").strip().lower()
        options["initial"] = default in {"1", "true", "yes", "on", "checked"}
        return django.forms.BooleanField(
            error_messages={"required": _("Tick this box to continue.")}, **options
        )

    def create_dropdown_field(self, spec, options):
        blank = spec.get("placeholder") or _("Choose…")
        return django.forms.ChoiceField(
            choices=[("", blank), *self.get_formatted_field_choices(spec)],
            error_messages=_choice_errors(),
            **options,
        )

    def create_radio_field(self, spec, options):
        return django.forms.ChoiceField(
            choices=self.get_formatted_field_choices(spec),
            widget=django.forms.RadioSelect,
            error_messages=_choice_errors(),
            **options,
        )

    def create_multi_select_field(self, spec, options):
        options["initial"] = [
            line.strip() for line in (spec.get("default_value") or "").splitlines() if line.strip()
        ]
        return UniqueMultipleChoiceField(
            choices=self.get_formatted_field_choices(spec),
            widget=django.forms.CheckboxSelectMultiple,
            error_messages={
                **_choice_errors(),
                "invalid_list": _("Choose one or more of the options listed."),
            },
            **options,
        )

    def upload_validators(
        self, spec: Mapping, extensions: Sequence[str], *, images_only: bool = False
    ) -> list:
        """Checks of one uploaded file, in the order they run (each stops the file at the
        first refusal): its name's extension, its size, then its content."""
        limit_mb = spec.get("max_upload_mb") or DEFAULT_MAX_UPLOAD_MB
        return [
            AllowedExtensionValidator(
                list(extensions),
                message=_(
                    "Files of type “%(extension)s” are not accepted here; "
                    "upload one of: %(allowed_extensions)s."
                ),
            ),
            MaxUploadSizeValidator(limit_mb),
            UploadContentValidator(extensions, images_only=images_only),
        ]

    @staticmethod
    def accept_attribute(extensions: Sequence[str]) -> dict[str, str]:
        return {"accept": ",".join(f".{ext}" for ext in extensions)}

    def create_file_field(self, spec, options):
        extensions = list(spec.get("allowed_extensions") or DEFAULT_FILE_EXTENSIONS)
        return self._file_list_field(spec, options, extensions, images_only=False)

    def _file_list_field(self, spec, options, extensions, *, images_only):
        options.pop("initial")
        max_files = spec.get("max_length") or 1
        widget_class = MultipleFileInput if max_files > 1 else FileInput
        return FileListField(
            max_files=max_files,
            min_files=spec.get("min_length") or 0,
            validators=self.upload_validators(spec, extensions, images_only=images_only),
            widget=widget_class(attrs=self.accept_attribute(extensions)),
            **options,
        )

    def create_image_field(self, spec, options):
        extensions = [
            ext for ext in spec.get("allowed_extensions") or () if ext in IMAGE_EXTENSIONS
        ] or list(IMAGE_EXTENSIONS)
        labels = list(spec.get("choices") or [])
        if not labels:
            return self._file_list_field(spec, options, extensions, images_only=True)
        options.pop("initial")
        slots = checklist_slots(labels)
        attrs = self.accept_attribute(extensions)
        return PhotoChecklistField(
            slots=slots,
            file_validators=self.upload_validators(spec, extensions, images_only=True),
            widget=PhotoChecklistWidget(slots, group_label=spec["label"], attrs=attrs),
            **options,
        )

    def create_signature_field(self, spec, options):
        options.pop("initial")
        return SignatureField(widget=SignatureWidget(group_label=spec["label"]), **options)

    def create_line_items_field(self, spec, options):
        options.pop("initial")
        currency = (spec.get("default_value") or "").strip()
        if currency not in Currency.values:
            currency = ""
        field = LineItemsField(
            min_rows=spec.get("min_length") or 0,
            max_rows=spec.get("max_length"),
            currency=currency,
            **options,
        )
        field.widget.group_label = spec["label"]
        return field


def _choice_errors() -> dict:
    return {"invalid_choice": _("Choose one of the options listed.")}


# --- Entry points -----------------------------------------------------------------------------


# Form classes of saved versions, shared by every request of the process: a version loaded again
# from the database finds its class here instead of building it (a few milliseconds) once more.
# Keyed by primary key *and* creation time, because a test database may reuse primary keys.
_VERSION_FORM_CLASSES: dict[tuple, type[SchemaForm]] = {}
VERSION_FORM_CLASS_CACHE_SIZE = 512


def get_form_class(source, *, builder_class: type[FormBuilder] = FormBuilder) -> type[SchemaForm]:
    """The form class of a ``FormVersion`` or of a schema given as a list of field dicts.

    A version's class is built once per process (versions never change): it is cached on the
    instance and, for a saved version, for every instance of it loaded later.
    """
    schema = getattr(source, "schema", None)
    if schema is None:
        return builder_class(source).get_form_class()
    cache = source.__dict__.setdefault("_form_classes", {})
    form_class = cache.get(builder_class)
    if form_class is None:
        key = _version_key(source, builder_class)
        form_class = _VERSION_FORM_CLASSES.get(key) if key is not None else None
        if form_class is None:
            form_class = builder_class(schema).get_form_class()
            if key is not None:
                _remember_form_class(key, form_class)
        cache[builder_class] = form_class
    return form_class


def _version_key(version, builder_class) -> tuple | None:
    pk, created_at = getattr(version, "pk", None), getattr(version, "created_at", None)
    if pk is None or created_at is None:
        return None  # not saved: only its instance cache
    return (builder_class, type(version), pk, created_at)


def _remember_form_class(key: tuple, form_class: type[SchemaForm]) -> None:
    while len(_VERSION_FORM_CLASSES) >= VERSION_FORM_CLASS_CACHE_SIZE:
        try:  # the oldest entry first; another thread may have removed it already
            del _VERSION_FORM_CLASSES[next(iter(_VERSION_FORM_CLASSES))]
        except (KeyError, StopIteration, RuntimeError):
            break
    _VERSION_FORM_CLASSES[key] = form_class


def build_form(
    version, *, data=None, files=None, initial=None, prefix=None, builder_class=FormBuilder
) -> SchemaForm:
    """A form instance for a ``FormVersion`` or a schema (list of field dicts).

    ``initial`` may be stored data (``get_data_for_storage()`` output): a submission made with
    version 1 is shown with ``build_form(version_1, initial=submission_data)``.
    """
    form_class = get_form_class(version, builder_class=builder_class)
    return form_class(data=data, files=files, initial=initial, prefix=prefix)


# Imported from here by other apps (workflows, bench); the forms engine imports them from their
# own modules.
__all__ = [
    "FormBuilder",
    "MoneyField",
    "PhoneNumberField",
    "UnsupportedFieldType",
    "answers_for_rules",
    "build_form",
    "checklist_slots",
    "get_form_class",
]
