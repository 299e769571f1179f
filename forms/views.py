"""Admin views of the forms engine: publishing (translating the service's refusals into messages)
and the submissions of the public form pages (list, export, one submission, its files); and the
read-only JSON Schema of a form's live version for headless clients."""

import django.forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from forms.answers import answer_html, answer_rows, answer_text
from forms.choices import LAYOUT_TYPES
from forms.jsonschema import version_json_schema
from forms.models import FormDefinition, FormSubmission, FormVersion, SubmissionFile
from forms.selectors import PatternProblem, form_live_version_for_schema, form_pattern_problems
from forms.services import form_publish
from project.core.exports import SafeIndexView
from project.core.files import private_file_response


class FormDefinitionEditView(generic.EditView):
    """The edit view, with a "Publish" button that publishes the saved form."""

    publish_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.publish_url_name and self.user_has_permission_for_instance("change", self.object):
            live = self.object.live_version
            buttons.append(
                HeaderButton(
                    _("Publish"),
                    icon_name="upload",
                    attrs={
                        "data-controller": "w-action",
                        "data-action": "w-action#post",
                        "data-w-action-url-value": reverse(
                            self.publish_url_name, args=[quote(self.object.pk)]
                        ),
                        "title": (
                            _("Publish the saved form; version %(number)s is live now.")
                            % {"number": live.number}
                            if live
                            else _("Publish the saved form; it has no live version yet.")
                        ),
                    },
                )
            )
        if form_submission_permission_policy().user_has_any_permission(
            self.request.user, ["view", "delete"]
        ):
            buttons.append(
                HeaderButton(
                    _("Submissions"),
                    icon_name="list-ul",
                    url=reverse("form_submissions:index") + f"?form={self.object.pk}",
                )
            )
        return buttons

    def get(self, request, *args, **kwargs):
        # Before the page is rendered, which shows the messages; get() loads the object anew.
        for warning in pattern_warnings(form_pattern_problems(form=self.get_object())):
            messages.warning(request, warning)
        return super().get(request, *args, **kwargs)


def pattern_warnings(problems: list[PatternProblem]) -> list[str]:
    """What the designer reads about patterns that cannot be run (saved before patterns were
    checked with RE2): which field, why, and what the published versions do meanwhile."""
    warnings = []
    for problem in problems:
        text = _("The pattern of “%(label)s” cannot be used: %(problem)s") % {
            "label": problem.label,
            "problem": problem.problem,
        }
        if problem.versions:
            text += " " + ngettext(
                "Published version %(numbers)s refuses every answer to this field: publish the "
                "form again with a corrected pattern, then any process that uses it.",
                "Published versions %(numbers)s refuse every answer to this field: publish the "
                "form again with a corrected pattern, then any process that uses it.",
                len(problem.versions),
            ) % {"numbers": ", ".join(str(number) for number in problem.versions)}
        else:
            text += " " + _("Correct it before the form is saved or published.")
        warnings.append(text)
    return warnings


class FormPublishView(PermissionCheckedMixin, BaseOperationView):
    """POST: publish the saved form, then go back to its edit view with the outcome."""

    permission_required = "change"
    edit_url_name = None

    def get_success_url(self):
        return self.next_url or reverse(self.edit_url_name, args=[quote(self.object.pk)])

    def post(self, request, *args, **kwargs):
        previous = self.object.live_version_id
        try:
            version = form_publish(form=self.object, actor=request.user)
        except ValidationError as exc:
            messages.error(
                request,
                format_html(
                    "{}<ul>{}</ul>",
                    _("“%(form)s” was not published:") % {"form": self.object},
                    format_html_join("", "<li>{}</li>", ((message,) for message in exc.messages)),
                ),
            )
        else:
            if version.pk == previous:
                messages.info(
                    request,
                    _("Nothing changed since version %(number)s; it stays live.")
                    % {"number": version.number},
                )
            else:
                messages.success(
                    request, _("Published version %(number)s.") % {"number": version.number}
                )
        return redirect(self.get_success_url())


# --- Submissions --------------------------------------------------------------------------------


def submission_fields(form) -> list[tuple[str, str]]:
    """``(clean_name, label)`` of every input field any version of ``form`` had: the newest
    version's fields in its order, then fields only older versions had; each labelled as the
    newest version that has it."""
    fields: dict[str, str] = {}
    for version in FormVersion.objects.filter(form=form).order_by("-number"):
        for spec in version.schema:
            if spec["field_type"] not in LAYOUT_TYPES:
                fields.setdefault(spec["clean_name"], spec["label"])
    return list(fields.items())


class SubmissionFormParameter(django.forms.Form):
    """The ``?form=`` of the submissions list: the id of a form, or nothing."""

    form = django.forms.ModelChoiceField(queryset=FormDefinition.objects.all(), required=False)


def selected_form(request) -> FormDefinition | None:
    """The form the submissions list is narrowed to; None when none (or no such form) is given."""
    if request is None:
        return None
    parameter = SubmissionFormParameter(request.GET)
    return parameter.cleaned_data["form"] if parameter.is_valid() else None


def file_download_url(submission: FormSubmission, reference: dict, *, absolute=False) -> str:
    url = reverse("form_submissions:file", args=[submission.pk, reference["file"]])
    if absolute:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


