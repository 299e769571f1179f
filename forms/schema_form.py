"""``SchemaForm``, the base class of every form the builder makes: it evaluates the fields'
conditions (a hidden field is neither validated, required nor stored) and turns the cleaned
answers into what is stored.

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
multi_select              ``["a", "b"]`` (each choice once, in the order posted)
file                      ``[ref, …]``: always a list (``[]`` when none), at most
                          ``max_length`` files (default 1)
image                     with a checklist (``choices``: one label per line):
                          ``{"front": ref, "serial_number": ref | null, …}``, every
                          label's key present; without one: ``[ref, …]`` as file
signature                 ``ref`` of ``signature.png`` (``null`` when not signed)
line_items                ``{"rows": [{"code": "A-1", "description": "Strap",
                          "quantity": "2", "unit_price": "12.50", "total": "25.00"}],
                          "total": "25.00", "currency": "EUR" | null}`` (decimals as
                          strings; ``null`` when no row was filled in)
heading, page_break       nothing: layout only
========================  =========================================================

``ref`` is what the caller's ``save_file(spec, uploaded_file, slot)`` returns for a file it saved
(see ``SchemaForm.get_data_for_storage``); it must be a JSON-native dict holding at least
``name``, ``size`` and ``content_type`` (the JSON Schema requires them) and may add its own keys
(``attachment``, ``sha256`` …). Without ``save_file`` nothing is saved and ``ref`` is
``{"name", "size", "content_type"}`` (``SchemaForm.get_file_for_storage``). ``content_type`` is
read from the file's content, never taken from the browser.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import django.forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder

from forms.choices import LAYOUT_TYPES, UPLOAD_TYPES, FieldType
from forms.fields import decimal_or_none, decimal_text
from forms.rules import Rule

_json_encoder = DjangoJSONEncoder()


SaveFile = Callable[[Mapping[str, Any], UploadedFile, "str | int | None"], dict[str, Any]]


# How the browser reads each type's answer in a rule (forms/static/forms/conditions.js).
BROWSER_KINDS = {
    FieldType.NUMBER: "decimal",
    FieldType.MONEY: "money",
    FieldType.CHECKBOX: "boolean",
    FieldType.MULTI_SELECT: "list",
    FieldType.DATE: "date",
    FieldType.DATETIME: "datetime",
    FieldType.FILE: "file",
    FieldType.IMAGE: "file",
    FieldType.SIGNATURE: "file",
    FieldType.LINE_ITEMS: "other",
}


def browser_kind(field_type: str) -> str:
    return BROWSER_KINDS.get(field_type, "string")


def _browser_value(value: Any) -> Any:
    """A cleaned value as the browser's rule evaluation reads it (dates tagged)."""
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(key): _browser_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_browser_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return "file"  # an upload: only whether there is one matters


