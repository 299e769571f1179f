"""The JSON Schema of a form version's answers: the object with one property per input field
(``form_json_schema``), each property made by the builder of its field type (``property_schema``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from forms.choices import LAYOUT_TYPES, FieldType
from forms.fields import (
    LINE_ITEM_CODE_MAX_LENGTH,
    LINE_ITEM_DESCRIPTION_MAX_LENGTH,
    LINE_ITEMS_MAX_ROWS,
    MULTI_LINE_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SINGLE_LINE_MAX_LENGTH,
    checklist_slots,
    text_max_length,
)
from forms.jsonschema.conditions import condition_schema
from forms.jsonschema.patterns import (
    DATE_PATTERN,
    DATE_TIME_PATTERN,
    DECIMAL_PATTERN,
    E164_PATTERN,
    POSITIVE_DECIMAL_PATTERN,
    date_order_pattern,
    decimal_order_pattern,
)
from forms.models import format_decimal
from forms.validators import date_limits
from project.core.limits import EMAIL_MAX_LENGTH, TEXT_ANSWER_MAX_LENGTH
from project.core.money import currency_decimals
from project.stores.choices import Currency

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def file_ref_schema(content_type_pattern: str = "") -> dict[str, Any]:
    """A stored file reference: ``name``, ``size`` and ``content_type`` at least; whoever saved
    the file may add keys (an attachment id, a checksum …)."""
    content_type: dict[str, Any] = {"type": "string", "minLength": 1}
    if content_type_pattern:
        content_type["pattern"] = content_type_pattern
    return {
        "type": "object",
        "required": ["name", "size", "content_type"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "size": {"type": "integer", "minimum": 1},
            "content_type": content_type,
        },
    }


def form_json_schema(source, *, title: str | None = None) -> dict[str, Any]:
    """The JSON Schema of the answers of a ``FormVersion`` (or of a schema: a list of field
    dicts as ``FormField.to_schema()`` makes them)."""
    specs = list(getattr(source, "schema", source))
    if title is None and hasattr(source, "schema"):
        title = str(source)
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditionals: list[dict[str, Any]] = []
    earlier: dict[str, Mapping[str, Any]] = {}
    for spec in specs:
        if spec["field_type"] in LAYOUT_TYPES:
            continue
        name = spec["clean_name"]
        prop = {
            "title": spec.get("label", name),
            **({"description": spec["help_text"]} if spec.get("help_text") else {}),
            "x-field-type": spec["field_type"],
            **property_schema(spec),
        }
        condition = (spec.get("condition") or "").strip()
        if not condition:
            if spec.get("required"):
                required.append(name)
        else:
            prop["x-condition"] = condition
            translated = condition_schema(condition, earlier)
            if translated is None:
                prop["$comment"] = " ".join(
                    filter(
                        None,
                        [
                            prop.get("$comment"),
                            "Shown only when the condition in x-condition holds, which JSON "
                            "Schema cannot express (it orders text, reads date-times or today, "
                            "compares two fields, or reads files): optional here, checked by "
                            "the server.",
                        ],
                    )
                )
            elif spec.get("required"):
                conditionals.append({"if": translated, "then": {"required": [name]}})
        properties[name] = prop
        earlier[name] = spec
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12}
    if title:
        schema["title"] = title
    schema.update(
        {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
    )
    if conditionals:
        schema["allOf"] = conditionals
    return schema


def version_json_schema(version) -> dict[str, Any]:
    """``form_json_schema`` of a ``FormVersion``, cached on the instance. Treat it as read-only."""
    cached = version.__dict__.get("_json_schema")
    if cached is None:
        cached = version.__dict__["_json_schema"] = form_json_schema(version)
    return cached


# --- One property per field type ------------------------------------------------------------------


def property_schema(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of one field's stored answer, when the field is shown (see the builder)."""
    field_type = spec["field_type"]
    required = bool(spec.get("required"))
    build = _PROPERTY_BUILDERS.get(field_type)
    if build is None:
        raise ValueError(f"No JSON Schema for fields of type {field_type!r}.")
    return build(spec, required)


