"""How much a person may type or set, in one place: the bounds that forms, services and models
agree on.

Text is counted in characters (``len``), as Django's ``max_length`` counts. A bound here is used
three times for the same input: by the form (``max_length``, so the browser and the form refuse
it with a message), by the service (so the API, imports and scripts cannot go around the form)
and by the model field (``max_length`` with a ``MaxLengthValidator``, as ``full_clean`` and the
admin check it). ``tests/project/core/test_limits.py`` checks that every ``TextField`` of
Atelier's models has one.

Numbers a designer sets (SLA targets, lengths, file sizes, validity) have a range refused when
the row is saved and again when it is published; code reading a value stored before the range
existed must cope with it (see ``workflows.services.cases._deadline``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop

# --- Text staff and customers type ---------------------------------------------------------------

# A transition's comment or an internal note on a case (``CaseEvent.comment``).
COMMENT_MAX_LENGTH = 4000
# Why a customer refuses a quotation (``Quotation.refusal_reason``; also quoted in the case's
# history, so it fits in a comment with room to spare).
REFUSAL_REASON_MAX_LENGTH = 2000
# A customer's name, also when typed as a signature.
PERSON_NAME_MAX_LENGTH = 200
CUSTOMER_PHONE_MAX_LENGTH = 32
# RFC 5321's limit on an address's path, as Django's model ``EmailField``.
EMAIL_MAX_LENGTH = 254
LANGUAGE_CODE_MAX_LENGTH = 10
# The answer to a single-line or multi-line field of a published form when its designer set no
# maximum; a designer's maximum never exceeds ``TEXT_ANSWER_MAX_LENGTH``.
SINGLE_LINE_ANSWER_MAX_LENGTH = 255
TEXT_ANSWER_MAX_LENGTH = 10_000
# A row of a line-items field and the quotation line made from it.
LINE_CODE_MAX_LENGTH = 64
LINE_DESCRIPTION_MAX_LENGTH = 500

# --- Text designers and administrators type -------------------------------------------------------

DESCRIPTION_MAX_LENGTH = 2000
HELP_TEXT_MAX_LENGTH = 1000
DEFAULT_VALUE_MAX_LENGTH = 2000
# One choice per line: room for a list of every country of the world, twice over.
CHOICES_MAX_LENGTH = 10_000
# A rule of the rule language (a field's or a transition's condition).
CONDITION_MAX_LENGTH = 2000
# A message e-mailed to customers (a transition's message, a form page's confirmation).
MESSAGE_MAX_LENGTH = 4000
# Rich text: ``RICH_TEXT_MAX_LENGTH`` characters as read (what the editor counts), and at most
# ``RICH_TEXT_HTML_MAX_LENGTH`` characters of stored HTML, tags included.
RICH_TEXT_MAX_LENGTH = 10_000
RICH_TEXT_HTML_MAX_LENGTH = 50_000
ADDRESS_MAX_LENGTH = 500

# --- Numbers designers set ------------------------------------------------------------------------

# A state's SLA target in business hours: a quarter of an hour to about a year of 40-hour weeks.
SLA_HOURS_MIN = Decimal("0.25")
SLA_HOURS_MAX = Decimal(2000)
# A form field's own maximum file size, per file; no request may carry more than
# ``UPLOAD_MAX_REQUEST_MB`` (50 by default) anyway.
UPLOAD_MB_MAX = 50
# How long after today a quotation may stay open for the customer's decision.
QUOTATION_VALIDITY_MAX_DAYS = 365

# --- Parameters of addresses (``?month=``, ``?opened_after=``, ``?id=``) --------------------------

# The days a report or a filter may ask about: wide enough for any record Atelier keeps, narrow
# enough that a day before or after them never leaves the calendar in any time zone.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
# The largest primary key a database column holds (a signed 64-bit integer).
ID_MAX = 2**63 - 1


_TOO_LONG = gettext_noop("%(field)s: at most %(limit)d characters (it has %(length)d).")


class TooLongMessage:
    """The ``max_length`` error message of a form field, naming the field and the limit as the
    services do ("Comment: at most 4000 characters (it has 5210)."). Django formats a field's
    error message with the validator's ``limit_value`` and ``show_value``::

        comment = forms.CharField(
            label=_("Comment"),
            max_length=COMMENT_MAX_LENGTH,
            error_messages={"max_length": TooLongMessage(_("Comment"))},
        )
    """

    def __init__(self, label):
        self.label = label

    def __mod__(self, params) -> str:
        return gettext(_TOO_LONG) % {
            "field": capfirst(self.label),
            "limit": params["limit_value"],
            "length": params["show_value"],
        }

    def __str__(self) -> str:
        return str(capfirst(self.label))


def too_long(label) -> dict:
    """``error_messages`` for a form field: its ``max_length`` error names it (see
    ``TooLongMessage``)."""
    return {"max_length": TooLongMessage(label)}


def length_problem(label, value: str, limit: int) -> str | None:
    """The sentence refusing ``value`` for the field called ``label`` when it has more than
    ``limit`` characters ("Comment: at most 4000 characters (it has 1048576)."), else None."""
    if len(value) <= limit:
        return None
    return gettext(_TOO_LONG) % {
        "field": capfirst(label),
        "limit": limit,
        "length": len(value),
    }


def text_length_problems(instance: models.Model) -> dict[str, list[str]]:
    """The text columns of ``instance`` holding more characters than their ``max_length``, by
    field name, each with a sentence naming the field and the limit. ``full_clean`` reports the
    same when a row is saved through a form; publishing asks again for rows written another
    way (a script, ``update()``, a row saved before the limit existed)."""
    problems: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname, None)
        if limit and isinstance(value, str):
            problem = length_problem(field.verbose_name, value, limit)
            if problem:
                problems.setdefault(field.name, []).append(problem)
    return problems
