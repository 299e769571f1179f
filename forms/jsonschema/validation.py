"""Checking answers against a form's JSON Schema with the pattern engine the server uses.

The ``jsonschema`` library evaluates ``pattern`` with Python's ``re.search``, which backtracks:
a designer's ``([A-Z0-9]+[ -]?)+`` in a schema would let one answer hold a worker for hours.
``AnswersValidator`` is draft 2020-12 with ``pattern`` evaluated by RE2
(``project.core.patterns``), in time linear in the answer, and never by ``re``. A pattern RE2
cannot compile (a designer's, saved before patterns were checked with RE2) refuses every string
it is given, as the server's form does.

Every pattern these schemas hold, the designer's (``^(?:…)$``) and the generated ones, is RE2
syntax; they use ``pattern`` only, never ``patternProperties`` (which ``jsonschema`` would still
evaluate with ``re``).
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from project.core.patterns import PatternError, compile_pattern


def _pattern(validator, pattern: str, instance, schema):
    """The ``pattern`` keyword, with RE2: the string must contain a match (JSON Schema)."""
    if not validator.is_type(instance, "string"):
        return
    try:
        compiled = compile_pattern(pattern)
    except PatternError as exc:
        yield ValidationError(
            f"{instance!r} cannot be checked: the pattern {pattern!r} is not supported "
            f"({exc.detail})"
        )
        return
    if not compiled.search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


AnswersValidator = extend(Draft202012Validator, {"pattern": _pattern})


def answers_validator(schema: dict[str, Any]):
    """An ``AnswersValidator`` of ``schema`` that checks formats too (``date``, ``email`` …)."""
    return AnswersValidator(schema, format_checker=AnswersValidator.FORMAT_CHECKER)
