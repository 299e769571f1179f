"""A public form page shows and hides a field as the visitor answers, by a rule that reads both an
earlier step's answer (sent by the server) and one on the same step (read in the page)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from forms.choices import FieldType
from forms.models import FormSubmission
from tests.forms.pages import form_page, published_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIELDS = [
    {"label": "Under warranty", "field_type": FieldType.RADIO, "choices": "yes\nno"},
    {"label": "Quote", "field_type": FieldType.PAGE_BREAK, "required": False},
    {"label": "Price", "field_type": FieldType.NUMBER, "required": False},
    {
        "label": "Why so expensive",
        "field_type": FieldType.MULTI_LINE,
        "condition": 'under_warranty == "no" and price > 500',
    },
]


def test_a_field_appears_when_the_answers_it_depends_on_make_it_needed(page):
    cache.clear()  # the per-address rate limit
    form_page(published_form(FIELDS, name="Quote"), slug="quote", submit_label="Send")

    page.goto("/quote/")
    page.get_by_label("no").check()
    page.get_by_role("button", name="Continue").click()

    why = page.get_by_label("Why so expensive")
    expect(page.get_by_text("Step 2 of 2")).to_be_visible()
    expect(why).to_be_hidden()
    page.get_by_label("Price").fill("1200")
    expect(why).to_be_visible()
    page.get_by_label("Price").fill("300")
    expect(why).to_be_hidden()
    page.get_by_label("Price").fill("900")
    page.get_by_role("button", name="Send").click()

    # Shown and required: the server asks for it, and the browser still shows it.
    expect(page.get_by_role("alert")).to_contain_text("Why so expensive: This field is required.")
    expect(why).to_be_visible()
    why.fill("Crystal and crown")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Your reference")).to_be_visible()
    submission = FormSubmission.objects.get()
    assert submission.data == {
        "under_warranty": "no",
        "price": "900",
        "why_so_expensive": "Crystal and crown",
    }
