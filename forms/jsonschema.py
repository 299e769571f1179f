"""The JSON Schema (draft 2020-12) of a form version's answers, for headless clients.

``form_json_schema(version_or_schema)`` describes exactly what ``SchemaForm.
get_data_for_storage()`` stores (see the table in ``forms.builder``): one property per input field,
keyed by ``clean_name``; decimals are strings with a pattern, dates and date-times strings with a
format (and a pattern), files references (objects with at least ``name``, ``size`` and
``content_type``). ``version_json_schema(version)`` is the same for a ``FormVersion``, with a
title, cached on the instance (versions never change).

Required fields without a condition are in ``required``. A field shown on a condition is never
required at the top: when the designer made it required, an ``allOf`` entry ``{"if": <the
condition>, "then": {"required": [name]}}`` requires it when the condition holds. The condition is
translated from the rule tree (``forms.rules``) with the rule language's own semantics: a name of
a field that is hidden, or empty (``null``), is ``null``; comparisons between unlike types are
false. What translates:

- ``==``, ``!=``, ``in``, ``not in`` and truth tests over text, choices, e-mail and phone fields,
  numbers (exact decimal equality), money (``price.amount``, ``price.currency``), line-item totals
  (``items.total``), checkboxes, dates, and multiple choice (``"a" in services``);
- ``<``, ``<=``, ``>``, ``>=`` over dates (ISO dates order like text, so a pattern expresses them)
  and over numbers, money amounts and line-item totals with a number (see below);
- ``and``, ``or``, ``not`` of those, and constants.

Not translatable: ordering of text, anything over date-times, files, photos, signatures,
``today`` and comparisons between two fields. Such a field is left optional here (its property
carries the condition in ``x-condition`` and a ``$comment`` saying why); the server still enforces
it. Each property also names its field type in ``x-field-type``.

Numbers and amounts are stored as decimal text (``"12.50"``), never as JSON numbers, so that no
digit is lost; JSON Schema's ``minimum``/``maximum`` apply to numbers only and ignore strings.
Orderings over them (a field's minimum and maximum value, a condition such as ``price.amount >
500``) are therefore ``pattern``s that match exactly the decimal texts on the right side of the
limit (``decimal_order_pattern``); ``x-minimum``/``x-maximum`` repeat the limits as text for
clients that show them. Earliest and latest dates are patterns too (draft 2020-12 has no
``formatMinimum``, and the ``jsonschema`` library ignores it): ISO dates order like text, and a
date-time's limit applies to the day at the start of its stored text, as on the server; they are
repeated in ``x-min-date``/``x-max-date``. The designer's pattern is given as written, in the
Python syntax the server uses, anchored with ``^(?:…)$``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from forms.builder import (
    LINE_ITEM_CODE_MAX_LENGTH,
    LINE_ITEM_DESCRIPTION_MAX_LENGTH,
    LINE_ITEMS_MAX_ROWS,
    MULTI_LINE_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SINGLE_LINE_MAX_LENGTH,
    checklist_slots,
    date_limits,
)
from forms.choices import LAYOUT_TYPES, FieldType
from forms.models import format_decimal
from forms.rules import (
    And,
    Compare,
    ListLiteral,
    Literal,
    Name,
    Node,
    Not,
    Or,
    RuleError,
    Today,
    parse_rule,
)
from project.stores.choices import CURRENCY_DECIMALS, Currency

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
E164_PATTERN = r"^\+[1-9]\d{1,14}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
_ZERO_PATTERN = r"^-?0+(\.0+)?$"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

TEXT_KIND_TYPES = frozenset(
    {
        FieldType.SINGLE_LINE,
        FieldType.MULTI_LINE,
        FieldType.EMAIL,
        FieldType.PHONE,
        FieldType.DROPDOWN,
        FieldType.RADIO,
    }
)


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


def _text(spec, required, *, default_max: int, extra: Mapping[str, Any] = ()) -> dict:
    answered: dict[str, Any] = {"minLength": max(1, spec.get("min_length") or 0), **dict(extra)}
    if spec.get("regex"):
        answered["pattern"] = f"^(?:{spec['regex']})$"
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": spec.get("max_length") or default_max,
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
    return _text(spec, required, default_max=254, extra={"format": "email"})


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
        by_decimals.setdefault(CURRENCY_DECIMALS.get(code, 2), []).append(code)
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
        pattern = _date_order_pattern(">=", earliest, after_day)
        bounds.append(("x-min-date", earliest.isoformat(), "on or after", pattern))
    if latest is not None:
        pattern = _date_order_pattern("<=", latest, after_day)
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
    if currency not in CURRENCY_DECIMALS:
        currency = ""
    decimals = CURRENCY_DECIMALS.get(currency, 2) if currency else 2
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
            # More than zero: not only zeros.
            "quantity": {"type": "string", "pattern": r"^(?!0+(\.0+)?$)\d+(\.\d+)?$"},
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


# --- Conditions as JSON Schema --------------------------------------------------------------------


class Untranslatable(Exception):
    """A condition (or part of one) JSON Schema cannot express exactly."""


def condition_schema(condition: str, earlier: Mapping[str, Mapping[str, Any]]):
    """A schema that an answers object satisfies exactly when ``condition`` holds for them, or
    None when there is none. ``earlier`` are the fields before the conditional one, by name
    (a condition may only refer to those)."""
    try:
        return _translate(parse_rule(condition).tree, earlier)
    except (Untranslatable, RuleError):
        return None


def _translate(node: Node, fields: Mapping[str, Mapping[str, Any]]):
    if isinstance(node, And):
        return {"allOf": [_translate(operand, fields) for operand in node.operands]}
    if isinstance(node, Or):
        return {"anyOf": [_translate(operand, fields) for operand in node.operands]}
    if isinstance(node, Not):
        return {"not": _translate(node.operand, fields)}
    if isinstance(node, Name):
        path, kind = _resolve(node, fields)
        return _at(path, _truthy(kind))
    if isinstance(node, Compare):
        return _compare(node, fields)
    if isinstance(node, Literal | ListLiteral):
        return bool(node.resolve({}))
    raise Untranslatable(type(node).__name__)


def _resolve(name: Name, fields: Mapping[str, Mapping[str, Any]]) -> tuple[tuple[str, ...], str]:
    """The stored path of a name and the kind of value found there."""
    path = name.path
    spec = fields.get(path[0])
    if spec is None:
        raise Untranslatable(f"{name.dotted} is not an earlier field")
    field_type = spec["field_type"]
    if len(path) == 1:
        if field_type in TEXT_KIND_TYPES:
            return path, "string"
        if field_type == FieldType.NUMBER:
            return path, "decimal"
        if field_type == FieldType.DATE:
            return path, "date"
        if field_type == FieldType.CHECKBOX:
            return path, "boolean"
        if field_type == FieldType.MULTI_SELECT:
            return path, "list"
        if field_type == FieldType.MONEY:
            return path, "object"
    elif len(path) == 2:
        if field_type == FieldType.MONEY and path[1] == "amount":
            return path, "decimal"
        if field_type == FieldType.MONEY and path[1] == "currency":
            return path, "string"
        if field_type == FieldType.LINE_ITEMS and path[1] == "total":
            return path, "decimal"
    raise Untranslatable(f"{name.dotted} ({field_type})")


def _at(path: Sequence[str], schema) -> Any:
    """The value at ``path`` exists, is not null and satisfies ``schema``."""
    if schema is False:
        return False
    inner: Any = {"not": {"type": "null"}}
    if schema is not True:
        inner = {"allOf": [inner, schema]}
    for key in reversed(path[1:]):
        inner = {"type": "object", "required": [key], "properties": {key: inner}}
    return {"required": [path[0]], "properties": {path[0]: inner}}


def _truthy(kind: str):
    """Truth of a present, non-null value of this kind, as in the rule language."""
    if kind == "string":
        return {"minLength": 1}
    if kind == "decimal":
        return {"not": {"pattern": _ZERO_PATTERN}}
    if kind == "boolean":
        return {"const": True}
    if kind == "list":
        return {"minItems": 1}
    return True  # dates and money objects are always true


def _compare(node: Compare, fields):
    left_name, right_name = isinstance(node.left, Name), isinstance(node.right, Name)
    if not left_name and not right_name:
        if any(isinstance(side, Today) for side in (node.left, node.right)):
            raise Untranslatable("today")
        return bool(node.resolve({}))
    if left_name and right_name:
        raise Untranslatable("two fields")
    name, other = (node.left, node.right) if left_name else (node.right, node.left)
    if not isinstance(other, Literal | ListLiteral):
        raise Untranslatable("today")
    path, kind = _resolve(name, fields)
    constant = other.resolve({})
    # What the comparison gives when the field is hidden or empty: the rule language's own answer.
    null = Literal("null", None)
    holds_when_null = bool(
        Compare(node.op, null, node.right).resolve({})
        if left_name
        else Compare(node.op, node.left, null).resolve({})
    )
    present = _value_schema(kind, node.op, constant, name_on_left=left_name)
    when_present = _at(path, present)
    if not holds_when_null:
        return when_present
    return {"anyOf": [{"not": _at(path, True)}, when_present]}


def _value_schema(kind: str, op: str, constant: Any, *, name_on_left: bool):
    """A schema for a present value of ``kind`` that holds exactly when ``value <op> constant``
    (or ``constant <op> value``) does."""
    if op in ("==", "!="):
        equal = _equal_schema(kind, constant)
        return equal if op == "==" else _negate(equal)
    if op in ("in", "not in"):
        inside = (
            _member_schema(kind, constant) if name_on_left else _contains_schema(kind, constant)
        )
        return inside if op == "in" else _negate(inside)
    # Orderings: dates and decimals can be expressed; other kinds never order (always false) or
    # can't be.
    if kind in ("boolean", "list", "object"):
        return False
    if not name_on_left:
        op = REVERSED_ORDER[op]
    if kind == "decimal":
        if _kind_of(constant) != "decimal":
            return False  # a number never orders against anything but a number
        return {"pattern": decimal_order_pattern(op, Decimal(str(constant)))}
    if kind != "date":
        raise Untranslatable(f"{op} over {kind}")
    moment = _as_date(constant)
    if not isinstance(moment, date) or isinstance(moment, datetime):
        return False  # a date never orders against anything but a date
    return {"pattern": _date_order_pattern(op, moment)}


def _negate(schema):
    if isinstance(schema, bool):
        return not schema
    return {"not": schema}


def _as_date(value: Any) -> Any:
    """The rule language reads an ISO text as a date when compared with a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal | int | float):
        return "decimal"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list | tuple):
        return "list"
    return "other"


