"""The runtime form builder: a form version's schema in, a validated ``django.forms.Form`` out.

Shaped like ``wagtail.contrib.forms``' ``FormBuilder``: one ``create_<field_type>_field`` method
per field type, ``formfields`` and ``get_form_class()``. The server-side form built here is the
source of truth for every place a form is filled (workflow intake and step forms now; public pages
and the API later).

Stored answers (``form.get_data_for_storage()``) are JSON-native, keyed by ``clean_name``:

========================  =========================================================
field type                stored value
========================  =========================================================
single_line, multi_line,  ``"text"`` (``""`` when left empty)
email
phone                     ``"+82234567890"`` (E.164; ``""`` when left empty)
number                    ``"12.50"`` (a Decimal as a string; ``null`` when empty)
money                     ``{"amount": "12.50", "currency": "EUR"}`` (the amount with
                          the currency's minor units; ``null`` when empty)
date                      ``"2026-03-31"``
datetime                  ``"2026-03-31T14:30:00Z"`` (ISO 8601, as DjangoJSONEncoder)
checkbox                  ``true`` / ``false``
dropdown, radio           ``"the choice"`` (``""`` when none)
multi_select              ``["a", "b"]``
file                      see ``SchemaForm.get_file_for_storage``
heading, page_break       nothing: layout only
========================  =========================================================

Fields hidden by their condition are neither validated, required nor stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import django.forms
import phonenumbers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import (
    FileExtensionValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.utils.deconstruct import deconstructible
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from forms.choices import LAYOUT_TYPES, UPLOAD_TYPES, FieldType
from forms.rules import Rule, parse_rule
from project.stores.choices import CURRENCY_DECIMALS, Currency

DEFAULT_MAX_UPLOAD_MB = 10
SINGLE_LINE_MAX_LENGTH = 255
MULTI_LINE_MAX_LENGTH = 10_000
# Enough for any real amount; it also keeps "1e999999" from becoming a million-digit string.
MAX_DIGITS = 18
PHONE_MAX_LENGTH = 40

_json_encoder = DjangoJSONEncoder()


class UnsupportedFieldType(ValidationError):
    """A form contains a field type the builder cannot render (yet).

    Raised when publishing such a form, so that a designer cannot publish what the runtime cannot
    show, and by the builder if such a schema reaches it anyway.
    """


# --- Fields and validators --------------------------------------------------------------------


class PhoneNumberField(django.forms.CharField):
    """A phone number in international form, cleaned to E.164 (``+82234567890``)."""

    widget = django.forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a phone number in international form, e.g. +82 2 3456 7890."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        text = value.strip()
        if text.startswith("00"):  # the international call prefix used in most of the world
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class MoneyWidget(django.forms.MultiWidget):
    """An amount and a currency; posted as ``<name>_amount`` and ``<name>_currency``."""

    def __init__(self, currency_choices, attrs=None):
        widgets = {
            "amount": django.forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "currency": django.forms.Select(choices=currency_choices),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, Mapping):
            return [value.get("amount"), value.get("currency")]
        return [None, None]


class MoneyField(django.forms.MultiValueField):
    """Cleans to ``{"amount": Decimal, "currency": "EUR"}``, the amount rounded to the currency's
    minor units (refused when it has more decimals than the currency allows)."""

    default_error_messages = {
        "invalid_amount": _("Enter an amount such as 12.50."),
        "currency_required": _("Choose the currency of the amount."),
        "too_many_decimals": _("%(currency)s amounts have at most %(decimals)s decimals."),
        "no_decimals": _("%(currency)s amounts have no decimals."),
        "min_value": _("Enter an amount of at least %(limit_value)s."),
        "max_value": _("Enter an amount of at most %(limit_value)s."),
    }

    def __init__(
        self,
        *,
        currencies: Sequence[str],
        default_currency: str = "",
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        placeholder: str = "",
        **kwargs,
    ):
        self.min_value, self.max_value = min_value, max_value
        self.default_currency = default_currency
        choices = [(code, code) for code in currencies]
        if not default_currency and len(choices) > 1:
            choices.insert(0, ("", _("Currency")))
        amount = django.forms.DecimalField(
            max_digits=MAX_DIGITS,
            required=False,
            error_messages={"invalid": self.default_error_messages["invalid_amount"]},
        )
        currency = django.forms.ChoiceField(
            choices=choices,
            required=False,
            error_messages={"invalid_choice": _("Choose one of the currencies offered.")},
        )
        widget = MoneyWidget(choices)
        if placeholder:
            widget.widgets[0].attrs["placeholder"] = placeholder
        kwargs.setdefault(
            "initial", {"amount": None, "currency": default_currency} if default_currency else None
        )
        super().__init__(
            fields=(amount, currency), require_all_fields=False, widget=widget, **kwargs
        )

    def compress(self, data_list):
        amount, currency = (list(data_list) + [None, None])[:2]
        if amount is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        currency = currency or self.default_currency  # e.g. an API client leaving it out
        if not currency:
            raise ValidationError(
                self.error_messages["currency_required"], code="currency_required"
            )
        decimals = CURRENCY_DECIMALS.get(currency, 2)
        if -amount.as_tuple().exponent > decimals:
            code = "too_many_decimals" if decimals else "no_decimals"
            raise ValidationError(
                self.error_messages[code],
                code=code,
                params={"currency": Currency(currency).label, "decimals": decimals},
            )
        amount = amount.quantize(Decimal(1).scaleb(-decimals))
        for code, limit, refused in (
            ("min_value", self.min_value, lambda a, lim: a < lim),
            ("max_value", self.max_value, lambda a, lim: a > lim),
        ):
            if limit is not None and refused(amount, limit):
                raise ValidationError(
                    self.error_messages[code],
                    code=code,
                    params={"limit_value": f"{_decimal_text(limit)} {currency}"},
                )
        return {"amount": amount, "currency": currency}


@deconstructible
class MaxUploadSizeValidator:
    message = _("The file is %(size)s MB; files may be at most %(limit)s MB.")
    code = "file_too_large"

    def __init__(self, limit_mb: int):
        self.limit_mb = limit_mb

    def __call__(self, uploaded):
        if uploaded.size > self.limit_mb * 1024 * 1024:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"size": f"{uploaded.size / 1024 / 1024:.1f}", "limit": self.limit_mb},
            )

    def __eq__(self, other):
        return isinstance(other, MaxUploadSizeValidator) and other.limit_mb == self.limit_mb


# --- The form ---------------------------------------------------------------------------------


class SchemaForm(django.forms.Form):
    """Base class of every built form. Subclasses carry the version's schema and parsed rules.

    After validation, ``hidden_names`` holds the fields whose condition did not hold; they are
    missing from ``cleaned_data`` and from ``get_data_for_storage()``.
    """

    schema: tuple[dict, ...] = ()
    conditions: Mapping[str, Rule] = {}
    # Fields the designer marked required that have a condition: required only when shown.
    conditionally_required: frozenset[str] = frozenset()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.hidden_names: set[str] = set()

    def clean(self):
        cleaned_data = super().clean()
        context: dict[str, Any] = {}
        self.hidden_names = set()
        for spec in self.schema:
            name = spec["clean_name"]
            rule = self.conditions.get(name)
            if rule is not None and not rule.evaluate(context):
                self.hidden_names.add(name)
                # Whatever a hidden field received is ignored: no errors, nothing stored.
                cleaned_data.pop(name, None)
                self._errors.pop(name, None)
                continue
            if name not in self.fields:
                continue  # a layout item
            if name in self.conditionally_required and name not in self._errors:
                if self.is_empty_answer(spec, cleaned_data.get(name)):
                    field = self.fields[name]
                    self.add_error(
                        name, ValidationError(field.error_messages["required"], code="required")
                    )
            context[name] = cleaned_data.get(name)
        return cleaned_data

    @staticmethod
    def is_empty_answer(spec: Mapping, value: Any) -> bool:
        if spec["field_type"] == FieldType.CHECKBOX:
            return not value
        return value in django.forms.Field.empty_values

    def is_shown(self, name: str) -> bool:
        """Whether the field (or layout item) is shown, as known after validation."""
        return name not in self.hidden_names

    def iter_items(self):
        """Yield ``(spec, bound_field)`` in schema order; ``bound_field`` is None for headings
        and page breaks. Templates render the form through this."""
        for spec in self.schema:
            name = spec["clean_name"]
            yield spec, (self[name] if name in self.fields else None)

    def get_data_for_storage(self) -> dict[str, Any]:
        """The answers of the shown input fields, JSON-native, keyed by clean_name.

        See the module docstring for each type's shape. Raises ``ValueError`` for a form that
        is unbound or invalid, so partial answers are never stored.
        """
        if not self.is_valid():
            raise ValueError("Only the data of a valid, bound form can be stored.")
        data = {}
        for spec in self.schema:
            name = spec["clean_name"]
            if name in self.fields and name in self.cleaned_data:
                data[name] = self.get_value_for_storage(spec, self.cleaned_data[name])
        return data

    def get_value_for_storage(self, spec: Mapping, value: Any) -> Any:
        """One cleaned value as stored. Override to store a type differently."""
        field_type = spec["field_type"]
        if value is None:
            return None
        if field_type == FieldType.MONEY:
            return {"amount": _decimal_text(value["amount"]), "currency": value["currency"]}
        if field_type in UPLOAD_TYPES:
            return self.get_file_for_storage(spec, value)
        if isinstance(value, Decimal):
            return _decimal_text(value)
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str | bool | int):
            return value
        return _json_encoder.default(value)  # dates and date-times, as DjangoJSONEncoder

    def get_file_for_storage(self, spec: Mapping, uploaded) -> Any:
        """What is stored for an uploaded file: by default its name and size.

        Saving the file is the caller's job; override this (or replace the value afterwards)
        to store the saved file's reference instead.
        """
        return {"name": uploaded.name, "size": uploaded.size}


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
        attrs = {
            **self.formfields,
            "schema": tuple(self.fields),
            "conditions": conditions,
            "conditionally_required": frozenset(
                spec["clean_name"]
                for spec in self.fields
                if spec.get("required")
                and spec.get("condition")
                and spec["field_type"] not in LAYOUT_TYPES
            ),
        }
        return type("BuiltForm", (self.form_class,), attrs)

    # -- helpers for the create methods ---------------------------------------------------------

    @staticmethod
    def text_validators(spec: Mapping, default_max_length: int | None) -> list:
        """Length and pattern validators with messages a customer understands."""
        validators = []
        min_length, max_length = spec.get("min_length"), spec.get("max_length")
        max_length = max_length or default_max_length
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
            validators.append(
                RegexValidator(
                    re.compile(rf"\A(?:{spec['regex']})\Z"),
                    spec.get("regex_message") or _("Enter a value in the expected format."),
                )
            )
        return validators

    @staticmethod
    def text_widget_attrs(spec: Mapping, default_max_length: int | None) -> dict[str, Any]:
        attrs = {}
        if spec.get("placeholder"):
            attrs["placeholder"] = spec["placeholder"]
        if spec.get("min_length"):
            attrs["minlength"] = spec["min_length"]
        if spec.get("max_length") or default_max_length:
            attrs["maxlength"] = spec.get("max_length") or default_max_length
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
            validators=self.text_validators(spec, 254),
            widget=django.forms.EmailInput(attrs=self.text_widget_attrs(spec, 254)),
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
        options["initial"] = _decimal_or_none(options["initial"])
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
            min_value=_decimal_or_none(spec.get("min_value")),
            max_value=_decimal_or_none(spec.get("max_value")),
            placeholder=spec.get("placeholder", ""),
            **options,
        )

    def create_date_field(self, spec, options):
        return django.forms.DateField(
            widget=django.forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
            **options,
        )

    def create_datetime_field(self, spec, options):
        return django.forms.DateTimeField(
            widget=django.forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
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
        return django.forms.MultipleChoiceField(
            choices=self.get_formatted_field_choices(spec),
            widget=django.forms.CheckboxSelectMultiple,
            error_messages={
                **_choice_errors(),
                "invalid_list": _("Choose one or more of the options listed."),
            },
            **options,
        )

    def create_file_field(self, spec, options):
        extensions = list(spec.get("allowed_extensions") or [])
        limit_mb = spec.get("max_upload_mb") or DEFAULT_MAX_UPLOAD_MB
        options.pop("initial")
        attrs = {"accept": ",".join(f".{ext}" for ext in extensions)} if extensions else {}
        validators = [MaxUploadSizeValidator(limit_mb)]
        if extensions:
            validators.insert(
                0,
                FileExtensionValidator(
                    extensions,
                    message=_(
                        "Files of type “%(extension)s” are not accepted here; "
                        "upload one of: %(allowed_extensions)s."
                    ),
                ),
            )
        return django.forms.FileField(
            validators=validators,
            widget=django.forms.ClearableFileInput(attrs=attrs),
            error_messages={"empty": _("The file is empty.")},
            **options,
        )


def _choice_errors() -> dict:
    return {"invalid_choice": _("Choose one of the options listed.")}


def _decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


# --- Entry points -----------------------------------------------------------------------------


def known_rule_names(specs: Sequence[Mapping[str, Any]]) -> set[str]:
    """The names conditions may use for these fields: each input field's clean_name, and
    ``<name>.amount`` / ``<name>.currency`` for money."""
    names = set()
    for spec in specs:
        if spec["field_type"] in LAYOUT_TYPES:
            continue
        name = spec["clean_name"]
        names.add(name)
        if spec["field_type"] == FieldType.MONEY:
            names |= {f"{name}.amount", f"{name}.currency"}
    return names


def get_form_class(source, *, builder_class: type[FormBuilder] = FormBuilder) -> type[SchemaForm]:
    """The form class of a ``FormVersion`` (cached on the instance; versions never change) or of
    a schema given as a list of field dicts."""
    schema = getattr(source, "schema", None)
    if schema is None:
        return builder_class(source).get_form_class()
    cache = source.__dict__.setdefault("_form_classes", {})
    if builder_class not in cache:
        cache[builder_class] = builder_class(schema).get_form_class()
    return cache[builder_class]


def build_form(
    version, *, data=None, files=None, initial=None, prefix=None, builder_class=FormBuilder
) -> SchemaForm:
    """A form instance for a ``FormVersion`` or a schema (list of field dicts).

    ``initial`` may be stored data (``get_data_for_storage()`` output): a submission made with
    version 1 is shown with ``build_form(version_1, initial=submission_data)``.
    """
    form_class = get_form_class(version, builder_class=builder_class)
    return form_class(data=data, files=files, initial=initial, prefix=prefix)


__all__ = [
    "FormBuilder",
    "MoneyField",
    "PhoneNumberField",
    "SchemaForm",
    "UnsupportedFieldType",
    "build_form",
    "get_form_class",
    "known_rule_names",
]
