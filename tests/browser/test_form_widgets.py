"""The signature pad and the line-items table in Chromium: the scripts in forms/static/forms/ do
what the server expects (a drawn PNG it accepts, rows it reads). The widgets are rendered by the
builder and loaded into a blank page with their static files; no server is needed."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from forms.builder import build_form
from forms.choices import FieldType
from tests.forms.factories import field_spec

pytestmark = pytest.mark.browser

STATIC = Path(settings.BASE_DIR) / "forms" / "static"
SCHEMA = [
    field_spec(FieldType.SIGNATURE, "Customer signature"),
    field_spec(FieldType.LINE_ITEMS, "Items", default_value="EUR", max_length=4),
]


@pytest.fixture
def page(blank_page):
    return blank_page


def open_form(page, form):
    page.set_content(f"<form>{form.as_div()}</form>")
    page.add_style_tag(content=(STATIC / "forms" / "widgets.css").read_text())
    for script in ("signature.js", "line_items.js"):
        page.add_script_tag(content=(STATIC / "forms" / script).read_text())


def posted(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(new FormData(document.querySelector('form')).entries())"
    )


def test_a_signature_drawn_with_the_mouse_is_accepted_by_the_server_and_can_be_cleared(page):
    open_form(page, build_form(SCHEMA))
    pad = page.get_by_role("img", name="Customer signature: draw your signature")
    box = pad.bounding_box()

    page.mouse.move(box["x"] + 20, box["y"] + 50)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 20, steps=8)
    page.mouse.move(box["x"] + 220, box["y"] + 60, steps=8)
    page.mouse.up()

    value = posted(page)["customer_signature"]
    assert value.startswith("data:image/png;base64,")
    form = build_form([SCHEMA[0]], data={"customer_signature": value})  # as the server reads it
    assert form.is_valid(), form.errors
    assert form.get_data_for_storage()["customer_signature"]["content_type"] == "image/png"

    page.get_by_role("button", name="Clear the signature").click()
    assert posted(page)["customer_signature"] == ""
    expect(page.get_by_text("Signature cleared.")).to_be_visible()


def test_a_signature_sent_back_with_errors_is_painted_again(page):
    open_form(page, build_form(SCHEMA))
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 80, steps=5)
    page.mouse.up()
    value = posted(page)["customer_signature"]

    open_form(page, build_form(SCHEMA, data={"customer_signature": value}))

    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector("canvas");
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
            return pixels.data.some((value, index) => index % 4 === 3 && value > 0);
        }"""
    )
    assert painted


def test_line_items_rows_are_added_and_removed_and_totals_shown(page):
    open_form(page, build_form(SCHEMA))
    add = page.get_by_role("button", name="Add row")
    expect(add).to_be_visible()

    page.get_by_role("textbox", name="Description 1").fill("Strap")
    page.get_by_role("textbox", name="Quantity 1").fill("2")
    page.get_by_role("textbox", name="Unit price (EUR) 1").fill("12.5")
    add.click()
    expect(page.get_by_role("textbox", name="Code 4")).to_be_focused()
    expect(add).to_be_disabled()  # four rows at most
    page.get_by_role("textbox", name="Description 4").fill("Crystal")
    page.get_by_role("textbox", name="Quantity 4").fill("1")
    page.get_by_role("textbox", name="Unit price (EUR) 4").fill("80")
    page.get_by_role("button", name="Remove row 2").click()

    expect(page.locator("[data-line-items-total]")).to_have_text("105.00")
    expect(page.get_by_role("textbox", name="Description 3")).to_have_value("Crystal")
    form = build_form([SCHEMA[1]], data=posted(page))
    assert form.is_valid(), form.errors
    assert form.get_data_for_storage()["items"]["total"] == "105.00"