def _equal_schema(kind: str, constant: Any):
    constant_kind = _kind_of(constant)
    if kind == "string":
        if constant_kind == "string":
            return {"const": constant}
        if constant_kind in ("date", "datetime"):
            raise Untranslatable("text read as a date")
        return False
    if kind == "decimal":
        if constant_kind == "decimal":
            return {"pattern": _decimal_equal_pattern(Decimal(str(constant)))}
        return False
    if kind == "date":
        constant = _as_date(constant)
        if _kind_of(constant) == "date":
            return {"const": constant.isoformat()}
        return False
    if kind == "boolean":
        return {"const": constant} if constant_kind == "boolean" else False
    if kind == "list":
        if constant_kind != "list":
            return False
        if not all(_kind_of(item) == "string" for item in constant):
            raise Untranslatable("list of other than text")
        return {"const": list(constant)}
    raise Untranslatable(f"== over {kind}")


def _member_schema(kind: str, members: Any):
    """``value in [members]``: the value equals one of them."""
    if not isinstance(members, list | tuple):
        raise Untranslatable("in a field")  # `in` against a name is on the other side
    options = [_equal_schema(kind, member) for member in members]
    options = [option for option in options if option is not False]
    if not options:
        return False
    if any(option is True for option in options):
        return True
    return options[0] if len(options) == 1 else {"anyOf": options}


