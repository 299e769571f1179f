"""A browser's view of a rendered admin page, for tests that drive the admin through the test
client: the forms it offers (``RenderedForm``, filled in and posted as a browser would), the
messages it shows and its visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.messages import get_messages

PREFIX = "__prefix__"


# --- A browser's view of an admin form ------------------------------------------------------------


@dataclass
class RenderedForm:
    """One ``<form>`` of a page: the data a browser would submit without any change, the choices
    each select, radio or checkbox offers (visible label -> value), its submit buttons, and the
    empty child forms of its inline panels (the ``<template>`` with ``__prefix__`` names that
    "Add …" clones)."""

    attrs: dict[str, str]
    data: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)
    templates: dict[str, list[str]] = field(default_factory=dict)  # name -> default values

    # Filling in, like a person would.

    def fill(self, name: str, value: str) -> None:
        self._require(name)
        self.data[name] = [value]

    def choose(self, name: str, *labels: str) -> None:
        """Pick options by their visible labels (several for a checkbox list)."""
        self._require(name)
        offered = self.choices.get(name, {})
        missing = [label for label in labels if label not in offered]
        assert not missing, f"{name} offers {sorted(offered)}, not {missing}"
        self.data[name] = [offered[label] for label in labels]

    def tick(self, name: str, ticked: bool = True) -> None:
        self._require(name)
        self.data[name] = ["on"] if ticked else []

    def add_child(self, relation: str) -> str:
        """Click "Add …" of the inline panel ``relation``: a new child form from the template,
        counted in the management form; returns the new child's prefix, e.g. ``states-2``."""
        total = f"{relation}-TOTAL_FORMS"
        self._require(total)
        index = int(self.data[total][0])
        child = f"{relation}-{index}"
        template_prefix = f"{relation}-{PREFIX}-"
        names = [name for name in self.templates if name.startswith(template_prefix)]
        assert names, f"no empty {relation} form on the page"
        for name in names:
            self.data[name.replace(PREFIX, str(index))] = list(self.templates[name])
            template_choices = self.choices.get(name)
            if template_choices is not None:
                self.choices[name.replace(PREFIX, str(index))] = template_choices
        self.data[f"{child}-ORDER"] = [str(index + 1)]  # as the panel's script numbers them
        self.data[total] = [str(index + 1)]
        return child

    def _require(self, name: str) -> None:
        assert name in self.data or name in self.choices, (
            f"the form has no field {name!r}; it has {sorted(self.data)}"
        )

    def submission(self) -> dict[str, list[str]]:
        return {name: values for name, values in self.data.items() if values}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[RenderedForm] = []
        self.form: RenderedForm | None = None
        self.select: tuple[str, bool] | None = None  # name, multiple
        self.select_values: list[str] = []  # its options' values, in order
        self.option: tuple[str, bool] | None = None  # value, selected
        self.textarea: str | None = None
        self.in_label = False
        self.label_input: tuple[str, str] | None = None  # checkbox/radio inside a <label>
        self.button = False
        self.text: list[str] = []

    def _values(self, name: str) -> list[str]:
        target = self.form.templates if PREFIX in name else self.form.data
        return target.setdefault(name, [])

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self.form = RenderedForm(attrs=attrs)
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            values = self._values(name)
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    values.append(attrs.get("value", "on"))
                if self.in_label:
                    self.label_input = (name, attrs.get("value", "on"))
                    self.text = []
            else:
                values.append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._values(name)
            self.select = (name, "multiple" in attrs)
            self.select_values = []
        elif tag == "option" and self.select:
            self.option = (attrs.get("value", ""), "selected" in attrs)
            self.text = []
        elif tag == "textarea" and name:
            self.textarea = name
            self.text = []
        elif tag == "label":
            self.in_label = True
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self.button = True
            self.text = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_endtag(self, tag):
        if self.form is None:
            return
        text = " ".join("".join(self.text).split())
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option:
            name, _multiple = self.select
            value, selected = self.option
            self.form.choices.setdefault(name, {})[text] = value
            self.select_values.append(value)
            if selected:
                self._values(name).append(value)
            self.option = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            values = self._values(name)
            if not multiple and not values and self.select_values:
                values.append(self.select_values[0])  # a browser sends the first option
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that directly follows <textarea>.
            self._values(self.textarea).append("".join(self.text).removeprefix("\n"))
            self.textarea = None
        elif tag == "label":
            self.in_label = False
            if self.label_input:
                name, value = self.label_input
                self.form.choices.setdefault(name, {})[text] = value
                self.label_input = None
        elif tag == "button" and self.button:
            self.form.buttons.append(text)
            self.button = False


def form_with_button(response, button: str) -> RenderedForm:
    """The form of the page that has a submit button reading ``button``."""
    assert response.status_code == 200, response.status_code
    parser = _FormParser()
    parser.feed(response.text)
    forms = [form for form in parser.forms if button in form.buttons]
    offered = [form.buttons for form in parser.forms]
    assert len(forms) == 1, f"no single form with a {button!r} button; buttons: {offered}"
    return forms[0]


def submit(client, response, form: RenderedForm, **extra):
    """POST ``form`` where the browser would: its action, else the page's own URL."""
    url = form.attrs.get("action") or response.wsgi_request.get_full_path()
    return client.post(url, form.submission(), **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed (for reading sentences across tags)."""
    body = re.sub(r"<(script|template|svg)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())
