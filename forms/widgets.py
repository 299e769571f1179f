"""Widgets of the field types that need more than one plain input: an amount with its currency,
several files, a photo checklist, a drawn signature and a table of line items.

Each renders through a template in ``forms/templates/forms/widgets/`` (everything escaped by the
template engine) and brings its behaviour as a static file through its ``Media``: no inline
script, so pages work under a strict Content-Security-Policy. Without JavaScript the photo
checklist and the line items still work (plain file inputs; a few blank rows); only the
signature pad needs it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import django.forms

# Row inputs are posted as ``<name>-<index>-<column>``. Four digits are plenty for a form and keep
# a hostile post from making the server sort huge numbers.
LINE_ITEM_COLUMNS = ("code", "description", "quantity", "unit_price")
_ROW_KEY = re.compile(r"-(\d{1,4})-(code|description|quantity|unit_price)\Z")

SIGNATURE_DATA_URL_PREFIX = "data:image/png;base64,"

_MEDIA_CSS = {"all": ["forms/widgets.css"]}


class FileInput(django.forms.FileInput):
    """One file. Never shows a value: stored answers are references, not files."""


class MultipleFileInput(django.forms.FileInput):
    """Several files in one input (``<input type="file" multiple>``): the value is a list."""

    allow_multiple_selected = True


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


class PhotoChecklistWidget(django.forms.Widget):
    """One image input per checklist item (front, back, serial number …), posted as
    ``<name>_<key>``; the value is ``{key: uploaded file or None}``.

    The inputs are grouped in a fieldset named after the field, each with its own label, so a
    screen reader announces "Photos of the watch, Back" rather than an unnamed file input.
    """

    template_name = "forms/widgets/photo_checklist.html"
    needs_multipart_form = True

    def __init__(self, slots: Sequence[tuple[str, str]], *, group_label: str = "", attrs=None):
        super().__init__(attrs)
        self.slots = list(slots)
        self.group_label = group_label

    class Media:
        css = _MEDIA_CSS

    def slot_name(self, name: str, key: str) -> str:
        return f"{name}_{key}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        base_id = attrs.get("id") or f"id_{name}"
        input_attrs = {k: v for k, v in attrs.items() if k not in ("id", "required")}
        if self.is_required:
            input_attrs["required"] = True
        context["widget"]["group_label"] = self.group_label
        context["widget"]["slots"] = [
            {
                "key": key,
                "label": label,
                "name": self.slot_name(name, key),
                "attrs": {**input_attrs, "id": f"{base_id}_{key}"},
            }
            for key, label in self.slots
        ]
        return context

    def format_value(self, value):
        return None  # file inputs never show a value

    def value_from_datadict(self, data, files, name):
        return {key: files.get(self.slot_name(name, key)) for key, _label in self.slots}

    def value_omitted_from_data(self, data, files, name):
        return not any(self.slot_name(name, key) in files for key, _label in self.slots)

    def id_for_label(self, id_):
        return ""  # the inputs are labelled one by one, inside a named fieldset

    def use_required_attribute(self, initial):
        return False  # each input says it itself


class SignatureWidget(django.forms.Widget):
    """A canvas to sign on with a finger, stylus or mouse, and a hidden input holding the drawing
    as a PNG data URL (``forms/static/forms/signature.js``). "Clear" empties both.

    After a refused post the drawing comes back with the posted data URL and is painted again.
    """

    template_name = "forms/widgets/signature.html"

    def __init__(self, *, group_label: str = "", width: int = 600, height: int = 200, attrs=None):
        super().__init__(attrs)
        self.group_label = group_label
        self.width, self.height = width, height

    class Media:
        css = _MEDIA_CSS
        js = ["forms/signature.js"]

    def format_value(self, value):
        if isinstance(value, str) and value.startswith(SIGNATURE_DATA_URL_PREFIX):
            return value
        return ""  # a stored reference cannot be drawn again

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].pop("required", None)  # a hidden input cannot be required
        widget["group_label"] = self.group_label
        widget["width"], widget["height"] = self.width, self.height
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def id_for_label(self, id_):
        return ""  # a canvas cannot be the target of a label; it carries its own name

    def use_required_attribute(self, initial):
        return False


class LineItemsWidget(django.forms.Widget):
    """A table of rows (code, description, quantity, unit price), posted as
    ``<name>-<index>-<column>``. ``forms/static/forms/line_items.js`` adds "Add row" and
    "Remove" buttons and shows running totals; without it the table offers ``blank_rows`` empty
    rows, enough for most requests. The server computes every total again.

    The value is the list of posted rows in index order (``{"code": …, "description": …,
    "quantity": …, "unit_price": …}``, all text), or the stored shape when the form is filled
    from a stored answer.
    """

    template_name = "forms/widgets/line_items.html"

    def __init__(
        self,
        *,
        group_label: str = "",
        blank_rows: int = 3,
        max_rows: int | None = None,
        decimals: int = 2,
        currency: str = "",
        attrs=None,
    ):
        super().__init__(attrs)
        self.group_label = group_label
        self.blank_rows = blank_rows
        self.max_rows = max_rows
        self.decimals = decimals
        self.currency = currency

    class Media:
        css = _MEDIA_CSS
        js = ["forms/line_items.js"]

    @staticmethod
    def rows_of(value: Any) -> list[dict[str, str]]:
        """Rows of text from a posted value or a stored answer."""
        if isinstance(value, Mapping):
            value = value.get("rows") or []
        if not isinstance(value, list | tuple):
            return []
        rows = []
        for row in value:
            if not isinstance(row, Mapping):
                continue
            rows.append(
                {
                    column: "" if row.get(column) is None else str(row.get(column))
                    for column in LINE_ITEM_COLUMNS
                }
            )
        return rows

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].pop("required", None)
        base_id = widget["attrs"].get("id") or f"id_{name}"
        rows = self.rows_of(value)
        wanted = max(self.blank_rows, len(rows))
        if self.max_rows:
            wanted = min(wanted, max(self.max_rows, len(rows)))
        rows += [dict.fromkeys(LINE_ITEM_COLUMNS, "") for _ in range(wanted - len(rows))]
        widget.update(
            {
                "group_label": self.group_label,
                "base_id": base_id,
                "rows": [
                    self._row_context(name, base_id, index, row) for index, row in enumerate(rows)
                ],
                "template_row": self._row_context(name, base_id, "__index__", None),
                "max_rows": self.max_rows or "",
                "decimals": self.decimals,
                "currency": self.currency,
            }
        )
        return context

    @staticmethod
    def _row_context(name, base_id, index, row) -> dict:
        row = row or dict.fromkeys(LINE_ITEM_COLUMNS, "")
        number = index + 1 if isinstance(index, int) else "__number__"
        return {
            "base_id": base_id,
            "index": index,
            "number": number,
            "cells": {
                column: {
                    "name": f"{name}-{index}-{column}",
                    "id": f"{base_id}-{index}-{column}",
                    "value": row[column],
                }
                for column in LINE_ITEM_COLUMNS
            },
        }

    def value_from_datadict(self, data, files, name):
        prefix = f"{name}-"
        rows: dict[int, dict[str, str]] = {}
        for key in data:
            if not key.startswith(prefix):
                continue
            match = _ROW_KEY.match(key, len(name))
            if match is None:
                continue
            index, column = int(match[1]), match[2]
            rows.setdefault(index, dict.fromkeys(LINE_ITEM_COLUMNS, ""))[column] = data.get(key)
        return [rows[index] for index in sorted(rows)]

    def value_omitted_from_data(self, data, files, name):
        prefix = f"{name}-"
        return not any(key.startswith(prefix) for key in data)

    def id_for_label(self, id_):
        return ""  # each cell is labelled by its column and row

    def use_required_attribute(self, initial):
        return False
