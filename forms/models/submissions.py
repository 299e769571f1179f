"""What visitors send through the public form pages: submissions, their files, and the files
kept between the steps of a multi-step form. Files live in private storage
(``project.core.files.private_storage``) and are served only after a permission check."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from forms.models.definitions import CLEAN_NAME_MAX_LENGTH, FormDefinition, FormVersion
from project.core.files import private_storage

# Readable over the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_submission_reference() -> str:
    """A random reference such as ``K7QM-4ZPX``: shown to the submitter, unguessable, and it does
    not reveal how many submissions there are."""
    code = get_random_string(8, allowed_chars=REFERENCE_ALPHABET)
    return f"{code[:4]}-{code[4:]}"


# Old migrations refer to the storage by this name; it is the shared one.
_private_storage = private_storage


class FormSubmission(models.Model):
    """What a visitor sent through a form page, with the exact version they filled in.

    ``data`` is the version's ``get_data_for_storage()`` output; an uploaded file's answer refers
    to its ``SubmissionFile`` (``{"file": id, "name", "size", "content_type", "sha256"}``).
    Labels always come from ``form_version``, so a submission reads as it was filled in.
    """

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_submission_reference
    )
    form = models.ForeignKey(
        FormDefinition,
        verbose_name=_("form"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    form_version = models.ForeignKey(
        FormVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("answers"), encoder=DjangoJSONEncoder, default=dict)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitter_email = models.EmailField(_("submitter's e-mail"), blank=True)
    address_hash = models.CharField(
        _("address hash"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Keyed hash of the sender's network address; the address is not stored."),
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        indexes = [
            models.Index(fields=["form", "-submitted_at"], name="forms_submission_form"),
        ]

    def __str__(self):
        return self.reference

    def clean(self):
        super().clean()
        if self.form_version_id and self.form_id and self.form_version.form_id != self.form_id:
            raise ValidationError({"form_version": _("This version belongs to another form.")})


def submission_file_path(instance: SubmissionFile, filename: str) -> str:
    # The visitor's file name is kept in the row only: paths use nothing they chose.
    return f"forms/submissions/{instance.submission.reference}/{uuid.uuid4().hex}"


class SubmissionFile(models.Model):
    """A file sent with a form submission, kept in private storage and downloaded only through
    the admin after a permission check."""

    submission = models.ForeignKey(FormSubmission, on_delete=models.CASCADE, related_name="files")
    field_name = models.CharField(_("field"), max_length=CLEAN_NAME_MAX_LENGTH)
    slot = models.CharField(
        _("slot"),
        max_length=120,
        blank=True,
        help_text=_(
            "Which of the field's files, for fields that take several (e.g. a photo list)."
        ),
    )
    file = models.FileField(upload_to=submission_file_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")

    def __str__(self):
        return self.original_name


def pending_upload_path(instance: PendingUpload, filename: str) -> str:
    return f"forms/pending/{instance.created_at:%Y%m%d}/{instance.pk.hex}"


class PendingUpload(models.Model):
    """A file sent on an earlier step of a multi-step form, kept privately until the last step is
    sent (it then moves to the submission or case and this row goes) or it expires
    (``FORMS_PENDING_UPLOAD_HOURS``; a periodic task removes it). ``progress`` is the random token
    of the visitor's progress in their session: only that progress can use the file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    progress = models.CharField(max_length=64, db_index=True)
    file = models.FileField(upload_to=pending_upload_path, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self):
        return self.original_name


@receiver(post_delete, sender=SubmissionFile)
@receiver(post_delete, sender=PendingUpload)
def _delete_stored_file(sender, instance, **kwargs):
    """The stored file goes with its row, once the deletion is committed."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
