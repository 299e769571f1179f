"""File and photo fields: what is accepted (read from the content, not the name), how it is stored,
what is refused before anything is saved, and the ``uploads()`` / ``save_file`` contract."""

import json

import pytest
from django.utils.datastructures import MultiValueDict

import forms.validators
from forms.builder import build_form
from forms.choices import FieldType
from tests.forms.factories import field_spec
from tests.forms.samples import EXE, GIF, HEIC, JPEG, PDF, PNG, WEBP, docx_bytes, upload

pytestmark = pytest.mark.django_db


def post(schema, data=None, **files):
    """Validate a form; each keyword is a posted file key and one upload or a list of them."""
    posted = MultiValueDict(
        {key: value if isinstance(value, list) else [value] for key, value in files.items()}
    )
    form = build_form(schema, data=data or {}, files=posted)
    form.is_valid()
    return form


def stored(schema, data=None, **files):
    form = post(schema, data, **files)
    assert form.is_valid(), form.errors
    answers = form.get_data_for_storage()
    assert json.loads(json.dumps(answers)) == answers, "stored data must be JSON-native"
    return answers


def errors(schema, name, data=None, **files) -> list[str]:
    form = post(schema, data, **files)
    assert not form.is_valid()
    return form.errors[name]


def receipt(**attributes):
    return field_spec(FieldType.FILE, "Receipt", allowed_extensions="pdf, jpg", **attributes)


def photos(**attributes):
    return field_spec(FieldType.IMAGE, "Photos", choices="Front\nBack\nSerial number", **attributes)


# --- One file ------------------------------------------------------------------------------------


def test_a_single_file_is_stored_as_a_list_with_the_type_read_from_its_content():
    answers = stored([receipt()], receipt=upload("receipt.pdf", PDF, "application/x-msdownload"))

    assert answers == {
        "receipt": [{"name": "receipt.pdf", "size": len(PDF), "content_type": "application/pdf"}]
    }


def test_a_jpg_that_is_really_an_exe_is_refused():
    assert errors([receipt()], "receipt", receipt=upload("scan.jpg", EXE, "image/jpeg")) == [
        "The content of “scan.jpg” is of type EXE, which is not accepted here; "
        "upload one of: pdf, jpg."
    ]


def test_a_file_whose_content_is_unknown_is_refused():
    assert errors([receipt()], "receipt", receipt=upload("scan.pdf", b"\xff\xfe\x00junk")) == [
        "The content of “scan.pdf” is none of the accepted types: pdf, jpg."
    ]


def test_a_file_of_another_allowed_type_than_its_name_says_is_stored_with_its_real_type():
    answers = stored([receipt()], receipt=upload("scan.pdf", JPEG))

    assert answers["receipt"][0]["content_type"] == "image/jpeg"


def test_another_spelling_of_an_allowed_extension_is_accepted():
    answers = stored([receipt()], receipt=upload("photo.JPEG", JPEG))

    assert answers["receipt"][0]["name"] == "photo.JPEG"


def test_text_files_are_accepted_when_their_content_is_text():
    spec = field_spec(FieldType.FILE, "Price list", allowed_extensions="csv, txt")

    answers = stored([spec], price_list=upload("prices.csv", b"code,price\nA-1,12.50\n"))

    assert answers["price_list"][0]["content_type"] == "text/csv"
    assert errors([spec], "price_list", price_list=upload("prices.csv", PNG)) == [
        "The content of “prices.csv” is of type PNG, which is not accepted here; "
        "upload one of: csv, txt."
    ]


