"""The quotation PDF: in the customer's language, with the store's details, the lines and the
totals; for staff from the case page and for the customer from the decision link."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from aftersales.models import Quotation, QuotationStatus
from project.stores.models import Store
from tests.aftersales.factories import decision_path
from workflows.models import Case

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_customer_downloads_the_pdf_from_the_decision_link(client, quoted):
    case, quotation = quoted

    response = client.get(decision_path(quotation) + "pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.reference}-v1.pdf"'
    text = text_of(response.content)
    assert case.reference in text and case.store.name in text
    assert "종합 서비스" in text  # the service in Korean, the customer's language
    assert "495,000 KRW" in text
    link_page = client.get(decision_path(quotation)).content.decode()
    assert 'href="' + decision_path(quotation) + 'pdf/"' in link_page


def with_store_details(case):
    Store.objects.filter(pk=case.store_id).update(
        address="438 Apgujeong-ro, Gangnam-gu\nSeoul 06015\nSouth Korea", phone="+82200000100"
    )


def test_a_korean_customer_gets_a_korean_quotation_with_the_stores_details(client, quoted):
    case, quotation = quoted
    with_store_details(case)

    text = text_of(client.get(decision_path(quotation) + "pdf/").content)

    assert f"견적서 {case.reference}, 버전 1" in text
    assert "Quotation" not in text
    for label in ("내역", "수량", "단가", "금액", "소계", "세액", "합계"):
        assert label in text
    assert "Ji-woo Lee 귀하" in text
    assert "438 Apgujeong-ro, Gangnam-gu" in text and "Seoul 06015" in text
    assert "전화: +82 2-0000-0100" in text
    assert "450,000 KRW" in text and "45,000 KRW" in text and "495,000 KRW" in text


def test_a_ukrainian_customer_gets_a_ukrainian_quotation(client, quoted):
    case, quotation = quoted
    with_store_details(case)
    Case.objects.filter(pk=case.pk).update(customer_language="uk", customer_name="Олена Шевченко")

    text = text_of(client.get(decision_path(quotation) + "pdf/").content)

    assert f"Кошторис {case.reference}, версія 1" in text
    assert "Замовник: Олена Шевченко" in text
    assert "Тел.: +82 2-0000-0100" in text and "Seoul 06015" in text
    assert "Усього" in text
    assert re.search(r"495\s000 KRW", text)  # grouped by a (no-break) space


def test_an_english_customer_gets_english_texts(client, quoted):
    case, quotation = quoted
    Case.objects.filter(pk=case.pk).update(customer_language="en")

    text = text_of(client.get(decision_path(quotation) + "pdf/").content)

    assert f"Quotation {case.reference}, version 1" in text
    assert "Subtotal" in text and "495,000 KRW" in text
    assert "Phone:" not in text  # the store gave no phone number


def test_a_forged_link_gets_no_pdf(client, quoted):
    _case, quotation = quoted

    assert client.get(decision_path(quotation)[:-3] + "xx/pdf/").status_code == 404


def test_staff_download_the_pdf_and_other_stores_do_not(login_client, quoted, staff):
    from project.accounts.roles import Role
    from tests.factories import StoreFactory, UserFactory

    case, quotation = quoted
    mine = login_client(staff).get(f"/admin/cases/{case.pk}/quotations/{quotation.pk}/pdf/")
    other = login_client(UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory()]))

    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    assert other.get(f"/admin/cases/{case.pk}/quotations/{quotation.pk}/pdf/").status_code == 404


def past_validity(case, quotation):
    yesterday = timezone.now().astimezone(case.store.zoneinfo).date() - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday)


def test_past_its_validity_the_customer_gets_the_expired_page_not_the_pdf(client, quoted):
    case, quotation = quoted
    past_validity(case, quotation)  # the periodic task has not run yet

    response = client.get(decision_path(quotation) + "pdf/")

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert 'data-decision-refused="expired"' in html and "이 견적서의 유효 기간은" in html
    assert "data-pdf" not in html
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.EXPIRED
    again = client.get(decision_path(quotation) + "pdf/")  # now marked: the same answer
    assert again.status_code == 410 and 'data-decision-refused="expired"' in again.text


def test_an_answered_quotation_keeps_its_pdf_after_its_validity(client, quoted):
    case, quotation = quoted
    client.post(decision_path(quotation), {"decision": "accept", "name": "Ji-woo Lee"})
    past_validity(case, quotation)

    response = client.get(decision_path(quotation) + "pdf/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_staff_still_download_an_expired_quotation_for_the_record(login_client, quoted, staff):
    """Staff keep every version for the record; the PDF prints the date it was valid until."""
    from workflows.tasks import fire_automatic_transitions

    case, quotation = quoted
    past_validity(case, quotation)
    fire_automatic_transitions.call_local()

    response = login_client(staff).get(f"/admin/cases/{case.pk}/quotations/{quotation.pk}/pdf/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "유효 기간:" in text_of(response.content)
