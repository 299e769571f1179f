"""The pieces behind the form pages: steps, kept files, addresses and the upload cap."""

import datetime

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from forms.abuse import RequestSizeLimitUploadHandler, address_hash, client_address
from forms.builder import build_form
from forms.choices import FieldType
from forms.models import PendingUpload
from forms.progress import split_steps
from forms.submissions import (
    pending_upload_files,
    pending_uploads_purge,
    pending_uploads_store,
)
from tests.forms.factories import field_spec
from tests.forms.pages import PNG

pytestmark = pytest.mark.django_db


def spec(field_type, label):
    return field_spec(field_type, label, required=False)


def test_page_breaks_split_the_schema_into_steps_that_each_ask_something():
    schema = [
        spec(FieldType.PAGE_BREAK, "Nothing before me"),
        spec(FieldType.HEADING, "Welcome"),
        spec(FieldType.SINGLE_LINE, "Name"),
        spec(FieldType.PAGE_BREAK, "Empty"),
        spec(FieldType.PAGE_BREAK, "Watch"),
        spec(FieldType.SINGLE_LINE, "Serial"),
        spec(FieldType.HEADING, "Thanks"),
        spec(FieldType.PAGE_BREAK, "Trailing"),
    ]

    steps = split_steps(schema)

    assert [(step.title, [s["label"] for s in step.items]) for step in steps] == [
        ("Nothing before me", ["Welcome", "Name"]),
        ("Watch", ["Serial", "Thanks"]),
    ]
    assert steps[0].names == {"name"} and steps[1].names == {"serial"}
    assert steps[0].end == 3 and steps[1].end == len(schema)


def test_a_form_without_page_breaks_is_one_step():
    schema = [spec(FieldType.SINGLE_LINE, "Name"), spec(FieldType.EMAIL, "Email")]

    [step] = split_steps(schema)

    assert step.end == 2 and step.names == {"name", "email"}


def kept_photo(progress="p1"):
    photo_spec = field_spec(FieldType.FILE, "Photo", allowed_extensions="png")
    upload = SimpleUploadedFile("w.png", PNG, content_type="image/png")
    form = build_form([photo_spec], data={}, files={"photo": upload})
    assert form.is_valid(), form.errors
    from django.utils.datastructures import MultiValueDict

    return pending_uploads_store(
        progress=progress, form=form, names={"photo"}, files=MultiValueDict({"photo": [upload]})
    )


def test_a_kept_file_opens_again_only_for_its_own_progress():
    records = kept_photo("p1")

    assert records[0]["key"] == "photo" and records[0]["names"] == ["w.png"]
    [again] = pending_upload_files(records, progress="p1").getlist("photo")
    assert again.name == "w.png" and again.read() == PNG
    assert not pending_upload_files(records, progress="someone-else")


def test_kept_files_of_abandoned_forms_are_purged(settings):
    settings.FORMS_PENDING_UPLOAD_HOURS = 24
    kept_photo()
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    kept_photo()

    assert pending_uploads_purge() == 1
    assert PendingUpload.objects.count() == 1


def test_the_address_is_read_behind_the_configured_number_of_proxies(settings):
    request = RequestFactory().post(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )

    settings.FORMS_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.FORMS_TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7"  # the client-written left part is ignored


def test_ipv6_visitors_count_per_64_block(settings):
    settings.FORMS_TRUSTED_PROXY_COUNT = 0
    one = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2::1")
    same_block = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    other_block = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:3::1")

    assert address_hash(one) == address_hash(same_block) != address_hash(other_block)


def test_the_upload_handler_stops_reading_past_the_limit(settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 10
    handler = RequestSizeLimitUploadHandler()

    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(None, {}, 11, b"x")
    handler.handle_raw_input(None, {}, 5, b"x")  # a body claiming to be small …
    handler.receive_data_chunk(b"12345", 0)
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"123456", 5)  # … is stopped once it is not
