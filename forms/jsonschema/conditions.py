"""Conditions in JSON Schema: a field's ``condition`` (the rule language, ``forms.rules``)
translated into a schema the answers satisfy exactly when it holds, with the rule language's own
semantics (a hidden or empty field is ``null``; comparisons between unlike types are false), or
None when JSON Schema cannot express it (see the package docstring for what translates)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from forms.choices import FieldType
from forms.jsonschema.patterns import (
    REVERSED_ORDER,
    ZERO_PATTERN,
    date_order_pattern,
    decimal_equal_pattern,
    decimal_order_pattern,
)
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
        return {"not": {"pattern": ZERO_PATTERN}}
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
    return {"pattern": date_order_pattern(op, moment)}


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
            return {"pattern": decimal_equal_pattern(Decimal(str(constant)))}
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