def _nullable(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """Optional fields store ``null`` when left empty."""
    if required:
        return schema
    return {"anyOf": [{"type": "null"}, schema]}


def _text(
    spec,
    required,
    *,
    default_max: int,
    ceiling: int = TEXT_ANSWER_MAX_LENGTH,
    extra: Mapping[str, Any] = (),
) -> dict:
    answered: dict[str, Any] = {"minLength": max(1, spec.get("min_length") or 0), **dict(extra)}
    if spec.get("regex"):
        answered["pattern"] = f"^(?:{spec['regex']})$"
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": text_max_length(spec, default_max, ceiling),
    }
    if required:
        schema.update(answered)
    else:
        schema["anyOf"] = [{"const": ""}, answered]
    return schema


def _single_line(spec, required):
    return _text(spec, required, default_max=SINGLE_LINE_MAX_LENGTH)


def _multi_line(spec, required):
    return _text(spec, required, default_max=MULTI_LINE_MAX_LENGTH)


def _email(spec, required):
    return _text(
        spec,
        required,
        default_max=EMAIL_MAX_LENGTH,
        ceiling=EMAIL_MAX_LENGTH,
        extra={"format": "email"},
    )


def _phone(spec, required):
    if required:
        return {"type": "string", "pattern": E164_PATTERN, "maxLength": PHONE_MAX_LENGTH}
    return {"type": "string", "anyOf": [{"const": ""}, {"pattern": E164_PATTERN}]}


def _pattern_limits(what: str, bounds: list[tuple[str, str, str, str]], why: str) -> dict:
    """Limits JSON Schema cannot compare on strings, as ``pattern``s in ``allOf``. ``bounds`` has
    one ``(key, text, words, pattern)`` a limit: the ``x-`` key repeating the limit as text, the
    text, how the comment says it ("at least"), and the pattern matching what is within it."""
    if not bounds:
        return {}
    return {
        **{key: text for key, text, _words, _pattern in bounds},
        "$comment": f"The {what} is "
        + " and ".join(f"{words} {text}" for _key, text, words, _pattern in bounds)
        + f". {why}",
        "allOf": [{"pattern": pattern} for _key, _text, _words, pattern in bounds],
    }


def _value_limits(spec, *, what: str) -> dict[str, Any]:
    """A number's (or an amount's) minimum and maximum value as patterns over decimal text."""
    low, high = _decimal_or_none(spec.get("min_value")), _decimal_or_none(spec.get("max_value"))
    bounds = []
    if low is not None:
        bounds.append(
            ("x-minimum", format_decimal(low), "at least", decimal_order_pattern(">=", low))
        )
    if high is not None:
        bounds.append(
            ("x-maximum", format_decimal(high), "at most", decimal_order_pattern("<=", high))
        )
    return _pattern_limits(
        what,
        bounds,
        "It is decimal text, which minimum/maximum do not compare, so the patterns in allOf "
        "express the limits.",
    )


def _number(spec, required):
    return _nullable(
        {"type": "string", "pattern": DECIMAL_PATTERN, **_value_limits(spec, what="number")},
        required,
    )


def amount_pattern(decimals: int, *, signed: bool = True) -> str:
    sign = "-?" if signed else ""
    return rf"^{sign}\d+\.\d{{{decimals}}}$" if decimals else rf"^{sign}\d+$"


def _money(spec, required):
    currencies = list(spec.get("choices") or Currency.values)
    by_decimals: dict[int, list[str]] = {}
    for code in currencies:
        by_decimals.setdefault(currency_decimals(code), []).append(code)
    variants = [
        {
            "properties": {
                "amount": {"pattern": amount_pattern(decimals)},
                "currency": {"enum": codes},
            }
        }
        for decimals, codes in sorted(by_decimals.items())
    ]
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["amount", "currency"],
        "properties": {
            "amount": {
                "type": "string",
                "pattern": DECIMAL_PATTERN,
                **_value_limits(spec, what="amount"),
            },
            "currency": {"enum": currencies},
        },
        "additionalProperties": False,
    }
    if len(variants) == 1:
        schema["properties"]["amount"]["pattern"] = variants[0]["properties"]["amount"]["pattern"]
    else:
        schema["oneOf"] = variants
    return _nullable(schema, required)


def _date_limits(spec, *, what: str, after_day: str) -> dict[str, Any]:
    """Earliest and latest day as patterns over the ISO text (``after_day``: what follows the
    day in the text, ``$`` for a date, ``T`` for a date-time)."""
    earliest, latest = date_limits(spec)
    bounds = []
    if earliest is not None:
        pattern = date_order_pattern(">=", earliest, after_day)
        bounds.append(("x-min-date", earliest.isoformat(), "on or after", pattern))
    if latest is not None:
        pattern = date_order_pattern("<=", latest, after_day)
        bounds.append(("x-max-date", latest.isoformat(), "on or before", pattern))
    return _pattern_limits(
        what,
        bounds,
        "JSON Schema has no minimum for date strings (formatMinimum is not part of draft "
        "2020-12), so the patterns in allOf express the limits: ISO dates order like text.",
    )


