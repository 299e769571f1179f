"""The rule language shared by form-field conditions and workflow transition conditions.

A rule is parsed once (with a lark LALR grammar, never ``eval``) into a small immutable tree that
both the server and the browser evaluate, so show/hide in the form and validation on the server
never disagree::

    >>> rule = parse_rule('quote.total > 500 and store.country in ["KR", "JP"]')
    >>> sorted(rule.names)
    ['quote.total', 'store.country']
    >>> rule.validate({"quote", "store"})  # raises RuleError naming unknown names
    >>> rule.evaluate({"quote": {"total": 800}, "store": {"country": "KR"}})
    True
    >>> rule.explain({"quote": {"total": 300}, "store": {"country": "KR"}})
    'quote.total > 500 (quote.total is 300)'
    >>> rule.to_json()["op"]
    'and'

Syntax: ``== != < <= > >=``; ``in`` / ``not in`` against a list literal or a name; ``and``,
``or``, ``not`` (not binds tighter than and, and tighter than or); parentheses; numbers (read as
``Decimal``), quoted strings with backslash escapes, ``true``, ``false``, ``null``, ISO dates
``2026-01-31``, ISO date-times ``2026-01-31T10:00`` (naive ones are UTC), ``today`` (the context's
``"today"`` or the current date) and dotted names such as ``quote.total``. A bare name or literal
is a truthiness test.

Evaluation never raises: a missing name is ``None``; ordering comparisons with ``None`` or between
unlike types are false; numbers compare across int/float/Decimal; a string in ISO form compared
with a date (or date-time) is read as one, because submissions store dates as JSON strings.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

MAX_SOURCE_LENGTH = 2000
MAX_DEPTH = 50


class RuleError(ValueError):
    """A condition that cannot be parsed or refers to names that do not exist.

    ``position`` is the 1-based column of the offending text when there is one.
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


# --- The tree -----------------------------------------------------------------------------------


class Node:
    """A node of the rule tree. Subclasses are frozen dataclasses, so trees compare by value."""

    def children(self) -> tuple[Node, ...]:
        return ()

    # Every node type implements these: its value in a context, its text, its JSON for browsers.
    def resolve(self, context: Mapping[str, Any]) -> Any: ...
    def to_source(self) -> str: ...
    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Literal(Node):
    """A constant; ``kind`` is one of decimal, string, boolean, null, date, datetime."""

    kind: str
    value: Any

    def resolve(self, context: Mapping[str, Any]) -> Any:
        return self.value

    def to_source(self) -> str:
        return _render(self.value)

    def to_json(self) -> dict[str, Any]:
        # Decimals and dates travel as text, tagged with their type, so nothing is lost in JSON.
        raw = self.value if self.kind in ("string", "boolean", "null") else _render(self.value)
        return {"op": "literal", "type": self.kind, "value": raw}


@dataclass(frozen=True)
class Name(Node):
    """A dotted name looked up in the evaluation context."""

    path: tuple[str, ...]
    position: int | None = field(default=None, compare=False, repr=False)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def resolve(self, context: Mapping[str, Any]) -> Any:
        current: Any = context
        for segment in self.path:
            current = _lookup(current, segment)
            if current is None:
                return None
        return current

    def to_source(self) -> str:
        return self.dotted

    def to_json(self) -> dict[str, Any]:
        return {"op": "name", "path": list(self.path)}


@dataclass(frozen=True)
class Today(Node):
    def resolve(self, context: Mapping[str, Any]) -> Any:
        today = context.get("today")
        return today if today is not None else timezone.now().date()

    def to_source(self) -> str:
        return "today"

    def to_json(self) -> dict[str, Any]:
        return {"op": "today"}


