"""How cases read in the admin: state labels and colours, durations, people's names, the labels
of stored answers and the rows of a case's history. Shared by the case pages, the list, the
dashboard panels and the reports; nothing here writes."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.utils import get_user_display_name

from forms.answers import answer_text
from forms.builder import build_form
from forms.models import FormVersion
from workflows.choices import ButtonStyle, EventKind
from workflows.definition import ProcessDefinition, StateDef
from workflows.models import Case

CASE_ICON = "folder-open-inverse"

BUTTON_CLASSES = {
    ButtonStyle.PRIMARY: "button",
    ButtonStyle.SECONDARY: "button button-secondary",
    ButtonStyle.WARNING: "button warning",
}

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def button_class(button_style) -> str:
    return BUTTON_CLASSES.get(button_style, "button")


def state_name(definition: ProcessDefinition, code: str) -> str:
    """The label of state ``code`` (the code itself for a state the definition does not know,
    e.g. one left behind by a move to a newer version)."""
    if not code:
        return ""
    state = definition.state(code)
    return state.label if state else code


def state_label(case: Case) -> str:
    return state_name(case.definition, case.state)


def state_colour(state: StateDef | None) -> str:
    """The state's colour when it is a plain ``#rrggbb`` (safe in a style attribute), else ""."""
    return state.colour if state and _COLOUR.match(state.colour) else ""


def is_overdue(case: Case, now=None) -> bool:
    return (
        case.closed_at is None and case.due_at is not None and case.due_at < (now or timezone.now())
    )


def humanise_seconds(seconds) -> str:
    """``Decimal("7500")`` → "2 hours, 5 minutes"; below a minute, the seconds."""
    total = int(Decimal(seconds or 0))
    if total < 60:
        return ngettext("%(count)d second", "%(count)d seconds", total) % {"count": total}
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return timesince(start, start + datetime.timedelta(seconds=total), depth=2)


def user_name(user) -> str:
    return get_user_display_name(user) if user is not None else ""


def assignee_name(case: Case) -> str:
    return user_name(case.assignee)


class FormLabels:
    """Labels of form fields by name, per published form version, loaded once per request."""

    def __init__(self, version_ids):
        ids = {pk for pk in version_ids if pk}
        self.versions = FormVersion.objects.in_bulk(ids) if ids else {}
        self._labels: dict[int, dict[str, str]] = {}

    def for_version(self, version_id) -> dict[str, str]:
        if not version_id or version_id not in self.versions:
            return {}
        if version_id not in self._labels:
            version = self.versions[version_id]
            labels = dict(version.labels)
            labels.update(
                {name: str(field.label) for name, field in build_form(version).fields.items()}
            )
            self._labels[version_id] = labels
        return self._labels[version_id]

    def rows(self, data: dict, *version_ids) -> list[tuple[str, str]]:
        """(label, value) for each answer, labelled by the first of ``version_ids`` that knows
        the key; keys no form knows are shown as stored."""
        labels: dict[str, str] = {}
        specs: dict[str, dict] = {}
        for version_id in reversed(version_ids):
            labels.update(self.for_version(version_id))
            if version_id in self.versions:
                specs.update(self.versions[version_id].specs)
        return [
            (labels.get(key) or key, answer_text(specs.get(key), value, empty="—"))
            for key, value in data.items()
        ]


def event_row(
    event, definition: ProcessDefinition, labels: FormLabels, step_versions: dict
) -> dict:
    """One line of a case's history as the case page shows it. ``step_versions`` maps each
    transition's code to its step form version, which labels the answers it recorded."""
    transition = definition.transition(event.transition) if event.transition else None
    summary = ""
    data_rows = []
    url = ""
    if event.kind == EventKind.TRANSITION:
        data_rows = labels.rows(event.data, step_versions.get(event.transition))
    elif event.kind == EventKind.ASSIGNED:
        summary = _("Assigned to %(to)s (was %(from)s)") % {
            "to": event.data.get("to") or _("nobody"),
            "from": event.data.get("from") or _("nobody"),
        }
    elif event.kind == EventKind.ATTACHMENT:
        summary = event.data.get("name", "")
        if event.data.get("attachment"):
            url = reverse("cases:attachment", args=[event.case_id, event.data["attachment"]])
    elif event.kind == EventKind.OPENED and event.data.get("assignee"):
        summary = _("Assigned to %(to)s") % {"to": event.data["assignee"]}
    elif event.kind == EventKind.MIGRATED:
        summary = _("Now on version %(number)s") % {"number": event.data.get("version", "?")}
    moved = event.kind in (EventKind.OPENED, EventKind.TRANSITION, EventKind.MIGRATED)
    return {
        "event": event,
        "kind": event.get_kind_display(),
        "actor": user_name(event.actor) or _("System"),
        "transition": transition.label if transition else event.transition,
        "from_label": state_name(definition, event.from_state) if moved else "",
        "to_label": state_name(definition, event.to_state) if moved else "",
        "duration": humanise_seconds(event.seconds_in_state) if event.seconds_in_state else "",
        "summary": summary,
        "url": url,
        "data_rows": data_rows,
    }
