import factory

from forms.choices import FieldType, FormPurpose
from forms.models import FormDefinition, FormField, clean_name_from_label


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormDefinition
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test form {n}")
    slug = factory.Sequence(lambda n: f"test-form-{n}")
    purpose = FormPurpose.INTAKE


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    form = factory.SubFactory(FormDefinitionFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    field_type = FieldType.SINGLE_LINE
    required = True
    sort_order = factory.Sequence(lambda n: n)


def field_spec(field_type: str, label: str = "Answer", **attributes) -> dict:
    """A schema entry as publishing would freeze it, without touching the database."""
    field = FormField(label=label, field_type=field_type, **attributes)
    field.clean_name = attributes.get("clean_name") or clean_name_from_label(label)
    return field.to_schema()
