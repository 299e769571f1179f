"""Stored answers as text (``forms.answers``): every field type, files, line items, yes/no and
unanswered fields, read the same in the export, on a submission's page and on a case."""

import csv
import io

import pytest
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from forms.answers import answer_html, answer_rows, answer_text, is_file_reference
from forms.builder import build_form
from forms.choices import FieldType
from forms.models import FormSubmission
from tests.factories import UserFactory
from tests.forms.factories import field_spec
from tests.forms.pages import published_form
from tests.forms.samples import JPEG, PDF, data_url, drawing, upload

LINE_ITEMS = {
    "rows": [
        {
            "code": "A-1",
            "description": "Strap",
            "quantity": "2",
            "unit_price": "12.50",
            "total": "25.00",
        },
        {"code": "", "description": "Buckle", "quantity": "1", "unit_price": "5", "total": "5"},
    ],
    "total": "30.00",
    "currency": "EUR",
}


# --- One answer, by field type ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "value", "text"),
    [
        (FieldType.SINGLE_LINE, "Ada Lovelace", "Ada Lovelace"),
        (FieldType.MULTI_LINE, "Line one\nLine two", "Line one\nLine two"),
        (FieldType.EMAIL, "ada@example.com", "ada@example.com"),
        (FieldType.PHONE, "+82234567890", "+82234567890"),
        (FieldType.NUMBER, "12.50", "12.50"),
        (FieldType.MONEY, {"amount": "1067000", "currency": "KRW"}, "1067000 KRW"),
        (FieldType.DATE, "2026-03-31", "2026-03-31"),
        (FieldType.DATETIME, "2026-03-31T14:30:00Z", "2026-03-31T14:30:00Z"),
        (FieldType.CHECKBOX, True, "Yes"),
        (FieldType.CHECKBOX, False, "No"),
        (FieldType.DROPDOWN, "Seoul", "Seoul"),
        (FieldType.RADIO, "Could be better", "Could be better"),
        (FieldType.MULTI_SELECT, ["Strap", "Polish"], "Strap, Polish"),
        (FieldType.LINE_ITEMS, LINE_ITEMS, "2 × Strap; 1 × Buckle = 30.00 EUR"),
        (
            FieldType.LINE_ITEMS,
            {**LINE_ITEMS, "rows": LINE_ITEMS["rows"][:1], "total": "25.00", "currency": None},
            "2 × Strap = 25.00",
        ),
    ],
)
def test_each_field_type_reads_as_one_line(field_type, value, text):
    assert answer_text(field_type, value) == text
    assert answer_text({"field_type": field_type, "clean_name": "x"}, value) == text


@pytest.mark.parametrize("value", [None, "", [], {}])
@pytest.mark.parametrize(
    "field_type", [FieldType.SINGLE_LINE, FieldType.NUMBER, FieldType.FILE, FieldType.LINE_ITEMS]
)
def test_an_unanswered_field_reads_as_the_empty_text(field_type, value):
    assert answer_text(field_type, value) == ""
    assert answer_text(field_type, value, empty="—") == "—"


def test_no_and_zero_are_answers_not_empty():
    assert answer_text(FieldType.CHECKBOX, False, empty="—") == "No"
    assert answer_text(FieldType.NUMBER, "0", empty="—") == "0"


def test_yes_and_no_are_translated():
    with translation.override("fr"):
        assert answer_text(FieldType.CHECKBOX, True) == "Oui"


def test_line_items_read_the_same_without_their_field_type():
    """A key no spec describes (e.g. one left by an older process version) is read by shape."""
    assert answer_text(None, LINE_ITEMS) == answer_text(FieldType.LINE_ITEMS, LINE_ITEMS)


# --- Files -------------------------------------------------------------------------------------

SUBMISSION_FILE = {
    "file": 7,
    "name": "receipt.pdf",
    "size": 120,
    "content_type": "application/pdf",
    "sha256": "ab" * 32,
}
ATTACHMENT = {"attachment": 3, "name": "front.jpg", "size": 99, "content_type": "image/jpeg"}


def file_url(reference):
    return f"https://atelier.example/files/{reference['file']}/"


def test_files_read_as_their_names_or_links():
    assert is_file_reference(SUBMISSION_FILE) and not is_file_reference(ATTACHMENT)
    assert answer_text(FieldType.FILE, [SUBMISSION_FILE]) == "receipt.pdf"
    assert answer_text(FieldType.FILE, [SUBMISSION_FILE, SUBMISSION_FILE]) == (
        "receipt.pdf, receipt.pdf"
    )
    assert answer_text(FieldType.FILE, [SUBMISSION_FILE], file_url=file_url) == (
        "https://atelier.example/files/7/"
    )
    # A case attachment has no download link here: its name.
    assert answer_text(FieldType.FILE, [ATTACHMENT], file_url=file_url) == "front.jpg"
    assert answer_text(FieldType.SIGNATURE, {**SUBMISSION_FILE, "name": "signature.png"}) == (
        "signature.png"
    )


def test_a_photo_checklist_names_each_item_and_the_missing_one():
    value = {"front": SUBMISSION_FILE, "serial_number": None}

    assert answer_text(FieldType.IMAGE, value) == "front: receipt.pdf; serial_number: "
    assert answer_text(FieldType.IMAGE, value, empty="—") == (
        "front: receipt.pdf; serial_number: —"
    )