def _date(spec, required):
    return _nullable(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            **_date_limits(spec, what="date", after_day="$"),
        },
        required,
    )


def _datetime(spec, required):
    return _nullable(
        {
            "type": "string",
            "format": "date-time",
            "pattern": DATE_TIME_PATTERN,
            **_date_limits(spec, what="day (as written, in its own offset)", after_day="T"),
        },
        required,
    )


def _checkbox(spec, required):
    return {"const": True} if required else {"type": "boolean"}


def _single_choice(spec, required):
    choices = list(spec.get("choices") or [])
    return {"type": "string", "enum": choices if required else ["", *choices]}


def _multi_select(spec, required):
    schema = {
        "type": "array",
        "items": {"enum": list(spec.get("choices") or [])},
        "uniqueItems": True,
    }
    if required:
        schema["minItems"] = 1
    return schema


def _file_list(spec, required, ref: dict) -> dict:
    max_files = spec.get("max_length") or 1
    min_files = min(spec.get("min_length") or 0, max_files)
    schema: dict[str, Any] = {"type": "array", "items": ref, "maxItems": max_files}
    if required:
        schema["minItems"] = max(1, min_files)
    elif min_files > 1:
        schema["anyOf"] = [{"maxItems": 0}, {"minItems": min_files}]
    return schema


def _file(spec, required):
    return _file_list(spec, required, file_ref_schema())


def _image(spec, required):
    # The content type as read from the content (or as the saving caller read it): an image.
    ref = file_ref_schema("^image/")
    labels = list(spec.get("choices") or [])
    if not labels:
        return _file_list(spec, required, ref)
    slots = checklist_slots(labels)
    photo = ref if required else {"anyOf": [{"type": "null"}, ref]}
    return {
        "type": "object",
        "properties": {key: {"title": label, **photo} for key, label in slots},
        "required": [key for key, _label in slots],
        "additionalProperties": False,
    }


def _signature(spec, required):
    return _nullable(file_ref_schema("^image/png$"), required)


def _line_items(spec, required):
    currency = (spec.get("default_value") or "").strip()
    if currency not in Currency.values:
        currency = ""
    decimals = currency_decimals(currency)
    money = {"type": "string", "pattern": amount_pattern(decimals, signed=False)}
    max_rows = min(spec.get("max_length") or LINE_ITEMS_MAX_ROWS, LINE_ITEMS_MAX_ROWS)
    row = {
        "type": "object",
        "required": ["code", "description", "quantity", "unit_price", "total"],
        "properties": {
            "code": {"type": "string", "maxLength": LINE_ITEM_CODE_MAX_LENGTH},
            "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": LINE_ITEM_DESCRIPTION_MAX_LENGTH,
            },
            "quantity": {"type": "string", "pattern": POSITIVE_DECIMAL_PATTERN},
            "unit_price": money,
            "total": money,
        },
        "additionalProperties": False,
    }
    schema = {
        "type": "object",
        "required": ["rows", "total", "currency"],
        "properties": {
            "rows": {
                "type": "array",
                "items": row,
                "minItems": max(1, min(spec.get("min_length") or 0, max_rows)),
                "maxItems": max_rows,
            },
            "total": money,
            "currency": {"const": currency} if currency else {"type": "null"},
        },
        "additionalProperties": False,
    }
    return _nullable(schema, required)


_PROPERTY_BUILDERS = {
    FieldType.SINGLE_LINE: _single_line,
    FieldType.MULTI_LINE: _multi_line,
    FieldType.EMAIL: _email,
    FieldType.PHONE: _phone,
    FieldType.NUMBER: _number,
    FieldType.MONEY: _money,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.CHECKBOX: _checkbox,
    FieldType.DROPDOWN: _single_choice,
    FieldType.RADIO: _single_choice,
    FieldType.MULTI_SELECT: _multi_select,
    FieldType.FILE: _file,
    FieldType.IMAGE: _image,
    FieldType.SIGNATURE: _signature,
    FieldType.LINE_ITEMS: _line_items,
}


def _decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