def test_office_documents_are_recognised_by_their_content():
    spec = field_spec(FieldType.FILE, "Contract", allowed_extensions="docx")

    answers = stored([spec], contract=upload("contract.docx", docx_bytes()))

    assert answers["contract"][0]["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_a_file_over_the_size_limit_is_refused_without_reading_its_content(monkeypatch):
    def must_not_sniff(uploaded):
        raise AssertionError("the content of a file over the limit was read")

    monkeypatch.setattr(forms.validators, "sniff_upload", must_not_sniff)
    big = upload("scan.pdf", PDF + b"\0" * (2 * 1024 * 1024))

    assert errors([receipt(max_upload_mb=1)], "receipt", receipt=big) == [
        "The file is 2.0 MB; files may be at most 1 MB."
    ]


def test_a_file_with_a_forbidden_extension_is_refused_without_reading_its_content(monkeypatch):
    monkeypatch.setattr(forms.validators, "sniff_upload", lambda uploaded: pytest.fail("read"))

    assert errors([receipt()], "receipt", receipt=upload("run.exe", EXE)) == [
        "Files of type “exe” are not accepted here; upload one of: pdf, jpg."
    ]


def test_an_empty_file_is_refused():
    assert errors([receipt()], "receipt", receipt=upload("receipt.pdf", b"")) == [
        "The file is empty."
    ]


def test_an_optional_file_left_out_is_stored_as_an_empty_list():
    assert stored([receipt(required=False)]) == {"receipt": []}


def test_a_refused_file_is_never_handed_to_save_file():
    form = post(
        [receipt(), field_spec(FieldType.SINGLE_LINE, "Name")],
        receipt=upload("receipt.pdf", PDF),
    )

    assert not form.is_valid()
    with pytest.raises(ValueError, match="valid, bound form"):
        form.get_data_for_storage(save_file=lambda *args: pytest.fail("saved"))
    with pytest.raises(ValueError, match="valid, bound form"):
        list(form.uploads())


# --- Several files -------------------------------------------------------------------------------


def test_a_field_taking_several_files_stores_each_and_numbers_their_slots():
    spec = receipt(max_length=3)
    form = post([spec], receipt=[upload("a.pdf", PDF), upload("b.jpg", JPEG)])

    assert form.is_valid(), form.errors
    assert [(slot, uploaded.name) for _spec, slot, uploaded in form.uploads()] == [
        (0, "a.pdf"),
        (1, "b.jpg"),
    ]
    assert [ref["name"] for ref in form.get_data_for_storage()["receipt"]] == ["a.pdf", "b.jpg"]
    assert "multiple" in str(form["receipt"])


def test_more_files_than_allowed_are_refused():
    files = [upload(f"{n}.pdf", PDF) for n in range(4)]

    assert errors([receipt(max_length=3)], "receipt", receipt=files) == [
        "Choose at most 3 files (you chose 4)."
    ]


def test_a_single_file_field_reads_one_file_only():
    form = post([receipt()], receipt=[upload("a.pdf", PDF), upload("b.pdf", PDF)])

    # Without the multiple input only one file is read; it is the last one posted.
    assert form.is_valid()
    assert [ref["name"] for ref in form.get_data_for_storage()["receipt"]] == ["b.pdf"]


def test_fewer_files_than_the_minimum_are_refused():
    spec = receipt(min_length=2, max_length=3, required=False)

    assert errors([spec], "receipt", receipt=upload("a.pdf", PDF)) == [
        "Choose at least 2 files (you chose 1)."
    ]
    assert stored([spec]) == {"receipt": []}


def test_errors_among_several_files_name_the_file():
    files = [upload("a.pdf", PDF), upload("b.exe", EXE), upload("c.jpg", EXE)]

    assert errors([receipt(max_length=3)], "receipt", receipt=files) == [
        "“b.exe”: Files of type “exe” are not accepted here; upload one of: pdf, jpg.",
        "The content of “c.jpg” is of type EXE, which is not accepted here; "
        "upload one of: pdf, jpg.",
    ]


# --- Photos with a checklist ---------------------------------------------------------------------


def checklist_files(**overrides):
    files = {
        "photos_front": upload("front.jpg", JPEG),
        "photos_back": upload("back.png", PNG),
        "photos_serial_number": upload("serial.heic", HEIC),
    }
    files.update(overrides)
    return {key: value for key, value in files.items() if value is not None}


def test_checklist_photos_are_stored_by_the_key_of_their_label():
    answers = stored([photos()], **checklist_files())

    assert answers == {
        "photos": {
            "front": {"name": "front.jpg", "size": len(JPEG), "content_type": "image/jpeg"},
            "back": {"name": "back.png", "size": len(PNG), "content_type": "image/png"},
            "serial_number": {
                "name": "serial.heic",
                "size": len(HEIC),
                "content_type": "image/heic",
            },
        }
    }


def test_checklist_photos_come_with_their_slot_to_save_file():
    saved = []

    def save_file(spec, uploaded, slot):
        saved.append((spec["clean_name"], slot, uploaded.name))
        return {"attachment": len(saved), "name": uploaded.name, "size": 1, "content_type": "x"}

    form = post([photos()], **checklist_files())
    answers = form.get_data_for_storage(save_file=save_file)

    assert saved == [
        ("photos", "front", "front.jpg"),
        ("photos", "back", "back.png"),
        ("photos", "serial_number", "serial.heic"),
    ]
    assert answers["photos"]["back"] == {
        "attachment": 2,
        "name": "back.png",
        "size": 1,
        "content_type": "x",
    }
    assert [(slot, uploaded.name) for _spec, slot, uploaded in form.uploads()] == [
        ("front", "front.jpg"),
        ("back", "back.png"),
        ("serial_number", "serial.heic"),
    ]


def test_a_required_checklist_names_the_missing_photos():
    files = checklist_files(photos_back=None, photos_serial_number=None)

    assert errors([photos()], "photos", **files) == ["Add a photo of: Back, Serial number."]
    assert errors([photos()], "photos") == ["Add a photo for each item."]


def test_an_optional_checklist_keeps_every_key_with_null_for_missing_photos():
    form = post([photos(required=False)], photos_front=upload("front.jpg", JPEG))

    answers = form.get_data_for_storage(save_file=lambda spec, uploaded, slot: {"slot": slot})

    assert answers == {"photos": {"front": {"slot": "front"}, "back": None, "serial_number": None}}
    assert [slot for _spec, slot, _uploaded in form.uploads()] == ["front"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "back.jpg",
            PDF,
            "Back: “back.jpg” is not a photo: upload a JPEG, PNG, WebP, HEIC or GIF image.",
        ),
        (
            "back.pdf",
            PDF,
            "Back: Files of type “pdf” are not accepted here; "
            "upload one of: jpg, jpeg, png, webp, heic, heif, gif.",
        ),
        ("back.jpg", b"", "Back: The file is empty."),
    ],
)
def test_a_checklist_refuses_what_is_not_a_photo_naming_the_item(name, content, message):
    files = checklist_files(photos_back=upload(name, content))

    assert errors([photos()], "photos", **files) == [message]


