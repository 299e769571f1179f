"""Processes shipped with Atelier: TOML files in ``fixtures/processes/`` loaded into the very
tables a designer edits (forms and their fields, processes, their triggers, states and
transitions), then published as the designer's "Publish" button does.

Loading never overwrites a designer's work: a form (by slug) or a process (by code) that exists
already is kept as it is and reported as kept. Each file is loaded all or nothing: a file with a
mistake changes nothing, and the error (``ShippedProcessError``) names the file, the place in it
and the reason.

The file format is in fixtures/README.md.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from forms.models import FormDefinition
from forms.services import FormDefinitionInvalid, form_definition_create
from workflows import hooks
from workflows.errors import PublishRefused
from workflows.models import Process, ProcessState, ProcessTransition, ProcessTrigger
from workflows.services import process_publish

SHIPPED_DIR = Path(settings.BASE_DIR) / "fixtures" / "processes"

_PROCESS_KEYS = {
    "code",
    "name",
    "reference_prefix",
    "intake_form",
    "description",
    "assignment_rule",
    "assignee_group",
    "triggers",
}
_FORM_KEYS = {"slug", "name", "purpose", "description", "fields"}
_FIELD_COLUMNS = {
    "help_text",
    "placeholder",
    "default_value",
    "choices",
    "min_value",
    "max_value",
    "min_date",
    "max_date",
    "min_length",
    "max_length",
    "regex",
    "regex_message",
    "allowed_extensions",
    "max_upload_mb",
    "condition",
}
_STATE_KEYS = {"code", "label", "kind", "sla_hours", "colour"}
_TRANSITION_KEYS = {
    "code",
    "label",
    "from",
    "to",
    "groups",
    "step_form",
    "condition",
    "comment_required",
    "style",
    "condition_message",
    "automatic",
    "customer_message",
}


class ShippedProcessError(Exception):
    """A shipped process file cannot be loaded; the message says where and why."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def extend(self, other: LoadReport) -> None:
        self.created += other.created
        self.kept += other.kept


def load_shipped_processes(*, actor, directory: Path = SHIPPED_DIR) -> LoadReport:
    """Load every ``*.toml`` of ``directory`` in name order (see the module docstring)."""
    report = LoadReport()
    for path in sorted(Path(directory).glob("*.toml")):
        report.extend(load_process_file(path, actor=actor))
    return report


def load_process_file(path: Path, *, actor) -> LoadReport:
    """Create and publish what ``path`` describes and is missing; all or nothing."""
    path = Path(path)
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ShippedProcessError(f"{path.name}: cannot be read: {exc}") from exc
    loader = _Loader(path.name, spec, actor)
    with transaction.atomic():
        loader.load()
    return loader.report


