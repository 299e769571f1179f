"""The runtime form builder: a form version's schema in, a validated ``django.forms.Form`` out.

Shaped like ``wagtail.contrib.forms``' ``FormBuilder``: one ``create_<field_type>_field`` method
per field type, ``formfields`` and ``get_form_class()``. The server-side form built here is the
source of truth for every place a form is filled (workflow intake and step forms, public pages,
the API); ``forms.jsonschema.form_json_schema`` describes the same stored shapes for headless
clients.

Stored answers (``form.get_data_for_storage()``) are JSON-native, keyed by ``clean_name``:

========================  =========================================================
field type                stored value
========================  =========================================================
single_line, multi_line,  ``"text"`` (``""`` when left empty)
email
phone                     ``"+82234567890"`` (E.164; ``""`` when left empty)
number                    ``"12.50"`` (a Decimal as a string; ``null`` when empty)
money                     ``{"amount": "12.50", "currency": "EUR"}`` (the amount with
                          the currency's minor units; ``null`` when empty)
date                      ``"2026-03-31"``
datetime                  ``"2026-03-31T14:30:00Z"`` (ISO 8601, as DjangoJSONEncoder)
checkbox                  ``true`` / ``false``
dropdown, radio           ``"the choice"`` (``""`` when none)
multi_select              ``["a", "b"]`` (each choice once, in the order posted)
file                      ``[ref, …]``: always a list (``[]`` when none), at most
                          ``max_length`` files (default 1)
image                     with a checklist (``choices``: one label per line):
                          ``{"front": ref, "serial_number": ref | null, …}``, every
                          label's key present; without one: ``[ref, …]`` as file
signature                 ``ref`` of ``signature.png`` (``null`` when not signed)
line_items                ``{"rows": [{"code": "A-1", "description": "Strap",
                          "quantity": "2", "unit_price": "12.50", "total": "25.00"}],
                          "total": "25.00", "currency": "EUR" | null}`` (decimals as
                          strings; ``null`` when no row was filled in)
heading, page_break       nothing: layout only
========================  =========================================================

``ref`` is what the caller's ``save_file(spec, uploaded_file, slot)`` returns for a file it saved
(see ``SchemaForm.get_data_for_storage``); it must be a JSON-native dict holding at least
``name``, ``size`` and ``content_type`` (the JSON Schema requires them) and may add its own keys
(``attachment``, ``sha256`` …). Without ``save_file`` nothing is saved and ``ref`` is
``{"name", "size", "content_type"}`` (``SchemaForm.get_file_for_storage``). ``content_type`` is
read from the file's content, never taken from the browser.

Per field type, the ``FormField`` columns that are not obvious:

- file: ``allowed_extensions`` (required; the content must be of one of these types, whatever the
  name says), ``max_upload_mb`` per file (default 10), ``max_length``/``min_length`` the most and
  fewest files (default 1; the least applies once a file is sent, a required field needs one).
- image: ``choices`` the checklist labels; ``allowed_extensions`` optional (default the photo
  types: jpg, jpeg, png, webp, heic, heif, gif); the content must be a JPEG, PNG, WebP, HEIC or GIF
  image; ``max_upload_mb`` per photo; without a checklist ``max_length``/``min_length`` as file.
- date, datetime: ``min_date``/``max_date`` the earliest and latest day accepted, both included
  (for a date-time, the day written in its own offset; see ``DateLimitValidator``).
- signature: drawn on a canvas and posted as a PNG data URL; stored as ``signature.png``.
- line_items: ``default_value`` a currency code (unit prices and totals get its decimals, 2
  without one), ``min_length``/``max_length`` the fewest and most rows (at most 200).

Fields hidden by their condition are neither validated, required nor stored.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import io
import json
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import django.forms
import filetype
import phonenumbers
import PIL.Image
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import (
    FileExtensionValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.utils.deconstruct import deconstructible
from django.utils.html import conditional_escape
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from forms.choices import LAYOUT_TYPES, UPLOAD_TYPES, FieldType
from forms.rules import Rule, parse_rule
from forms.widgets import (
    LINE_ITEM_COLUMNS,
    SIGNATURE_DATA_URL_PREFIX,
    FileInput,
    LineItemsWidget,
    MultipleFileInput,
    PhotoChecklistWidget,
    SignatureWidget,
)
from project.core.files import (
    EXTENSION_ALIASES,
    TEXT_EXTENSIONS,
    extension_of,
    format_of_extension,
    sniff_upload,
)
from project.stores.choices import CURRENCY_DECIMALS, Currency

DEFAULT_MAX_UPLOAD_MB = 10
# Accepted by a file field that lists no extensions (publishing asks for them): documents and
# photos, as case attachments.
DEFAULT_FILE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "webp", "heic", "txt")
# The most files one file field (``max_length``) may take.
MAX_FILES_PER_FIELD = 20
SINGLE_LINE_MAX_LENGTH = 255
MULTI_LINE_MAX_LENGTH = 10_000
# Enough for any real amount; it also keeps "1e999999" from becoming a million-digit string.
MAX_DIGITS = 18
PHONE_MAX_LENGTH = 40

_json_encoder = DjangoJSONEncoder()


class UnsupportedFieldType(ValidationError):
    """A form contains a field type the builder cannot render (yet).

    Raised when publishing such a form, so that a designer cannot publish what the runtime cannot
    show, and by the builder if such a schema reaches it anyway.
    """


# --- Fields and validators --------------------------------------------------------------------


class PhoneNumberField(django.forms.CharField):
    """A phone number in international form, cleaned to E.164 (``+82234567890``)."""

    widget = django.forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a phone number in international form, e.g. +82 2 3456 7890."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        text = value.strip()
        if text.startswith("00"):  # the international call prefix used in most of the world
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class MoneyWidget(django.forms.MultiWidget):
    """An amount and a currency; posted as ``<name>_amount`` and ``<name>_currency``."""

    def __init__(self, currency_choices, attrs=None):
        widgets = {
            "amount": django.forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "currency": django.forms.Select(choices=currency_choices),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, Mapping):
            return [value.get("amount"), value.get("currency")]
        return [None, None]


class MoneyField(django.forms.MultiValueField):
    """Cleans to ``{"amount": Decimal, "currency": "EUR"}``, the amount rounded to the currency's
    minor units (refused when it has more decimals than the currency allows)."""

    default_error_messages = {
        "invalid_amount": _("Enter an amount such as 12.50."),
        "currency_required": _("Choose the currency of the amount."),
        "too_many_decimals": _("%(currency)s amounts have at most %(decimals)s decimals."),
        "no_decimals": _("%(currency)s amounts have no decimals."),
        "min_value": _("Enter an amount of at least %(limit_value)s."),
        "max_value": _("Enter an amount of at most %(limit_value)s."),
    }

    def __init__(
        self,
        *,
        currencies: Sequence[str],
        default_currency: str = "",
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        placeholder: str = "",
        **kwargs,
    ):
        self.min_value, self.max_value = min_value, max_value
        self.default_currency = default_currency
        choices = [(code, code) for code in currencies]
        if not default_currency and len(choices) > 1:
            choices.insert(0, ("", _("Currency")))
        amount = django.forms.DecimalField(
            max_digits=MAX_DIGITS,
            required=False,
            error_messages={"invalid": self.default_error_messages["invalid_amount"]},
        )
        currency = django.forms.ChoiceField(
            choices=choices,
            required=False,
            error_messages={"invalid_choice": _("Choose one of the currencies offered.")},
        )
        widget = MoneyWidget(choices)
        if placeholder:
            widget.widgets[0].attrs["placeholder"] = placeholder
        kwargs.setdefault(
            "initial", {"amount": None, "currency": default_currency} if default_currency else None
        )
        super().__init__(
            fields=(amount, currency), require_all_fields=False, widget=widget, **kwargs
        )

    def compress(self, data_list):
        amount, currency = (list(data_list) + [None, None])[:2]
        if amount is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        currency = currency or self.default_currency  # e.g. an API client leaving it out
        if not currency:
            raise ValidationError(
                self.error_messages["currency_required"], code="currency_required"
            )
        decimals = CURRENCY_DECIMALS.get(currency, 2)
        if -amount.as_tuple().exponent > decimals:
            code = "too_many_decimals" if decimals else "no_decimals"
            raise ValidationError(
                self.error_messages[code],
                code=code,
                params={"currency": Currency(currency).label, "decimals": decimals},
            )
        amount = amount.quantize(Decimal(1).scaleb(-decimals))
        for code, limit, refused in (
            ("min_value", self.min_value, lambda a, lim: a < lim),
            ("max_value", self.max_value, lambda a, lim: a > lim),
        ):
            if limit is not None and refused(amount, limit):
                raise ValidationError(
                    self.error_messages[code],
                    code=code,
                    params={"limit_value": f"{_decimal_text(limit)} {currency}"},
                )
        return {"amount": amount, "currency": currency}


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


class UniqueMultipleChoiceField(django.forms.MultipleChoiceField):
    """Each choice once, in the order posted (a client posting one twice means it once)."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