class FormSubmissionIndexView(SafeIndexView):
    """Submissions, filtered by form, version, page and date. With one form chosen, its answers
    get a column each (the export has every field of every version of the form). Answers and
    labels are the public's and the designers' text: the export neutralises formulas in them
    (``project.core.exports``)."""

    results_template_name = "atelier/index_results.html"  # says which filters were refused
    # Answers shown as columns in the list (the export has them all).
    listed_answers = 3

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.selected_form = selected_form(request)
        self.answer_fields = submission_fields(self.selected_form) if self.selected_form else []
        self.list_export = [
            "reference",
            "submitted_at",
            "form",
            "form_version",
            "page",
            "submitter_email",
            *(f"answer:{name}" for name, _label in self.answer_fields),
        ]
        if not self.answer_fields:
            self.list_export.append("answers")
        self.export_headings = {
            "reference": _("Reference"),
            "submitted_at": _("Submitted"),
            "form": _("Form"),
            "form_version": _("Version"),
            "page": _("Page"),
            "submitter_email": _("Submitter's e-mail"),
            "answers": _("Answers"),
            **{f"answer:{name}": label for name, label in self.answer_fields},
        }
        if self.selected_form is not None:
            self.export_filename = f"submissions-{self.selected_form.slug}"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("form", "form_version", "page")

    @cached_property
    def columns(self):
        columns = list(super().columns)
        for name, label in self.answer_fields[: self.listed_answers]:
            columns.append(
                Column(
                    f"answer:{name}",
                    label=label,
                    accessor=lambda submission, name=name: answer_text(
                        submission.form_version.specs.get(name), submission.data.get(name)
                    ),
                )
            )
        return columns

    def get_page_subtitle(self):
        return str(self.selected_form) if self.selected_form else None

    def get_add_url(self):
        return None

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def to_row_dict(self, item):
        def file_url(reference):
            return file_download_url(item, reference, absolute=True)

        values = {
            "reference": item.reference,
            "submitted_at": item.submitted_at,
            "form": item.form.name,
            "form_version": item.form_version.number,
            "page": item.page.title if item.page_id else "",
            "submitter_email": item.submitter_email,
        }
        if self.answer_fields:
            for name, _label in self.answer_fields:
                values[f"answer:{name}"] = answer_text(
                    item.form_version.specs.get(name), item.data.get(name), file_url=file_url
                )
        else:
            values["answers"] = "; ".join(
                f"{label}: {text}"
                for label, text in answer_rows(
                    item.form_version.schema, item.data, file_url=file_url
                )
            )
        return {field: values.get(field, "") for field in self.list_export}


class FormSubmissionInspectView(generic.InspectView):
    """A submission as it was filled in: each answer under its label in the version used."""

    def get_edit_url(self):
        return None

    def get_fields_context(self):
        submission = self.object
        version = submission.form_version

        def file_url(reference):
            return file_download_url(submission, reference)

        rows = [
            {"label": _("Reference"), "value": submission.reference, "component": None},
            {
                "label": _("Form"),
                "value": f"{submission.form} (v{version.number})",
                "component": None,
            },
            {
                "label": _("Page"),
                "value": submission.page.title if submission.page_id else "—",
                "component": None,
            },
            {"label": _("Submitted"), "value": submission.submitted_at, "component": None},
            {
                "label": _("Submitter's e-mail"),
                "value": submission.submitter_email or "—",
                "component": None,
            },
        ]
        labels = version.labels
        for name, value in submission.data.items():
            rows.append(
                {
                    "label": labels.get(name, name),
                    "value": answer_html(version.specs.get(name), value, file_url=file_url) or "—",
                    "component": None,
                }
            )
        return rows


def submission_file_download(request, pk, file_pk):
    """Stream a submitted file to a user who may see submissions; never inline, never sniffed."""
    if not form_submission_permission_policy().user_has_any_permission(
        request.user, ["view", "delete"]
    ):
        raise PermissionDenied
    stored = get_object_or_404(SubmissionFile, pk=file_pk, submission_id=pk)
    return private_file_response(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )


def form_submission_permission_policy():
    return ModelPermissionPolicy(FormSubmission)


# --- The read-only API for headless clients ------------------------------------------------------


@require_safe
def form_schema_view(request, key: str):
    """``GET /api/v1/forms/<slug or id>/schema/``: the JSON Schema (draft 2020-12) of the answers
    of the form's live version, as ``application/schema+json``. Public forms (see
    ``form_is_public``) answer anyone; other forms only staff. Unknown forms, forms without a
    published version, and forms the user may not read are all 404, so the answer never tells
    whether an internal form exists."""
    found = form_live_version_for_schema(key=key, user=request.user)
    if found is None:
        return JsonResponse(
            {"detail": _("There is no published form “%(key)s”.") % {"key": key}},
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    version, public = found
    schema = version_json_schema(version)
    body = {
        "$schema": schema["$schema"],
        "$id": request.build_absolute_uri(request.path),
        **schema,
    }
    response = JsonResponse(
        body, content_type="application/schema+json", json_dumps_params={"ensure_ascii": False}
    )
    # A form's live version changes when it is published again: clients ask again each time.
    patch_cache_control(
        response, no_cache=True, **({"public": True} if public else {"private": True})
    )
    response["X-Form-Version"] = str(version.number)
    return response
