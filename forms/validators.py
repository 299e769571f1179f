"""Validators of the built form fields, with messages a customer understands: an upload's
extension, size and real content (checked in that order, each stopping the file at its first
refusal, so a file of a wrong type or size is never read further), and a date's earliest and
latest day. The content itself is read by ``project.core.files.sniff_upload``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

import django.forms
import filetype
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from project.core.files import (
    EXTENSION_ALIASES,
    TEXT_EXTENSIONS,
    extension_of,
    format_of_extension,
    sniff_upload,
)

DEFAULT_MAX_UPLOAD_MB = 10
# Accepted by a file field that lists no extensions (publishing asks for them): documents and
# photos, as case attachments.
DEFAULT_FILE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "webp", "heic", "txt")
# Photos: what cameras and phones produce. The content decides, read by ``filetype``.
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "heic", "heif", "gif")
IMAGE_FORMATS = frozenset({"jpg", "png", "webp", "heic", "gif"})
_FORMAT_NAMES = {"jpg": "JPEG", "heic": "HEIC"}


def checkable_extensions() -> frozenset[str]:
    """Extensions whose content can be checked; a field may only accept these."""
    return (
        frozenset(kind.extension for kind in filetype.types)
        | frozenset(EXTENSION_ALIASES)
        | TEXT_EXTENSIONS
    )


@deconstructible
class MaxUploadSizeValidator:
    message = _("The file is %(size)s MB; files may be at most %(limit)s MB.")
    code = "file_too_large"

    def __init__(self, limit_mb: int):
        self.limit_mb = limit_mb

    def __call__(self, uploaded):
        if uploaded.size > self.limit_mb * 1024 * 1024:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"size": f"{uploaded.size / 1024 / 1024:.1f}", "limit": self.limit_mb},
            )

    def __eq__(self, other):
        return isinstance(other, MaxUploadSizeValidator) and other.limit_mb == self.limit_mb


@deconstructible
class DateLimitValidator:
    """The day of a date, or of a date-time, must not be before (``latest=False``) or after
    (``latest=True``) ``limit``, which is included.

    A date-time's day is the one written in its own offset: what the visitor typed (read in the
    current time zone) or, for an API client sending ``2026-04-01T02:00:00+05:00``, the first of
    April. It is the day at the start of the stored text, so the JSON Schema, which can only read
    that text, agrees with this check."""

    code_earliest, code_latest = "min_date", "max_date"

    def __init__(self, limit: datetime.date, message, *, latest: bool):
        self.limit, self.message, self.latest = limit, message, latest

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if (day > self.limit) if self.latest else (day < self.limit):
            raise ValidationError(
                self.message,
                code=self.code_latest if self.latest else self.code_earliest,
                params={"limit_value": self.limit.isoformat(), "value": value},
            )

    def __eq__(self, other):
        return isinstance(other, DateLimitValidator) and (
            other.limit,
            other.latest,
            other.message,
        ) == (self.limit, self.latest, self.message)


# --- Uploads: the extension, the size, then the real type read from the content ----------------


@deconstructible
class AllowedExtensionValidator(FileExtensionValidator):
    """The name's extension must be allowed; other spellings of an allowed format count
    (``photo.jpeg`` where jpg is allowed)."""

    def __call__(self, value):
        extension = extension_of(value.name or "")
        allowed = {format_of_extension(ext) for ext in self.allowed_extensions}
        if format_of_extension(extension) not in allowed:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "extension": extension,
                    "allowed_extensions": ", ".join(self.allowed_extensions),
                    "value": value,
                },
            )


@deconstructible
class UploadContentValidator:
    """Refuses a file whose content is not of one of the allowed types, read from the bytes
    (``project.core.files.sniff_upload``) and never from the name alone: a ``.jpg`` that really
    is an ``.exe`` is refused. On success the upload's ``content_type`` is replaced by the one
    read from the content, so whoever stores it next need not trust the browser's."""

    code = "file_content"
    messages = {
        "known": _(
            "The content of “%(name)s” is of type %(actual)s, which is not accepted here; "
            "upload one of: %(allowed)s."
        ),
        "unknown": _("The content of “%(name)s” is none of the accepted types: %(allowed)s."),
        "not_an_image": _(
            "“%(name)s” is not a photo: upload a JPEG, PNG, WebP, HEIC or GIF image."
        ),
    }

    def __init__(self, extensions: Sequence[str], *, images_only: bool = False):
        self.extensions = tuple(extensions)
        self.images_only = images_only

    def __call__(self, uploaded):
        formats = {format_of_extension(ext) for ext in self.extensions}
        if self.images_only:
            formats &= IMAGE_FORMATS
        # The name chose between the formats the bytes cannot tell apart (a zip named .docx is a
        # document): the extension was checked first, so that name is one of the allowed.
        found, content_type = sniff_upload(uploaded)
        if found in formats:
            uploaded.content_type = content_type
            return
        params = {"name": uploaded.name, "allowed": ", ".join(self.extensions)}
        if self.images_only:
            key = "not_an_image"
        elif found is None:
            key = "unknown"
        else:
            key = "known"
            params["actual"] = _FORMAT_NAMES.get(found, found.upper())
        raise ValidationError(self.messages[key], code=self.code, params=params)

    def __eq__(self, other):
        return (
            isinstance(other, UploadContentValidator)
            and other.extensions == self.extensions
            and other.images_only == self.images_only
        )


def check_upload(field: django.forms.FileField, upload) -> None:
    """Run a file field's checks on one upload, stopping at the first refusal so that a file
    of a wrong type or size is never read further."""
    upload = django.forms.FileField.to_python(field, upload)
    for validator in field.validators:
        validator(upload)


# --- Dates ---------------------------------------------------------------------------------------


def date_limits(spec: Mapping) -> tuple[datetime.date | None, datetime.date | None]:
    """A spec's earliest and latest day (``min_date``, ``max_date``: ISO text in a version's
    schema; versions published before they existed have neither)."""
    return _date_or_none(spec.get("min_date")), _date_or_none(spec.get("max_date"))


def _date_or_none(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
