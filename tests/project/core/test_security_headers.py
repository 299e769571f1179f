"""Content-Security-Policy and Permissions-Policy on every kind of page (project/core/security.py):
the admin, Wagtail's previews, the sign-in page, public form pages and the customer's decision
page; and Wagtail's deliberate-error view, which answers 404."""

import re
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from aftersales.models import ServiceItem
from forms.choices import FieldType
from project.accounts.roles import Role
from project.core.security import ContentSecurityPolicyMiddleware
from tests.aftersales.factories import decision_path, quoted_care_file, shipped_process
from tests.factories import StoreFactory, UserFactory
from tests.forms.pages import form_page, published_form

pytestmark = pytest.mark.django_db

DENIED_FEATURES = ["camera", "geolocation", "microphone", "payment", "usb"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_permissions_policy(response):
    header = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in header


def assert_public_policy(response):
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert_permissions_policy(response)


@pytest.fixture
def contact_page():
    fields = [
        {"label": "Name", "field_type": FieldType.SINGLE_LINE},
        {"label": "Signature", "field_type": FieldType.SIGNATURE},
    ]
    return form_page(published_form(fields, name="Contact"), slug="contact")


def test_a_public_form_page_runs_only_its_own_files(client, contact_page):
    response = client.get("/contact/")

    assert response.status_code == 200
    assert "data-signature-pad" in response.content.decode()
    assert_public_policy(response)
    assert "data:" in directives(response)["img-src"]  # the signature pad repaints its PNG


def test_the_customer_s_decision_page_and_its_pdf_carry_the_public_policy(client):
    store = StoreFactory(code="SEL-01", currency="KRW", time_zone="Asia/Seoul")
    staff = UserFactory(role=Role.STORE_STAFF, stores=[store])
    service = ServiceItem.objects.create(code="SRV", description="Complete service")
    service.prices.create(currency="KRW", amount=Decimal("450000"))
    service.save()
    _case, quotation = quoted_care_file(shipped_process("care-file"), store, staff, service)

    page = client.get(decision_path(quotation))
    pdf = client.get(decision_path(quotation) + "pdf/")

    assert page.status_code == 200 and pdf.status_code == 200
    assert_public_policy(page)
    assert_public_policy(pdf)


def test_admin_pages_allow_wagtail_s_inline_scripts_and_styles_but_nothing_from_elsewhere(
    login_client,
):
    response = login_client(UserFactory(is_superuser=True)).get("/admin/")

    csp = directives(response)
    assert response.status_code == 200
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]  # no nonce: it would void these
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert_permissions_policy(response)


def test_the_sign_in_page_carries_both_headers(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert_permissions_policy(response)


def test_a_page_preview_may_be_framed_by_the_admin_itself(login_client, contact_page):
    admin = login_client(UserFactory(is_superuser=True))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[contact_page.pk])

    response = admin.get(url)

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response)["frame-ancestors"] == ["'self'"]


def test_the_page_a_preview_renders_may_be_framed_by_the_admin_and_keeps_the_public_policy():
    # Wagtail renders a preview by running the page's own request through the middleware again.
    request = RequestFactory().get("/contact/")
    request.is_preview = True

    response = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())(request)

    assert directives(response)["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_a_nonce_used_by_a_public_template_is_announced_in_the_policy():
    request = RequestFactory().get("/contact/")

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    response = ContentSecurityPolicyMiddleware(view)(request)

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response)["script-src"]


def test_wagtail_s_failwhale_view_is_not_found_even_for_a_superuser(login_client):
    admin = login_client(UserFactory(is_superuser=True))

    assert admin.get("/admin/failwhale/").status_code == 404
