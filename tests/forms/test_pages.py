"""The public form page through the test client: showing, checking, storing, steps and abuse."""

import json
import re
from html import unescape

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from forms.abuse import HONEYPOT_FIELD
from forms.choices import FieldType
from forms.models import FormField, FormPage, FormSubmission, PendingUpload, SubmissionFile
from forms.services import form_publish
from forms.submissions import fill_placeholders
from tests.factories import UserFactory
from tests.forms.pages import PNG, form_page, published_form

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = [
    {"label": "Name", "field_type": FieldType.SINGLE_LINE, "help_text": "As on your receipt."},
    {"label": "Email", "field_type": FieldType.EMAIL},
    {"label": "Message", "field_type": FieldType.MULTI_LINE},
]

# Three steps; "Purchase date" (step 2) is asked only when step 1 says the watch is under
# warranty, and step 3 holds nothing but a question shown when it is not.
STEPPED_FIELDS = [
    {"label": "Name", "field_type": FieldType.SINGLE_LINE},
    {"label": "Under warranty", "field_type": FieldType.RADIO, "choices": "yes\nno"},
    {"label": "About the watch", "field_type": FieldType.PAGE_BREAK, "required": False},
    {"label": "Product", "field_type": FieldType.SINGLE_LINE},
    {
        "label": "Purchase date",
        "field_type": FieldType.DATE,
        "condition": 'under_warranty == "yes"',
    },
    {"label": "Out of warranty", "field_type": FieldType.PAGE_BREAK, "required": False},
    {
        "label": "Accept a quotation",
        "field_type": FieldType.CHECKBOX,
        "condition": 'under_warranty == "no"',
    },
]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contact_page():
    return form_page(published_form(CONTACT_FIELDS, name="Contact"), slug="contact")


@pytest.fixture
def stepped_page():
    return form_page(published_form(STEPPED_FIELDS, name="Repair"), slug="repair")


def contact_answers(**overrides):
    answers = {"name": "Ada Lovelace", "email": "ada@example.com", "message": "Hello"}
    answers.update(overrides)
    return answers


def progress_key(page):
    return f"atelier.forms.progress.{page.pk}"


# --- Showing and sending --------------------------------------------------------------------------


def test_the_page_shows_the_live_version_with_labels_help_and_a_hidden_trap(client, contact_page):
    response = client.get(contact_page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Contact us</h1>" in html
    assert 'for="id_name"' in html and "Name" in html
    assert "As on your receipt." in html
    assert f'name="{HONEYPOT_FIELD}"' in html and 'class="form-page__trap"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Step 1 of" not in html  # one step only
    assert "no-store" in response["Cache-Control"]


def test_a_valid_post_stores_the_answers_with_the_version_filled_in(client, contact_page):
    response = client.post(contact_page.url, contact_answers(), follow=True)

    submission = FormSubmission.objects.get()
    assert submission.form_version == contact_page.form.live_version
    assert submission.form == contact_page.form
    assert submission.page.specific == contact_page
    assert submission.data == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "message": "Hello",
    }
    assert submission.submitter_email == "ada@example.com"
    assert len(submission.address_hash) == 64 and "127.0.0.1" not in submission.address_hash
    assert response.redirect_chain == [(f"{contact_page.url}?sent", 302)]
    assert submission.reference in response.content.decode()


def test_reloading_the_thank_you_page_sends_nothing_again(client, contact_page):
    client.post(contact_page.url, contact_answers())

    assert client.get(f"{contact_page.url}?sent").status_code == 200
    assert FormSubmission.objects.count() == 1


