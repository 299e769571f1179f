"""Files posted to an intake or step form become attachments of the case, and the stored answer
refers to them."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from forms.choices import FieldType, FormPurpose
from forms.services import form_publish
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory
from tests.workflows.factories import published_process
from workflows.choices import StateKind
from workflows.errors import InvalidInput, TransitionRefused
from workflows.models import Attachment, Case, CaseEvent
from workflows.services import case_open, case_transition

pytestmark = pytest.mark.django_db

# The smallest valid PNG: a 1x1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def publish_form(name, purpose, fields):
    form = FormDefinitionFactory(name=name, purpose=purpose)
    for index, field in enumerate(fields):
        FormFieldFactory(form=form, sort_order=index, **field)
    form_publish(form=form, actor=UserFactory(is_superuser=True))
    form.refresh_from_db()
    return form


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul")


@pytest.fixture
def staff(store):
    return UserFactory(role=Role.STORE_STAFF, stores=[store])


@pytest.fixture
def process():
    intake = publish_form(
        "Counter intake",
        FormPurpose.INTAKE,
        [
            {"label": "Serial number", "field_type": FieldType.SINGLE_LINE},
            {
                "label": "Receipt",
                "field_type": FieldType.FILE,
                "allowed_extensions": "pdf, png",
                "required": False,
            },
        ],
    )
    diagnosis = publish_form(
        "Diagnosis",
        FormPurpose.STEP,
        [
            {"label": "Findings", "field_type": FieldType.SINGLE_LINE},
            {"label": "Photo", "field_type": FieldType.FILE, "allowed_extensions": "png"},
        ],
    )
    return published_process(
        prefix="CARE",
        intake_form=intake,
        states=[
            ("intake", "Intake", StateKind.INITIAL),
            ("diagnosis", "Diagnosis", StateKind.ACTIVE),
            ("closed", "Closed", StateKind.TERMINAL),
        ],
        transitions=[
            ("diagnose", "Diagnose", ["intake"], "diagnosis", [], "", {"step_form": diagnosis}),
            ("close", "Close", ["intake", "diagnosis"], "closed", [], ""),
        ],
    )


def files(**uploads):
    return MultiValueDict({name: [upload] for name, upload in uploads.items()})


def stored_refs(value):
    """The file references of one stored answer, whatever the field's multiplicity."""
    return value if isinstance(value, list) else [value]


def test_an_intake_file_becomes_an_attachment_the_answer_refers_to(process, store, staff):
    case = case_open(
        process=process,
        store=store,
        actor=staff,
        data={"serial_number": "AB123456"},
        files=files(receipt=SimpleUploadedFile("receipt.pdf", PDF)),
    )

    [attachment] = case.attachments.all()
    [ref] = stored_refs(case.data["receipt"])
    assert ref["attachment"] == attachment.pk
    assert ref["name"] == attachment.original_name == "receipt.pdf"
    assert ref["sha256"] == attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.content_type == "application/pdf"
    assert attachment.uploaded_by == staff
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF


def test_an_intake_file_of_a_forbidden_real_type_opens_nothing(process, store, staff):
    with pytest.raises(InvalidInput, match="Receipt"):
        case_open(
            process=process,
            store=store,
            actor=staff,
            data={"serial_number": "AB123456"},
            files=files(receipt=SimpleUploadedFile("receipt.pdf", EXE)),
        )

    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_step_form_photo_is_attached_and_recorded_on_the_event(process, store, staff):
    case = case_open(process=process, store=store, actor=staff, data={"serial_number": "X1"})

    event = case_transition(
        case=case,
        transition="diagnose",
        actor=staff,
        data={"findings": "Cracked crystal"},
        files=files(photo=SimpleUploadedFile("crystal.png", PNG)),
    )

    [attachment] = case.attachments.all()
    [ref] = stored_refs(event.data["photo"])
    assert ref["attachment"] == attachment.pk
    assert attachment.content_type == "image/png"
    assert case.data["findings"] == "Cracked crystal"


def test_a_refused_step_form_stores_no_file_and_no_event(process, store, staff):
    case = case_open(process=process, store=store, actor=staff, data={"serial_number": "X1"})

    with pytest.raises(TransitionRefused) as refused:
        case_transition(
            case=case,
            transition="diagnose",
            actor=staff,
            data={"findings": ""},
            files=files(photo=SimpleUploadedFile("crystal.png", PNG)),
        )

    assert refused.value.reason == "step_form"
    assert "findings" in refused.value.field_errors
    assert not Attachment.objects.exists()
    assert CaseEvent.objects.filter(case=case).count() == 1
