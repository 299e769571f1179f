"""A case's page in the admin: everything about the case and the forms to act on it, and the base
of the views that post those forms back to it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from workflows import hooks, selectors
from workflows.admin_forms import AssignForm, NoteForm, UploadForm
from workflows.diagram import render_process_svg
from workflows.display import (
    CASE_ICON,
    FormLabels,
    assignee_name,
    button_class,
    event_row,
    is_overdue,
    state_colour,
    state_label,
)
from workflows.models import Case
from workflows.services import available_transitions, may_act_on, waiting_transitions
from workflows.views.access import case_or_404


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


class CaseViewMixin(WagtailAdminTemplateMixin):
    """A page about one case the user may see (404 otherwise)."""

    header_icon = CASE_ICON
    # The rows loaded with the case: what the page shows of it.
    case_related = selectors.CASE_RELATED

    def dispatch(self, request, *args, **kwargs):
        self.case = case_or_404(request, kwargs["pk"], related=self.case_related)
        self.prepare(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, **kwargs) -> None:
        """Load what else the view needs from its URL; raise Http404 when it does not exist."""

    def get_page_title(self):
        return self.case.reference

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cases:index"), "label": _("Cases")},
            {"url": "", "label": self.case.reference},
        ]


class CaseDetailView(CaseViewMixin, TemplateView):
    """Everything about a case, and the forms to act on it."""

    template_name = "workflows/cases/detail.html"

    def get_context_data(self, **kwargs):
        case = self.case
        definition = case.definition
        user = self.request.user
        state = case.current_state
        events = list(selectors.case_events(case=case))
        svg = render_process_svg(definition, current_state=case.state, title=str(case.process))
        diagram = mark_safe(svg)  # noqa: S308  # nosec B308, B703  # the renderer escapes every text
        # Case data holds the intake answers and, merged in, the answers of step forms.
        step_versions = {
            transition.code: transition.step_form_version_id
            for transition in definition.transitions
            if transition.step_form_version_id
        }
        labels = FormLabels([definition.intake_form_version_id, *step_versions.values()])
        transitions = [
            {
                "definition": transition,
                "url": reverse("cases:transition", args=[case.pk, transition.code]),
                "classname": button_class(transition.button_style),
            }
            for transition in available_transitions(case, user)
        ]
        waiting = [
            {"definition": transition, "message": refusal.message}
            for transition, refusal in waiting_transitions(case, user)
        ]
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "case": case,
                "version": case.version,
                "state": state,
                "state_label": state_label(case),
                "state_colour": state_colour(state),
                "is_overdue": is_overdue(case),
                "data_rows": labels.rows(
                    case.data, definition.intake_form_version_id, *step_versions.values()
                ),
                "diagram": diagram,
                "attachments": [
                    {
                        "attachment": attachment,
                        "url": reverse("cases:attachment", args=[case.pk, attachment.pk]),
                    }
                    for attachment in case.attachments.select_related("uploaded_by")
                ],
                "events": [event_row(event, definition, labels, step_versions) for event in events],
                "transitions": transitions,
                "waiting_transitions": waiting,
                "can_act": may_act_on(case, user),
                "assignee_name": assignee_name(case),
                "note_form": kwargs.get("note_form") or NoteForm(prefix="note"),
                "upload_form": kwargs.get("upload_form") or UploadForm(prefix="upload"),
                "assign_form": kwargs.get("assign_form") or AssignForm(prefix="assign", case=case),
                "events_url": reverse("cases:events", args=[case.pk]),
                "panels": hooks.case_panels(case, user, **kwargs.get("panel_forms", {})),
            }
        )
        return context


class CaseActionView(CaseDetailView):
    """A form posted from the case page: success redirects back to it, a refusal shows the
    page again with the form's errors and the service's message."""

    http_method_names = ["post"]

    def reference(self) -> dict:
        return {"reference": self.case.reference}