class SchemaForm(django.forms.Form):
    """Base class of every built form. Subclasses carry the version's schema and parsed rules.

    After validation, ``hidden_names`` holds the fields whose condition did not hold; they are
    missing from ``cleaned_data``, from ``uploads()`` and from ``get_data_for_storage()``.
    """

    schema: tuple[dict, ...] = ()
    conditions: Mapping[str, Rule] = {}
    # Fields the designer marked required that have a condition: required only when shown.
    conditionally_required: frozenset[str] = frozenset()
    # Input fields in schema order with their type: what clean() and storage walk through.
    inputs: tuple[tuple[str, str, dict], ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.hidden_names: set[str] = set()

    def clean(self):
        cleaned_data = super().clean()
        context: dict[str, Any] = {}
        self.hidden_names = hidden = set()
        conditions = self.conditions
        for spec in self.schema:
            name = spec["clean_name"]
            rule = conditions.get(name)
            if rule is not None and not rule.evaluate(context):
                hidden.add(name)
                # Whatever a hidden field received is ignored: no errors, nothing stored.
                cleaned_data.pop(name, None)
                self._errors.pop(name, None)
                continue
            if name not in self.fields:
                continue  # a layout item
            if name in self.conditionally_required and name not in self._errors:
                error = self.get_required_error(spec, self.fields[name], cleaned_data.get(name))
                if error is not None:
                    self.add_error(name, error)
            context[name] = cleaned_data.get(name)
        return cleaned_data

    def get_required_error(self, spec: Mapping, field: django.forms.Field, value: Any):
        """The error of a shown, required field left unanswered, or None. Fields that know
        better (several files, a photo checklist, line items) say it with ``required_error``."""
        required_error = getattr(field, "required_error", None)
        if required_error is not None:
            return required_error(value)
        if self.is_empty_answer(spec, value):
            return ValidationError(field.error_messages["required"], code="required")
        return None

    @staticmethod
    def is_empty_answer(spec: Mapping, value: Any) -> bool:
        if spec["field_type"] == FieldType.CHECKBOX:
            return not value
        return value in django.forms.Field.empty_values

    @property
    def media(self):
        media = super().media
        if self.conditions:
            media += django.forms.Media(js=["forms/conditions.js"])
        return media

    def browser_answers(self, names: Iterable[str], files: Iterable[str] = ()) -> dict[str, Any]:
        """The cleaned answers to ``names`` (earlier steps of a bound, validated form) as JSON
        values for the browser's rule evaluation; ``files``: upload fields known to hold one."""
        cleaned = getattr(self, "cleaned_data", {})
        answers = {name: _browser_value(cleaned.get(name)) for name in names if name in cleaned}
        answers.update(dict.fromkeys(files, "file"))
        return answers

    def is_shown(self, name: str) -> bool:
        """Whether the field (or layout item) is shown, as known after validation."""
        return name not in self.hidden_names

    def iter_items(self):
        """Yield ``(spec, bound_field)`` in schema order; ``bound_field`` is None for headings
        and page breaks. Templates render the form through this."""
        for spec in self.schema:
            name = spec["clean_name"]
            yield spec, (self[name] if name in self.fields else None)

    def uploads(self) -> Iterator[tuple[Mapping, str | int | None, UploadedFile]]:
        """Yield ``(spec, slot, uploaded_file)`` for every file of the shown fields of a valid
        form, in schema order: ``slot`` is the checklist key of a photo (``"front"``), the
        position of a file in a field taking several (0, 1 …), None otherwise (a single file,
        a signature). Raises ``ValueError`` for an unbound or invalid form."""
        if not self.is_valid():
            raise ValueError("Only the files of a valid, bound form can be stored.")
        for name, field_type, spec in self.inputs:
            if field_type in UPLOAD_TYPES and name in self.cleaned_data:
                for slot, uploaded in self._slots(spec, self.cleaned_data[name]):
                    if uploaded is not None:  # a checklist item left without a photo
                        yield spec, slot, uploaded

    def _slots(self, spec: Mapping, value: Any) -> Iterator[tuple[str | int | None, Any]]:
        """``(slot, uploaded file or None)`` of one upload field's cleaned value."""
        if value is None:
            return
        if isinstance(value, Mapping):
            yield from value.items()
        elif isinstance(value, list):
            several = getattr(self.fields[spec["clean_name"]], "max_files", 1) > 1
            for index, uploaded in enumerate(value):
                yield (index if several else None), uploaded
        else:
            yield None, value

    def get_data_for_storage(self, save_file: SaveFile | None = None) -> dict[str, Any]:
        """The answers of the shown input fields, JSON-native, keyed by clean_name.

        See the module docstring for each type's shape. ``save_file(spec, uploaded_file, slot)``
        persists one uploaded file and returns its JSON-native reference (a dict with at least
        ``name``, ``size`` and ``content_type``); it is called once per file (as ``uploads()``
        lists them) on each call of this method. Without it nothing is saved and the reference
        is ``get_file_for_storage()``'s. Raises ``ValueError`` for a form that is unbound or
        invalid, so partial answers are never stored.
        """
        if not self.is_valid():
            raise ValueError("Only the data of a valid, bound form can be stored.")
        data = {}
        cleaned_data = self.cleaned_data
        for name, field_type, spec in self.inputs:
            if name not in cleaned_data:
                continue
            if field_type in UPLOAD_TYPES:
                data[name] = self.get_files_for_storage(spec, cleaned_data[name], save_file)
            else:
                data[name] = self.get_value_for_storage(spec, cleaned_data[name])
        return data

    def get_value_for_storage(self, spec: Mapping, value: Any) -> Any:
        """One cleaned value as stored. Override to store a type differently."""
        if value is None:
            return None
        field_type = spec["field_type"]
        if field_type == FieldType.MONEY:
            return {"amount": decimal_text(value["amount"]), "currency": value["currency"]}
        if field_type == FieldType.LINE_ITEMS:
            return {
                "rows": [
                    {
                        key: decimal_text(item) if isinstance(item, Decimal) else item
                        for key, item in row.items()
                    }
                    for row in value["rows"]
                ],
                "total": decimal_text(value["total"]),
                "currency": value["currency"],
            }
        if field_type in UPLOAD_TYPES:
            return self.get_files_for_storage(spec, value)
        if isinstance(value, Decimal):
            return decimal_text(value)
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str | bool | int):
            return value
        return _json_encoder.default(value)  # dates and date-times, as DjangoJSONEncoder

    def get_files_for_storage(self, spec: Mapping, value: Any, save_file: SaveFile | None = None):
        """An upload field's answer as stored: its files replaced by their references, in the
        field's shape (a list, a dict by checklist key, or one reference)."""

        def ref(slot, uploaded):
            if uploaded is None:
                return None
            if save_file is not None:
                return save_file(spec, uploaded, slot)
            return self.get_file_for_storage(spec, uploaded)

        if value is None:
            return None
        if isinstance(value, Mapping):
            return {slot: ref(slot, uploaded) for slot, uploaded in value.items()}
        if isinstance(value, list):
            return [ref(slot, uploaded) for slot, uploaded in self._slots(spec, value)]
        return ref(None, value)

    def get_file_for_storage(self, spec: Mapping, uploaded) -> dict[str, Any]:
        """The reference stored for a file when no ``save_file`` was given: its name, size and
        the content type read from its content. Override to describe files differently."""
        return {
            "name": uploaded.name,
            "size": uploaded.size,
            "content_type": getattr(uploaded, "content_type", None) or "application/octet-stream",
        }


