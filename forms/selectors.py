"""Reads of the forms engine."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from forms.choices import FormPurpose
from forms.models import AbstractFormPage, FormDefinition, FormVersion
from project.core.patterns import pattern_problem


def form_definition_get(*, key: str) -> FormDefinition | None:
    """The form whose slug is ``key``, else (for digits) whose id is ``key``; None if neither."""
    forms = FormDefinition.objects.select_related("live_version")
    form = forms.filter(slug=key).first()
    if form is None and key.isdigit():
        form = forms.filter(pk=int(key)).first()
    return form


def form_is_public(form: FormDefinition) -> bool:
    """Whether anyone may see the form: its purpose is a public page, or a live page that anyone
    may view (no Wagtail view restriction) shows it, e.g. the website's repair-request page."""
    if form.purpose == FormPurpose.PUBLIC:
        return True
    for model in apps.get_models():
        if issubclass(model, AbstractFormPage) and (
            model.objects.live().public().filter(form=form).exists()
        ):
            return True
    return False


def user_is_staff(user) -> bool:
    """Staff are the signed-in users who may use the Wagtail admin (every role may)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("wagtailadmin.access_admin")
    )


def form_live_version_for_schema(*, key: str, user) -> tuple[FormVersion, bool] | None:
    """The live version of the form ``key`` (slug or id) whose JSON Schema ``user`` may read, and
    whether the form is public; None when there is no such form, it has no live version, or it
    is internal (intake, step and quiz forms shown on no public page) and ``user`` is not
    staff."""
    form = form_definition_get(key=key)
    if form is None or form.live_version is None:
        return None
    public = form_is_public(form)
    if not public and not user_is_staff(user):
        return None
    version = form.live_version
    version.form = form  # its title names the form
    return version, public


@dataclass(frozen=True)
class PatternProblem:
    """A field's pattern that cannot be run (``project.core.patterns``): saved before patterns
    were checked with RE2. Published versions holding it refuse every answer to the field."""

    label: str
    pattern: str
    problem: str
    versions: tuple[int, ...]  # numbers of the published versions that hold it, oldest first
    saved: bool  # the saved field holds it too (publishing would be refused)


def form_pattern_problems(*, form: FormDefinition) -> list[PatternProblem]:
    """The patterns of ``form``'s versions and saved fields that cannot be run, one entry per
    field and pattern, in the order first met."""
    found: dict[tuple[str, str], dict] = {}
    checked: dict[str, str | None] = {}

    def note(clean_name, label, pattern, *, version=None):
        if pattern not in checked:
            checked[pattern] = pattern_problem(pattern)
        if checked[pattern] is None:
            return
        entry = found.setdefault(
            (clean_name, pattern),
            {"label": label, "problem": checked[pattern], "versions": [], "saved": False},
        )
        entry["label"] = label  # the newest label
        if version is None:
            entry["saved"] = True
        else:
            entry["versions"].append(version)

    for number, schema in form.versions.order_by("number").values_list("number", "schema"):
        for spec in schema:
            if spec.get("regex"):
                note(spec["clean_name"], spec["label"], spec["regex"], version=number)
    for field in form.fields.exclude(regex=""):
        note(field.clean_name, field.label, field.regex)
    return [
        PatternProblem(
            label=entry["label"],
            pattern=pattern,
            problem=entry["problem"],
            versions=tuple(entry["versions"]),
            saved=entry["saved"],
        )
        for (_name, pattern), entry in found.items()
    ]
