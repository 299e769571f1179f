"""Stored answers as a person reads them: the one renderer every screen and export uses, so an
answer reads the same in the submissions export, on a submission's admin page and on a case.

Answers are stored as ``SchemaForm.get_data_for_storage()`` makes them (see the table in
``forms.schema_form``). Each is written as one line of text:

==================  ==============================================================
stored              text
==================  ==============================================================
nothing             ``empty`` (``""`` unless the caller asks for a dash): ``None``,
                    ``""``, ``[]``, ``{}``
checkbox            "Yes" / "No" (translated)
money               ``12.50 EUR``
line items          ``2 × Strap; 1 × Buckle = 37.50 EUR`` (quantity × description per
                    row, then the total with its currency when the field has one)
a file reference    its name, or ``file_url(reference)`` when the caller links files
several files       their texts joined with ``, ``
photo checklist     ``front: front.jpg; back: back.jpg`` (a photo not sent: ``empty``)
multiple choice     the choices joined with ``, ``
number, date,       as stored: ``12.50``, ``2026-03-31``, ``2026-03-31T14:30:00Z``
date-time, text
==================  ==============================================================

The field type (from the version's spec) decides where it is known; a key no spec describes is
read by its shape, the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from forms.choices import FieldType

FileUrl = Callable[[Mapping[str, Any]], str]
_EMPTY_VALUES = (None, "", [], {})


def is_file_reference(value: Any) -> bool:
    """A reference to a ``SubmissionFile`` (``{"file": id, "name", …}``), which can be linked."""
    return isinstance(value, dict) and isinstance(value.get("file"), int) and "name" in value


def answer_text(
    spec_or_type: Mapping[str, Any] | str | None,
    value: Any,
    *,
    file_url: FileUrl | None = None,
    empty: str = "",
) -> str:
    """One stored answer as one line of text (see the module docstring).

    ``spec_or_type`` is the field's spec in its version's schema, or its field type, or None for
    a key no spec describes. ``file_url(reference)`` gives a file's text (its link) instead of
    its name; ``empty`` is the text of an unanswered field.
    """
    field_type = _field_type(spec_or_type)
    if _is_empty(value):
        return empty
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field_type == FieldType.LINE_ITEMS or (field_type is None and _is_line_items(value)):
        if isinstance(value, Mapping):
            return _line_items_text(value)
    if is_file_reference(value):
        return file_url(value) if file_url else str(value["name"])
    if isinstance(value, list | tuple):
        texts = (answer_text(None, item, file_url=file_url) for item in value)
        return ", ".join(text for text in texts if text)
    if isinstance(value, dict):
        if set(value) == {"amount", "currency"}:
            return f"{value['amount']} {value['currency']}"
        if "name" in value and "size" in value:  # an uploaded file (or its attachment)
            return str(value["name"])
        return "; ".join(
            f"{key}: {answer_text(None, item, file_url=file_url, empty=empty)}"
            for key, item in value.items()
        )
    return str(value)


def answer_html(
    spec_or_type: Mapping[str, Any] | str | None,
    value: Any,
    *,
    file_url: FileUrl,
    empty: str = "",
) -> SafeString:
    """One stored answer for an admin page: ``answer_text`` escaped, each ``SubmissionFile`` a
    download link (``file_url(reference)``) named after the file."""
    if is_file_reference(value):
        return format_html('<a href="{}">{}</a>', file_url(value), value["name"])
    if isinstance(value, list | tuple) and any(is_file_reference(item) for item in value):
        return format_html_join(
            ", ", "{}", ((answer_html(None, item, file_url=file_url),) for item in value)
        )
    if isinstance(value, dict) and any(is_file_reference(item) for item in value.values()):
        return format_html_join(
            "; ",
            "{}: {}",
            (
                (key, answer_html(None, item, file_url=file_url, empty=empty))
                for key, item in value.items()
            ),
        )
    return conditional_escape(answer_text(spec_or_type, value, empty=empty))


def answer_rows(
    schema: Iterable[Mapping[str, Any]],
    data: Mapping[str, Any],
    *,
    file_url: FileUrl | None = None,
    empty: str = "",
) -> list[tuple[str, str]]:
    """``(label, text)`` of each stored answer, in the order ``data`` holds them.

    ``schema`` is the version's list of field specs (several versions' specs may be chained: the
    first spec of a name labels it). Each answer is labelled as its spec was when the version was
    published and written by ``answer_text`` with its field type; keys no spec describes are
    labelled with the key itself.
    """
    specs: dict[str, Mapping[str, Any]] = {}
    for spec in schema:
        specs.setdefault(spec["clean_name"], spec)
    rows = []
    for name, value in data.items():
        spec = specs.get(name)
        label = str(spec.get("label") or name) if spec is not None else name
        rows.append((label, answer_text(spec, value, file_url=file_url, empty=empty)))
    return rows


def _field_type(spec_or_type: Mapping[str, Any] | str | None) -> str | None:
    if isinstance(spec_or_type, Mapping):
        return spec_or_type.get("field_type")
    return spec_or_type


def _is_empty(value: Any) -> bool:
    return value is None or (not isinstance(value, bool) and value in _EMPTY_VALUES[1:])


def _is_line_items(value: Any) -> bool:
    return isinstance(value, Mapping) and "rows" in value and "total" in value


def _line_items_text(value: Mapping[str, Any]) -> str:
    rows = "; ".join(
        f"{row.get('quantity')} × {row.get('description')}" for row in value.get("rows") or []
    )
    total = " ".join(str(part) for part in (value.get("total"), value.get("currency")) if part)
    return f"{rows} = {total}" if total else rows
