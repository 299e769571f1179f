"""Issue 4's acceptance by clicking: a public repair request built in the admin, sent by a visitor.

In headless Chromium a process designer builds the two-step "Online repair request" form with the
"Add Field" button (photos of the front and back, a proof of purchase shown only when the watch is
under warranty, a signature), publishes it, makes it the intake form of a new process, and adds a
"Case request page" in the page tree. Then an anonymous visitor, in a browser of their own, sends
the request with real files and a signature drawn with the mouse: a case is opened in the process
and its reference is shown. The same journey through the views, with the refusals spelled out, is
tests/workflows/test_public_request_journey.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from project.accounts.roles import Role
from tests.browser.test_process_journey import click_posting_button, expect_message, sign_in
from tests.factories import StoreFactory, UserFactory
from tests.forms.samples import PDF, PNG
from workflows.models import Attachment, Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIELDS = [
    # label, type, {panel label: value}
    ("Product", "Single line text", {}),
    ("Under warranty", "Radio buttons", {"Choices": "yes\nno"}),
    ("Photos", "Image upload", {"Choices": "Front\nBack"}),
    ("Your details", "Page break", {"Required": False}),
    (
        "Proof of purchase",
        "File upload",
        {"Show only when": 'under_warranty == "yes"', "Allowed file extensions": "pdf, jpg"},
    ),
    ("Name", "Single line text", {}),
    ("E-mail", "E-mail", {}),
    ("Signature", "Signature", {}),
]


def build_request_form(page: Page) -> None:
    page.goto("/admin/form-definitions/new/")
    form = page.get_by_role("region", name="Form", exact=True)
    form.get_by_label("Name").fill("Online repair request")
    form.get_by_label("Slug").fill("online-repair-request")
    form.get_by_label("Purpose").select_option(label="Case intake")
    add_field = page.get_by_role("button", name="Add Field")
    for number, (label, field_type, settings) in enumerate(FIELDS, start=1):
        add_field.click()
        field = page.get_by_role("region", name=f"Field {number}", exact=True)
        field.get_by_label("Label").fill(label)
        field.get_by_label("Field type").select_option(label=field_type)
        for setting, value in settings.items():
            if isinstance(value, bool):
                field.get_by_label(setting).set_checked(value)
            else:
                field.get_by_label(setting).fill(value)
    page.get_by_role("button", name="Create").click()

    expect_message(page, "Form 'Online repair request' created.")
    page.get_by_role("link", name="Online repair request", exact=True).click()
    click_posting_button(page, "Publish")
    expect_message(page, "Published version 1.")


def build_process(page: Page) -> None:
    page.goto("/admin/processes/new/")
    process = page.get_by_role("region", name="Process", exact=True)
    process.get_by_label("Name").fill("Online repair")
    process.get_by_label("Code").fill("online-repair")
    process.get_by_label("Reference prefix").fill("WEB")
    page.get_by_label("Intake form").select_option(label="Online repair request")
    add_state = page.get_by_role("button", name="Add State")
    for number, (code, label, kind) in enumerate(
        [
            ("requested", "Requested", "Initial"),
            ("closed", "Closed", "Terminal (the case is closed)"),
        ],
        start=1,
    ):
        add_state.click()
        state = page.get_by_role("region", name=f"State {number}", exact=True)
        state.get_by_label("Code").fill(code)
        state.get_by_label("Label").fill(label)
        state.get_by_label("Kind").select_option(label=kind)
    page.get_by_role("button", name="Add Transition").click()
    close = page.get_by_role("region", name="Transition 1", exact=True)
    close.get_by_label("Code").fill("close")
    close.get_by_label("Button label").fill("Close")
    close.get_by_label("From states").fill("requested")
    close.get_by_label("To state").fill("closed")
    page.get_by_role("button", name="Create").click()

    expect_message(page, "Process 'Online repair' created.")
    page.get_by_role("link", name="Online repair", exact=True).click()
    page.get_by_role("link", name="Review and publish").click()
    page.get_by_role("button", name="Publish").click()
    expect_message(page, "Online repair: version 1 is live.")


def add_request_page(page: Page, store_name: str) -> None:
    """Pages > the home page > Add child page > Case request page, then Publish."""
    page.goto("/admin/pages/")
    page.get_by_role("button", name=re.compile("^More options for .Welcome")).click()
    page.get_by_text("Add child page", exact=True).click()  # in that page's menu
    page.get_by_role("link", name="Case request page", exact=True).click()
    page.get_by_role("textbox", name=re.compile("^Title")).fill("Online repair")
    page.get_by_role("combobox", name="Process").select_option(label="Online repair")
    page.get_by_role("combobox", name="Store").select_option(label=store_name)
    page.get_by_role("textbox", name=re.compile("^Send button label")).fill("Send my request")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Page 'Online repair' created and published.")).to_be_visible()


def draw_signature(page: Page, label: str = "Signature") -> None:
    pad = page.get_by_role("img", name=re.compile(f"^{re.escape(label)}: draw your signature"))
    pad.scroll_into_view_if_needed()  # the mouse draws where the pad is on screen
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 20, steps=8)
    page.mouse.move(box["x"] + 260, box["y"] + 70, steps=8)
    page.mouse.up()
    expect(page.get_by_text("Signature drawn.")).to_be_visible()


def test_a_form_built_by_clicking_opens_a_case_when_a_visitor_sends_it(
    page, browser, live_server, tmp_path
):
    store = StoreFactory(code="SEL-01", name="Seoul Cheongdam", languages=["ko", "en"])
    UserFactory(username="designer", first_name="Camille", role=Role.PROCESS_DESIGNER)

    sign_in(page, "designer")
    build_request_form(page)
    build_process(page)
    add_request_page(page, str(store))

    # A visitor, not signed in, in a browser of their own.
    front, back, receipt = tmp_path / "front.png", tmp_path / "back.png", tmp_path / "receipt.pdf"
    front.write_bytes(PNG)
    back.write_bytes(PNG)
    receipt.write_bytes(PDF)
    visitor = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    visitor.set_default_timeout(15_000)
    visitor.goto("/online-repair/")

    expect(visitor.get_by_text("Step 1 of 2")).to_be_visible()
    expect(visitor.get_by_label("Proof of purchase")).to_have_count(0)
    visitor.get_by_label("Product").fill("Santos de Cartier")
    visitor.get_by_label("yes").check()
    visitor.get_by_label("Front").set_input_files(front)
    visitor.get_by_label("Back").set_input_files(back)
    visitor.get_by_role("button", name="Continue").click()

    expect(visitor.get_by_text("Step 2 of 2")).to_be_visible()
    visitor.get_by_label("Proof of purchase").set_input_files(receipt)  # shown: under warranty
    visitor.get_by_label("Name").fill("Ada Lovelace")
    visitor.get_by_label("E-mail").fill("ada@example.com")
    draw_signature(visitor)
    visitor.get_by_role("button", name="Send my request").click()

    expect(
        visitor.get_by_text(re.compile(r"Your request number: WEB-\d{4}-000001"))
    ).to_be_visible()
    case = Case.objects.get()
    expect(visitor.get_by_text(case.reference)).to_be_visible()
    assert (case.process.code, case.store, case.state) == ("online-repair", store, "requested")
    assert (case.customer_name, case.customer_email) == ("Ada Lovelace", "ada@example.com")
    assert case.data["under_warranty"] == "yes"
    stored = {a.original_name: a.content_type for a in Attachment.objects.filter(case=case)}
    assert stored == {
        "front.png": "image/png",
        "back.png": "image/png",
        "receipt.pdf": "application/pdf",
        "signature.png": "image/png",
    }
