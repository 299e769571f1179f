"""Writes of the public side of the forms engine: submissions, their files, the files kept between
the steps of a multi-step form, and confirmation e-mails."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from forms.choices import FieldType
from forms.models.definitions import FormVersion
from forms.models.submissions import FormSubmission, PendingUpload, SubmissionFile
from project.core.files import sha256_of, sniff_content_type
from project.core.tasks import send_email

# --- Submissions ---------------------------------------------------------------------------------


def submission_create(
    *,
    version: FormVersion,
    form,
    page=None,
    submitter_email: str = "",
    address_hash: str = "",
    now: datetime.datetime | None = None,
) -> FormSubmission:
    """Store a valid form's answers with the version it was filled with. Each uploaded file
    (validated by the form: size, extension, real type) is kept privately as a
    ``SubmissionFile`` and the answer refers to it."""
    if not form.is_valid():
        raise ValueError("Only a valid form can be submitted.")
    with transaction.atomic():
        submission = FormSubmission.objects.create(
            form_id=version.form_id,
            form_version=version,
            page=page,
            data={},
            submitted_at=now or timezone.now(),
            submitter_email=submitter_email[:254],
            address_hash=address_hash,
        )

        def save_file(spec, upload, slot) -> dict:
            stored = SubmissionFile(
                submission=submission,
                field_name=spec["clean_name"],
                slot="" if slot is None else str(slot)[:120],
                original_name=(upload.name or "file")[-255:],
                content_type=sniff_content_type(upload),
                size=upload.size,
                sha256=sha256_of(upload),
            )
            stored.file.save(upload.name or "file", upload, save=False)
            stored.save()
            return {
                "file": stored.pk,
                "name": stored.original_name,
                "size": stored.size,
                "content_type": stored.content_type,
                "sha256": stored.sha256,
            }

        submission.data = form.get_data_for_storage(save_file=save_file)
        submission.save(update_fields=["data"])
    return submission


def submitter_email_of(form) -> str:
    """The answer of the field named ``email``, else of the form's first e-mail field."""
    data = getattr(form, "cleaned_data", {}) or {}
    specs = [spec for spec in form.schema if spec["field_type"] == FieldType.EMAIL]
    specs.sort(key=lambda spec: spec["clean_name"] != "email")
    for spec in specs:
        value = data.get(spec["clean_name"])
        if value:
            return str(value)
    return ""


# --- Files kept between steps --------------------------------------------------------------------


def uploaded_files_in(value: Any) -> Iterable[UploadedFile]:
    """The uploaded files inside a cleaned value (a file, a list of them, a dict by slot …)."""
    if isinstance(value, UploadedFile):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from uploaded_files_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from uploaded_files_in(item)


def pending_uploads_store(
    *, progress: str, form, names: Iterable[str], files: MultiValueDict
) -> list[dict]:
    """Keep the files just posted for the fields ``names`` of a validated step, so the last step
    can validate and store them. Only files the form accepted (a shown field without errors) are
    kept; the result goes into the visitor's progress."""
    accepted: dict[int, str] = {}
    for name in names:
        if name in form.errors:
            continue
        for upload in uploaded_files_in(form.cleaned_data.get(name)):
            accepted[id(upload)] = name
    records = []
    for key in files:
        uploads = [upload for upload in files.getlist(key) if id(upload) in accepted]
        if not uploads:
            continue
        ids, file_names = [], []
        for upload in uploads:
            pending = PendingUpload(
                progress=progress,
                original_name=(upload.name or "file")[-255:],
                content_type=getattr(upload, "content_type", "") or "",
                size=upload.size,
            )
            upload.seek(0)
            pending.file.save(pending.original_name, upload, save=False)
            upload.seek(0)
            pending.save()
            ids.append(str(pending.pk))
            file_names.append(pending.original_name)
        records.append(
            {"key": key, "field": accepted[id(uploads[0])], "ids": ids, "names": file_names}
        )
    return records


def pending_upload_files(records: Iterable[Mapping], *, progress: str) -> MultiValueDict:
    """The kept files of ``records`` as uploaded files again, by the key they were posted under.
    Files of another progress or already gone are left out (the form then asks for them)."""
    records = list(records)
    ids = [pk for record in records for pk in record.get("ids", [])]
    uploads = {
        str(upload.pk): upload
        for upload in PendingUpload.objects.filter(pk__in=ids, progress=progress)
    }
    files = MultiValueDict()
    for record in records:
        opened = []
        for pk in record.get("ids", []):
            pending = uploads.get(pk)
            if pending is None:
                continue
            try:
                handle = pending.file.open("rb")
            except FileNotFoundError:
                continue
            opened.append(
                UploadedFile(
                    file=handle,
                    name=pending.original_name,
                    content_type=pending.content_type,
                    size=pending.size,
                )
            )
        if opened:
            files.setlist(record["key"], opened)
    return files


def pending_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the kept files of progress older than ``FORMS_PENDING_UPLOAD_HOURS``; returns how
    many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.FORMS_PENDING_UPLOAD_HOURS)
    count = 0
    for upload in PendingUpload.objects.filter(created_at__lt=cutoff).iterator():
        upload.delete()
        count += 1
    return count


# --- Confirmation e-mails ------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_placeholders(template: str, values: Mapping[str, Any]) -> str:
    """``"Hello {name}"`` → ``"Hello Ada"``. Only known names are replaced (unknown ones stay as
    written); nothing else of Python's formatting applies, so a template cannot reach attributes."""

    def replace(match):
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, template or "")


# Placeholders confirmations no longer fill: ``{name}`` was the visitor's own answer, and anyone
# can type someone else's address. Left in a published text, they are dropped when sending
# (``fill_confirmation``); a page's ``clean`` asks for them to be removed.
RETIRED_CONFIRMATION_PLACEHOLDERS = ("name",)


def fill_confirmation(template: str, values: Mapping[str, Any]) -> str:
    """The confirmation text with its placeholders filled; a retired placeholder is dropped
    with the spaces before it ("Hello {name}," sends "Hello,")."""
    for name in RETIRED_CONFIRMATION_PLACEHOLDERS:
        template = re.sub(rf"[ \t]*\{{{name}\}}", "", template or "")
    return fill_placeholders(template, values)


def unknown_placeholders(template: str, known: Iterable[str]) -> list[str]:
    known = set(known)
    return sorted({name for name in PLACEHOLDER.findall(template or "") if name not in known})


def confirmation_schedule(*, to: str, subject: str, body: str) -> None:
    """Send the confirmation through the queue once the submission is committed (a rolled-back
    submission sends nothing)."""
    subject = " ".join(subject.split())[:250]  # one line: a header cannot carry newlines
    transaction.on_commit(lambda: send_email(to=to, subject=subject, body=body), robust=True)
