"""Bounds on what people type (``project.core.limits``): every text column of Atelier's models
has one, and a form and a service refuse a longer text with the same sentence."""

import django.forms
import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

from project.core.limits import COMMENT_MAX_LENGTH, length_problem, text_length_problems, too_long
from project.stores.models import Store

# Atelier's own packages (the root packages of the layers contract in pyproject.toml).
ATELIER_PACKAGES = {"project", "forms", "workflows", "aftersales", "training", "reports", "bridges"}


def atelier_models() -> list[type[models.Model]]:
    """The models of Atelier's own apps (not Django's, Wagtail's or other libraries')."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.split(".")[0] in ATELIER_PACKAGES
    ]


def test_the_walk_sees_the_models_of_every_app_of_atelier():
    labels = {model._meta.app_label for model in atelier_models()}

    assert {"stores", "accounts", "forms", "workflows", "aftersales"} <= labels
    assert "wagtailcore" not in labels and "auth" not in labels


@pytest.mark.parametrize("model", atelier_models(), ids=lambda model: model._meta.label)
def test_every_text_column_has_a_maximum_length_checked_when_saved(model):
    unbounded = [
        field.name
        # A page's own columns; those of Wagtail's Page (its parent table) are Wagtail's.
        for field in model._meta.get_fields(include_parents=False)
        if isinstance(field, models.TextField)
        and not (
            field.max_length and any(isinstance(v, MaxLengthValidator) for v in field.validators)
        )
    ]

    assert unbounded == [], (
        f"{model._meta.label}: give {', '.join(unbounded)} a max_length and a "
        "MaxLengthValidator from project.core.limits"
    )


def test_a_text_at_its_limit_passes_and_one_more_character_is_refused_naming_the_field():
    assert length_problem("Comment", "x" * COMMENT_MAX_LENGTH, COMMENT_MAX_LENGTH) is None
    assert length_problem("Comment", "x" * (COMMENT_MAX_LENGTH + 1), COMMENT_MAX_LENGTH) == (
        "Comment: at most 4000 characters (it has 4001)."
    )


class NoteForm(django.forms.Form):
    note = django.forms.CharField(max_length=10, error_messages=too_long("Internal note"))


def test_a_form_refuses_a_long_text_with_the_services_sentence():
    form = NoteForm({"note": "x" * 11})

    assert not form.is_valid()
    assert form.errors["note"] == [length_problem("Internal note", "x" * 11, 10)]
    assert 'maxlength="10"' in str(form["note"])  # the browser refuses it too
    assert NoteForm({"note": "x" * 10}).is_valid()


def test_a_row_written_around_its_form_is_reported_with_its_field_and_limit():
    store = Store(code="SEL-01", name="Seoul", address="x" * 501)

    assert text_length_problems(store) == {
        "address": ["Address: at most 500 characters (it has 501)."]
    }
    assert text_length_problems(Store(code="SEL-01", name="Seoul", address="x" * 500)) == {}