# --- Answers in the rule language ----------------------------------------------------------------


def known_rule_names(specs: Sequence[Mapping[str, Any]]) -> set[str]:
    """The names conditions may use for these fields: each input field's clean_name,
    ``<name>.amount`` / ``<name>.currency`` for money and ``<name>.total`` for line items."""
    names = set()
    for spec in specs:
        if spec["field_type"] in LAYOUT_TYPES:
            continue
        name = spec["clean_name"]
        names.add(name)
        if spec["field_type"] == FieldType.MONEY:
            names |= {f"{name}.amount", f"{name}.currency"}
        elif spec["field_type"] == FieldType.LINE_ITEMS:
            names.add(f"{name}.total")
    return names


def answers_for_rules(field_types: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as the rule language reads them (workflow conditions over ``data.*``).

    Storage keeps decimals as strings (see the table above), which rules never compare with
    numbers; here numbers, money amounts and line-item totals become ``Decimal`` again, by the
    type of the field that stored them (``field_types``: clean_name -> field type). Other values,
    and keys of no known field, are passed on as stored; ISO dates are read by the rules
    themselves."""
    values = dict(data)
    for name, field_type in field_types.items():
        value = values.get(name)
        if value is None:
            continue
        if field_type == FieldType.NUMBER:
            values[name] = decimal_or_none(value)
        elif field_type in (FieldType.MONEY, FieldType.LINE_ITEMS) and isinstance(value, Mapping):
            typed = dict(value)
            for key in ("amount", "total"):
                if key in typed:
                    typed[key] = decimal_or_none(typed[key])
            values[name] = typed
    return values
