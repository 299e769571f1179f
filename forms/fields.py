"""The form fields of the field types ``django.forms`` has no field for: a phone number, an amount
of money, multiple choice without repeats, one or several files, a photo checklist, a drawn
signature and a table of line items. Each cleans to the Python value
``SchemaForm.get_value_for_storage`` stores (see ``forms.schema_form``); the builder
(``forms.builder``) makes them from a field spec, their widgets are in ``forms.widgets``.

One module although it passes 600 lines: together these classes are the set of fields the
builder dispatches to, each small and self-contained, sharing the limits at the top and the
helpers at the bottom; the longest, ``LineItemsField``, is long because each of its messages
names the row and the column at fault.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import django.forms
import phonenumbers
import PIL.Image
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from forms.validators import check_upload
from forms.widgets import (
    LINE_ITEM_COLUMNS,
    SIGNATURE_DATA_URL_PREFIX,
    FileInput,
    LineItemsWidget,
    MoneyWidget,
    MultipleFileInput,
    PhotoChecklistWidget,
    SignatureWidget,
)
from project.core.limits import (
    LINE_CODE_MAX_LENGTH,
    LINE_DESCRIPTION_MAX_LENGTH,
    SINGLE_LINE_ANSWER_MAX_LENGTH,
    TEXT_ANSWER_MAX_LENGTH,
)
from project.core.money import currency_decimals
from project.stores.choices import Currency

# The most files one file field (``max_length``) may take.
MAX_FILES_PER_FIELD = 20
# A text answer's length when the designer set none (see ``project.core.limits``).
SINGLE_LINE_MAX_LENGTH = SINGLE_LINE_ANSWER_MAX_LENGTH
MULTI_LINE_MAX_LENGTH = TEXT_ANSWER_MAX_LENGTH
# Enough for any real amount; it also keeps "1e999999" from becoming a million-digit string.
MAX_DIGITS = 18
PHONE_MAX_LENGTH = 40


def text_max_length(
    spec: Mapping, default_max_length: int, ceiling: int = TEXT_ANSWER_MAX_LENGTH
) -> int:
    """The most characters a text answer of ``spec`` may have: the designer's maximum, else
    ``default_max_length``, and never more than ``ceiling`` (``TEXT_ANSWER_MAX_LENGTH``, or a
    type's own limit such as an e-mail address's), whatever a version published before these
    limits says. The builder's validators and the JSON Schema both use it."""
    return min(spec.get("max_length") or default_max_length, ceiling)


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
        decimals = currency_decimals(currency)
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
                    params={"limit_value": f"{decimal_text(limit)} {currency}"},
                )
        return {"amount": amount, "currency": currency}


class UniqueMultipleChoiceField(django.forms.MultipleChoiceField):
    """Each choice once, in the order posted (a client posting one twice means it once)."""

    def to_python(self, value):
        return list(dict.fromkeys(super().to_python(value)))


# --- Uploads -------------------------------------------------------------------------------------


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
LINE_ITEM_CODE_MAX_LENGTH = LINE_CODE_MAX_LENGTH
LINE_ITEM_DESCRIPTION_MAX_LENGTH = LINE_DESCRIPTION_MAX_LENGTH
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
        self.decimals = currency_decimals(currency)
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


def decimal_text(value: Decimal) -> str:
    """A Decimal as stored: plain text, its exponent kept (``Decimal("12.50")`` → ``"12.50"``)."""
    return format(value, "f")


def decimal_or_none(value) -> Decimal | None:
    """``"12.5"`` → ``Decimal("12.5")``; None for nothing or what is not a number."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
