"""Writes of the forms engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from forms.builder import FormBuilder, UnsupportedFieldType
from forms.models import FormDefinition, FormField, FormVersion, rule_error_text
from forms.rules import RuleError, parse_rule
from forms.schema_form import known_rule_names
from project.core.limits import text_length_problems


class FormDefinitionInvalid(ValidationError):
    """A form or one of its fields given to ``form_definition_create`` is not valid.

    ``position`` is the index of the field in the list given (None: the form itself) and
    ``label`` that field's label, so a loader can say where its source went wrong; the problems
    are in ``message_dict``, by attribute, as ``full_clean()`` reports them.
    """

    def __init__(self, error: ValidationError, *, position: int | None = None, label: str = ""):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.position, self.label = position, label


@transaction.atomic
def form_definition_create(
    *,
    slug: str,
    name: str,
    purpose: str,
    fields: Sequence[Mapping[str, Any]],
    actor,
    description: str = "",
    publish: bool = True,
) -> FormDefinition:
    """Create a form with its fields, in the order given, and publish it (``publish=False``
    leaves it unpublished): what the demo seeders and the loaders of shipped forms do.

    Idempotent by slug, the way loaders run again on every seed: when a form with ``slug``
    exists it is returned as it is, never changed, so a designer's edits are kept.

    Each item of ``fields`` holds ``FormField`` columns: ``label`` and ``field_type``, optional
    ``required`` (default True) and any other column (``choices`` may be a list, one item a
    choice; ``min_value``/``max_value`` any number). The form and each field are validated as
    the admin validates them: a problem raises ``FormDefinitionInvalid`` saying which; a form
    that cannot be published raises ``form_publish``'s ``ValidationError``. Either way nothing is
    created.
    """
    existing = FormDefinition.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    form = FormDefinition(slug=slug, name=name, purpose=purpose, description=description)
    try:
        form.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise FormDefinitionInvalid(exc) from exc
    form.save()
    for position, spec in enumerate(fields):
        row = FormField(form=form, sort_order=position, **_field_columns(spec))
        try:
            row.full_clean(exclude=["form", "clean_name"], validate_unique=False)
        except ValidationError as exc:
            raise FormDefinitionInvalid(exc, position=position, label=row.label) from exc
        row.save()
    if publish:
        form_publish(form=form, actor=actor)
        form.refresh_from_db()
    return form


def _field_columns(spec: Mapping[str, Any]) -> dict[str, Any]:
    columns = {"required": True, **spec}
    if isinstance(columns.get("choices"), list | tuple):
        columns["choices"] = "\n".join(str(choice) for choice in columns["choices"])
    for bound in ("min_value", "max_value"):
        if columns.get(bound) is not None:
            # Through text, so a float from a file (0.1) is the decimal written, not its binary.
            columns[bound] = Decimal(str(columns[bound]))
    return columns


@transaction.atomic
def form_publish(*, form: FormDefinition, actor) -> FormVersion:
    """Freeze the form's saved fields as its next version and make that version live.

    Raises ``ValidationError`` listing every problem, each naming the field's label (an
    ``UnsupportedFieldType`` when one of them is a type the runtime cannot render yet). Publishing
    a form whose fields did not change since its live version returns that version.
    """
    # Lock the form row so two designers publishing at once cannot take the same number.
    form = FormDefinition.objects.select_for_update().get(pk=form.pk)
    fields = list(form.fields.all())
    form_validate_for_publish(form=form, fields=fields)

    schema = [field.to_schema() for field in fields]
    live = form.live_version
    if live is not None and same_schema(live.schema, schema):
        return live

    last = form.versions.aggregate(last=Max("number"))["last"] or 0
    version = FormVersion.objects.create(
        form=form, number=last + 1, created_by=actor, schema=schema
    )
    form.live_version = version
    form.save(update_fields=["live_version", "updated_at"])
    return version


def same_schema(published: list[dict], current: list[dict]) -> bool:
    """Whether ``current`` freezes what ``published`` did. A key added to field specs after the
    version was published (``min_date`` …) counts as the same while it is empty, so publishing
    an unchanged form never makes a new version only because specs gained a key."""
    if len(published) != len(current):
        return False
    return all(
        old == {key: value for key, value in new.items() if key in old or value is not None}
        for old, new in zip(published, current, strict=True)
    )


def form_validate_for_publish(
    *, form: FormDefinition, fields: list[FormField] | None = None
) -> None:
    """Raise ``ValidationError`` with every reason the form (or the given fields, in their form
    order) cannot be published."""
    if fields is None:
        fields = list(form.fields.all())
    errors: list[str] = []
    unsupported = False

    if not any(field.takes_input for field in fields):
        errors.append("Add at least one input field before publishing.")
    for messages in text_length_problems(form).values():
        errors.extend(messages)

    seen: dict[str, FormField] = {}
    earlier: list[dict] = []
    all_names = {field.clean_name for field in fields}
    for field in fields:
        label = field.label or "(no label)"
        if field.clean_name in seen:
            errors.append(
                f"“{label}” has the same name “{field.clean_name}” as "
                f"“{seen[field.clean_name].label}”; rename one of them."
            )
        seen.setdefault(field.clean_name, field)

        if not FormBuilder.supports(field.field_type):
            unsupported = True
            errors.append(
                f"“{label}”: fields of type “{field.get_field_type_display()}” cannot be shown "
                "yet; remove it or change its type."
            )

        for messages in field.get_problems().values():
            errors.extend(f"“{label}”: {message}" for message in messages)
        for messages in text_length_problems(field).values():
            errors.extend(f"“{label}”: {message}" for message in messages)

        if field.condition.strip():
            errors.extend(
                f"“{label}”: {message}"
                for message in _condition_problems(field, earlier, all_names)
            )
        earlier.append({"clean_name": field.clean_name, "field_type": field.field_type})

    if errors:
        error_class = UnsupportedFieldType if unsupported else ValidationError
        raise error_class(errors)


def _condition_problems(field: FormField, earlier: list[dict], all_names: set[str]) -> list[str]:
    try:
        rule = parse_rule(field.condition)
    except RuleError:
        return []  # reported by the field's own checks
    known = known_rule_names(earlier)
    earlier_names = {spec["clean_name"] for spec in earlier}
    later = all_names - earlier_names
    problems = []
    for name in sorted(rule.names):
        root = name.split(".", 1)[0]
        if name in known:
            continue
        if root in known:
            problems.append(f"the condition refers to “{name}”, which that field does not have.")
        elif root in earlier_names:
            problems.append(f"the condition refers to “{name}”, which takes no answer.")
        elif root == field.clean_name:
            problems.append(f"the condition refers to the field itself (“{name}”).")
        elif root in later:
            problems.append(
                f"the condition refers to “{name}”, which comes after this field; "
                "a condition may only use fields above it."
            )
        else:
            problems.append(f"the condition refers to “{name}”, which is not a field of this form.")
    if not problems:
        try:
            rule.validate(frozenset(known))
        except RuleError as exc:
            problems.append(f"the condition is invalid: {rule_error_text(exc)}")
    return problems
