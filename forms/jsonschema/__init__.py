"""The JSON Schema (draft 2020-12) of a form version's answers, for headless clients.

``form_json_schema(version_or_schema)`` describes exactly what
``SchemaForm.get_data_for_storage()`` stores (see the table in ``forms.schema_form``): one
property per input field, keyed by ``clean_name``; decimals are strings with a pattern, dates
and date-times strings with a format (and a pattern), files references (objects with at least
``name``, ``size`` and ``content_type``). ``version_json_schema(version)`` is the same for a
``FormVersion``, with a title, cached on the instance (versions never change).

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
RE2 syntax the server uses (``project.core.patterns``), anchored with ``^(?:…)$``; every pattern
here is RE2 syntax, so ``AnswersValidator`` checks them all in linear time.

The package: ``properties`` builds the schema of the answers and of each field type,
``conditions`` translates conditions, ``patterns`` holds the regular expressions both use, and
``validation`` checks answers against a schema with RE2 (``answers_validator``).
"""

from forms.jsonschema.conditions import Untranslatable, condition_schema
from forms.jsonschema.patterns import decimal_order_pattern
from forms.jsonschema.properties import (
    DRAFT_2020_12,
    file_ref_schema,
    form_json_schema,
    property_schema,
    version_json_schema,
)
from forms.jsonschema.validation import AnswersValidator, answers_validator

__all__ = [
    "DRAFT_2020_12",
    "AnswersValidator",
    "Untranslatable",
    "answers_validator",
    "condition_schema",
    "decimal_order_pattern",
    "file_ref_schema",
    "form_json_schema",
    "property_schema",
    "version_json_schema",
]