@dataclass(frozen=True)
class ListLiteral(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items

    def resolve(self, context: Mapping[str, Any]) -> Any:
        return [item.resolve(context) for item in self.items]

    def to_source(self) -> str:
        return "[" + ", ".join(item.to_source() for item in self.items) + "]"

    def to_json(self) -> dict[str, Any]:
        return {"op": "list", "items": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class Compare(Node):
    """``left <op> right`` where op is ``== != < <= > >= in`` or ``not in``."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def resolve(self, context: Mapping[str, Any]) -> bool:
        return _COMPARISONS[self.op](self.left.resolve(context), self.right.resolve(context))

    def to_source(self) -> str:
        return f"{self.left.to_source()} {self.op} {self.right.to_source()}"

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "left": self.left.to_json(), "right": self.right.to_json()}


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def resolve(self, context: Mapping[str, Any]) -> bool:
        return not _truth(self.operand.resolve(context))

    def to_source(self) -> str:
        return "not " + _wrap(self.operand, (And, Or))

    def to_json(self) -> dict[str, Any]:
        return {"op": "not", "operand": self.operand.to_json()}


@dataclass(frozen=True)
class _Junction(Node):
    """Two or more operands of ``and``/``or``; nesting of the same kind is flattened away."""

    word = ""
    operands: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def to_source(self) -> str:
        # Only an ``or`` inside an ``and`` needs parentheses: ``and`` binds tighter.
        inner = (Or,) if self.word == "and" else ()
        return f" {self.word} ".join(_wrap(operand, inner) for operand in self.operands)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.word, "operands": [operand.to_json() for operand in self.operands]}


@dataclass(frozen=True)
class And(_Junction):
    word = "and"

    def resolve(self, context: Mapping[str, Any]) -> bool:
        return all(_truth(operand.resolve(context)) for operand in self.operands)


@dataclass(frozen=True)
class Or(_Junction):
    word = "or"

    def resolve(self, context: Mapping[str, Any]) -> bool:
        return any(_truth(operand.resolve(context)) for operand in self.operands)


def _wrap(node: Node, needs_parentheses: tuple[type[Node], ...]) -> str:
    source = node.to_source()
    return f"({source})" if isinstance(node, needs_parentheses) else source


def _walk(root: Node) -> Iterator[tuple[Node, int]]:
    """Yield ``(node, depth)`` without recursion, so hostile nesting cannot exhaust the stack."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(node.children()))


# --- Evaluation helpers -------------------------------------------------------------------------


def _lookup(current: Any, segment: str) -> Any:
    """One step of a dotted name: a Mapping key, else a plain attribute; never a callable."""
    if segment.startswith("_"):
        return None
    try:
        if isinstance(current, Mapping) and segment in current:
            found = current[segment]
        else:
            found = getattr(current, segment, None)
    except Exception:  # a property or a custom mapping failing is just a missing value
        return None
    return None if callable(found) else found


def _truth(value: Any) -> bool:
    try:
        return bool(value)
    except Exception:
        return False


# Order matters: bool is an int and datetime is a date.
_KINDS = (
    (bool, "boolean"),
    (int | float | Decimal, "decimal"),
    (str, "string"),
    (datetime, "datetime"),
    (date, "date"),
    (list | tuple, "list"),
)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return next((kind for types, kind in _KINDS if isinstance(value, types)), "other")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _coerce(value: Any, other_kind: str) -> Any:
    """Bring one side to a comparable form, reading ISO strings when the other side is a date."""
    kind = _kind(value)
    try:
        if kind == "string" and other_kind == "date" and _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if kind == "string" and other_kind == "datetime" and _ISO_DATETIME.match(value):
            value = datetime.fromisoformat(value)
            kind = "datetime"
        if kind == "decimal" and not isinstance(value, Decimal):
            return Decimal(str(value))
    except (ValueError, InvalidOperation):
        return value
    if kind == "datetime" and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _pair(left: Any, right: Any) -> tuple[Any, Any, bool]:
    """Both sides coerced, and whether they are of the same kind."""
    left, right = _coerce(left, _kind(right)), _coerce(right, _kind(left))
    return left, right, _kind(left) == _kind(right)


def _equal(left: Any, right: Any) -> bool:
    left, right, alike = _pair(left, right)
    if not alike:
        return False
    if _kind(left) == "list":
        return len(left) == len(right) and all(map(_equal, left, right))
    try:
        return bool(left == right)
    except Exception:
        return False


_ORDERINGS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _order(op: str, left: Any, right: Any) -> bool:
    left, right, alike = _pair(left, right)
    if not alike or _kind(left) not in ("decimal", "string", "date", "datetime"):
        return False
    try:
        return bool(_ORDERINGS[op](left, right))
    except (TypeError, ArithmeticError):  # e.g. Decimal NaN refuses to be ordered
        return False


def _contains(collection: Any, item: Any) -> bool:
    if not isinstance(collection, list | tuple | set | frozenset):
        return False
    return any(_equal(item, member) for member in collection)


_COMPARISONS = {
    "==": _equal,
    "!=": lambda left, right: not _equal(left, right),
    "in": lambda left, right: _contains(right, left),
    "not in": lambda left, right: not _contains(right, left),
    **{op: functools.partial(_order, op) for op in _ORDERINGS},
}


def _render(value: Any) -> str:
    """A value as rule source text (also used to show actual values in ``explain``)."""
    kind = _kind(value)
    if kind == "null":
        return "null"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "decimal":
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if kind == "string":
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return f'"{escaped}"'
    if kind == "datetime":
        return value.isoformat().replace("+00:00", "Z")
    if kind == "date":
        return value.isoformat()
    if kind == "list":
        return "[" + ", ".join(_render(item) for item in value) + "]"
    return str(value)


# --- Parsing ------------------------------------------------------------------------------------

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("or" and_expr)*
?and_expr: not_expr ("and" not_expr)*
?not_expr: "not" not_expr -> negation
         | comparison
         | "(" or_expr ")"
?comparison: operand
           | operand COMPARE operand -> compare
           | operand "in" collection -> member
           | operand "not" "in" collection -> not_member
?operand: value | name | list_literal
?collection: name | list_literal
name: NAME ("." NAME)*
list_literal: "[" [value ("," value)*] "]"
?value: NUMBER -> number
      | STRING -> string
      | DATE -> date_value
      | DATETIME -> datetime_value
      | CONSTANT -> constant

CONSTANT.2: /(true|false|null|today)\b/
COMPARE: /==|!=|<=|>=|<|>/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /-?\d+(\.\d+)?/
STRING: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/
DATE.2: /\d{4}-\d{2}-\d{2}/
DATETIME.3: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?/
%ignore /\s+/
"""

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}
_CONSTANTS = {
    "true": Literal("boolean", True),
    "false": Literal("boolean", False),
    "null": Literal("null", None),
    "today": Today(),
}


def _column(token: Token) -> int | None:
    return None if token.start_pos is None else token.start_pos + 1


class _Builder(Transformer):
    """Turns parse-tree nodes into rule nodes while the LALR parser reduces (no recursion)."""

    def or_expr(self, children: list[Node]) -> Or:
        return Or(tuple(_flatten(Or, children)))

    def and_expr(self, children: list[Node]) -> And:
        return And(tuple(_flatten(And, children)))

    def negation(self, children: list[Node]) -> Not:
        return Not(children[0])

    def compare(self, children: list[Any]) -> Compare:
        left, op, right = children
        return Compare(str(op), left, right)

    def member(self, children: list[Node]) -> Compare:
        return Compare("in", *children)

    def not_member(self, children: list[Node]) -> Compare:
        return Compare("not in", *children)

    def name(self, tokens: list[Token]) -> Name:
        name = Name(tuple(str(token) for token in tokens), position=_column(tokens[0]))
        if any(segment.startswith("_") for segment in name.path):
            raise RuleError(f'Names may not start with "_": {name.dotted}', name.position)
        return name

    def list_literal(self, children: list[Node | None]) -> ListLiteral:
        return ListLiteral(tuple(child for child in children if child is not None))

    def number(self, tokens: list[Token]) -> Literal:
        return Literal("decimal", Decimal(str(tokens[0])))

    def string(self, tokens: list[Token]) -> Literal:
        text = str(tokens[0])[1:-1]
        return Literal("string", re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text))

    def date_value(self, tokens: list[Token]) -> Literal:
        try:
            return Literal("date", date.fromisoformat(str(tokens[0])))
        except ValueError:
            raise RuleError(f"Invalid date {tokens[0]}", _column(tokens[0])) from None

    def datetime_value(self, tokens: list[Token]) -> Literal:
        try:
            moment = datetime.fromisoformat(str(tokens[0]))
        except ValueError:
            raise RuleError(f"Invalid date-time {tokens[0]}", _column(tokens[0])) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return Literal("datetime", moment)

    def constant(self, tokens: list[Token]) -> Node:
        return _CONSTANTS[str(tokens[0])]


def _flatten(kind: type[And] | type[Or], children: Iterable[Node]) -> Iterator[Node]:
    for child in children:
        yield from child.operands if isinstance(child, kind) else (child,)


_PARSER = Lark(_GRAMMAR, parser="lalr", transformer=_Builder())


def _syntax_error(source: str, error: UnexpectedInput) -> RuleError:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        column = len(source.rstrip()) + 1
        return RuleError(f"Unexpected end of condition at column {column} in: {source}", column)
    column = error.pos_in_stream + 1
    text = error.char if isinstance(error, UnexpectedCharacters) else str(error.token)
    hint = " (use == to compare)" if text == "=" else ""
    return RuleError(f'Unexpected "{text}" at column {column} in: {source}{hint}', column)


@dataclass(frozen=True)
class Rule:
    """A parsed condition. Build one with :func:`parse_rule`."""

    source: str
    tree: Node
    names: frozenset[str]

    def validate(self, known_names: Iterable[str] | None) -> None:
        """Raise RuleError naming every unknown name; ``known_names=None`` skips the check.

        A name is known when it equals a known name or extends one past a dot: knowing
        ``quote`` allows ``quote.total``.
        """
        if known_names is None:
            return
        known = set(known_names)
        unknown = [
            node
            for node, _ in _walk(self.tree)
            if isinstance(node, Name) and not _is_known(node.dotted, known)
        ]
        if unknown:
            listed = ", ".join(dict.fromkeys(f'"{node.dotted}"' for node in unknown))
            noun = "name" if len({node.dotted for node in unknown}) == 1 else "names"
            raise RuleError(f"Unknown {noun} {listed} in: {self.source}", unknown[0].position)

    def evaluate(self, context: Mapping[str, Any]) -> bool:
        return _truth(self.tree.resolve(context))

    def explain(self, context: Mapping[str, Any]) -> str | None:
        """None when the rule holds; otherwise the failing clause, as text a user can read.

        Through ``and`` this is the first false conjunct; ``or``, ``not`` and comparisons are
        shown whole. Comparisons and bare names also show the actual values of their names.
        """
        if self.evaluate(context):
            return None
        node = self.tree
        while isinstance(node, And):
            node = next(op for op in node.operands if not _truth(op.resolve(context)))
        names = [side for side in (node, *node.children()) if isinstance(side, Name)]
        if not isinstance(node, Compare | Name) or not names:
            return node.to_source()
        actual = ", ".join(f"{name.dotted} is {_show(name.resolve(context))}" for name in names)
        return f"{node.to_source()} ({actual})"

    def to_source(self) -> str:
        return self.tree.to_source()

    def to_json(self) -> dict[str, Any]:
        return self.tree.to_json()


def _is_known(name: str, known: set[str]) -> bool:
    return name in known or any(name.startswith(prefix + ".") for prefix in known)


def _show(value: Any) -> str:
    if value is None:
        return "not set"
    shown = _render(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


@functools.lru_cache(maxsize=1024)
def parse_rule(source: str) -> Rule:
    """Parse a condition into a :class:`Rule`, or raise :class:`RuleError` saying where."""
    if not isinstance(source, str):
        raise RuleError("A condition must be text")
    if not source.strip():
        raise RuleError("empty condition")
    if len(source) > MAX_SOURCE_LENGTH:
        raise RuleError(f"Condition is longer than {MAX_SOURCE_LENGTH} characters")
    try:
        tree = _PARSER.parse(source)
    except UnexpectedInput as error:
        raise _syntax_error(source, error) from None
    except RuleError as error:  # raised by _Builder, which does not see the whole source
        message = f"{error.message} at column {error.position} in: {source}"
        raise RuleError(message, error.position) from None
    names: set[str] = set()
    for node, depth in _walk(tree):
        if depth > MAX_DEPTH:
            raise RuleError(f"Condition is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, Name):
            names.add(node.dotted)
    return Rule(source=source, tree=tree, names=frozenset(names))
