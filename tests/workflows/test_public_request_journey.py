"""Issue 4's acceptance, through the admin views only: a public repair request built without code.

A process designer builds a two-step "Online repair request" form in the admin (photos of the
watch's front and back, a warranty question, a proof of purchase shown only to those who say the
watch is under warranty, contact details and a drawn signature), publishes it, makes it the intake
form of a new process, and publishes a "case request page" for a store in the page tree. Anonymous
visitors then fill the page in, step by step, with real files: each request opens a case.
Every admin POST is made from the form the page rendered (``RenderedForm``). The same journey by
clicking, with a drawn signature, is tests/browser/test_public_request_journey.py.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from forms.models import FormDefinition
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.forms.pages import site_root
from tests.forms.samples import PDF, PNG, data_url, drawing
from tests.rendered import form_with_button, submit, text_of
from workflows.models import Attachment, Case, Process
from workflows.models.pages import CaseRequestPage

pytestmark = pytest.mark.django_db

SIGNATURE = data_url(drawing())
THANK_YOU = {
    "blocks": [
        {
            "key": "thanks",
            "type": "unstyled",
            "text": "Thank you: we will call you within two days.",
            "depth": 0,
            "inlineStyleRanges": [],
            "entityRanges": [],
        }
    ],
    "entityMap": {},
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul Cheongdam", languages=["ko", "en"])


@pytest.fixture
def designer():
    return UserFactory(username="designer", role=Role.PROCESS_DESIGNER)


def design_request_form(client) -> FormDefinition:
    """Two steps split by a page break; the proof of purchase depends on the first step."""
    page = client.get("/admin/form-definitions/new/")
    form = form_with_button(page, "Create")
    form.fill("name", "Online repair request")
    form.fill("slug", "online-repair-request")
    form.choose("purpose", "Case intake")
    for label, field_type, extra in [
        ("Product", "Single line text", {}),
        ("Under warranty", "Radio buttons", {"choices": "yes\nno"}),
        ("Photos", "Image upload", {"choices": "Front\nBack", "max_upload_mb": "2"}),
        ("Your details", "Page break", {"required": False}),
        (
            "Proof of purchase",
            "File upload",
            {"condition": 'under_warranty == "yes"', "allowed_extensions": "pdf, jpg"},
        ),
        ("Name", "Single line text", {}),
        ("E-mail", "E-mail", {}),
        ("Signature", "Signature", {}),
    ]:
        child = form.add_child("fields")
        form.fill(f"{child}-label", label)
        form.choose(f"{child}-field_type", field_type)
        form.tick(f"{child}-required", extra.pop("required", True))
        for name, value in extra.items():
            form.fill(f"{child}-{name}", value)

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    definition = FormDefinition.objects.get(slug="online-repair-request")
    published = client.post(f"/admin/form-definitions/{definition.pk}/publish/", follow=True)
    assert "Published version 1." in text_of(published)
    definition.refresh_from_db()
    return definition


def design_process(client) -> Process:
    """Online repair: Requested -> Closed, opened by the form above."""
    page = client.get("/admin/processes/new/")
    form = form_with_button(page, "Create")
    form.fill("name", "Online repair")
    form.fill("code", "online-repair")
    form.fill("reference_prefix", "WEB")
    form.choose("intake_form", "Online repair request")
    for code, label, kind in [
        ("requested", "Requested", "Initial"),
        ("closed", "Closed", "Terminal (the case is closed)"),
    ]:
        state = form.add_child("states")
        form.fill(f"{state}-code", code)
        form.fill(f"{state}-label", label)
        form.choose(f"{state}-kind", kind)
    close = form.add_child("transitions")
    form.fill(f"{close}-code", "close")
    form.fill(f"{close}-label", "Close")
    form.fill(f"{close}-sources", "requested")
    form.fill(f"{close}-target", "closed")

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    process = Process.objects.get(code="online-repair")
    review = client.get(f"/admin/processes/publish/{process.pk}/")
    published = submit(client, review, form_with_button(review, "Publish"), follow=True)
    assert "Online repair: version 1 is live." in text_of(published)
    process.refresh_from_db()
    return process


def publish_request_page(client, process: Process, store) -> CaseRequestPage:
    """Pages > Add child page > Case request page, then Publish."""
    root = site_root()
    choice = client.get(f"/admin/pages/{root.pk}/add_subpage/")
    add_url = f"/admin/pages/add/workflows/caserequestpage/{root.pk}/"
    assert add_url in choice.text  # the page type is offered to the designer
    page = client.get(add_url)
    form = form_with_button(page, "Publish")
    form.fill("title", "Repair request")
    form.fill("slug", "online-repair")
    form.choose("process", "Online repair")
    form.choose("store", str(store))
    form.fill("submit_label", "Send my request")
    form.fill("thank_you_text", json.dumps(THANK_YOU))
    form.data["action-publish"] = ["action-publish"]  # the "Publish" button's own value

    created = submit(client, page, form)

    assert created.status_code == 302, created.context["form"].errors
    request_page = CaseRequestPage.objects.get(slug="online-repair")
    assert request_page.live
    return request_page


@pytest.fixture
def request_page(login_client, designer, store) -> CaseRequestPage:
    client = login_client(designer)
    design_request_form(client)
    process = design_process(client)
    return publish_request_page(client, process, store)


def visitor_step(client, response, button: str, files: dict | None = None, **answers):
    """Fill in the step shown in ``response`` and press ``button``, as a browser would."""
    form = form_with_button(response, button)
    for name, value in answers.items():
        form.fill(name, value) if name in form.data else form.choose(name, value)
    action = {"Continue": "next", "Send my request": "submit", "Back": "back"}[button]
    data = {**form.submission(), "_action": action}
    for name, content in (files or {}).items():
        assert f'name="{name}"' in response.text, f"no file input {name} on the page"
        data[name] = content
    return client.post(form.attrs["action"], data, follow=True)


def photos():
    return {
        "photos_front": SimpleUploadedFile("front.png", PNG, content_type="image/png"),
        "photos_back": SimpleUploadedFile("back.png", PNG, content_type="image/png"),
    }


def test_a_visitor_under_warranty_must_add_the_proof_the_designer_made_conditional(
    client, request_page, store
):
    first = client.get("/online-repair/")
    assert "Step 1 of 2" in text_of(first)
    assert 'name="proof_of_purchase"' not in first.text

    second = visitor_step(
        client,
        first,
        "Continue",
        files=photos(),
        product="Santos de Cartier",
        under_warranty="yes",
    )

    assert "Step 2 of 2" in text_of(second)
    assert 'name="proof_of_purchase"' in second.text  # shown: the watch is under warranty

    without_proof = visitor_step(
        client,
        second,
        "Send my request",
        name="Ada Lovelace",
        e_mail="ada@example.com",
        signature=SIGNATURE,
    )

    assert "Proof of purchase: This field is required." in text_of(without_proof)
    assert not Case.objects.exists()

    sent = visitor_step(
        client,
        without_proof,
        "Send my request",
        files={"proof_of_purchase": SimpleUploadedFile("receipt.pdf", PDF)},
        name="Ada Lovelace",
        e_mail="ada@example.com",
        signature=SIGNATURE,
    )

    case = Case.objects.get()
    page_text = text_of(sent)
    assert f"Your request number: {case.reference}" in page_text
    assert "Thank you: we will call you within two days." in page_text
    assert re.fullmatch(r"WEB-\d{4}-000001", case.reference)
    assert (case.process.code, case.store, case.state) == ("online-repair", store, "requested")
    assert (case.customer_name, case.customer_email) == ("Ada Lovelace", "ada@example.com")
    assert case.data["product"] == "Santos de Cartier"
    assert case.data["under_warranty"] == "yes"
    attachments = {a.original_name: a for a in Attachment.objects.filter(case=case)}
    assert set(attachments) == {"front.png", "back.png", "receipt.pdf", "signature.png"}
    assert attachments["receipt.pdf"].content_type == "application/pdf"
    assert attachments["front.png"].content_type == "image/png"
    with attachments["front.png"].file.open("rb") as stored:
        assert stored.read() == PNG


def test_a_visitor_without_warranty_is_not_asked_for_a_proof(client, request_page):
    first = client.get("/online-repair/")
    second = visitor_step(
        client, first, "Continue", files=photos(), product="Tank", under_warranty="no"
    )

    assert 'name="proof_of_purchase"' not in second.text  # hidden, so not required either
    sent = visitor_step(
        client,
        second,
        "Send my request",
        name="Grace Hopper",
        e_mail="grace@example.com",
        signature=SIGNATURE,
    )

    case = Case.objects.get()
    assert case.reference in text_of(sent)
    assert "proof_of_purchase" not in case.data
    assert case.customer_name == "Grace Hopper"


def test_a_missing_photo_keeps_the_visitor_on_the_first_step(client, request_page):
    first = client.get("/online-repair/")

    again = visitor_step(
        client,
        first,
        "Continue",
        files={"photos_front": SimpleUploadedFile("front.png", PNG)},
        product="Tank",
        under_warranty="no",
    )

    assert "Step 1 of 2" in text_of(again)
    assert "Add a photo of: Back." in text_of(again)
    assert not Case.objects.exists()
