"""A demo public form page: a two-step feedback form at /feedback/ that e-mails a confirmation."""

from django.contrib.auth import get_user_model
from wagtail.models import Site

from forms.choices import FieldType, FormPurpose
from forms.models import FormPage
from forms.services import form_definition_create

FEEDBACK_FIELDS = [
    # label, type, required, extra
    ("Which boutique did you visit?", FieldType.DROPDOWN, True,
     {"choices": "Seoul Cheongdam\nKyiv Horodetskoho\nNew York Madison Avenue"}),
    ("How was your visit?", FieldType.RADIO, True,
     {"choices": "Excellent\nGood\nCould be better"}),
    ("What could we do better?", FieldType.MULTI_LINE, True,
     {"condition": 'how_was_your_visit == "Could be better"'}),
    ("About you", FieldType.PAGE_BREAK, False, {}),
    ("Name", FieldType.SINGLE_LINE, True, {}),
    ("Email", FieldType.EMAIL, True, {"help_text": "We send you a confirmation."}),
    ("You may contact me about my answers", FieldType.CHECKBOX, False, {}),
]  # fmt: skip


def seed(*, log) -> None:
    admin = get_user_model().objects.get(username="admin")
    form = form_definition_create(
        slug="feedback",
        name="Visit feedback",
        purpose=FormPurpose.PUBLIC,
        fields=[
            {"label": label, "field_type": field_type, "required": required, **extra}
            for label, field_type, required, extra in FEEDBACK_FIELDS
        ],
        actor=admin,
    )

    root = Site.objects.get(is_default_site=True).root_page
    page = FormPage.objects.child_of(root).filter(slug="feedback").first()
    if page is None:
        page = FormPage(
            title="Tell us about your visit",
            slug="feedback",
            form=form,
            intro="<p>Two short steps; it takes a minute.</p>",
            thank_you_text="<p>Thank you! Your feedback goes to the boutique's manager.</p>",
            send_confirmation=True,
        )
        root.add_child(instance=page)
        page.save_revision(user=admin).publish(user=admin)
    log(f"  form page {page.url} ({form.name})")
