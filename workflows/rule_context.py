"""What a transition condition reads, and the attempt ``Case.fire``'s guards check."""

from __future__ import annotations

import functools

from django.utils import timezone

from forms.builder import answers_for_rules
from forms.models import FormVersion
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
    numbers, as the form field that stored them says."""
    return {
        "data": answers_for_rules(_data_field_types(case), case.data),
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
    only when the transition has a condition."""

    def __init__(self, transition: TransitionDef, case: Case, actor):
        self.transition, self._case, self._actor = transition, case, actor

    @functools.cached_property
    def context(self) -> dict:
        return rule_context(self._case, self._actor)
