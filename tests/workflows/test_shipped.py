"""Loading the processes shipped as TOML files (workflows/shipped.py): what a file creates, that a
designer's later edits are kept, and that a wrong file names its mistake and changes nothing.
The after-sales processes shipped in fixtures/processes/ are loaded in
tests/aftersales/processes/test_shipped.py."""

from pathlib import Path

import pytest

from forms.models import FormDefinition
from project.accounts.roles import Role
from tests.factories import UserFactory
from workflows.models import Process
from workflows.shipped import ShippedProcessError, load_process_file

pytestmark = pytest.mark.django_db

SMALL = """
[process]
code = "small"
name = "Small"
reference_prefix = "SML"
intake_form = "small-intake"

[[forms]]
slug = "small-intake"
name = "Small intake"
purpose = "intake"

[[forms.fields]]
label = "Colour"
type = "dropdown"
choices = ["red", "blue"]

[[states]]
code = "open"
label = "Open"
kind = "initial"
sla_hours = 4

[[states]]
code = "done"
label = "Done"
kind = "terminal"

[[transitions]]
code = "finish"
label = "Finish"
from = ["open"]
to = "done"
groups = ["Approver"]
condition = 'data.colour == "red"'
"""


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True)


def write(tmp_path: Path, text: str, name="small.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_creates_and_publishes_its_forms_and_process(tmp_path, admin):
    report = load_process_file(write(tmp_path, SMALL), actor=admin)

    assert report.created == ["form small-intake", "process small"]
    process = Process.objects.get(code="small")
    definition = process.live_version.definition
    assert [(s.code, s.kind) for s in definition.states] == [
        ("open", "initial"),
        ("done", "terminal"),
    ]
    [finish] = definition.transitions
    assert finish.allowed_group_names == (Role.APPROVER,)
    assert finish.condition == 'data.colour == "red"'
    form = FormDefinition.objects.get(slug="small-intake")
    assert process.intake_form == form
    assert form.live_version.schema[0]["choices"] == ["red", "blue"]


def test_loading_again_keeps_what_a_designer_changed(tmp_path, admin):
    path = write(tmp_path, SMALL)
    load_process_file(path, actor=admin)
    Process.objects.filter(code="small").update(name="Small, as the designer renamed it")

    report = load_process_file(path, actor=admin)

    assert report.created == []
    assert report.kept == ["form small-intake", "process small"]
    assert Process.objects.get(code="small").name == "Small, as the designer renamed it"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('type = "dropdown"', 'type = "hologram"'),
            "small.toml: forms[0].fields[0] (Colour): field_type: Value 'hologram' is not a valid "
            "choice.",
        ),
        (("sla_hours = 4", 'sla_hours = 4\nowner = "me"'), "states[0]: unknown setting owner"),
        (('to = "done"', 'to = "gone"'), "“gone”"),
        (('groups = ["Approver"]', 'groups = ["Wizards"]'), "no group named “Wizards”"),
        (('intake_form = "small-intake"', 'intake_form = "nothing"'), "no form with the slug"),
        (('name = "Small"\n', ""), "[process]: missing name"),
        (("[[states]]", "[[states"), "small.toml: cannot be read"),
        (
            ('choices = ["red", "blue"]', 'choices = ["red", "blue"]\nmin_date = "1st of May"'),
            "forms[0].fields[0].min_date: “1st of May” is not a date; write it as 2024-01-01",
        ),
        (
            ("sla_hours = 4", "sla_hours = 999999.99"),
            "small.toml: states[0] (open): sla_hours: An SLA target is at most 2000 business "
            "hours.",
        ),
        (
            ("sla_hours = 4", "sla_hours = 0"),
            "small.toml: states[0] (open): sla_hours: An SLA target is at least 0.25 business "
            "hours.",
        ),
        (
            ("sla_hours = 4", 'sla_hours = "four"'),
            "small.toml: states[0] (open).sla_hours: “four” is not a number; write it as 8 or 0.5",
        ),
        (
            ("sla_hours = 4", "sla_hours = nan"),
            "small.toml: states[0] (open).sla_hours: “nan” is not a number",
        ),
        (
            (
                'choices = ["red", "blue"]',
                'choices = ["red", "blue"]\nhelp_text = "' + "h" * 1001 + '"',
            ),
            "small.toml: forms[0].fields[0] (Colour): help_text: Ensure this value has at most "
            "1000 characters (it has 1001).",
        ),
        (
            ('type = "dropdown"', 'type = "multi_line"\nmax_length = 10001'),
            "forms[0].fields[0] (Colour): max_length: The maximum length must be from 1 to "
            "10000 characters.",
        ),
    ],
)
def test_a_wrong_file_names_its_mistake_and_changes_nothing(tmp_path, admin, change, message):
    old, new = change
    assert old in SMALL
    path = write(tmp_path, SMALL.replace(old, new, 1))

    with pytest.raises(ShippedProcessError) as refused:
        load_process_file(path, actor=admin)

    assert message in str(refused.value)
    assert not Process.objects.filter(code="small").exists()
    assert not FormDefinition.objects.filter(slug="small-intake").exists()


def test_date_limits_of_a_field_come_from_the_file(tmp_path, admin):
    text = SMALL.replace(
        'choices = ["red", "blue"]',
        'choices = ["red", "blue"]\n\n[[forms.fields]]\nlabel = "Purchase date"\n'
        'type = "date"\nmin_date = 2020-01-01\nmax_date = "2030-12-31"',
        1,
    )
    load_process_file(write(tmp_path, text), actor=admin)

    field = FormDefinition.objects.get(slug="small-intake").fields.get(label="Purchase date")
    assert (field.min_date.isoformat(), field.max_date.isoformat()) == ("2020-01-01", "2030-12-31")