def test_a_checklist_photo_over_the_limit_is_refused():
    files = checklist_files(photos_front=upload("front.jpg", JPEG + b"\0" * (1024 * 1024)))

    assert errors([photos(max_upload_mb=1)], "photos", **files) == [
        "Front: The file is 1.0 MB; files may be at most 1 MB."
    ]


@pytest.mark.parametrize(("name", "content"), [("a.gif", GIF), ("a.webp", WEBP), ("a.jpeg", JPEG)])
def test_photos_of_every_camera_format_are_accepted(name, content):
    spec = field_spec(FieldType.IMAGE, "Photo")

    answers = stored([spec], photo=upload(name, content))

    assert answers["photo"][0]["content_type"].startswith("image/")


def test_photos_without_a_checklist_are_a_list_like_files():
    spec = field_spec(FieldType.IMAGE, "Photos of the damage", max_length=2, required=False)

    answers = stored([spec], photos_of_the_damage=[upload("a.jpg", JPEG), upload("b.png", PNG)])

    assert [ref["name"] for ref in answers["photos_of_the_damage"]] == ["a.jpg", "b.png"]
    assert stored([spec]) == {"photos_of_the_damage": []}


def test_the_designer_can_narrow_the_photo_types():
    spec = field_spec(FieldType.IMAGE, "Photo", allowed_extensions="jpg")

    assert errors([spec], "photo", photo=upload("a.png", PNG)) == [
        "Files of type “png” are not accepted here; upload one of: jpg."
    ]


def test_the_checklist_renders_one_labelled_input_per_item_in_a_named_group():
    form = build_form([photos()])
    html = str(form["photos"])

    assert form.is_multipart()
    assert '<legend class="atelier-sr-only w-sr-only">Photos</legend>' in html
    assert '<label for="id_photos_serial_number">Serial number</label>' in html
    assert 'name="photos_serial_number"' in html
    assert html.count('type="file"') == 3
    assert html.count("required") == 3


def test_checklist_labels_are_escaped():
    spec = field_spec(FieldType.IMAGE, "Photos", choices="<b>Front</b>", required=False)

    html = str(build_form([spec])["photos"])

    assert "<b>" not in html
    assert "&lt;b&gt;Front&lt;/b&gt;" in html


# --- Conditions ----------------------------------------------------------------------------------


def test_a_hidden_upload_field_is_neither_required_nor_stored_nor_saved():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        photos(condition="damaged"),
    ]
    form = post(schema, photos_front=upload("front.jpg", JPEG))

    assert form.is_valid(), form.errors
    assert list(form.uploads()) == []
    assert form.get_data_for_storage(save_file=lambda *args: pytest.fail("saved")) == {
        "damaged": False
    }


def test_a_shown_conditional_checklist_requires_every_photo():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        photos(condition="damaged"),
    ]

    assert errors(schema, "photos", {"damaged": "on"}, photos_front=upload("f.jpg", JPEG)) == [
        "Add a photo of: Back, Serial number."
    ]


def test_a_shown_conditional_file_field_requires_its_minimum():
    schema = [
        field_spec(FieldType.CHECKBOX, "Damaged", required=False),
        receipt(condition="damaged", min_length=2, max_length=3),
    ]

    assert errors(schema, "receipt", {"damaged": "on"}) == ["This field is required."]
    assert errors(schema, "receipt", {"damaged": "on"}, receipt=upload("a.pdf", PDF)) == [
        "Choose at least 2 files (you chose 1)."
    ]