def _contains_schema(kind: str, item: Any):
    """``item in value``: only a multiple-choice answer (a list) contains anything."""
    if kind != "list":
        return False
    item_kind = _kind_of(item)
    if item_kind == "string":
        return {"contains": {"const": item}}
    if item_kind in ("date", "datetime"):
        raise Untranslatable("text read as a date")
    return False


def _decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _decimal_equal_pattern(value: Decimal) -> str:
    """Decimal texts equal to ``value``: ``12.5`` matches ``12.5``, ``12.50`` … but not ``12``."""
    if not value.is_finite():
        return "(?!)"
    if value.is_zero():
        return _ZERO_PATTERN
    text = format(abs(value), "f")
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0")
    sign = "-" if value < 0 else ""
    whole_pattern = f"0*{whole}" if whole else "0*"
    if fraction:
        return rf"^{sign}{whole_pattern}\.{fraction}0*$"
    return rf"^{sign}{whole_pattern}(\.0+)?$"


def decimal_order_pattern(op: str, limit: Decimal) -> str:
    """A pattern matching exactly the decimal texts (``DECIMAL_PATTERN``: ``-?\\d+(\\.\\d+)?``,
    leading and trailing zeros allowed, ``-0`` being zero) whose value is ``op`` (``<``, ``<=``,
    ``>``, ``>=``) ``limit``.

    Text without a sign is a magnitude ``m`` and holds when ``m op limit``; text with a minus is
    ``-m`` and holds when ``m op' -limit`` (the order reversed). Each side is then a comparison of
    magnitudes, digit by digit (see ``_magnitude_alternatives``)."""
    if not limit.is_finite():
        return "(?!)"
    branches = []
    positive = _magnitude_alternatives(op, limit)
    if positive:
        branches.append("(?:" + "|".join(positive) + ")")
    negative = _magnitude_alternatives(REVERSED_ORDER[op], -limit)
    if negative:
        branches.append("-(?:" + "|".join(negative) + ")")
    if not branches:
        return "(?!)"
    return "^(?:" + "|".join(branches) + ")$"


