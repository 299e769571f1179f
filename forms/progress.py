"""Multi-step forms: a version's page breaks split it into steps, and a visitor's way through them
is kept in their session.

How a step is checked: the form is built over every item up to the end of the step, bound to the
answers of the earlier steps (from the session) and of this step (from the post). Conditions that
refer to earlier steps therefore see those answers, and the earlier answers are checked again at
every step; the page shows and reports only the current step's fields. The last step builds the
whole form, so everything is validated once more, server-side, before anything is stored.

What the session holds (``FormProgress``): per step, the raw posted values (as a browser would
post them again) and references to the files received on it. Files of earlier steps are kept in
private storage as ``PendingUpload`` rows tied to a random token of this progress; on the last
step they are opened again and validated with the rest, then moved to the submission or case.
Nothing in the session is trusted: a changed or stale answer fails the final validation and
sends the visitor back to its step.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.datastructures import MultiValueDict

from forms.abuse import HONEYPOT_FIELD
from forms.choices import LAYOUT_TYPES, FieldType
from forms.models.submissions import PendingUpload
from forms.submissions import pending_upload_files

# Names of the page's own inputs; no clean_name can start with an underscore.
STEP_FIELD = "_step"
ACTION_FIELD = "_action"


@dataclass(frozen=True)
class Step:
    """One step of a form: the items between two page breaks."""

    index: int
    title: str  # the label of the page break that opens it ("" for the first step)
    items: tuple[Mapping[str, Any], ...]  # headings and fields, without the page break
    end: int  # schema[:end] holds every item up to the end of this step

    @property
    def names(self) -> frozenset[str]:
        """clean_names of the step's input fields."""
        return frozenset(
            spec["clean_name"] for spec in self.items if spec["field_type"] not in LAYOUT_TYPES
        )


def split_steps(schema: Sequence[Mapping[str, Any]]) -> list[Step]:
    """The steps of a schema. Page breaks that would open a step without any input field (one at
    the start, two in a row, one at the end) are ignored: every step asks for something."""
    groups: list[tuple[str, list[Mapping], int]] = [("", [], 0)]
    for position, spec in enumerate(schema):
        if spec["field_type"] == FieldType.PAGE_BREAK:
            groups.append((spec.get("label", ""), [], position + 1))
        else:
            groups[-1][1].append(spec)
            groups[-1] = (groups[-1][0], groups[-1][1], position + 1)
    steps: list[Step] = []
    pending_items: list[Mapping] = []
    for title, items, end in groups:
        pending_items.extend(items)
        if any(spec["field_type"] not in LAYOUT_TYPES for spec in items):
            steps.append(Step(index=len(steps), title=title, items=tuple(pending_items), end=end))
            pending_items = []
    if not steps:
        return [Step(index=0, title="", items=tuple(schema), end=len(schema))]
    # Headings after the last input field stay on the last step, which ends the schema.
    last = steps[-1]
    steps[-1] = Step(last.index, last.title, last.items + tuple(pending_items), len(schema))
    return steps


def raw_answers(data: Mapping) -> dict[str, list[str]]:
    """A post's values as lists (a ``QueryDict`` keeps several per key), without the page's own
    inputs."""
    skip = {"csrfmiddlewaretoken", STEP_FIELD, ACTION_FIELD, HONEYPOT_FIELD}
    getlist = getattr(data, "getlist", None)
    answers = {}
    for key in data:
        if key in skip:
            continue
        answers[key] = list(getlist(key)) if getlist else [data[key]]
    return answers


class FormProgress:
    """One visitor's progress through one page's form, in their session.

    ``state`` is JSON: ``{"version": id, "token": "…", "current": 0, "answers": {"0": {key:
    [values]}}, "files": {"0": [{"key", "field", "ids", "names"}]}, "notice": ""}``.
    """

    def __init__(self, request, page, version):
        self.session = request.session
        self.key = f"atelier.forms.progress.{page.pk}"
        self.version = version
        state = self.session.get(self.key)
        self.restarted = False
        if state is not None and state.get("version") != version.pk:
            # The form was published again meanwhile: answers to the old one may not fit.
            self.discard_files(state)
            state = None
            self.restarted = True
        self.state = state or self._new_state()

    def _new_state(self) -> dict:
        return {
            "version": self.version.pk,
            "token": secrets.token_hex(16),
            "current": 0,
            "answers": {},
            "files": {},
        }

    @property
    def token(self) -> str:
        return self.state["token"]

    @property
    def current(self) -> int:
        return int(self.state.get("current", 0))

    @current.setter
    def current(self, index: int) -> None:
        self.state["current"] = index
        self.save()

    def reached(self) -> int:
        """The first step without saved answers: steps before it may be shown, later ones not."""
        index = 0
        while str(index) in self.state["answers"]:
            index += 1
        return index

    def answers_of(self, index: int) -> dict[str, list[str]]:
        return self.state["answers"].get(str(index), {})

    def files_of(self, index: int) -> list[dict]:
        return self.state["files"].get(str(index), [])

    def data(self, upto: int, current: Mapping | None = None) -> MultiValueDict:
        """Raw answers of the steps before ``upto`` (saved), then those of step ``upto`` (the
        post, when given, else the saved ones)."""
        merged = MultiValueDict()
        for index in range(upto):
            for key, values in self.answers_of(index).items():
                merged.setlist(key, list(values))
        step_answers = raw_answers(current) if current is not None else self.answers_of(upto)
        for key, values in step_answers.items():
            merged.setlist(key, list(values))
        return merged

    def files(self, upto: int, current: MultiValueDict | None = None) -> MultiValueDict:
        """Files of the steps up to ``upto``: those kept from earlier posts, opened again, and
        for step ``upto`` any just posted under the same key in their place."""
        records = [record for index in range(upto + 1) for record in self.files_of(index)]
        merged = pending_upload_files(records, progress=self.token)
        if current:
            for key in current:
                merged.setlist(key, current.getlist(key))
        return merged

    def save_step(self, index: int, answers: dict[str, list[str]], files: list[dict]) -> None:
        """Keep the answers of step ``index``; ``files`` replace the kept ones with the same key
        (whose files are deleted), the others stay."""
        self.state["answers"][str(index)] = answers
        if files:
            replaced = {record["key"] for record in files}
            kept, dropped = [], []
            for record in self.files_of(index):
                (dropped if record["key"] in replaced else kept).append(record)
            self.state["files"][str(index)] = kept + files
            self._delete_records(dropped)
        self.save()

    def forget_step(self, index: int) -> None:
        """Drop what a step held (it is skipped: its fields are all hidden)."""
        self.state["answers"][str(index)] = {}
        self._delete_records(self.state["files"].pop(str(index), []))
        self.save()

    def save(self) -> None:
        self.session[self.key] = self.state
        self.session.modified = True

    def clear(self) -> None:
        """End the progress (sent or abandoned) and delete the files it kept."""
        self.discard_files(self.state)
        self.session.pop(self.key, None)
        self.state = self._new_state()

    @staticmethod
    def discard_files(state: dict) -> None:
        records = [record for records in state.get("files", {}).values() for record in records]
        FormProgress._delete_records(records)

    @staticmethod
    def _delete_records(records: list[dict]) -> None:
        ids = [pk for record in records for pk in record.get("ids", [])]
        if ids:
            for upload in PendingUpload.objects.filter(pk__in=ids):
                upload.delete()
