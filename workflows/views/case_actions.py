"""What staff do to a case from its page: add a note, attach a file, assign it, fire a transition.
Each view writes through one service and only translates what it refuses into messages and form
errors."""

from __future__ import annotations

import django.forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from workflows.admin_forms import (
    AssignForm,
    NoteForm,
    TransitionForm,
    UploadForm,
    add_refusal_errors,
    build_version_form,
)
from workflows.display import button_class, state_label, state_name, user_name
from workflows.errors import InvalidInput, TransitionRefused, WorkflowError
from workflows.services import (
    case_assign,
    case_attach,
    case_comment,
    case_transition,
    transition_refusal,
)
from workflows.views.case_detail import CaseActionView, CaseViewMixin, case_url


class CaseNoteView(CaseActionView):
    def post(self, request, *args, **kwargs):
        form = NoteForm(request.POST, prefix="note")
        if form.is_valid():
            try:
                case_comment(case=self.case, actor=request.user, text=form.cleaned_data["text"])
            except InvalidInput as exc:
                add_refusal_errors(form, exc.field_errors)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Note added to %(reference)s.") % self.reference())
                return redirect(case_url(self.case))
        return self.render_to_response(self.get_context_data(note_form=form))


class CaseAttachView(CaseActionView):
    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, prefix="upload")
        if form.is_valid():
            try:
                attachment = case_attach(
                    case=self.case, actor=request.user, upload=form.cleaned_data["file"]
                )
            except InvalidInput as exc:
                add_refusal_errors(form, exc.field_errors)
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("“%(name)s” attached to %(reference)s.")
                    % {"name": attachment.original_name, **self.reference()},
                )
                return redirect(case_url(self.case))
        return self.render_to_response(self.get_context_data(upload_form=form))


class CaseAssignView(CaseActionView):
    def post(self, request, *args, **kwargs):
        form = AssignForm(request.POST, prefix="assign", case=self.case)
        if form.is_valid():
            assignee = form.cleaned_data["assignee"]
            try:
                case_assign(case=self.case, assignee=assignee, actor=request.user)
            except InvalidInput as exc:
                add_refusal_errors(form, exc.field_errors)
                messages.error(request, exc.message)
            else:
                if assignee is None:
                    text = _("%(reference)s is now unassigned.") % self.reference()
                else:
                    text = _("%(reference)s assigned to %(name)s.") % {
                        **self.reference(),
                        "name": user_name(assignee),
                    }
                messages.success(request, text)
                return redirect(case_url(self.case))
        return self.render_to_response(self.get_context_data(assign_form=form))


class CaseTransitionView(CaseViewMixin, TemplateView):
    """GET: the transition's step form and comment. POST: apply it through ``case_transition``;
    a refusal changes nothing and is shown as the service words it."""

    template_name = "workflows/cases/transition.html"
    prefix = "transition"
    # What the transition and its page read besides the case: its version (the transition reads
    # the store with its locked read).
    case_related = ("version",)

    def prepare(self, **kwargs) -> None:
        self.transition = self.case.definition.transition(kwargs["code"])
        if self.transition is None:
            raise Http404

    def get_page_title(self):
        return self.transition.label

    def get_page_subtitle(self):
        return self.case.reference

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        items[-1] = {"url": case_url(self.case), "label": self.case.reference}
        return [
            *items,
            {"url": "", "label": self.transition.label, "sublabel": self.case.reference},
        ]

    def get(self, request, *args, **kwargs):
        refusal = transition_refusal(self.case, self.transition, request.user, self.transition.code)
        if refusal is not None:
            messages.error(request, refusal.message)
            return redirect(case_url(self.case))
        form = TransitionForm(
            prefix=self.prefix,
            transition=self.transition,
            initial={"expected_state": self.case.state},
        )
        step_form = build_version_form(self.transition.step_form_version_id)
        return self.render_to_response(self.get_context_data(form=form, step_form=step_form))

    def post(self, request, *args, **kwargs):
        form = TransitionForm(request.POST, prefix=self.prefix, transition=self.transition)
        form.is_valid()
        comment = str(form["comment"].value() or "")
        expected_state = str(form["expected_state"].value() or "") or None
        has_step_form = bool(self.transition.step_form_version_id)
        try:
            case_transition(
                case=self.case,
                transition=self.transition.code,
                actor=request.user,
                # Without a step form there is nothing to store: never pass the raw POST.
                data=request.POST if has_step_form else None,
                files=request.FILES if has_step_form else None,
                comment=comment,
                expected_state=expected_state,
            )
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            if not exc.field_errors:
                return redirect(case_url(self.case))
            step_form = build_version_form(
                self.transition.step_form_version_id, data=request.POST, files=request.FILES
            )
            add_refusal_errors(form, exc.field_errors)
            add_refusal_errors(step_form, exc.field_errors)
            return self.render_to_response(self.get_context_data(form=form, step_form=step_form))
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return redirect(case_url(self.case))
        messages.success(
            request,
            _("%(reference)s moved to “%(state)s”")
            % {"reference": self.case.reference, "state": state_label(self.case)},
        )
        return redirect(case_url(self.case))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        step_form = kwargs.get("step_form")
        context.update(
            {
                "case": self.case,
                "transition": self.transition,
                "state_label": state_label(self.case),
                "target_label": state_name(self.case.definition, self.transition.target),
                "button_class": button_class(self.transition.button_style),
                "is_multipart": bool(step_form and step_form.is_multipart()),
                "media": (step_form.media if step_form else django.forms.Media()),
                "cancel_url": case_url(self.case),
            }
        )
        return context
