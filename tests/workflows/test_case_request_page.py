"""The public page that opens a case: what it shows, the case it opens and who opens it."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from forms.choices import FieldType, FormPurpose
from forms.models import FormSubmission
from project.accounts.system_users import PUBLIC_WEB_USERNAME, public_web_user
from tests.factories import StoreFactory
from tests.forms.pages import add_page, published_form
from tests.workflows.factories import make_process, published_process
from workflows.models import Case, CaseEvent, Process
from workflows.models.pages import CaseRequestPage

pytestmark = pytest.mark.django_db

INTAKE_FIELDS = [
    {"label": "Product", "field_type": FieldType.SINGLE_LINE},
    {"label": "Under warranty", "field_type": FieldType.RADIO, "choices": "yes\nno"},
    {"label": "Your contact details", "field_type": FieldType.PAGE_BREAK, "required": False},
    {"label": "Name", "field_type": FieldType.SINGLE_LINE},
    {"label": "E-mail", "field_type": FieldType.EMAIL},
    {"label": "Phone", "field_type": FieldType.PHONE, "required": False},
]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def store():
    return StoreFactory(code="SEL-01", name="Seoul", languages=["ko", "en"])


@pytest.fixture
def process():
    intake = published_form(INTAKE_FIELDS, name="Repair intake", purpose=FormPurpose.INTAKE)
    return published_process(prefix="REP", intake_form=intake)


@pytest.fixture
def page(process, store):
    return add_page(
        CaseRequestPage(
            title="Repair request",
            slug="repair-request",
            process=process,
            store=store,
            form=process.intake_form,
            thank_you_text="<p>We will call you.</p>",
        )
    )


def fill_in(client, page, **contact):
    client.post(page.url, {"_step": "0", "product": "Tank", "under_warranty": "no"})
    answers = {"name": "Ada Lovelace", "e_mail": "ada@example.com", "phone": "+82 2 3456 7890"}
    answers.update(contact)
    return client.post(page.url, {"_step": "1", **answers}, follow=True)


def test_the_page_shows_the_first_step_of_the_intake_form(client, page):
    response = client.get("/repair-request/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Step 1 of 2" in html and 'name="product"' in html and 'name="name"' not in html


def test_sending_the_form_opens_a_case_and_shows_its_reference(client, page, process, store):
    response = fill_in(client, page)

    case = Case.objects.get()
    assert case.process == process and case.store == store
    assert case.version == process.live_version
    assert case.reference.startswith("REP-")
    assert case.data == {
        "product": "Tank",
        "under_warranty": "no",
        "name": "Ada Lovelace",
        "e_mail": "ada@example.com",
        "phone": "+82234567890",
    }
    assert (case.customer_name, case.customer_email, case.customer_phone) == (
        "Ada Lovelace",
        "ada@example.com",
        "+82234567890",
    )
    assert case.customer_language == "en"  # the page's language, one the store serves
    html = response.content.decode()
    assert "Your request number:" in html and case.reference in html
    assert "We will call you." in html
    assert not FormSubmission.objects.exists()  # the case is the record


def test_the_case_is_opened_by_the_public_web_user_who_cannot_sign_in(client, page):
    fill_in(client, page)

    case = Case.objects.get()
    assert case.opened_by.username == PUBLIC_WEB_USERNAME
    assert CaseEvent.objects.get(case=case).actor == case.opened_by
    user = case.opened_by
    assert not user.has_usable_password() and not user.is_staff and not user.is_superuser
    assert not user.groups.exists()
    assert user.get_all_permissions() == {"stores.access_all_stores", "workflows.change_case"}
    assert public_web_user() == user  # created once


def test_invalid_answers_open_no_case(client, page):
    response = fill_in(client, page, e_mail="not an address")

    assert response.status_code == 200
    assert "E-mail: Enter an e-mail address" in response.content.decode()
    assert not Case.objects.exists()


def test_the_confirmation_carries_the_case_reference(
    client, page, django_capture_on_commit_callbacks
):
    page.send_confirmation = True
    page.confirmation_subject = "Repair {reference}"
    page.confirmation_body = "Dear customer, your request is {reference}."
    page.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        fill_in(client, page)

    case = Case.objects.get()
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"Repair {case.reference}"
    assert message.body == f"Dear customer, your request is {case.reference}."


def test_a_page_for_an_inactive_process_takes_nothing(client, page, process):
    Process.objects.filter(pk=process.pk).update(is_active=False)

    assert client.get(page.url).status_code == 503
    response = client.post(page.url, {"_step": "0", "product": "Tank", "under_warranty": "no"})
    assert response.status_code == 503
    assert not Case.objects.exists()


def test_the_page_always_uses_the_process_intake_form(process, store):
    other = published_form([{"label": "Anything", "field_type": FieldType.SINGLE_LINE}])
    page = CaseRequestPage(title="Repair", slug="repair", process=process, store=store, form=other)

    page.clean()

    assert page.form == process.intake_form


def test_a_process_without_intake_form_or_publication_is_refused(store):
    no_intake = published_process()
    unpublished = make_process(intake_form=published_form(INTAKE_FIELDS))

    for process in (no_intake, unpublished):
        page = CaseRequestPage(title="Repair", slug="repair", process=process, store=store)
        with pytest.raises(ValidationError) as refused:
            page.clean()
        assert "process" in refused.value.message_dict


def test_the_demo_repair_request_page_opens_a_repair_case(client):
    import io

    from django.core.management import call_command

    from workflows.demo_pages import seed_pages

    call_command("seed_demo", stdout=io.StringIO())
    seed_pages(log=lambda line: None)
    seed_pages(log=lambda line: None)  # idempotent
    opened = Case.objects.count()

    assert "Step 1 of 2" in client.get("/repair-request/").content.decode()
    client.post(
        "/repair-request/",
        {
            "_step": "0",
            "product": "Santos",
            "serial_number": "SA-1",
            "under_warranty": "no",
            "condition_report": "Stopped",
        },
    )
    response = client.post(
        "/repair-request/", {"_step": "1", "name": "Ada", "e_mail": "ada@example.com"}, follow=True
    )

    case = Case.objects.order_by("-pk").first()
    assert Case.objects.count() == opened + 1
    assert case.reference.startswith("REP-") and case.store.code == "SEL-01"
    assert case.customer_email == "ada@example.com"
    assert case.reference in response.content.decode()


def test_an_editor_adds_the_page_in_the_admin_without_choosing_a_form(login_client, process, store):
    from tests.factories import UserFactory
    from tests.forms.pages import site_root

    editor = login_client(UserFactory(is_superuser=True, is_staff=True))
    root = site_root()
    empty = '{"blocks": [], "entityMap": {}}'

    response = editor.post(
        f"/admin/pages/add/workflows/caserequestpage/{root.pk}/",
        {
            "title": "Repair request",
            "slug": "repair-request",
            "process": process.pk,
            "store": store.pk,
            "intro": empty,
            "submit_label": "Send",
            "thank_you_text": empty,
            "confirmation_subject": "Repair {reference}",
            "confirmation_body": "Hello, see {reference}",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    page = CaseRequestPage.objects.get()
    assert page.live and page.form == process.intake_form
