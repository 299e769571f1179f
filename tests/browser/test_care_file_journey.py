"""Issue 5's journey by clicking, on the shipped care file: staff open it at the counter with the
photos and the customer's signature, record the diagnosis (the file is then "quotation in
preparation"), draft the quotation and send it (which moves the file to "quotation sent"); the
customer opens the decision link in a browser of their own and accepts; the workshop repairs, the
manager checks, and staff hand the piece over against the customer's signature."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from aftersales.models import Quotation, ServiceItem
from project.accounts.roles import Role
from tests.browser.test_process_journey import expect_message, sign_in, sign_out
from tests.browser.test_public_request_journey import draw_signature
from tests.factories import StoreFactory, UserFactory
from tests.forms.samples import PNG
from workflows.models import Case
from workflows.shipped import SHIPPED_DIR, load_process_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def next_step(page: Page, label: str) -> None:
    page.get_by_role("region", name="Next steps").get_by_role("link", name=label).click()


def test_a_care_file_from_the_counter_to_the_hand_over(
    page, browser, live_server, tmp_path, settings
):
    settings.ATELIER_BASE_URL = live_server.url  # where the e-mailed decision link points
    load_process_file(SHIPPED_DIR / "care_file.toml", actor=UserFactory(is_superuser=True))
    store = StoreFactory(
        code="SEL-01", name="Seoul Cheongdam", currency="KRW", languages=["ko", "en"]
    )
    UserFactory(username="minjun", first_name="Min-jun", role=Role.STORE_STAFF, stores=[store])
    UserFactory(username="seoyeon", first_name="Seo-yeon", role=Role.APPROVER, stores=[store])
    service = ServiceItem.objects.create(code="SRV-COMPLETE", description="Complete service")
    service.prices.create(currency="KRW", amount=Decimal("450000"))
    service.save()
    photos = {}
    for side in ("front", "back", "serial"):
        photos[side] = tmp_path / f"{side}.png"
        photos[side].write_bytes(PNG)

    # At the counter: the intake with the condition report, three photos and the signature.
    sign_in(page, "minjun")
    page.goto("/admin/cases/open/")
    page.get_by_role("link", name="Care file").click()
    page.get_by_label("Customer name").fill("Ji-woo Lee")
    page.get_by_label("Customer e-mail").fill("jiwoo@example.com")
    page.get_by_label("Product").fill("Santos de Cartier")
    page.get_by_role("textbox", name=re.compile("^Serial number")).fill("SA-20931")
    page.get_by_label("Out of warranty").check()
    page.get_by_label("Condition report").fill("Scratch on the bezel; the crown does not wind.")
    page.get_by_role("button", name="Front").set_input_files(photos["front"])
    page.get_by_role("button", name="Back").set_input_files(photos["back"])
    page.get_by_role("button", name="Serial number").set_input_files(photos["serial"])
    draw_signature(page, "Customer signature")
    page.get_by_role("button", name="Open the case").click()

    expect_message(page, "Opened CARE-")
    case = Case.objects.get()
    assert sorted(case.attachments.values_list("original_name", flat=True)) == [
        "back.png",
        "front.png",
        "serial.png",
        "signature.png",
    ]

    # Diagnosis, then the quotation from its lines; sending it moves the file on.
    next_step(page, "Send to diagnosis")
    page.get_by_role("button", name="Send to diagnosis").click()
    expect_message(page, "moved to “Diagnosis”")
    next_step(page, "Diagnosis done: prepare the quotation")
    page.get_by_label("Findings for the customer").fill("The mainspring is broken.")
    page.get_by_role("textbox", name="Code 1").fill("SRV-COMPLETE")
    page.get_by_role("textbox", name="Description 1").fill("Complete service")
    page.get_by_role("textbox", name="Quantity 1").fill("1")
    page.get_by_role("textbox", name=re.compile("^Unit price.* 1$")).fill("450000")
    page.get_by_role("button", name="Diagnosis done: prepare the quotation").click()
    expect_message(page, "moved to “Quotation in preparation”")

    quotations = page.get_by_role("region", name="Quotations")
    quotations.get_by_label("Tax rate %").fill("10")
    quotations.get_by_role("button", name="Draft the quotation").click()
    expect_message(page, "Quotation version 1 drafted: 495000 KRW.")
    page.get_by_role("region", name="Quotations").get_by_role(
        "button", name="Send to the customer"
    ).click()
    expect_message(page, "Version 1 sent to jiwoo@example.com.")
    expect(page.get_by_text("Quotation sent, waiting for the customer").first).to_be_visible()
    case.refresh_from_db()
    assert case.state == "quotation"
    assert case.events.get(transition="send_quotation").actor.username == "minjun"
    link = page.locator("[data-decision-link]").get_attribute("href")

    # The customer, in a browser of their own, accepts by typing their name.
    customer = browser.new_context(locale="ko-KR").new_page()
    customer.set_default_timeout(15_000)
    customer.goto(link)
    expect(customer.locator("[data-total]")).to_have_text("495,000 KRW")
    with customer.expect_download() as download:
        customer.locator("[data-pdf]").click()
    assert download.value.suggested_filename == f"{case.reference}-v1.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")
    customer.get_by_label("서명으로 사용할 성함").fill("Ji-woo Lee")
    customer.get_by_role("button", name="견적 수락").click()
    expect(customer.get_by_role("status")).to_contain_text("견적을 수락하셨습니다")
    customer.context.close()
    assert Quotation.objects.get().status == "accepted"

    # The workshop repairs, the manager checks, the counter hands it over.
    page.reload()
    next_step(page, "Repair at the local workshop")
    page.get_by_role("button", name="Repair at the local workshop").click()
    next_step(page, "Repair done")
    page.get_by_role("button", name="Repair done").click()
    expect_message(page, "moved to “Quality check”")
    sign_out(page, "Min-jun")

    sign_in(page, "seoyeon")
    page.goto(f"/admin/cases/{case.pk}/")
    next_step(page, "Quality check passed: notify the customer")
    page.get_by_role("button", name="Quality check passed: notify the customer").click()
    expect_message(page, "moved to “Ready, customer notified”")
    next_step(page, "Hand over")
    page.get_by_label("Identity checked").check()
    draw_signature(page, "Customer signature")
    page.get_by_role("button", name="Hand over").click()

    expect_message(page, "moved to “Handed over”")
    case.refresh_from_db()
    assert case.state == "handed_over"
    assert case.data["identity_checked"] is True