def test_html_links_submission_files_and_escapes_the_rest():
    html = answer_html(FieldType.FILE, [SUBMISSION_FILE], file_url=file_url)
    assert html == '<a href="https://atelier.example/files/7/">receipt.pdf</a>'

    checklist = answer_html(
        FieldType.IMAGE, {"front": SUBMISSION_FILE, "back": None}, file_url=file_url, empty="—"
    )
    assert checklist == 'front: <a href="https://atelier.example/files/7/">receipt.pdf</a>; back: —'

    assert answer_html(FieldType.SINGLE_LINE, "<b>hi</b>", file_url=file_url) == (
        "&lt;b&gt;hi&lt;/b&gt;"
    )
    assert answer_html(FieldType.LINE_ITEMS, LINE_ITEMS, file_url=file_url) == (
        "2 × Strap; 1 × Buckle = 30.00 EUR"
    )


# --- Rows of a submission or a case ----------------------------------------------------------


def test_rows_are_labelled_by_the_version_in_the_order_stored():
    schema = [
        field_spec(FieldType.SINGLE_LINE, "Name"),
        field_spec(FieldType.LINE_ITEMS, "Parts"),
        field_spec(FieldType.CHECKBOX, "Call me"),
    ]
    data = {"call_me": False, "name": "Ada", "parts": LINE_ITEMS, "legacy": "kept"}

    assert answer_rows(schema, data) == [
        ("Call me", "No"),
        ("Name", "Ada"),
        ("Parts", "2 × Strap; 1 × Buckle = 30.00 EUR"),
        ("legacy", "kept"),
    ]


def test_rows_of_several_versions_take_the_first_label_of_a_name():
    intake = [field_spec(FieldType.SINGLE_LINE, "Product")]
    step = [field_spec(FieldType.SINGLE_LINE, "Item", clean_name="product")]

    assert answer_rows([*intake, *step], {"product": ""}, empty="—") == [("Product", "—")]


@pytest.mark.django_db
def test_answers_stored_by_a_real_form_read_as_text():
    schema = [
        field_spec(FieldType.SINGLE_LINE, "Name"),
        field_spec(FieldType.MONEY, "Price", choices="EUR"),
        field_spec(FieldType.DATE, "Bought on"),
        field_spec(FieldType.CHECKBOX, "Gift", required=False),
        field_spec(FieldType.MULTI_SELECT, "Services", choices="Strap\nPolish"),
        field_spec(FieldType.FILE, "Receipt", allowed_extensions="pdf"),
        field_spec(FieldType.IMAGE, "Photos", choices="Front\nBack", required=False),
        field_spec(FieldType.SIGNATURE, "Signature"),
        field_spec(FieldType.LINE_ITEMS, "Parts", default_value="EUR"),
        field_spec(FieldType.NUMBER, "Estimate", required=False),
    ]
    data = {
        "name": "Ada",
        "price_amount": "120.5",
        "price_currency": "EUR",
        "bought_on": "2026-03-31",
        "services": ["Polish", "Strap"],
        "signature": data_url(drawing()),
        "parts-0-description": "Strap",
        "parts-0-quantity": "2",
        "parts-0-unit_price": "12.5",
    }
    files = MultiValueDict(
        {"receipt": [upload("receipt.pdf", PDF)], "photos_front": [upload("front.jpg", JPEG)]}
    )
    form = build_form(schema, data=data, files=files)
    assert form.is_valid(), form.errors

    rows = dict(answer_rows(schema, form.get_data_for_storage(), empty="—"))

    assert rows == {
        "Name": "Ada",
        "Price": "120.50 EUR",
        "Bought on": "2026-03-31",
        "Gift": "No",
        "Services": "Polish, Strap",
        "Receipt": "receipt.pdf",
        "Photos": "front: front.jpg; back: —",
        "Signature": "signature.png",
        "Parts": "2 × Strap = 25.00 EUR",
        "Estimate": "—",
    }


# --- The export writes line items the same way ---------------------------------------------


@pytest.mark.django_db
def test_the_export_writes_line_items_as_everywhere_else(login_client):
    form = published_form(
        [
            {"label": "Name", "field_type": FieldType.SINGLE_LINE},
            {"label": "Parts", "field_type": FieldType.LINE_ITEMS, "default_value": "EUR"},
        ],
        slug="parts",
    )
    FormSubmission.objects.create(
        form=form, form_version=form.live_version, data={"name": "Ada", "parts": LINE_ITEMS}
    )
    admin = login_client(UserFactory(is_superuser=True, is_staff=True))

    by_form = admin.get("/admin/form-submissions/", {"form": form.pk, "export": "csv"})
    every_form = admin.get("/admin/form-submissions/", {"export": "csv"})

    header, row = csv.reader(io.StringIO(b"".join(by_form.streaming_content).decode()))
    assert row[header.index("Parts")] == "2 × Strap; 1 × Buckle = 30.00 EUR"
    header, row = csv.reader(io.StringIO(b"".join(every_form.streaming_content).decode()))
    assert row[header.index("Answers")] == "Name: Ada; Parts: 2 × Strap; 1 × Buckle = 30.00 EUR"