# --- Uploads: the size, then the real type read from the content ---------------------------------

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


class FileListField(django.forms.FileField):
    """One or several files, checked one by one (extension, then size, then content, stopping at
    the first problem); cleans to a list, empty when nothing was sent.

    ``max_files`` > 1 gives an ``<input type="file" multiple>``. ``min_files`` applies as soon as
    one file is sent; a required field needs at least ``max(1, min_files)``.
    """

    default_error_messages = {
        "empty": _("The file is empty."),
        "too_many_files": ngettext_lazy(
            "Choose at most %(limit)d file (you chose %(count)d).",
            "Choose at most %(limit)d files (you chose %(count)d).",
            "limit",
        ),
        "too_few_files": ngettext_lazy(
            "Choose at least %(limit)d file (you chose %(count)d).",
            "Choose at least %(limit)d files (you chose %(count)d).",
            "limit",
        ),
    }
    # Codes of messages that do not name the file: prefixed with it when there are several.
    _UNNAMED = frozenset({"empty", "invalid", "invalid_extension", "file_too_large"})

    def __init__(self, *, max_files: int = 1, min_files: int = 0, **kwargs):
        self.max_files = max(1, max_files)
        self.min_files = min(max(0, min_files), self.max_files)
        if "widget" not in kwargs:
            kwargs["widget"] = MultipleFileInput if self.max_files > 1 else FileInput
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in _as_list(data) if upload not in self.empty_values]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        self._check_count(len(uploads), self.min_files)
        errors = []
        for upload in uploads:
            try:
                check_upload(self, upload)
            except ValidationError as error:
                for item in error.error_list:
                    if len(uploads) > 1 and item.code in self._UNNAMED:
                        errors.append(
                            ValidationError(
                                "“%(file)s”: %(problem)s",
                                code=item.code,
                                params={"file": upload.name, "problem": _message_text(item)},
                            )
                        )
                    else:
                        errors.append(item)
        if errors:
            raise ValidationError(errors)
        return uploads

    def _check_count(self, count: int, minimum: int) -> None:
        for code, limit, refused in (
            ("too_many_files", self.max_files, count > self.max_files),
            ("too_few_files", minimum, count < minimum),
        ):
            if refused:
                raise ValidationError(
                    self.error_messages[code], code=code, params={"limit": limit, "count": count}
                )

    def required_error(self, value) -> ValidationError | None:
        """The error of this field left short while required (see ``SchemaForm.clean``)."""
        count = len(value or [])
        if not count:
            return ValidationError(self.error_messages["required"], code="required")
        try:
            self._check_count(count, max(1, self.min_files))
        except ValidationError as error:
            return error
        return None

    def has_changed(self, initial, data):
        return bool(_as_list(data))


def check_upload(field: django.forms.FileField, upload) -> None:
    """Run a file field's checks on one upload, stopping at the first refusal so that a file
    of a wrong type or size is never read further."""
    upload = django.forms.FileField.to_python(field, upload)
    for validator in field.validators:
        validator(upload)


