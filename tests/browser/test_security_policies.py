"""The security headers in Chromium: the public intake form with its signature pad, the page
preview in the editor and the sign-in lockout work under the Content-Security-Policy and the
Permissions-Policy. The ``page`` fixture fails any test whose pages the browser reports a policy
error for; these tests say so once more where it is the point."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from forms.choices import FieldType
from forms.models import FormSubmission
from project.accounts.roles import Role
from tests.browser.policy import watch_policy_errors
from tests.browser.test_process_journey import sign_in
from tests.browser.test_public_request_journey import draw_signature
from tests.factories import UserFactory
from tests.forms.pages import form_page, published_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INTAKE = [
    {"label": "Name", "field_type": FieldType.SINGLE_LINE},
    {"label": "E-mail", "field_type": FieldType.EMAIL},
    {"label": "Signature", "field_type": FieldType.SIGNATURE},
]


def test_the_intake_form_s_signature_pad_works_under_the_policy(page):
    cache.clear()  # the per-address rate limit
    form_page(published_form(INTAKE, name="Intake"), slug="intake", submit_label="Send")
    errors = watch_policy_errors(page)

    response = page.goto("/intake/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("E-mail").fill("not an address")
    draw_signature(page)
    page.evaluate("() => { document.querySelector('form.form-page__form').noValidate = true; }")
    page.get_by_role("button", name="Send").click()

    # Refused for the e-mail: the pad paints the drawing sent back (a data: image) again.
    expect(page.get_by_role("alert")).to_contain_text("E-mail")
    page.wait_for_function(
        "() => document.querySelector('[data-signature-input]').value.startsWith('data:image/png')"
    )
    page.get_by_label("E-mail").fill("ada@example.com")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Your reference")).to_be_visible()
    assert FormSubmission.objects.get().data["signature"]
    assert errors == []


def test_the_editor_s_preview_panel_shows_the_page(page):
    intake = form_page(published_form(INTAKE, name="Intake"), slug="intake", title="Intake")
    UserFactory(username="admin", is_superuser=True)
    errors = watch_policy_errors(page)

    sign_in(page, "admin")
    page.goto(f"/admin/pages/{intake.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()

    # Wagtail swaps in a fresh iframe on each refresh: the last one is the current preview.
    preview = page.locator("iframe[title='Preview']").last.content_frame
    expect(preview.get_by_role("heading", name="Intake")).to_be_visible()
    expect(preview.get_by_role("button")).to_have_css("cursor", "pointer")  # public.css applies
    assert errors == []


def test_a_locked_out_user_reads_why_on_the_sign_in_page(page):
    UserFactory(username="minjun", role=Role.STORE_STAFF)

    page.goto("/admin/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("minjun")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Too many failed sign-in attempts: this user is locked out from your address."
    )
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("minjun")