def test_an_invalid_post_names_the_fields_in_error_and_stores_nothing(client, contact_page):
    response = client.post(contact_page.url, contact_answers(email="not an address", name=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-page__errors"' in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html
    assert "Email: Enter an e-mail address such as name@example.com." in html
    assert 'aria-invalid="true"' in html
    assert not FormSubmission.objects.exists()


def test_script_in_an_answer_is_stored_as_text_and_shown_escaped(client, contact_page):
    script = '<script>alert("x")</script>'

    response = client.post(contact_page.url, contact_answers(message=script, email="bad"))

    assert script not in response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.content.decode()

    client.post(contact_page.url, contact_answers(message=script))
    assert FormSubmission.objects.get().data["message"] == script


def test_the_page_answers_503_while_its_form_has_no_live_version(client, contact_page):
    type(contact_page.form).objects.filter(pk=contact_page.form_id).update(live_version=None)

    response = client.get(contact_page.url)

    assert response.status_code == 503
    assert "not available" in response.content.decode()


# --- Steps ----------------------------------------------------------------------------------------


def test_each_step_is_checked_on_its_own_and_the_last_stores_everything(client, stepped_page):
    url = stepped_page.url

    first = client.get(url).content.decode()
    assert "Step 1 of 3" in first and 'name="product"' not in first

    response = client.post(url, {"_step": "0", "name": "Ada", "under_warranty": "yes"})
    assert response.status_code == 302
    second = client.get(url).content.decode()
    assert "Step 2 of 3" in second and "About the watch" in second
    assert 'name="product"' in second and 'name="purchase_date"' in second
    assert 'name="name"' not in second
    assert not FormSubmission.objects.exists()

    response = client.post(url, {"_step": "1", "product": "Tank", "purchase_date": "2025-02-03"})

    # Step 3 only asks something out of warranty: it is skipped and the form is sent.
    assert response.status_code == 302 and response["Location"] == f"{url}?sent"
    assert FormSubmission.objects.get().data == {
        "name": "Ada",
        "under_warranty": "yes",
        "product": "Tank",
        "purchase_date": "2025-02-03",
    }
    assert progress_key(stepped_page) not in client.session


def test_a_step_with_errors_stays_and_keeps_nothing(client, stepped_page):
    response = client.post(stepped_page.url, {"_step": "0", "name": "", "under_warranty": "yes"})

    assert response.status_code == 200
    assert "Step 1 of 3" in response.content.decode()
    assert "Name: This field is required." in response.content.decode()
    assert client.session.get(progress_key(stepped_page), {}).get("answers", {}) == {}


def test_a_condition_on_an_earlier_step_decides_what_a_later_step_requires(client, stepped_page):
    url = stepped_page.url
    client.post(url, {"_step": "0", "name": "Ada", "under_warranty": "yes"})

    response = client.post(url, {"_step": "1", "product": "Tank"})

    assert response.status_code == 200
    assert "Purchase date: This field is required." in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_a_question_hidden_by_an_earlier_answer_is_not_shown(client, stepped_page):
    client.post(stepped_page.url, {"_step": "0", "name": "Ada", "under_warranty": "no"})

    second = client.get(stepped_page.url).content.decode()

    assert 'name="product"' in second and 'name="purchase_date"' not in second


def test_back_returns_to_the_previous_step_with_its_answers_kept(client, stepped_page):
    url = stepped_page.url
    client.post(url, {"_step": "0", "name": "Ada", "under_warranty": "no"})
    client.post(url, {"_step": "1", "product": "Santos"})

    response = client.post(url, {"_step": "2", "_action": "back", "accept_a_quotation": "on"})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Step 2 of 3" in page and 'value="Santos"' in page
    client.post(url, {"_step": "1", "_action": "back", "product": "Santos"})
    page = client.get(url).content.decode()
    assert "Step 1 of 3" in page and 'value="Ada"' in page
    assert re.search(r'value="no"[^>]*checked', page)

    client.post(url, {"_step": "0", "name": "Ada", "under_warranty": "no"})
    client.post(url, {"_step": "1", "product": "Santos"})
    third = client.get(url).content.decode()
    # The box ticked before going back is still ticked.
    assert "Step 3 of 3" in third and re.search(r'name="accept_a_quotation"[^>]*checked', third)
    client.post(url, {"_step": "2", "accept_a_quotation": "on"})

    assert FormSubmission.objects.get().data == {
        "name": "Ada",
        "under_warranty": "no",
        "product": "Santos",
        "accept_a_quotation": True,
    }


def test_the_last_step_checks_every_answer_again_from_the_session(client, stepped_page):
    url = stepped_page.url
    client.post(url, {"_step": "0", "name": "Ada", "under_warranty": "no"})
    client.post(url, {"_step": "1", "product": "Santos"})
    session = client.session
    state = session[progress_key(stepped_page)]
    state["answers"]["0"] = {"name": [""], "under_warranty": ["maybe"]}
    session[progress_key(stepped_page)] = state
    session.save()

    response = client.post(url, {"_step": "2", "accept_a_quotation": "on"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Step 1 of 3" in html
    assert "Name: This field is required." in html
    assert '<a href="#field-under_warranty">Under warranty: Choose one of the options' in html
    assert not FormSubmission.objects.exists()


def test_a_step_not_reached_yet_cannot_be_posted(client, stepped_page):
    response = client.post(stepped_page.url, {"_step": "2", "accept_a_quotation": "on"})

    assert response.status_code == 302 and response["Location"] == stepped_page.url
    assert not FormSubmission.objects.exists()


def test_a_form_published_again_mid_way_starts_over(client, stepped_page):
    client.post(stepped_page.url, {"_step": "0", "name": "Ada", "under_warranty": "no"})
    form = stepped_page.form
    FormField.objects.filter(form=form, clean_name="product").update(label="Model")
    form_publish(form=form, actor=UserFactory(is_superuser=True))

    response = client.post(stepped_page.url, {"_step": "1", "model": "Santos"})

    assert response.status_code == 302
    page = client.get(stepped_page.url).content.decode()
    assert "Step 1 of 3" in page and "form was updated meanwhile" in page
    assert not FormSubmission.objects.exists()


# --- Files ----------------------------------------------------------------------------------------

UPLOAD_FIELDS = [
    {"label": "Name", "field_type": FieldType.SINGLE_LINE},
    {
        "label": "Photo",
        "field_type": FieldType.FILE,
        "allowed_extensions": "png",
        "max_upload_mb": 1,
    },
    {"label": "Details", "field_type": FieldType.PAGE_BREAK, "required": False},
    {"label": "Message", "field_type": FieldType.MULTI_LINE},
]


@pytest.fixture
def upload_page():
    return form_page(published_form(UPLOAD_FIELDS, name="Photos"), slug="photos")


def test_a_file_of_an_earlier_step_is_kept_privately_until_the_form_is_sent(client, upload_page):
    url = upload_page.url
    photo = SimpleUploadedFile("watch.png", PNG, content_type="image/png")
    client.post(url, {"_step": "0", "name": "Ada", "photo": photo})
    assert PendingUpload.objects.count() == 1

    client.post(url, {"_step": "1", "message": "Scratched"})

    submission = FormSubmission.objects.get()
    stored = SubmissionFile.objects.get()
    answer = submission.data["photo"]
    refs = answer if isinstance(answer, list) else [answer]
    assert refs[0]["file"] == stored.pk and refs[0]["name"] == "watch.png"
    assert stored.content_type == "image/png" and stored.field_name == "photo"
    with stored.file.open("rb") as handle:
        assert handle.read() == PNG
    assert not PendingUpload.objects.exists()


def test_going_back_shows_the_kept_file_and_does_not_ask_for_it_again(client, upload_page):
    url = upload_page.url
    client.post(url, {"_step": "0", "name": "Ada", "photo": SimpleUploadedFile("w.png", PNG)})
    client.post(url, {"_step": "1", "_action": "back", "message": ""})

    page = client.get(url).content.decode()
    assert "Received: w.png" in page

    response = client.post(url, {"_step": "0", "name": "Ada Lovelace"})
    assert response.status_code == 302
    client.post(url, {"_step": "1", "message": "Hi"})
    assert SubmissionFile.objects.get().original_name == "w.png"
    assert FormSubmission.objects.get().data["name"] == "Ada Lovelace"


def test_a_file_over_the_field_limit_is_refused_before_anything_is_kept(client, upload_page):
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (1024 * 1024 + 1))

    response = client.post(upload_page.url, {"_step": "0", "name": "Ada", "photo": big})

    assert response.status_code == 200
    assert "files may be at most 1 MB" in response.content.decode()
    assert not PendingUpload.objects.exists() and not SubmissionFile.objects.exists()


def test_a_request_over_the_upload_cap_is_refused_unread(client, upload_page, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2048
    big = SimpleUploadedFile("big.png", PNG + b"\0" * 4096)

    response = client.post(upload_page.url, {"_step": "0", "name": "Ada", "photo": big})

    assert response.status_code == 400
    assert not PendingUpload.objects.exists() and not FormSubmission.objects.exists()


def test_a_file_whose_bytes_are_not_of_an_allowed_type_is_refused(client, upload_page):
    fake = SimpleUploadedFile("fake.png", b"MZ\x90\x00" + b"\0" * 64)

    response = client.post(upload_page.url, {"_step": "0", "name": "Ada", "photo": fake})

    assert response.status_code == 200
    assert re.search(r'form-page__field--error" id="field-photo"', response.content.decode())
    assert not PendingUpload.objects.exists()


# --- Abuse ----------------------------------------------------------------------------------------


def test_a_filled_honeypot_gets_the_thank_you_page_and_nothing_is_stored(client, contact_page):
    response = client.post(
        contact_page.url, {**contact_answers(), HONEYPOT_FIELD: "http://spam.example"}, follow=True
    )

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert "Your reference" not in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_posts_beyond_the_rate_limit_are_refused_with_429(client, contact_page, settings):
    settings.FORMS_RATE_LIMIT_POSTS = 2

    statuses = [client.post(contact_page.url, contact_answers()).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    refused = client.post(contact_page.url, contact_answers())
    assert int(refused["Retry-After"]) > 0
    assert "too many submissions" in refused.content.decode()
    assert FormSubmission.objects.count() == 2


def test_the_rate_limit_counts_per_address(client, contact_page, settings):
    settings.FORMS_RATE_LIMIT_POSTS = 1
    settings.FORMS_TRUSTED_PROXY_COUNT = 1

    first = client.post(contact_page.url, contact_answers(), HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = client.post(contact_page.url, contact_answers(), HTTP_X_FORWARDED_FOR="203.0.113.6")
    again = client.post(contact_page.url, contact_answers(), HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


# --- Confirmation e-mail --------------------------------------------------------------------------


def test_a_confirmation_is_mailed_once_the_submission_is_committed(
    client, contact_page, django_capture_on_commit_callbacks
):
    contact_page.send_confirmation = True
    contact_page.confirmation_subject = "Got it ({reference})"
    contact_page.confirmation_body = "Hello, we received “{form}” on {page}: see {reference}."
    contact_page.save_revision().publish()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_page.url, contact_answers())

    submission = FormSubmission.objects.get()
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"Got it ({submission.reference})"
    assert (
        message.body == f"Hello, we received “Contact” on Contact us: see {submission.reference}."
    )


def test_placeholders_are_only_known_names_never_python_formatting():
    values = {"name": "Ada", "reference": "K7QM-4ZPX"}

    assert fill_placeholders("{name} {reference} {other} {name.__class__}", values) == (
        "Ada K7QM-4ZPX {other} {name.__class__}"
    )


def test_no_confirmation_is_mailed_when_the_page_does_not_ask_for_it(
    client, contact_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_page.url, contact_answers())

    assert FormSubmission.objects.count() == 1
    assert mail.outbox == []


def test_a_confirmation_needs_an_email_field_and_known_placeholders(contact_page):
    contact_page.send_confirmation = True
    contact_page.confirmation_body = "Hello {nmae}"

    with pytest.raises(ValidationError) as refused:
        contact_page.full_clean()
    assert "{nmae}" in str(refused.value.message_dict["confirmation_body"])

    no_email = published_form([{"label": "Name", "field_type": FieldType.SINGLE_LINE}])
    contact_page.form = no_email
    contact_page.confirmation_body = "Hello, see {reference}"
    with pytest.raises(ValidationError) as refused:
        contact_page.full_clean()
    assert "no e-mail field" in str(refused.value.message_dict["send_confirmation"])


# --- Confirmations carry no visitor text and are limited ------------------------------------------


@pytest.fixture
def confirming_page(contact_page):
    contact_page.send_confirmation = True
    contact_page.save_revision().publish()
    return contact_page


def test_the_confirmation_carries_nothing_the_visitor_wrote(
    client, confirming_page, django_capture_on_commit_callbacks
):
    """Anyone can type someone else's address: the e-mail must not carry their words to it."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            confirming_page.url,
            contact_answers(
                name="You won! Claim it at http://prize.example",
                message="<a href='http://prize.example'>Click</a>",
                email="victim@example.com",
            ),
        )

    submission = FormSubmission.objects.get()
    [message] = mail.outbox
    assert message.to == ["victim@example.com"]
    assert message.subject == f"We received your message ({submission.reference})"
    assert message.body == (
        "Hello,\n\nThank you for writing to us. We received your message; its reference is "
        f"{submission.reference}. Please mention it if you contact us about this.\n\nAtelier"
    )
    assert "prize" not in message.body + message.subject


def test_a_name_placeholder_left_in_a_published_text_is_dropped_and_refused_on_editing(
    client, confirming_page, django_capture_on_commit_callbacks
):
    # Published before {name} was retired (editing now refuses it, see below).
    FormPage.objects.filter(pk=confirming_page.pk).update(
        confirmation_subject="For {name}: {reference}",
        confirmation_body="Hello {name}, see {reference}.",
    )
    confirming_page.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirming_page.url, contact_answers(name="Visit prize.example"))

    reference = FormSubmission.objects.get().reference
    [message] = mail.outbox
    assert (message.subject, message.body) == (f"For: {reference}", f"Hello, see {reference}.")
    with pytest.raises(ValidationError) as refused:
        confirming_page.full_clean()
    assert "{name} is no longer available" in str(refused.value.message_dict["confirmation_body"])


def post_from(client, page, address: str, email: str, capture):
    with capture(execute=True):
        return client.post(
            page.url, contact_answers(email=email), HTTP_X_FORWARDED_FOR=address, follow=True
        )


def test_confirmations_to_one_address_are_limited_per_hour(
    client, confirming_page, settings, django_capture_on_commit_callbacks
):
    settings.FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY = 2
    settings.FORMS_TRUSTED_PROXY_COUNT = 1
    capture = django_capture_on_commit_callbacks

    responses = [
        post_from(client, confirming_page, f"203.0.113.{n}", email, capture)
        for n, email in enumerate(
            ["ada@example.com", "ADA@example.com", "ada+again@example.com", "bob@example.com"]
        )
    ]

    assert [m.to for m in mail.outbox] == [
        ["ada@example.com"],
        ["ADA@example.com"],
        ["bob@example.com"],
    ]
    assert FormSubmission.objects.count() == 4  # every submission is kept
    for response, submission in zip(responses, FormSubmission.objects.order_by("pk"), strict=True):
        assert response.status_code == 200 and submission.reference in response.text


def test_confirmations_for_one_visitor_address_are_limited_per_hour(
    client, confirming_page, settings, django_capture_on_commit_callbacks
):
    settings.FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY = 2
    settings.FORMS_TRUSTED_PROXY_COUNT = 1
    capture = django_capture_on_commit_callbacks

    for n in range(3):
        thanked = post_from(client, confirming_page, "203.0.113.5", f"v{n}@example.com", capture)
        assert thanked.redirect_chain == [(f"{confirming_page.url}?sent", 302)]
    post_from(client, confirming_page, "2001:db8:1:2::5", "w0@example.com", capture)
    post_from(client, confirming_page, "2001:db8:1:2::6", "w1@example.com", capture)  # same /64
    post_from(client, confirming_page, "2001:db8:1:2::7", "w2@example.com", capture)

    assert [m.to[0] for m in mail.outbox] == [
        "v0@example.com",
        "v1@example.com",
        "w0@example.com",
        "w1@example.com",
    ]
    assert FormSubmission.objects.count() == 6


def test_confirmations_of_one_form_page_are_limited_per_hour(
    client, confirming_page, settings, django_capture_on_commit_callbacks
):
    settings.FORMS_CONFIRMATIONS_PER_FORM_HOURLY = 2
    settings.FORMS_TRUSTED_PROXY_COUNT = 1
    capture = django_capture_on_commit_callbacks
    other_page = form_page(
        published_form(CONTACT_FIELDS, name="Other"), slug="other", send_confirmation=True
    )

    for n in range(3):
        post_from(client, confirming_page, f"198.51.100.{n}", f"v{n}@example.com", capture)
    post_from(client, other_page, "198.51.100.9", "v9@example.com", capture)

    assert [m.to[0] for m in mail.outbox] == ["v0@example.com", "v1@example.com", "v9@example.com"]
    assert FormSubmission.objects.count() == 4


def test_the_confirmation_limits_start_again_each_hour(rf, settings):
    from forms.abuse import confirmation_throttled

    settings.FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY = 1
    request = rf.post("/contact/")
    hour = 1_800_000_000 - 1_800_000_000 % 3600

    def throttled(at):
        return confirmation_throttled(
            request, form_key="page-1", recipient="ada@example.com", now=at
        )

    assert (throttled(hour), throttled(hour + 3599), throttled(hour + 3600)) == (
        "",
        "recipient",
        "",
    )


def test_a_limit_of_zero_switches_it_off(rf, settings):
    from forms.abuse import confirmation_throttled

    settings.FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY = 0
    settings.FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY = 0
    settings.FORMS_CONFIRMATIONS_PER_FORM_HOURLY = 0
    request = rf.post("/contact/")

    assert {
        confirmation_throttled(request, form_key="page-1", recipient="ada@example.com")
        for _ in range(20)
    } == {""}


def test_the_demo_feedback_page_takes_two_steps(client):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent

    assert "Step 1 of 2" in client.get("/feedback/").content.decode()
    client.post(
        "/feedback/",
        {"_step": "0", "which_boutique_did_you_visit": "Seoul Cheongdam",
         "how_was_your_visit": "Good"},
    )  # fmt: skip
    response = client.post(
        "/feedback/", {"_step": "1", "name": "Ada", "email": "ada@example.com"}, follow=True
    )

    submission = FormSubmission.objects.get()
    assert submission.reference in response.content.decode()
    assert submission.data["how_was_your_visit"] == "Good"


def test_a_photo_checklist_and_several_files_survive_the_steps(client):
    from tests.forms.samples import JPEG, PDF

    page = form_page(
        published_form(
            [
                {"label": "Photos", "field_type": FieldType.IMAGE, "choices": "Front\nBack"},
                {
                    "label": "Receipts",
                    "field_type": FieldType.FILE,
                    "allowed_extensions": "pdf",
                    "max_length": 3,
                    "required": False,
                },
                {"label": "More", "field_type": FieldType.PAGE_BREAK, "required": False},
                {"label": "Message", "field_type": FieldType.MULTI_LINE},
            ],
            name="Checklist",
        ),
        slug="checklist",
    )
    client.post(
        page.url,
        {
            "_step": "0",
            "photos_front": SimpleUploadedFile("front.jpg", JPEG),
            "photos_back": SimpleUploadedFile("back.png", PNG),
            "receipts": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        },
    )
    assert PendingUpload.objects.count() == 4

    client.post(page.url, {"_step": "1", "message": "All there"})

    data = FormSubmission.objects.get().data
    files = {(f.field_name, f.slot): f for f in SubmissionFile.objects.all()}
    assert set(files) == {
        ("photos", "front"),
        ("photos", "back"),
        ("receipts", "0"),
        ("receipts", "1"),
    }
    assert data["photos"]["front"]["file"] == files["photos", "front"].pk
    assert [ref["name"] for ref in data["receipts"]] == ["a.pdf", "b.pdf"]
    assert files["photos", "front"].content_type == "image/jpeg"
    assert not PendingUpload.objects.exists()


def test_a_condition_on_the_same_step_is_sent_to_the_browser_with_the_answers_it_reads(client):
    page = form_page(
        published_form(
            [
                {"label": "Under warranty", "field_type": FieldType.RADIO, "choices": "yes\nno"},
                {"label": "Quote", "field_type": FieldType.PAGE_BREAK, "required": False},
                {"label": "Price", "field_type": FieldType.NUMBER, "required": False},
                {
                    "label": "Why so expensive",
                    "field_type": FieldType.MULTI_LINE,
                    "condition": 'under_warranty == "no" and price > 500',
                },
            ],
            name="Quote",
        ),
        slug="quote",
    )
    client.post(page.url, {"_step": "0", "under_warranty": "no"})

    html = client.get(page.url).content.decode()

    [condition] = re.findall(
        r'data-field="why_so_expensive" data-kind="string" data-condition="([^"]+)"', html
    )
    assert json.loads(unescape(condition))["op"] == "and"
    assert 'data-field="price" data-kind="decimal"' in html
    [known] = re.findall(
        r'<script id="form-known-answers" type="application/json">(.*?)</script>', html
    )
    assert json.loads(known) == {"under_warranty": "no"}  # what the browser cannot see any more
    assert "forms/conditions.js" in html