# ``a < b`` is ``b > a``: an ordering read from the other side.
REVERSED_ORDER = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ANY_MAGNITUDE = r"\d+(?:\.\d+)?"
_ANY_FRACTION = r"(?:\.\d+)?"


def _magnitude_alternatives(op: str, limit: Decimal) -> list[str]:
    """Alternatives matching the unsigned decimal texts whose value is ``op`` ``limit``."""
    if limit < 0:  # every magnitude is above a negative limit
        return [_ANY_MAGNITUDE] if op in (">", ">=") else []
    alternatives = []
    if op in (">", ">="):
        alternatives += _greater_magnitudes(limit)
    else:
        alternatives += _smaller_magnitudes(limit)
    if op in (">=", "<="):
        alternatives.append(_equal_magnitude(limit))
    return alternatives


def _magnitude_digits(limit: Decimal) -> tuple[str, str]:
    """``Decimal("012.500")`` → ``("12", "5")``: the whole digits without leading zeros and the
    fraction without trailing zeros (both may be empty)."""
    whole, _dot, fraction = format(abs(limit), "f").partition(".")
    return whole.lstrip("0"), fraction.rstrip("0")


def _whole_equal(whole: str) -> str:
    return f"0*{whole}" if whole else "0+"


def _equal_magnitude(limit: Decimal) -> str:
    whole, fraction = _magnitude_digits(limit)
    if fraction:
        return rf"{_whole_equal(whole)}\.{fraction}0*"
    return rf"{_whole_equal(whole)}(?:\.0+)?"


