"""``ImmutableModel``: a row written once is never changed or deleted, through the instance or
the queryset; shown on ``FormVersion``, which is one."""

import pytest

from forms.models import FormDefinition, FormVersion, FormVersionImmutable
from project.core.models import ImmutableError
from tests.forms.factories import FormDefinitionFactory

pytestmark = pytest.mark.django_db

SCHEMA = [{"clean_name": "name", "label": "Name", "field_type": "single_line"}]


@pytest.fixture
def version():
    return FormVersion.objects.create(form=FormDefinitionFactory(), number=1, schema=SCHEMA)


def stored(version) -> tuple:
    row = FormVersion.objects.get(pk=version.pk)
    return row.number, row.schema


def test_a_new_row_is_written():
    form = FormDefinitionFactory()

    FormVersion(form=form, number=1, schema=SCHEMA).save()
    FormVersion.objects.bulk_create([FormVersion(form=form, number=2, schema=SCHEMA)])

    assert list(form.versions.values_list("number", flat=True)) == [2, 1]


def test_saving_a_row_that_exists_is_refused(version):
    version.schema = [{"label": "tampered"}]

    with pytest.raises(ImmutableError, match="is published and cannot be changed"):
        version.save()
    with pytest.raises(ImmutableError):
        version.save(update_fields=["schema"])

    assert stored(version) == (1, SCHEMA)


def test_the_error_is_a_type_error_and_keeps_its_old_name(version):
    assert issubclass(ImmutableError, TypeError)
    assert FormVersionImmutable is ImmutableError
    with pytest.raises(TypeError):
        version.save()


def test_deleting_a_row_is_refused(version):
    with pytest.raises(ImmutableError):
        version.delete()

    assert FormVersion.objects.filter(pk=version.pk).exists()


def test_the_queryset_refuses_update_delete_and_bulk_update(version):
    rows = FormVersion.objects.filter(pk=version.pk)

    with pytest.raises(ImmutableError, match="update of schema refused"):
        rows.update(schema=[])
    with pytest.raises(ImmutableError, match="delete refused"):
        rows.delete()
    version.number = 9
    with pytest.raises(ImmutableError, match="bulk update of number refused"):
        FormVersion.objects.bulk_update([version], ["number"])

    assert stored(version) == (1, SCHEMA)


def test_a_documented_mutable_field_may_be_updated_and_nothing_else(version, monkeypatch):
    monkeypatch.setattr(FormVersion, "mutable_fields", frozenset({"schema"}))

    version.schema = []
    version.save(update_fields=["schema"])
    FormVersion.objects.filter(pk=version.pk).update(schema=[{"label": "again"}])

    assert stored(version) == (1, [{"label": "again"}])
    version.number = 2
    with pytest.raises(ImmutableError):
        version.save()  # every field
    with pytest.raises(ImmutableError):
        version.save(update_fields=["schema", "number"])
    with pytest.raises(ImmutableError):
        FormVersion.objects.filter(pk=version.pk).update(number=2)
    with pytest.raises(ImmutableError):
        FormVersion.objects.filter(pk=version.pk).delete()
    assert stored(version)[0] == 1


def test_its_parent_still_takes_it_along_when_deleted(version):
    """Deletion cascades through Django's collector, not through the refusing queryset."""
    FormDefinition.objects.filter(pk=version.form_id).delete()

    assert not FormVersion.objects.filter(pk=version.pk).exists()
