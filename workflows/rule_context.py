"""What a transition condition reads, and the attempt ``Case.fire``'s guards check."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping

from django.utils import formats, timezone
from django.utils.translation import gettext

from forms.builder import answers_for_rules
from forms.choices import FieldType
from forms.models import FormVersion
from forms.rules import Rule
from project.stores.selectors import amount_in_currency
from workflows import hooks
from workflows.definition import (
    TransitionDef,
    user_group_names,
)
from workflows.models import (
    Case,
)

# --- Transitions ----------------------------------------------------------------------------------


def rule_context(case: Case, actor) -> dict:
    """What a transition condition can read: ``data.*``, ``case.*``, ``store.*``,
    ``customer.*``, ``actor.*`` (``username``, ``groups``, ``is_assignee``, ``is_opener``),
    ``today`` (in the store's time zone), and the roots feature apps add
    (``workflows.hooks.register_rule_context``). Numbers and amounts in ``data`` are read as
    numbers, as the form field that stored them says; every amount also carries its value in the
    store's currency (see ``_data``)."""
    return {
        "data": _data(case),
        "case": {
            "reference": case.reference,
            "state": case.state,
            "assignee": case.assignee.username if case.assignee_id else None,
            "opened_at": case.opened_at,
        },
        "store": {
            "code": case.store.code,
            "country": case.store.country,
            "currency": case.store.currency,
        },
        "customer": {
            "name": case.customer_name,
            "email": case.customer_email,
            "phone": case.customer_phone,
            "language": case.customer_language,
        },
        "actor": {
            "username": actor.username,
            "groups": sorted(user_group_names(actor)),
            "is_assignee": case.assignee_id == actor.pk,
            "is_opener": case.opened_by_id == actor.pk,
        },
        "today": timezone.now().astimezone(case.store.zoneinfo).date(),
        **hooks.rule_context_extra(case, actor),
    }


# What a money answer's value in the store's currency is read from: a money field's amount, a
# line-items field's total.
_CONVERTED = {FieldType.MONEY: "amount", FieldType.LINE_ITEMS: "total"}
IN_STORE_CURRENCY = "in_store_currency"


def _data(case: Case) -> dict:
    """``data.*``: the stored answers read as numbers where the field stored one, and every money
    answer (a money field, a line-items field) with ``in_store_currency``: its amount (total) in
    the store's currency, converted with the exchange rate valid on the day of the request; None
    when no rate is known, so a threshold reading it never holds by default.

    Thresholds compare ``data.<field>.in_store_currency``, never ``data.<field>.amount``: the
    person asking chooses the currency, and a limit in one currency is no limit in another.
    Rates are read once per case instance (a request's), like the field types."""
    field_types = _data_field_types(case)
    data = answers_for_rules(field_types, case.data)
    rates = case.__dict__.setdefault("_exchange_rates", {})
    on = request_date(case)
    for name, field_type in field_types.items():
        value = data.get(name)
        if field_type in _CONVERTED and isinstance(value, dict):
            value[IN_STORE_CURRENCY] = amount_in_currency(
                amount=value.get(_CONVERTED[field_type]),
                currency=value.get("currency"),
                into=case.store.currency,
                on=on,
                rates=rates,
            )
    return data


def request_date(case: Case) -> datetime.date:
    """The day of the request in the store's time zone: amounts are converted with the rate
    valid that day, whenever the condition is read."""
    return case.opened_at.astimezone(case.store.zoneinfo).date()


def missing_conversions(rule: Rule, context: Mapping, case: Case) -> list[str]:
    """Why an amount ``rule`` reads in the store's currency has no value in ``context`` (the
    rule context of ``case``): one sentence per amount given in a currency without an exchange
    rate on the request's day. The rule does not hold for want of it, which its own text cannot
    say."""
    notes = []
    for name in sorted(rule.names):
        path = name.split(".")
        if path[-1] != IN_STORE_CURRENCY:
            continue
        value = _resolve(context, path[:-1])
        if not isinstance(value, Mapping) or value.get(IN_STORE_CURRENCY) is not None:
            continue
        amount = value.get("amount", value.get("total"))
        currency = value.get("currency")
        if amount is None or not currency:
            continue
        notes.append(
            gettext(
                "No exchange rate from %(currency)s into %(store_currency)s is known for "
                "%(date)s, the day of the request: an administrator adds it in Settings > "
                "Exchange rates."
            )
            % {
                "currency": currency,
                "store_currency": case.store.currency,
                "date": formats.date_format(request_date(case), "DATE_FORMAT"),
            }
        )
    return list(dict.fromkeys(notes))


def _resolve(context: Mapping, path: Iterable[str]):
    value = context
    for segment in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(segment)
    return value


def _data_field_types(case: Case) -> dict[str, str]:
    """clean_name -> field type over the forms of the case's version (intake and step forms),
    so that ``data.*`` reads numbers and amounts as numbers. Read once per case instance."""
    cached = getattr(case, "_data_field_types", None)
    if cached is None:
        definition = case.definition
        version_ids = {
            definition.intake_form_version_id,
            *(transition.step_form_version_id for transition in definition.transitions),
        } - {None}
        cached = {}
        for schema in FormVersion.objects.filter(pk__in=version_ids).values_list(
            "schema", flat=True
        ):
            for spec in schema:
                cached.setdefault(spec["clean_name"], spec["field_type"])
        case._data_field_types = cached
    return cached


class _Attempt:
    """What ``Case.fire``'s condition and permission checks read; the rule context is built
    only when the transition has a condition, once. ``condition_held`` is set by
    ``transition_refusal`` when it found the condition holding in this context, so the guard
    does not evaluate it again."""

    def __init__(self, transition: TransitionDef, case: Case, actor):
        self.transition, self._case, self._actor = transition, case, actor
        self.condition_held = False

    @functools.cached_property
    def context(self) -> dict:
        return rule_context(self._case, self._actor)
