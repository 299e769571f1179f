"""Signatures: drawn on a canvas, posted as a PNG data URL, checked and stored as signature.png
through the same ``save_file`` hook as any upload."""

import io
import struct
import zlib

import pytest
from PIL import Image

from forms.builder import build_form
from forms.choices import FieldType
from tests.forms.factories import field_spec
from tests.forms.samples import JPEG, data_url, drawing

pytestmark = pytest.mark.django_db

COULD_NOT_READ = "The signature could not be read; clear it and sign again."


def signature(**attributes):
    return field_spec(FieldType.SIGNATURE, "Customer signature", **attributes)


def post(value, spec=None, **data):
    form = build_form([spec or signature()], data={"customer_signature": value, **data})
    form.is_valid()
    return form


def errors(value, spec=None) -> list[str]:
    form = post(value, spec)
    assert not form.is_valid()
    return form.errors["customer_signature"]


def test_a_drawn_signature_is_stored_as_a_png_reference():
    form = post(data_url(drawing()))

    assert form.is_valid(), form.errors
    ref = form.get_data_for_storage()["customer_signature"]
    assert ref["name"] == "signature.png"
    assert ref["content_type"] == "image/png"
    assert ref["size"] > 0


def test_the_signature_goes_through_save_file_as_an_uploaded_png():
    saved = []

    def save_file(spec, uploaded, slot):
        saved.append((spec["clean_name"], slot, uploaded.name, uploaded.read()))
        return {"file": 7, "name": uploaded.name, "size": uploaded.size, "content_type": "x"}

    form = post(data_url(drawing()))
    answers = form.get_data_for_storage(save_file=save_file)

    [(name, slot, file_name, content)] = saved
    assert (name, slot, file_name) == ("customer_signature", None, "signature.png")
    assert answers["customer_signature"]["file"] == 7
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.size == (300, 100)
    assert [(slot, uploaded.name) for _spec, slot, uploaded in form.uploads()] == [
        (None, "signature.png")
    ]


def test_the_png_is_encoded_again_so_nothing_rides_along():
    smuggled = drawing() + b"<script>alert(1)</script>"

    form = post(data_url(smuggled))

    assert form.is_valid(), form.errors
    [(_spec, _slot, uploaded)] = form.uploads()
    assert b"<script>" not in uploaded.read()


def test_a_required_signature_left_blank_is_refused():
    assert errors("") == ["Sign in the box to continue."]
    assert errors(data_url(drawing(drawn=False))) == ["Sign in the box to continue."]
    white = drawing(drawn=False, background=(255, 255, 255, 255))
    assert errors(data_url(white)) == ["Sign in the box to continue."]


def test_an_optional_signature_left_blank_is_stored_as_null():
    form = post(data_url(drawing(drawn=False)), signature(required=False))

    assert form.is_valid()
    assert form.get_data_for_storage() == {"customer_signature": None}
    assert list(form.uploads()) == []


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    "value",
    [
        "hello",
        "data:image/png;base64,not base64!",
        data_url(JPEG, "image/jpeg"),
        data_url(JPEG),  # a JPEG said to be a PNG
        data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 40),
        data_url(png_claiming(100_000, 10)),
        data_url(drawing()[:60]),  # cut short
    ],
)
def test_anything_but_a_sane_png_is_refused(value):
    assert errors(value) == [COULD_NOT_READ]


def test_a_signature_over_1_mb_is_refused_before_it_is_decoded():
    assert errors("data:image/png;base64," + "A" * 1_500_000) == [
        "The signature is too large (1098 KB; at most 1024 KB)."
    ]


def test_the_widget_is_a_canvas_with_a_hidden_input_a_clear_button_and_its_script():
    form = build_form([signature()])
    html = str(form["customer_signature"])

    assert "<canvas" in html
    assert 'role="img"' in html
    assert 'aria-label="Customer signature: draw your signature' in html
    assert 'type="hidden" name="customer_signature"' in html
    assert ">Clear</button>" in html
    assert "<script" not in html  # behaviour comes from the static file
    assert "forms/signature.js" in str(form.media)


def test_the_drawing_comes_back_when_the_form_is_refused_for_another_reason():
    schema = [signature(), field_spec(FieldType.SINGLE_LINE, "Name")]
    value = data_url(drawing())
    form = build_form(schema, data={"customer_signature": value})

    assert not form.is_valid()
    assert f'value="{value}"' in str(form["customer_signature"])


def test_a_stored_signature_is_not_put_back_in_the_pad():
    ref = {"name": "signature.png", "size": 10, "content_type": "image/png"}

    html = str(build_form([signature()], initial={"customer_signature": ref})["customer_signature"])

    assert 'value=""' in html
