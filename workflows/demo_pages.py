"""The demo's public "Repair request" page at /repair-request/: customers open a case of the demo
repair process (workflows/demo.py) for the Seoul boutique.

Run after ``workflows.demo.seed`` (it needs the process). The process's intake form gets the
contact fields the page maps to the case's customer (``name``, an e-mail and a phone field,
see ``workflows.models.pages``) after a page break, so the public form has two steps; they are
optional, so staff opening cases at the counter are not asked for them.
"""

from django.contrib.auth import get_user_model
from wagtail.models import Site

from forms.choices import FieldType
from forms.models import FormField
from forms.services import form_publish
from project.stores.models import Store
from workflows.models import Process
from workflows.models.pages import CaseRequestPage
from workflows.services import process_publish

CONTACT_FIELDS = [
    # label, type, required, extra; "Name" becomes clean_name "name"
    ("Your contact details", FieldType.PAGE_BREAK, False, {}),
    ("Name", FieldType.SINGLE_LINE, False, {}),
    ("E-mail", FieldType.EMAIL, False, {"help_text": "We confirm your request by e-mail."}),
    ("Phone", FieldType.PHONE, False, {"placeholder": "+82 2 3456 7890"}),
]


def seed_pages(*, log) -> None:
    admin = get_user_model().objects.get(username="admin")
    process = Process.objects.get(code="repair-demo")
    intake = process.intake_form
    if not intake.fields.filter(clean_name="name").exists():
        last = intake.fields.order_by("-sort_order").values_list("sort_order", flat=True).first()
        for offset, (label, field_type, required, extra) in enumerate(CONTACT_FIELDS, start=1):
            FormField.objects.create(
                form=intake,
                label=label,
                field_type=field_type,
                required=required,
                sort_order=(last or 0) + offset,
                **extra,
            )
        form_publish(form=intake, actor=admin)
        process_publish(process=process, actor=admin)
        process.refresh_from_db()

    root = Site.objects.get(is_default_site=True).root_page
    page = CaseRequestPage.objects.child_of(root).filter(slug="repair-request").first()
    if page is None:
        page = CaseRequestPage(
            title="Repair request",
            slug="repair-request",
            process=process,
            store=Store.objects.get(code="SEL-01"),
            form=intake,
            intro=(
                "<p>Tell us about your watch and how to reach you; the boutique calls you "
                "back within a day.</p>"
            ),
            submit_label="Send my request",
            thank_you_text="<p>Thank you. Keep your request number; we will be in touch.</p>",
            send_confirmation=True,
            confirmation_subject="Your repair request {reference}",
            confirmation_body=(
                "Hello,\n\nWe received your repair request {reference} and will call "
                "you within one business day.\n\nAtelier Seoul Cheongdam"
            ),
        )
        root.add_child(instance=page)
        page.save_revision(user=admin).publish(user=admin)
    log(f"  case request page {page.url} ({process})")