def _greater_magnitudes(limit: Decimal) -> list[str]:
    whole, fraction = _magnitude_digits(limit)
    size = len(whole)
    # More whole digits (without leading zeros) than the limit has.
    alternatives = [rf"0*[1-9]{_digits(size)}\d*{_ANY_FRACTION}"]
    # As many whole digits, larger at the first place where they differ.
    for place, digit in enumerate(whole):
        if digit != "9":
            alternatives.append(
                rf"0*{whole[:place]}{_digit_range(int(digit) + 1, 9)}"
                rf"{_digits(size - place - 1)}{_ANY_FRACTION}"
            )
    # The same whole part and a larger fraction: larger at the first place where they differ,
    # or going on with a non-zero digit after the limit's last one.
    same = _whole_equal(whole)
    for place, digit in enumerate(fraction):
        if digit != "9":
            alternatives.append(rf"{same}\.{fraction[:place]}{_digit_range(int(digit) + 1, 9)}\d*")
    alternatives.append(rf"{same}\.{fraction}0*[1-9]\d*")
    return alternatives


def _smaller_magnitudes(limit: Decimal) -> list[str]:
    whole, fraction = _magnitude_digits(limit)
    size = len(whole)
    alternatives = []
    # Fewer whole digits (without leading zeros) than the limit has.
    if size >= 1:
        alternatives.append(rf"0+{_ANY_FRACTION}")
    if size == 2:
        alternatives.append(rf"0*[1-9]{_ANY_FRACTION}")
    elif size > 2:
        alternatives.append(rf"0*[1-9]\d{{0,{size - 2}}}{_ANY_FRACTION}")
    # As many whole digits, smaller at the first place where they differ (the first digit of a
    # number is never 0).
    for place, digit in enumerate(whole):
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            alternatives.append(
                rf"0*{whole[:place]}{_digit_range(lowest, int(digit) - 1)}"
                rf"{_digits(size - place - 1)}{_ANY_FRACTION}"
            )
    # The same whole part and a smaller fraction: none, one ending early (the limit's fraction
    # has no trailing zeros, so what it goes on with is more), or smaller where they differ.
    if fraction:
        same = _whole_equal(whole)
        alternatives.append(same)
        for place in range(1, len(fraction)):
            alternatives.append(rf"{same}\.{fraction[:place]}")
        for place, digit in enumerate(fraction):
            if digit != "0":
                alternatives.append(
                    rf"{same}\.{fraction[:place]}{_digit_range(0, int(digit) - 1)}\d*"
                )
    return alternatives


def _digits(count: int) -> str:
    """Exactly ``count`` digits."""
    return "" if count == 0 else r"\d" if count == 1 else rf"\d{{{count}}}"


def _digit_range(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def _date_order_pattern(op: str, limit: date, after_day: str = "$") -> str:
    """ISO dates ``op`` the limit. They are fixed-width digits, so they order like text: a date is
    smaller when, at the first digit where they differ, its digit is smaller. ``after_day`` is
    what follows the day when it is the limit itself: ``$`` for a date, ``T`` for a date-time."""
    text = limit.isoformat()
    alternatives = []
    for position, char in enumerate(text):
        if not char.isdigit():
            continue
        digit = int(char)
        if op in ("<", "<="):
            if digit == 0:
                continue
            digits = f"[0-{digit - 1}]"
        else:
            if digit == 9:
                continue
            digits = f"[{digit + 1}-9]"
        alternatives.append(text[:position] + digits)  # digits and dashes need no escaping
    if op in ("<=", ">="):
        alternatives.append(text + after_day)
    if not alternatives:
        return "(?!)"
    return "^(?:" + "|".join(alternatives) + ")"


__all__ = [
    "DRAFT_2020_12",
    "condition_schema",
    "decimal_order_pattern",
    "file_ref_schema",
    "form_json_schema",
    "property_schema",
    "version_json_schema",
]