class PhotoChecklistField(django.forms.Field):
    """One photo per checklist item (``slots``: ``(key, label)`` pairs); cleans to ``{key:
    uploaded file or None}``. Required: every item needs its photo. Each photo is checked like a
    file (extension, size, real image content)."""

    widget = PhotoChecklistWidget
    default_error_messages = {
        "required": _("Add a photo for each item."),
        "missing": _("Add a photo of: %(items)s."),
    }

    def __init__(self, *, slots: Sequence[tuple[str, str]], file_validators=(), **kwargs):
        self.slots = list(slots)
        self.file_validators = list(file_validators)
        kwargs.setdefault("widget", PhotoChecklistWidget(self.slots))
        super().__init__(**kwargs)

    def clean(self, value):
        value = value if isinstance(value, Mapping) else {}
        photos = {key: value.get(key) or None for key, _label in self.slots}
        errors = []
        checker = django.forms.FileField(
            validators=self.file_validators,
            error_messages={"empty": FileListField.default_error_messages["empty"]},
        )
        for key, label in self.slots:
            if photos[key] is None:
                continue
            try:
                check_upload(checker, photos[key])
            except ValidationError as error:
                errors.extend(
                    ValidationError(
                        "%(item)s: %(problem)s",
                        code=item.code,
                        params={"item": label, "problem": _message_text(item)},
                    )
                    for item in error.error_list
                )
        if errors:
            raise ValidationError(errors)
        if self.required:
            error = self.required_error(photos)
            if error is not None:
                raise error
        return photos

    def required_error(self, value) -> ValidationError | None:
        missing = [label for key, label in self.slots if not (value or {}).get(key)]
        if not missing:
            return None
        if len(missing) == len(self.slots):
            return ValidationError(self.error_messages["required"], code="required")
        return ValidationError(
            self.error_messages["missing"], code="required", params={"items": ", ".join(missing)}
        )

    def has_changed(self, initial, data):
        return any((data or {}).values())


def checklist_slots(labels: Sequence[str]) -> list[tuple[str, str]]:
    """``["Front", "Serial number"]`` → ``[("front", "Front"), ("serial_number", "Serial
    number")]``: the keys photos are stored under."""
    return [(checklist_key(label), label) for label in labels]


def checklist_key(label: str) -> str:
    return re.sub(r"_+", "_", slugify(label).replace("-", "_")).strip("_") or "photo"


SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_MAX_SIDE = 4000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class SignatureField(django.forms.Field):
    """A signature drawn on the page, posted as a PNG data URL. Cleans to an uploaded file named
    ``signature.png`` (so it is stored through the same ``save_file`` hook as any upload), or
    None when nothing was drawn.

    The PNG is checked (real PNG header, at most 1 MB and 4000 pixels a side, not blank) and
    encoded again, which drops anything hidden in it besides the drawing.
    """

    widget = SignatureWidget
    default_error_messages = {
        "required": _("Sign in the box to continue."),
        "invalid": _("The signature could not be read; clear it and sign again."),
        "too_large": _("The signature is too large (%(size)s KB; at most %(limit)s KB)."),
    }

    def to_python(self, value):
        if value in self.empty_values or not isinstance(value, str):
            return None
        if not value.startswith(SIGNATURE_DATA_URL_PREFIX):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        encoded = value[len(SIGNATURE_DATA_URL_PREFIX) :]
        # base64 grows by 4/3: refuse before decoding anything clearly too large.
        if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={
                    "size": len(encoded) * 3 // 4 // 1024,
                    "limit": SIGNATURE_MAX_BYTES // 1024,
                },
            )
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        png = self._redrawn_png(data)
        if png is None:
            return None  # a blank pad is no signature
        return SimpleUploadedFile("signature.png", png, content_type="image/png")

    def _redrawn_png(self, data: bytes) -> bytes | None:
        if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        width, height = struct.unpack(">II", data[16:24])
        if not (0 < width <= SIGNATURE_MAX_SIDE and 0 < height <= SIGNATURE_MAX_SIDE):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            with PIL.Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                image.load()
                drawing = image.convert("RGBA")
        except (OSError, ValueError, PIL.Image.DecompressionBombError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if drawing.getchannel("A").getextrema()[1] == 0 or drawing.getcolors(1) is not None:
            return None  # fully transparent, or a single colour: nothing was drawn
        output = io.BytesIO()
        drawing.save(output, format="PNG", optimize=True)
        return output.getvalue()

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def required_error(self, value) -> ValidationError | None:
        if value is None:
            return ValidationError(self.error_messages["required"], code="required")
        return None

    def bound_data(self, data, initial):
        return data  # the posted drawing, painted again when the form is shown with errors

    def has_changed(self, initial, data):
        return bool(data)


LINE_ITEMS_MAX_ROWS = 200
LINE_ITEM_CODE_MAX_LENGTH = 64
LINE_ITEM_DESCRIPTION_MAX_LENGTH = 500
QUANTITY_MAX_DECIMALS = 6
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class LineItemsField(django.forms.Field):
    """A table of rows (code, description, quantity, unit price) with totals computed here.

    Cleans to ``{"rows": [{"code", "description", "quantity", "unit_price", "total"}],
    "total": Decimal, "currency": code or None}`` (None when no row was filled in and the field
    is optional). Blank rows are skipped; errors name the row as the table numbers it. Unit
    prices and totals have the currency's decimals (2 without a currency); each line total is
    rounded half up, and the total is the sum of the rounded line totals.
    """

    widget = LineItemsWidget
    default_error_messages = {
        "required": _("Add at least one line."),
        "too_many_rows": ngettext_lazy(
            "Use at most %(limit)d line (you filled in %(count)d).",
            "Use at most %(limit)d lines (you filled in %(count)d).",
            "limit",
        ),
        "too_few_rows": ngettext_lazy(
            "Add at least %(limit)d line (you filled in %(count)d).",
            "Add at least %(limit)d lines (you filled in %(count)d).",
            "limit",
        ),
        "description_required": _("Row %(row)d: enter a description."),
        "code_too_long": _("Row %(row)d: use at most %(limit)d characters for the code."),
        "description_too_long": _(
            "Row %(row)d: use at most %(limit)d characters for the description."
        ),
        "quantity_required": _("Row %(row)d: enter a quantity."),
        "quantity_invalid": _("Row %(row)d: enter a quantity such as 1 or 2.5."),
        "quantity_not_positive": _("Row %(row)d: the quantity must be more than 0."),
        "quantity_decimals": _("Row %(row)d: use at most %(limit)d decimals for the quantity."),
        "unit_price_required": _("Row %(row)d: enter a unit price."),
        "unit_price_invalid": _("Row %(row)d: enter a unit price such as 12.50."),
        "unit_price_negative": _("Row %(row)d: the unit price cannot be negative."),
        "unit_price_decimals": _("Row %(row)d: use at most %(limit)d decimals for the unit price."),
        "unit_price_no_decimals": _("Row %(row)d: %(currency)s prices have no decimals."),
        "too_large": _("Row %(row)d: the amounts are too large."),
        "total_too_large": _("The total is too large."),
    }

    def __init__(
        self,
        *,
        min_rows: int = 0,
        max_rows: int | None = None,
        currency: str = "",
        **kwargs,
    ):
        self.max_rows = min(max_rows or LINE_ITEMS_MAX_ROWS, LINE_ITEMS_MAX_ROWS)
        self.min_rows = min(max(0, min_rows), self.max_rows)
        self.currency = currency
        self.decimals = CURRENCY_DECIMALS.get(currency, 2) if currency else 2
        self.quantum = Decimal(1).scaleb(-self.decimals)
        kwargs.setdefault(
            "widget",
            LineItemsWidget(
                blank_rows=max(3, self.min_rows),
                max_rows=self.max_rows,
                decimals=self.decimals,
                currency=currency,
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        rows = LineItemsWidget.rows_of(value)
        if len(rows) > LINE_ITEMS_MAX_ROWS * 2:  # blank ones included; beyond that, abuse
            raise ValidationError(
                self.error_messages["too_many_rows"],
                code="too_many_rows",
                params={"limit": self.max_rows, "count": len(rows)},
            )
        cleaned, errors = [], []
        for number, row in enumerate(rows, start=1):
            texts = {column: (row.get(column) or "").strip() for column in LINE_ITEM_COLUMNS}
            if not any(texts.values()):
                continue
            try:
                cleaned.append(self._clean_row(number, texts))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        if not cleaned:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        self._check_count(len(cleaned), self.min_rows)
        with localcontext(prec=2 * MAX_DIGITS + 4):
            total = sum((row["total"] for row in cleaned), Decimal(0))
        if _digits(total) > MAX_DIGITS:
            raise ValidationError(self.error_messages["total_too_large"], code="total_too_large")
        return {"rows": cleaned, "total": total, "currency": self.currency or None}

    def _clean_row(self, number: int, texts: dict[str, str]) -> dict[str, Any]:
        errors = []

        def refuse(code, **params):
            errors.append(
                ValidationError(
                    self.error_messages[code], code=code, params={"row": number, **params}
                )
            )

        if len(texts["code"]) > LINE_ITEM_CODE_MAX_LENGTH:
            refuse("code_too_long", limit=LINE_ITEM_CODE_MAX_LENGTH)
        if not texts["description"]:
            refuse("description_required")
        elif len(texts["description"]) > LINE_ITEM_DESCRIPTION_MAX_LENGTH:
            refuse("description_too_long", limit=LINE_ITEM_DESCRIPTION_MAX_LENGTH)

        quantity = _parse_decimal(texts["quantity"])
        if not texts["quantity"]:
            refuse("quantity_required")
        elif quantity is None or _digits(quantity) > MAX_DIGITS:
            refuse("quantity_invalid")
        elif quantity <= 0:
            refuse("quantity_not_positive")
        elif -quantity.as_tuple().exponent > QUANTITY_MAX_DECIMALS:
            refuse("quantity_decimals", limit=QUANTITY_MAX_DECIMALS)

        price = _parse_decimal(texts["unit_price"])
        if not texts["unit_price"]:
            refuse("unit_price_required")
        elif price is None or _digits(price) > MAX_DIGITS:
            refuse("unit_price_invalid")
        elif price < 0:
            refuse("unit_price_negative")
        elif -price.as_tuple().exponent > self.decimals:
            if self.decimals:
                refuse("unit_price_decimals", limit=self.decimals)
            else:
                refuse("unit_price_no_decimals", currency=Currency(self.currency).label)
        if errors:
            raise ValidationError(errors)

        if price.is_zero():
            price = Decimal(0)  # not "-0.00"
        with localcontext(prec=2 * MAX_DIGITS + 4):
            price = price.quantize(self.quantum)
            total = (quantity * price).quantize(self.quantum, rounding=ROUND_HALF_UP)
        if _digits(total) > MAX_DIGITS:
            refuse("too_large")
            raise ValidationError(errors)
        return {
            "code": texts["code"],
            "description": texts["description"],
            "quantity": quantity,
            "unit_price": price,
            "total": total,
        }

    def _check_count(self, count: int, minimum: int) -> None:
        for code, limit, refused in (
            ("too_many_rows", self.max_rows, count > self.max_rows),
            ("too_few_rows", minimum, count < minimum),
        ):
            if refused:
                raise ValidationError(
                    self.error_messages[code], code=code, params={"limit": limit, "count": count}
                )

    def required_error(self, value) -> ValidationError | None:
        if not value or not value.get("rows"):
            return ValidationError(self.error_messages["required"], code="required")
        try:
            self._check_count(len(value["rows"]), max(1, self.min_rows))
        except ValidationError as error:
            return error
        return None

    def bound_data(self, data, initial):
        return data

    def has_changed(self, initial, data):
        return bool(LineItemsWidget.rows_of(data))


def _parse_decimal(text: str) -> Decimal | None:
    """A plain decimal (``12``, ``-0.5``, ``.5``); None for anything else, including ``NaN``,
    ``Infinity`` and exponents, which no one types into a price."""
    if not _DECIMAL_TEXT.fullmatch(text):
        return None
    return Decimal(text)


def _digits(value: Decimal) -> int:
    sign, digits, exponent = value.as_tuple()
    return max(len(digits), -exponent) if exponent < 0 else len(digits) + exponent


def _as_list(data) -> list:
    if data is None:
        return []
    if isinstance(data, list | tuple):
        return list(data)
    return [data]


def _message_text(error: ValidationError) -> str:
    message = error.message
    return str(message % error.params if error.params else message)


# --- The form ---------------------------------------------------------------------------------


SaveFile = Callable[[Mapping[str, Any], UploadedFile, "str | int | None"], dict[str, Any]]


# How the browser reads each type's answer in a rule (forms/static/forms/conditions.js).
BROWSER_KINDS = {
    FieldType.NUMBER: "decimal",
    FieldType.MONEY: "money",
    FieldType.CHECKBOX: "boolean",
    FieldType.MULTI_SELECT: "list",
    FieldType.DATE: "date",
    FieldType.DATETIME: "datetime",
    FieldType.FILE: "file",
    FieldType.IMAGE: "file",
    FieldType.SIGNATURE: "file",
    FieldType.LINE_ITEMS: "other",
}


def browser_kind(field_type: str) -> str:
    return BROWSER_KINDS.get(field_type, "string")


def _browser_value(value: Any) -> Any:
    """A cleaned value as the browser's rule evaluation reads it (dates tagged)."""
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(key): _browser_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_browser_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return "file"  # an upload: only whether there is one matters


class SchemaForm(django.forms.Form):
    """Base class of every built form. Subclasses carry the version's schema and parsed rules.

    After validation, ``hidden_names`` holds the fields whose condition did not hold; they are
    missing from ``cleaned_data``, from ``uploads()`` and from ``get_data_for_storage()``.
    """

    schema: tuple[dict, ...] = ()
    conditions: Mapping[str, Rule] = {}
    # Fields the designer marked required that have a condition: required only when shown.
    conditionally_required: frozenset[str] = frozenset()
    # Input fields in schema order with their type: what clean() and storage walk through.
    inputs: tuple[tuple[str, str, dict], ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.hidden_names: set[str] = set()

    def clean(self):
        cleaned_data = super().clean()
        context: dict[str, Any] = {}
        self.hidden_names = hidden = set()
        conditions = self.conditions
        for spec in self.schema:
            name = spec["clean_name"]
            rule = conditions.get(name)
            if rule is not None and not rule.evaluate(context):
                hidden.add(name)
                # Whatever a hidden field received is ignored: no errors, nothing stored.
                cleaned_data.pop(name, None)
                self._errors.pop(name, None)
                continue
            if name not in self.fields:
                continue  # a layout item
            if name in self.conditionally_required and name not in self._errors:
                error = self.get_required_error(spec, self.fields[name], cleaned_data.get(name))
                if error is not None:
                    self.add_error(name, error)
            context[name] = cleaned_data.get(name)
        return cleaned_data

    def get_required_error(self, spec: Mapping, field: django.forms.Field, value: Any):
        """The error of a shown, required field left unanswered, or None. Fields that know
        better (several files, a photo checklist, line items) say it with ``required_error``."""
        required_error = getattr(field, "required_error", None)
        if required_error is not None:
            return required_error(value)
        if self.is_empty_answer(spec, value):
            return ValidationError(field.error_messages["required"], code="required")
        return None

    @staticmethod
    def is_empty_answer(spec: Mapping, value: Any) -> bool:
        if spec["field_type"] == FieldType.CHECKBOX:
            return not value
        return value in django.forms.Field.empty_values

    @property
    def media(self):
        media = super().media
        if self.conditions:
            media += django.forms.Media(js=["forms/conditions.js"])
        return media

    def browser_answers(self, names: Iterable[str], files: Iterable[str] = ()) -> dict[str, Any]:
        """The cleaned answers to ``names`` (earlier steps of a bound, validated form) as JSON
        values for the browser's rule evaluation; ``files``: upload fields known to hold one."""
        cleaned = getattr(self, "cleaned_data", {})
        answers = {name: _browser_value(cleaned.get(name)) for name in names if name in cleaned}
        answers.update(dict.fromkeys(files, "file"))
        return answers

    def is_shown(self, name: str) -> bool:
        """Whether the field (or layout item) is shown, as known after validation."""
        return name not in self.hidden_names

    def iter_items(self):
        """Yield ``(spec, bound_field)`` in schema order; ``bound_field`` is None for headings
        and page breaks. Templates render the form through this."""
        for spec in self.schema:
            name = spec["clean_name"]
            yield spec, (self[name] if name in self.fields else None)

    def uploads(self) -> Iterator[tuple[Mapping, str | int | None, UploadedFile]]:
        """Yield ``(spec, slot, uploaded_file)`` for every file of the shown fields of a valid
        form, in schema order: ``slot`` is the checklist key of a photo (``"front"``), the
        position of a file in a field taking several (0, 1 …), None otherwise (a single file,
        a signature). Raises ``ValueError`` for an unbound or invalid form."""
        if not self.is_valid():
            raise ValueError("Only the files of a valid, bound form can be stored.")
        for name, field_type, spec in self.inputs:
            if field_type in UPLOAD_TYPES and name in self.cleaned_data:
                for slot, uploaded in self._slots(spec, self.cleaned_data[name]):
                    if uploaded is not None:  # a checklist item left without a photo
                        yield spec, slot, uploaded

    def _slots(self, spec: Mapping, value: Any) -> Iterator[tuple[str | int | None, Any]]:
        """``(slot, uploaded file or None)`` of one upload field's cleaned value."""
        if value is None:
            return
        if isinstance(value, Mapping):
            yield from value.items()
        elif isinstance(value, list):
            several = getattr(self.fields[spec["clean_name"]], "max_files", 1) > 1
            for index, uploaded in enumerate(value):
                yield (index if several else None), uploaded
        else:
            yield None, value

    def get_data_for_storage(self, save_file: SaveFile | None = None) -> dict[str, Any]:
        """The answers of the shown input fields, JSON-native, keyed by clean_name.

        See the module docstring for each type's shape. ``save_file(spec, uploaded_file, slot)``
        persists one uploaded file and returns its JSON-native reference (a dict with at least
        ``name``, ``size`` and ``content_type``); it is called once per file (as ``uploads()``
        lists them) on each call of this method. Without it nothing is saved and the reference
        is ``get_file_for_storage()``'s. Raises ``ValueError`` for a form that is unbound or
        invalid, so partial answers are never stored.
        """
        if not self.is_valid():
            raise ValueError("Only the data of a valid, bound form can be stored.")
        data = {}
        cleaned_data = self.cleaned_data
        for name, field_type, spec in self.inputs:
            if name not in cleaned_data:
                continue
            if field_type in UPLOAD_TYPES:
                data[name] = self.get_files_for_storage(spec, cleaned_data[name], save_file)
            else:
                data[name] = self.get_value_for_storage(spec, cleaned_data[name])
        return data

    def get_value_for_storage(self, spec: Mapping, value: Any) -> Any:
        """One cleaned value as stored. Override to store a type differently."""
        if value is None:
            return None
        field_type = spec["field_type"]
        if field_type == FieldType.MONEY:
            return {"amount": _decimal_text(value["amount"]), "currency": value["currency"]}
        if field_type == FieldType.LINE_ITEMS:
            return {
                "rows": [
                    {
                        key: _decimal_text(item) if isinstance(item, Decimal) else item
                        for key, item in row.items()
                    }
                    for row in value["rows"]
                ],
                "total": _decimal_text(value["total"]),
                "currency": value["currency"],
            }
        if field_type in UPLOAD_TYPES:
            return self.get_files_for_storage(spec, value)
        if isinstance(value, Decimal):
            return _decimal_text(value)
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str | bool | int):
            return value
        return _json_encoder.default(value)  # dates and date-times, as DjangoJSONEncoder

    def get_files_for_storage(self, spec: Mapping, value: Any, save_file: SaveFile | None = None):
        """An upload field's answer as stored: its files replaced by their references, in the
        field's shape (a list, a dict by checklist key, or one reference)."""

        def ref(slot, uploaded):
            if uploaded is None:
                return None
            if save_file is not None:
                return save_file(spec, uploaded, slot)
            return self.get_file_for_storage(spec, uploaded)

        if value is None:
            return None
        if isinstance(value, Mapping):
            return {slot: ref(slot, uploaded) for slot, uploaded in value.items()}
        if isinstance(value, list):
            return [ref(slot, uploaded) for slot, uploaded in self._slots(spec, value)]
        return ref(None, value)

    def get_file_for_storage(self, spec: Mapping, uploaded) -> dict[str, Any]:
        """The reference stored for a file when no ``save_file`` was given: its name, size and
        the content type read from its content. Override to describe files differently."""
        return {
            "name": uploaded.name,
            "size": uploaded.size,
            "content_type": getattr(uploaded, "content_type", None) or "application/octet-stream",
        }


# --- The builder ------------------------------------------------------------------------------


class FormBuilder:
    """Builds a ``SchemaForm`` subclass from a list of field specs (a version's schema).

    Add a field type by adding a ``create_<field_type>_field(spec, options)`` method; publishing
    accepts a type as soon as the builder has one (see ``supports``).
    """

    form_class = SchemaForm

    def __init__(self, fields: Sequence[Mapping[str, Any]]):
        self.fields = list(fields)

    @classmethod
    def supports(cls, field_type: str) -> bool:
        return field_type in LAYOUT_TYPES or hasattr(cls, f"create_{field_type}_field")

    def get_create_field_function(self, field_type: str):
        create = getattr(self, f"create_{field_type}_field", None)
        if create is None:
            try:
                label = FieldType(field_type).label
            except ValueError:
                label = field_type
            raise UnsupportedFieldType(
                _("Forms cannot show %(type)s fields yet."), params={"type": label}
            )
        return create

    @property
    def formfields(self) -> dict[str, django.forms.Field]:
        formfields = {}
        for spec in self.fields:
            if spec["field_type"] in LAYOUT_TYPES:
                continue
            create = self.get_create_field_function(spec["field_type"])
            formfields[spec["clean_name"]] = create(spec, self.get_field_options(spec))
        return formfields

    def get_field_options(self, spec: Mapping) -> dict[str, Any]:
        """Options every field type shares. A field with a condition is never required at the
        field level: the form's ``clean()`` requires it only when it is shown."""
        return {
            "label": spec["label"],
            "help_text": conditional_escape(spec.get("help_text", "")),
            "required": bool(spec.get("required")) and not spec.get("condition"),
            "initial": spec.get("default_value") or None,
        }

    def get_form_class(self) -> type[SchemaForm]:
        conditions = {
            spec["clean_name"]: parse_rule(spec["condition"])
            for spec in self.fields
            if spec.get("condition")
        }
        formfields = self.formfields
        for spec in self.fields:
            formfield = formfields.get(spec["clean_name"])
            if formfield is not None:
                # Read by the templates: what the browser's show/hide needs (conditions.js).
                rule = conditions.get(spec["clean_name"])
                formfield.browser_kind = browser_kind(spec["field_type"])
                formfield.browser_condition = (
                    json.dumps(rule.to_json(), separators=(",", ":")) if rule else ""
                )
        attrs = {
            **formfields,
            "schema": tuple(self.fields),
            "conditions": conditions,
            "conditionally_required": frozenset(
                spec["clean_name"]
                for spec in self.fields
                if spec.get("required")
                and spec.get("condition")
                and spec["field_type"] not in LAYOUT_TYPES
            ),
            "inputs": tuple(
                (spec["clean_name"], spec["field_type"], spec)
                for spec in self.fields
                if spec["field_type"] not in LAYOUT_TYPES
            ),
        }
        return type("BuiltForm", (self.form_class,), attrs)

    # -- helpers for the create methods ---------------------------------------------------------

    @staticmethod
    def text_validators(spec: Mapping, default_max_length: int | None) -> list:
        """Length and pattern validators with messages a customer understands."""
        validators = []
        min_length, max_length = spec.get("min_length"), spec.get("max_length")
        max_length = max_length or default_max_length
        if min_length:
            validators.append(
                MinLengthValidator(
                    min_length,
                    ngettext_lazy(
                        "Use at least %(limit_value)d character (you entered %(show_value)d).",
                        "Use at least %(limit_value)d characters (you entered %(show_value)d).",
                        "limit_value",
                    ),
                )
            )
        if max_length:
            validators.append(
                MaxLengthValidator(
                    max_length,
                    ngettext_lazy(
                        "Use at most %(limit_value)d character (you entered %(show_value)d).",
                        "Use at most %(limit_value)d characters (you entered %(show_value)d).",
                        "limit_value",
                    ),
                )
            )
        if spec.get("regex"):
            validators.append(
                RegexValidator(
                    re.compile(rf"\A(?:{spec['regex']})\Z"),
                    spec.get("regex_message") or _("Enter a value in the expected format."),
                )
            )
        return validators

    @staticmethod
    def text_widget_attrs(spec: Mapping, default_max_length: int | None) -> dict[str, Any]:
        attrs = {}
        if spec.get("placeholder"):
            attrs["placeholder"] = spec["placeholder"]
        if spec.get("min_length"):
            attrs["minlength"] = spec["min_length"]
        if spec.get("max_length") or default_max_length:
            attrs["maxlength"] = spec.get("max_length") or default_max_length
        return attrs

    @staticmethod
    def value_validators(spec: Mapping) -> list:
        validators = []
        if spec.get("min_value") is not None:
            validators.append(
                MinValueValidator(
                    Decimal(spec["min_value"]), _("Enter a number of at least %(limit_value)s.")
                )
            )
        if spec.get("max_value") is not None:
            validators.append(
                MaxValueValidator(
                    Decimal(spec["max_value"]), _("Enter a number of at most %(limit_value)s.")
                )
            )
        return validators

    @staticmethod
    def date_validators(spec: Mapping, *, earliest_message, latest_message) -> list:
        """The earliest and latest day (``min_date``, ``max_date``), both included."""
        earliest, latest = date_limits(spec)
        validators = []
        if earliest:
            validators.append(DateLimitValidator(earliest, earliest_message, latest=False))
        if latest:
            validators.append(DateLimitValidator(latest, latest_message, latest=True))
        return validators

    def get_formatted_field_choices(self, spec: Mapping) -> list[tuple[str, str]]:
        """The field's choices as ``(value, label)`` pairs; override to label them differently."""
        return [(choice, choice) for choice in spec.get("choices", [])]

    # -- one method per field type --------------------------------------------------------------

    def create_single_line_field(self, spec, options):
        return django.forms.CharField(
            validators=self.text_validators(spec, SINGLE_LINE_MAX_LENGTH),
            widget=django.forms.TextInput(
                attrs=self.text_widget_attrs(spec, SINGLE_LINE_MAX_LENGTH)
            ),
            **options,
        )

    def create_multi_line_field(self, spec, options):
        return django.forms.CharField(
            validators=self.text_validators(spec, MULTI_LINE_MAX_LENGTH),
            widget=django.forms.Textarea(attrs=self.text_widget_attrs(spec, MULTI_LINE_MAX_LENGTH)),
            **options,
        )

    def create_email_field(self, spec, options):
        return django.forms.EmailField(
            validators=self.text_validators(spec, 254),
            widget=django.forms.EmailInput(attrs=self.text_widget_attrs(spec, 254)),
            error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
            max_length=None,
            **options,
        )

    def create_phone_field(self, spec, options):
        attrs = {"placeholder": spec["placeholder"]} if spec.get("placeholder") else {}
        return PhoneNumberField(widget=django.forms.TextInput(attrs=attrs), **options)

    def create_number_field(self, spec, options):
        attrs = {"step": "any"}
        if spec.get("placeholder"):
            attrs["placeholder"] = spec["placeholder"]
        if spec.get("min_value") is not None:
            attrs["min"] = spec["min_value"]
        if spec.get("max_value") is not None:
            attrs["max"] = spec["max_value"]
        options["initial"] = _decimal_or_none(options["initial"])
        return django.forms.DecimalField(
            max_digits=MAX_DIGITS,
            validators=self.value_validators(spec),
            widget=django.forms.NumberInput(attrs=attrs),
            error_messages={
                "invalid": _("Enter a number such as 12 or 12.5."),
                "max_digits": _("Enter a number with at most %(max)s digits."),
            },
            **options,
        )

    def create_money_field(self, spec, options):
        currencies = spec.get("choices") or list(Currency.values)
        default = (spec.get("default_value") or "").strip()
        if not default and len(currencies) == 1:
            default = currencies[0]
        options.pop("initial")
        return MoneyField(
            currencies=currencies,
            default_currency=default,
            min_value=_decimal_or_none(spec.get("min_value")),
            max_value=_decimal_or_none(spec.get("max_value")),
            placeholder=spec.get("placeholder", ""),
            **options,
        )

    def create_date_field(self, spec, options):
        earliest, latest = date_limits(spec)
        attrs = {"type": "date"}
        if earliest:
            attrs["min"] = earliest.isoformat()
        if latest:
            attrs["max"] = latest.isoformat()
        return django.forms.DateField(
            validators=self.date_validators(
                spec,
                earliest_message=_("Enter a date on or after %(limit_value)s."),
                latest_message=_("Enter a date on or before %(limit_value)s."),
            ),
            widget=django.forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
            **options,
        )

    def create_datetime_field(self, spec, options):
        earliest, latest = date_limits(spec)
        attrs = {"type": "datetime-local"}
        if earliest:
            attrs["min"] = f"{earliest.isoformat()}T00:00"
        if latest:
            attrs["max"] = f"{latest.isoformat()}T23:59"
        return django.forms.DateTimeField(
            validators=self.date_validators(
                spec,
                earliest_message=_("Enter a date and time on or after %(limit_value)s."),
                latest_message=_("Enter a date and time on or before %(limit_value)s."),
            ),
            widget=django.forms.DateTimeInput(attrs=attrs, format="%Y-%m-%dT%H:%M"),
            error_messages={"invalid": _("Enter a date and time such as 2026-03-31 14:30.")},
            **options,
        )

    def create_checkbox_field(self, spec, options):
        default = (spec.get("default_value") or "").strip().lower()
        options["initial"] = default in {"1", "true", "yes", "on", "checked"}
        return django.forms.BooleanField(
            error_messages={"required": _("Tick this box to continue.")}, **options
        )

    def create_dropdown_field(self, spec, options):
        blank = spec.get("placeholder") or _("Choose…")
        return django.forms.ChoiceField(
            choices=[("", blank), *self.get_formatted_field_choices(spec)],
            error_messages=_choice_errors(),
            **options,
        )

    def create_radio_field(self, spec, options):
        return django.forms.ChoiceField(
            choices=self.get_formatted_field_choices(spec),
            widget=django.forms.RadioSelect,
            error_messages=_choice_errors(),
            **options,
        )

    def create_multi_select_field(self, spec, options):
        options["initial"] = [
            line.strip() for line in (spec.get("default_value") or "").splitlines() if line.strip()
        ]
        return UniqueMultipleChoiceField(
            choices=self.get_formatted_field_choices(spec),
            widget=django.forms.CheckboxSelectMultiple,
            error_messages={
                **_choice_errors(),
                "invalid_list": _("Choose one or more of the options listed."),
            },
            **options,
        )

    def upload_validators(
        self, spec: Mapping, extensions: Sequence[str], *, images_only: bool = False
    ) -> list:
        """Checks of one uploaded file, in the order they run (each stops the file at the
        first refusal): its name's extension, its size, then its content."""
        limit_mb = spec.get("max_upload_mb") or DEFAULT_MAX_UPLOAD_MB
        return [
            AllowedExtensionValidator(
                list(extensions),
                message=_(
                    "Files of type “%(extension)s” are not accepted here; "
                    "upload one of: %(allowed_extensions)s."
                ),
            ),
            MaxUploadSizeValidator(limit_mb),
            UploadContentValidator(extensions, images_only=images_only),
        ]

    @staticmethod
    def accept_attribute(extensions: Sequence[str]) -> dict[str, str]:
        return {"accept": ",".join(f".{ext}" for ext in extensions)}

    def create_file_field(self, spec, options):
        extensions = list(spec.get("allowed_extensions") or DEFAULT_FILE_EXTENSIONS)
        return self._file_list_field(spec, options, extensions, images_only=False)

    def _file_list_field(self, spec, options, extensions, *, images_only):
        options.pop("initial")
        max_files = spec.get("max_length") or 1
        widget_class = MultipleFileInput if max_files > 1 else FileInput
        return FileListField(
            max_files=max_files,
            min_files=spec.get("min_length") or 0,
            validators=self.upload_validators(spec, extensions, images_only=images_only),
            widget=widget_class(attrs=self.accept_attribute(extensions)),
            **options,
        )

    def create_image_field(self, spec, options):
        extensions = [
            ext for ext in spec.get("allowed_extensions") or () if ext in IMAGE_EXTENSIONS
        ] or list(IMAGE_EXTENSIONS)
        labels = list(spec.get("choices") or [])
        if not labels:
            return self._file_list_field(spec, options, extensions, images_only=True)
        options.pop("initial")
        slots = checklist_slots(labels)
        attrs = self.accept_attribute(extensions)
        return PhotoChecklistField(
            slots=slots,
            file_validators=self.upload_validators(spec, extensions, images_only=True),
            widget=PhotoChecklistWidget(slots, group_label=spec["label"], attrs=attrs),
            **options,
        )

    def create_signature_field(self, spec, options):
        options.pop("initial")
        return SignatureField(widget=SignatureWidget(group_label=spec["label"]), **options)

    def create_line_items_field(self, spec, options):
        options.pop("initial")
        currency = (spec.get("default_value") or "").strip()
        if currency not in CURRENCY_DECIMALS:
            currency = ""
        field = LineItemsField(
            min_rows=spec.get("min_length") or 0,
            max_rows=spec.get("max_length"),
            currency=currency,
            **options,
        )
        field.widget.group_label = spec["label"]
        return field


def _choice_errors() -> dict:
    return {"invalid_choice": _("Choose one of the options listed.")}


def _decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


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


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


# --- Entry points -----------------------------------------------------------------------------


def known_rule_names(specs: Sequence[Mapping[str, Any]]) -> set[str]:
    """The names conditions may use for these fields: each input field's clean_name,
    ``<name>.amount`` / ``<name>.currency`` for money and ``<name>.total`` for line items."""
    names = set()
    for spec in specs:
        if spec["field_type"] in LAYOUT_TYPES:
            continue
        name = spec["clean_name"]
        names.add(name)
        if spec["field_type"] == FieldType.MONEY:
            names |= {f"{name}.amount", f"{name}.currency"}
        elif spec["field_type"] == FieldType.LINE_ITEMS:
            names.add(f"{name}.total")
    return names


def answers_for_rules(field_types: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as the rule language reads them (workflow conditions over ``data.*``).

    Storage keeps decimals as strings (see the table above), which rules never compare with
    numbers; here numbers, money amounts and line-item totals become ``Decimal`` again, by the
    type of the field that stored them (``field_types``: clean_name -> field type). Other values,
    and keys of no known field, are passed on as stored; ISO dates are read by the rules
    themselves."""
    values = dict(data)
    for name, field_type in field_types.items():
        value = values.get(name)
        if value is None:
            continue
        if field_type == FieldType.NUMBER:
            values[name] = _decimal_or_none(value)
        elif field_type in (FieldType.MONEY, FieldType.LINE_ITEMS) and isinstance(value, Mapping):
            typed = dict(value)
            for key in ("amount", "total"):
                if key in typed:
                    typed[key] = _decimal_or_none(typed[key])
            values[name] = typed
    return values


# Form classes of saved versions, shared by every request of the process: a version loaded again
# from the database finds its class here instead of building it (a few milliseconds) once more.
# Keyed by primary key *and* creation time, because a test database may reuse primary keys.
_VERSION_FORM_CLASSES: dict[tuple, type[SchemaForm]] = {}
VERSION_FORM_CLASS_CACHE_SIZE = 512


def get_form_class(source, *, builder_class: type[FormBuilder] = FormBuilder) -> type[SchemaForm]:
    """The form class of a ``FormVersion`` or of a schema given as a list of field dicts.

    A version's class is built once per process (versions never change): it is cached on the
    instance and, for a saved version, for every instance of it loaded later.
    """
    schema = getattr(source, "schema", None)
    if schema is None:
        return builder_class(source).get_form_class()
    cache = source.__dict__.setdefault("_form_classes", {})
    form_class = cache.get(builder_class)
    if form_class is None:
        key = _version_key(source, builder_class)
        form_class = _VERSION_FORM_CLASSES.get(key) if key is not None else None
        if form_class is None:
            form_class = builder_class(schema).get_form_class()
            if key is not None:
                _remember_form_class(key, form_class)
        cache[builder_class] = form_class
    return form_class


def _version_key(version, builder_class) -> tuple | None:
    pk, created_at = getattr(version, "pk", None), getattr(version, "created_at", None)
    if pk is None or created_at is None:
        return None  # not saved: only its instance cache
    return (builder_class, type(version), pk, created_at)


def _remember_form_class(key: tuple, form_class: type[SchemaForm]) -> None:
    while len(_VERSION_FORM_CLASSES) >= VERSION_FORM_CLASS_CACHE_SIZE:
        try:  # the oldest entry first; another thread may have removed it already
            del _VERSION_FORM_CLASSES[next(iter(_VERSION_FORM_CLASSES))]
        except (KeyError, StopIteration, RuntimeError):
            break
    _VERSION_FORM_CLASSES[key] = form_class


def build_form(
    version, *, data=None, files=None, initial=None, prefix=None, builder_class=FormBuilder
) -> SchemaForm:
    """A form instance for a ``FormVersion`` or a schema (list of field dicts).

    ``initial`` may be stored data (``get_data_for_storage()`` output): a submission made with
    version 1 is shown with ``build_form(version_1, initial=submission_data)``.
    """
    form_class = get_form_class(version, builder_class=builder_class)
    return form_class(data=data, files=files, initial=initial, prefix=prefix)


__all__ = [
    "FileListField",
    "FormBuilder",
    "LineItemsField",
    "MoneyField",
    "PhoneNumberField",
    "PhotoChecklistField",
    "SchemaForm",
    "SignatureField",
    "UnsupportedFieldType",
    "UploadContentValidator",
    "build_form",
    "checkable_extensions",
    "date_limits",
    "checklist_slots",
    "get_form_class",
    "known_rule_names",
    "sniff_upload",
]