class _Loader:
    def __init__(self, file_name: str, spec: dict, actor):
        self.file_name, self.spec, self.actor = file_name, spec, actor
        self.report = LoadReport()

    def fail(self, where: str, reason: str):
        raise ShippedProcessError(f"{self.file_name}: {where}: {reason}")

    def date(self, where: str, value: Any) -> datetime.date:
        """A TOML date (``2024-01-01``) or the same written as a string."""
        if isinstance(value, datetime.datetime):
            self.fail(where, "expected a date without a time, e.g. 2024-01-01")
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"“{value}” is not a date; write it as 2024-01-01")

    def number(self, where: str, value: Any) -> Decimal:
        """A TOML integer or float (``8``, ``0.5``) as the Decimal written."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"“{value}” is not a number; write it as 8 or 0.5")
        number = Decimal(str(value))  # through text: 0.1 is the decimal written, not its binary
        if not number.is_finite():
            self.fail(where, f"“{value}” is not a number; write it as 8 or 0.5")
        return number

    def check_keys(self, where: str, table: Any, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(table, dict):
            self.fail(where, "expected a table of settings")
        unknown = sorted(set(table) - allowed)
        if unknown:
            self.fail(where, f"unknown setting {', '.join(unknown)}")
        missing = sorted(required - set(table))
        if missing:
            self.fail(where, f"missing {', '.join(missing)}")
        return table

    def load(self) -> None:
        self.check_keys(
            "the file", self.spec, {"process", "forms", "states", "transitions"}, {"process"}
        )
        for index, form_spec in enumerate(self.spec.get("forms", [])):
            self.load_form(f"forms[{index}]", form_spec)
        self.load_process()

    # --- Forms ----------------------------------------------------------------------------------

    def load_form(self, where: str, spec: dict) -> FormDefinition:
        self.check_keys(where, spec, _FORM_KEYS, {"slug", "name", "purpose"})
        existing = FormDefinition.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            self.report.kept.append(f"form {existing.slug}")
            return existing
        fields = [
            self.field_columns(f"{where}.fields[{position}]", field_spec)
            for position, field_spec in enumerate(spec.get("fields", []))
        ]
        try:
            form = form_definition_create(
                slug=spec["slug"],
                name=spec["name"],
                purpose=spec["purpose"],
                description=spec.get("description", ""),
                fields=fields,
                actor=self.actor,
            )
        except FormDefinitionInvalid as exc:
            if exc.position is not None:
                where = f"{where}.fields[{exc.position}] ({exc.label})"
            self.fail(where, self.problems(exc))
        except ValidationError as exc:
            self.fail(f"{where} ({spec['slug']})", "; ".join(exc.messages))
        self.report.created.append(f"form {form.slug}")
        return form

    def field_columns(self, where: str, spec: dict) -> dict:
        """The ``FormField`` columns of a field of the file (``type`` is ``field_type``)."""
        allowed = {"label", "type", "required", *_FIELD_COLUMNS}
        self.check_keys(where, spec, allowed, {"label", "type"})
        columns = {key: spec[key] for key in _FIELD_COLUMNS if key in spec}
        for bound in ("min_date", "max_date"):
            if bound in columns:
                columns[bound] = self.date(f"{where}.{bound}", columns[bound])
        return {
            "label": spec["label"],
            "field_type": spec["type"],
            "required": spec.get("required", True),
            **columns,
        }

    # --- The process ----------------------------------------------------------------------------

    def form_by_slug(self, where: str, slug: str) -> FormDefinition:
        form = FormDefinition.objects.filter(slug=slug).first()
        if form is None:
            self.fail(where, f"no form with the slug “{slug}”")
        return form

    def load_process(self) -> None:
        spec = self.check_keys(
            "[process]",
            self.spec["process"],
            _PROCESS_KEYS,
            {"code", "name", "reference_prefix"},
        )
        existing = Process.objects.filter(code=spec["code"]).first()
        if existing is not None:
            self.report.kept.append(f"process {existing.code}")
            return
        process = Process(
            code=spec["code"],
            name=spec["name"],
            reference_prefix=spec["reference_prefix"],
            description=spec.get("description", ""),
        )
        if "intake_form" in spec:
            process.intake_form = self.form_by_slug("[process]", spec["intake_form"])
        if "assignment_rule" in spec:
            process.assignment_rule = spec["assignment_rule"]
        if "assignee_group" in spec:
            process.assignee_group = self.group("[process]", spec["assignee_group"])
        self.clean("[process]", process)
        process.save()
        self.load_triggers(process, spec.get("triggers", {}))
        for position, state_spec in enumerate(self.spec.get("states", [])):
            where = f"states[{position}]"
            self.check_keys(where, state_spec, _STATE_KEYS, {"code", "label", "kind"})
            state = ProcessState(process=process, sort_order=position, **state_spec)
            where = f"{where} ({state_spec['code']})"
            if state.sla_hours is not None:
                state.sla_hours = self.number(f"{where}.sla_hours", state.sla_hours)
            self.clean(where, state, exclude=["process"])
            state.save()
        for position, transition_spec in enumerate(self.spec.get("transitions", [])):
            self.load_transition(f"transitions[{position}]", process, position, transition_spec)
        try:
            process_publish(process=process, actor=self.actor)
        except PublishRefused as exc:
            self.fail(f"[process] ({process.code})", "; ".join(exc.errors))
        self.report.created.append(f"process {process.code}")

    def load_triggers(self, process: Process, triggers: Any) -> None:
        where = "[process.triggers]"
        if not isinstance(triggers, dict):
            self.fail(where, "give a table of event = transition code.")
        known = hooks.trigger_events()
        for position, (event, code) in enumerate(triggers.items()):
            if event not in known:
                self.fail(
                    where,
                    f"unknown event “{event}”; known: {', '.join(sorted(known)) or 'none'}.",
                )
            trigger = ProcessTrigger(
                process=process, sort_order=position, event=event, transition=str(code)
            )
            self.clean(f"{where} {event}", trigger, exclude=["process"])
            trigger.save()

    def load_transition(self, where: str, process: Process, position: int, spec: dict) -> None:
        self.check_keys(where, spec, _TRANSITION_KEYS, {"code", "label", "from", "to"})
        where = f"{where} ({spec['code']})"
        sources = spec["from"]
        row = ProcessTransition(
            process=process,
            code=spec["code"],
            label=spec["label"],
            sources=", ".join(sources) if isinstance(sources, list) else str(sources),
            target=spec["to"],
            condition=spec.get("condition", ""),
            condition_message=spec.get("condition_message", ""),
            automatic=spec.get("automatic", False),
            customer_message=spec.get("customer_message", ""),
            comment_required=spec.get("comment_required", False),
            sort_order=position,
        )
        if "style" in spec:
            row.button_style = spec["style"]
        if "step_form" in spec:
            row.step_form = self.form_by_slug(where, spec["step_form"])
        self.clean(where, row, exclude=["process"])
        row.allowed_groups.set([self.group(where, name) for name in spec.get("groups", [])])
        row.save()

    def group(self, where: str, name: str) -> Group:
        group = Group.objects.filter(name=name).first()
        if group is None:
            self.fail(where, f"no group named “{name}”")
        return group

    def clean(self, where: str, instance, exclude=None) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            self.fail(where, self.problems(exc))

    @staticmethod
    def problems(exc: ValidationError) -> str:
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
