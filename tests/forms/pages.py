"""Helpers for tests of the public form pages: published forms and pages under the site root."""

from __future__ import annotations

from wagtail.models import Site

from forms.models import FormDefinition, FormPage
from forms.services import form_publish
from tests.factories import UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory

# The smallest valid PNG: a 1x1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def published_form(fields: list[dict], **attributes) -> FormDefinition:
    """A form with ``fields`` (FormFieldFactory attributes), published once."""
    form = FormDefinitionFactory(**attributes)
    for index, field in enumerate(fields):
        FormFieldFactory(form=form, sort_order=index, **field)
    form_publish(form=form, actor=UserFactory(is_superuser=True))
    form.refresh_from_db()
    return form


def site_root():
    return Site.objects.get(is_default_site=True).root_page


def add_page(page):
    """Publish ``page`` under the default site's root page and return it."""
    site_root().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def form_page(form: FormDefinition, *, slug: str = "contact", **attributes) -> FormPage:
    attributes.setdefault("title", "Contact us")
    return add_page(FormPage(slug=slug, form=form, **attributes))
