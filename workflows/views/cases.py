"""Staff views of cases in the Wagtail admin.

The list, a case's page and what can be done from it (transitions, notes, uploads, assignment),
opening a case, attachment downloads, the events feed and the bulk transition. Views read through
``workflows.selectors`` (scoped to the user's stores: another store's case answers 404) and write
through ``workflows.services``; they only translate what the services refuse into messages and
form errors.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import django.forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin

from forms.answers import answer_text
from project.core.files import private_file_response
from project.stores.models import Store
from workflows import hooks, selectors
from workflows.choices import ButtonStyle, EventKind
from workflows.definition import ProcessDefinition, TransitionDef
from workflows.errors import InvalidInput, TransitionRefused, WorkflowError
from workflows.models import Attachment, Case, Process
from workflows.services import (
    available_transitions,
    case_assign,
    case_attach,
    case_comment,
    case_open,
    case_transition,
    cases_bulk_transition,
    may_act_on,
    transition_refusal,
    waiting_transitions,
)

User = get_user_model()

CASE_ICON = "folder-open-inverse"

BUTTON_CLASSES = {
    ButtonStyle.PRIMARY: "button",
    ButtonStyle.SECONDARY: "button button-secondary",
    ButtonStyle.WARNING: "button warning",
}

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- Helpers --------------------------------------------------------------------------------------


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def can_view_cases(user) -> bool:
    """Model permissions say who works with cases at all (the roles get them by migration);
    store membership then says which cases."""
    return user.is_active and any(
        user.has_perm(f"workflows.{action}_case") for action in ("view", "add", "change")
    )


def can_open_cases(user) -> bool:
    return user.is_active and user.has_perm("workflows.add_case")


def sees_cases(user) -> bool:
    """Whether ``user`` works with cases and belongs to a store (or sees them all)."""
    return can_view_cases(user) and Store.objects.for_user(user).exists()


def case_or_404(request, pk) -> Case:
    """The case if ``request.user`` sees its store; 404 otherwise, so that another store's case
    is indistinguishable from a missing one."""
    if not can_view_cases(request.user):
        raise PermissionDenied
    try:
        return selectors.case_get(user=request.user, pk=pk)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def state_name(definition: ProcessDefinition, code: str) -> str:
    """The label of state ``code`` (the code itself for a state the definition does not know,
    e.g. one left behind by a move to a newer version)."""
    if not code:
        return ""
    state = definition.state(code)
    return state.label if state else code


def state_label(case: Case) -> str:
    return state_name(case.definition, case.state)


def is_overdue(case: Case, now=None) -> bool:
    return (
        case.closed_at is None and case.due_at is not None and case.due_at < (now or timezone.now())
    )


def humanise_seconds(seconds) -> str:
    """``Decimal("7500")`` → "2 hours, 5 minutes"; below a minute, the seconds."""
    total = int(Decimal(seconds or 0))
    if total < 60:
        return ngettext("%(count)d second", "%(count)d seconds", total) % {"count": total}
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return timesince(start, start + datetime.timedelta(seconds=total), depth=2)


def user_name(user) -> str:
    return get_user_display_name(user) if user is not None else ""


class FormLabels:
    """Labels of form fields by name, per published form version, loaded once per request."""

    def __init__(self, version_ids):
        from forms.models import FormVersion

        ids = {pk for pk in version_ids if pk}
        self.versions = FormVersion.objects.in_bulk(ids) if ids else {}
        self._labels: dict[int, dict[str, str]] = {}

    def for_version(self, version_id) -> dict[str, str]:
        if not version_id or version_id not in self.versions:
            return {}
        if version_id not in self._labels:
            from forms.builder import build_form

            version = self.versions[version_id]
            labels = dict(version.labels)
            labels.update(
                {name: str(field.label) for name, field in build_form(version).fields.items()}
            )
            self._labels[version_id] = labels
        return self._labels[version_id]

    def rows(self, data: dict, *version_ids) -> list[tuple[str, str]]:
        """(label, value) for each answer, labelled by the first of ``version_ids`` that knows
        the key; keys no form knows are shown as stored."""
        labels: dict[str, str] = {}
        specs: dict[str, dict] = {}
        for version_id in reversed(version_ids):
            labels.update(self.for_version(version_id))
            if version_id in self.versions:
                specs.update(self.versions[version_id].specs)
        return [
            (labels.get(key) or key, answer_text(specs.get(key), value, empty="—"))
            for key, value in data.items()
        ]


def build_version_form(version_id, **kwargs):
    """The published form ``version_id`` as a Django form, or None when there is none."""
    if not version_id:
        return None
    from forms.builder import build_form
    from forms.models import FormVersion

    return build_form(FormVersion.objects.get(pk=version_id), **kwargs)


def add_refusal_errors(form, field_errors: dict) -> None:
    """Show a service's ``field_errors`` on ``form``, except where the form already says the
    same (its own validation ran first)."""
    if form is None:
        return
    form.is_valid()
    for name, errors in field_errors.items():
        if name in form.fields and not form.errors.get(name):
            for error in errors:
                form.add_error(name, error)


class UserChoiceField(django.forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_name(obj)


def store_members(stores):
    return User.objects.filter(is_active=True, store_memberships__store__in=stores).distinct()


# --- List -----------------------------------------------------------------------------------------


def assignee_name(case: Case) -> str:
    return user_name(case.assignee)


def case_title_id(case: Case) -> str:
    return f"case_{case.pk}_title"


class DueColumn(Column):
    """The deadline in the store's time zone, flagged when it has passed on an open case."""

    cell_template_name = "workflows/cases/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["is_overdue"] = is_overdue(instance)
        return context


class StoreTimeColumn(Column):
    """A moment shown in the case's store time zone."""

    cell_template_name = "workflows/cases/time_cell.html"


class CaseIndexView(IndexView):
    """Cases of the user's stores. There is no add/edit/delete: cases change only through the
    services (the case page, the transition pages and the bulk action)."""

    template_name = "workflows/cases/index.html"
    page_title = gettext_lazy("Cases")
    add_item_label = gettext_lazy("Open a case")

    def get_base_queryset(self):
        return selectors.case_list(user=self.request.user)

    def search_queryset(self, queryset):
        return selectors.cases_search(queryset, self.search_query)

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="case"), *super().columns]

    def get_add_url(self):
        if can_open_cases(self.request.user):
            return reverse("cases:open_index")
        return None

    def get_edit_url(self, instance):
        return case_url(instance)

    def get_copy_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_reorder_url(self):
        return None

    def get_list_more_buttons(self, instance):
        return []

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        replacements = {
            "state": lambda: state_label(item),
            "process": lambda: item.process.name,
            "store": lambda: item.store.code,
            "assignee": lambda: item.assignee.get_username() if item.assignee_id else "",
        }
        for name, value in replacements.items():
            if name in row:
                row[name] = value()
        return row


# --- The case page --------------------------------------------------------------------------------


class NoteForm(django.forms.Form):
    text = django.forms.CharField(
        label=gettext_lazy("Internal note"),
        widget=django.forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Seen by staff only; your name and the time are recorded."),
    )


class UploadForm(django.forms.Form):
    file = django.forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.ATTACHMENT_MAX_BYTES / 1_048_576
        self.fields["file"].help_text = _("Up to %(mb)s MB: %(types)s.") % {
            "mb": f"{limit:.0f}",
            "types": ", ".join(sorted(settings.ATTACHMENT_CONTENT_TYPES)),
        }


class AssignForm(django.forms.Form):
    assignee = UserChoiceField(
        label=gettext_lazy("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody"),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"assignee": case.assignee_id})
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = store_members([case.store]).order_by(
            "first_name", "last_name", "username"
        )


class CaseViewMixin(WagtailAdminTemplateMixin):
    """A page about one case the user may see (404 otherwise)."""

    header_icon = CASE_ICON

    def dispatch(self, request, *args, **kwargs):
        self.case = case_or_404(request, kwargs["pk"])
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
        from workflows.diagram import render_process_svg

        case = self.case
        definition = case.definition
        user = self.request.user
        state = case.current_state
        events = list(selectors.case_events(case=case))
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
                "classname": BUTTON_CLASSES.get(transition.button_style, "button"),
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
                "state_colour": state.colour if state and _COLOUR.match(state.colour) else "",
                "is_overdue": is_overdue(case),
                "data_rows": labels.rows(
                    case.data, definition.intake_form_version_id, *step_versions.values()
                ),
                "diagram": mark_safe(  # noqa: S308 (the renderer escapes every label itself)
                    render_process_svg(
                        definition, current_state=case.state, title=str(case.process)
                    )
                ),
                "attachments": [
                    {
                        "attachment": attachment,
                        "url": reverse("cases:attachment", args=[case.pk, attachment.pk]),
                    }
                    for attachment in case.attachments.select_related("uploaded_by")
                ],
                "events": [
                    self.event_row(event, definition, labels, step_versions) for event in events
                ],
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

    def event_row(self, event, definition, labels: FormLabels, step_versions) -> dict:
        transition = definition.transition(event.transition) if event.transition else None
        summary = ""
        data_rows = []
        url = ""
        if event.kind == EventKind.TRANSITION:
            data_rows = labels.rows(event.data, step_versions.get(event.transition))
        elif event.kind == EventKind.ASSIGNED:
            summary = _("Assigned to %(to)s (was %(from)s)") % {
                "to": event.data.get("to") or _("nobody"),
                "from": event.data.get("from") or _("nobody"),
            }
        elif event.kind == EventKind.ATTACHMENT:
            summary = event.data.get("name", "")
            if event.data.get("attachment"):
                url = reverse("cases:attachment", args=[event.case_id, event.data["attachment"]])
        elif event.kind == EventKind.OPENED and event.data.get("assignee"):
            summary = _("Assigned to %(to)s") % {"to": event.data["assignee"]}
        elif event.kind == EventKind.MIGRATED:
            summary = _("Now on version %(number)s") % {"number": event.data.get("version", "?")}
        moved = event.kind in (EventKind.OPENED, EventKind.TRANSITION, EventKind.MIGRATED)
        return {
            "event": event,
            "kind": event.get_kind_display(),
            "actor": user_name(event.actor) or _("System"),
            "transition": transition.label if transition else event.transition,
            "from_label": state_name(definition, event.from_state) if moved else "",
            "to_label": state_name(definition, event.to_state) if moved else "",
            "duration": humanise_seconds(event.seconds_in_state) if event.seconds_in_state else "",
            "summary": summary,
            "url": url,
            "data_rows": data_rows,
        }


class CaseActionView(CaseDetailView):
    """A form posted from the case page: success redirects back to it, a refusal shows the
    page again with the form's errors and the service's message."""

    http_method_names = ["post"]

    def reference(self) -> dict:
        return {"reference": self.case.reference}


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


# --- Transitions ----------------------------------------------------------------------------------


class TransitionForm(django.forms.Form):
    """What every transition asks besides its step form: a comment and the state the user saw
    (so a case that moved on meanwhile is reported instead of acted on)."""

    comment = django.forms.CharField(
        label=gettext_lazy("Comment"), widget=django.forms.Textarea(attrs={"rows": 3})
    )
    expected_state = django.forms.CharField(widget=django.forms.HiddenInput, required=False)

    def __init__(self, *args, transition: TransitionDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = transition.comment_required


class CaseTransitionView(CaseViewMixin, TemplateView):
    """GET: the transition's step form and comment. POST: apply it through ``case_transition``;
    a refusal changes nothing and is shown as the service words it."""

    template_name = "workflows/cases/transition.html"
    prefix = "transition"

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
                "button_class": BUTTON_CLASSES.get(self.transition.button_style, "button"),
                "is_multipart": bool(step_form and step_form.is_multipart()),
                "media": (step_form.media if step_form else django.forms.Media()),
                "cancel_url": case_url(self.case),
            }
        )
        return context


# --- Opening a case -------------------------------------------------------------------------------


def openable_processes():
    return Process.objects.filter(is_active=True, live_version__isnull=False).select_related(
        "live_version"
    )


class CaseOpenIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The processes a case can be opened on (active and published)."""

    template_name = "workflows/cases/open_index.html"
    header_icon = CASE_ICON
    page_title = gettext_lazy("Open a case")

    def dispatch(self, request, *args, **kwargs):
        if not can_open_cases(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cases:index"), "label": _("Cases")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["processes"] = [
            {"process": process, "url": reverse("cases:open", args=[process.pk])}
            for process in openable_processes().order_by("name")
        ]
        return context


class OpenCaseForm(django.forms.Form):
    store = django.forms.ModelChoiceField(
        label=gettext_lazy("Store"), queryset=Store.objects.none()
    )
    customer_name = django.forms.CharField(
        label=gettext_lazy("Customer name"), max_length=200, required=False
    )
    customer_phone = django.forms.CharField(
        label=gettext_lazy("Customer phone"), max_length=32, required=False
    )
    customer_email = django.forms.EmailField(label=gettext_lazy("Customer e-mail"), required=False)
    customer_language = django.forms.ChoiceField(
        label=gettext_lazy("Customer's language"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stores = Store.objects.for_user(user).filter(is_active=True).order_by("code")
        self.fields["store"].queryset = stores
        self.fields["customer_language"].choices = [("", "—"), *settings.LANGUAGES]
        if not self.is_bound:
            only = list(stores[:2])
            if len(only) == 1:
                self.initial.setdefault("store", only[0].pk)

    def customer(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["customer_name"],
            "phone": data["customer_phone"],
            "email": data["customer_email"],
            "language": data["customer_language"],
        }


class CaseOpenView(WagtailAdminTemplateMixin, TemplateView):
    """The store, the customer and the intake form of the process's live version."""

    template_name = "workflows/cases/open.html"
    header_icon = CASE_ICON
    prefix = "case"

    def dispatch(self, request, *args, **kwargs):
        if not can_open_cases(request.user):
            raise PermissionDenied
        self.process = get_object_or_404(openable_processes(), pk=kwargs["process_pk"])
        self.intake_version_id = self.process.live_version.definition.intake_form_version_id
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Open a case")

    def get_page_subtitle(self):
        return self.process.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cases:index"), "label": _("Cases")},
            {"url": reverse("cases:open_index"), "label": _("Open a case")},
            {"url": "", "label": self.process.name, "sublabel": _("new case")},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(
                form=OpenCaseForm(prefix=self.prefix, user=request.user),
                intake_form=build_version_form(self.intake_version_id),
            )
        )

    def post(self, request, *args, **kwargs):
        form = OpenCaseForm(request.POST, prefix=self.prefix, user=request.user)
        has_intake = bool(self.intake_version_id)
        if form.is_valid():
            try:
                case = case_open(
                    process=self.process,
                    store=form.cleaned_data["store"],
                    actor=request.user,
                    customer=form.customer(),
                    data=request.POST if has_intake else None,
                    files=request.FILES if has_intake else None,
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
                intake_form = build_version_form(
                    self.intake_version_id, data=request.POST, files=request.FILES
                )
                add_refusal_errors(intake_form, exc.field_errors)
            else:
                messages.success(request, _("Opened %(reference)s") % {"reference": case.reference})
                return redirect(case_url(case))
        else:
            intake_form = build_version_form(
                self.intake_version_id, data=request.POST, files=request.FILES
            )
            if intake_form is not None:
                intake_form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, intake_form=intake_form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        intake_form = kwargs.get("intake_form")
        form = kwargs["form"]
        context.update(
            {
                "process": self.process,
                "version": self.process.live_version,
                "is_multipart": bool(intake_form and intake_form.is_multipart()),
                "media": form.media + (intake_form.media if intake_form else django.forms.Media()),
                "no_store": not form.fields["store"].queryset.exists(),
            }
        )
        return context


# --- Downloads and the events feed ----------------------------------------------------------------


@require_safe
def attachment_download(request, pk, attachment_pk):
    """Stream an attachment after checking the case is visible to the user; never inline."""
    case = case_or_404(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


def event_json(event, definition: ProcessDefinition) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": event.actor.get_username() if event.actor_id else None,
        "created_at": event.created_at,
        "transition": event.transition,
        "from_state": event.from_state,
        "from_label": state_name(definition, event.from_state),
        "to_state": event.to_state,
        "to_label": state_name(definition, event.to_state),
        "comment": event.comment,
        "data": event.data,
        "seconds_in_state": event.seconds_in_state,
    }


@require_safe
def case_events_json(request, pk):
    """The case's history as JSON, oldest first (read by the API and scripts)."""
    case = case_or_404(request, pk)
    definition = case.definition
    return JsonResponse(
        {
            "case": {
                "id": case.pk,
                "reference": case.reference,
                "process": case.process.code,
                "version": case.version.number,
                "state": case.state,
                "state_label": state_label(case),
            },
            "events": [event_json(event, definition) for event in selectors.case_events(case=case)],
        }
    )


# --- Bulk transition ------------------------------------------------------------------------------


class BulkTransitionForm(django.forms.Form):
    transition = django.forms.ChoiceField(label=gettext_lazy("Transition"))
    comment = django.forms.CharField(
        label=gettext_lazy("Comment"),
        widget=django.forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Recorded on every case; some transitions require one."),
    )


class CaseTransitionBulkAction(BulkAction):
    """Apply one transition to the selected cases. Each case succeeds or fails on its own
    (``cases_bulk_transition``) and the result page lists both."""

    display_name = gettext_lazy("Apply a transition")
    action_type = "transition"
    aria_label = gettext_lazy("Apply a transition to the selected cases")
    template_name = "workflows/cases/bulk_transition.html"
    result_template_name = "workflows/cases/bulk_result.html"
    action_priority = 10
    form_class = BulkTransitionForm
    # Set by the registered subclass: the list's filters, for "select all in listing".
    filterset_class = None
    models = [Case]

    def get_queryset(self, model, object_ids):
        return list(
            selectors.case_list(user=self.request.user)
            .filter(pk__in=[pk for pk in object_ids if str(pk).isdigit()])
            .order_by("reference")
        )

    def get_all_objects_in_listing_query(self, parent_id):
        filters = {}
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET, request=self.request)
            if filterset.is_valid():
                filters = filterset.form.cleaned_data
        return selectors.case_list(
            user=self.request.user, filters=filters, search=self.request.GET.get("q", "")
        ).values_list("pk", flat=True)

    def check_perm(self, obj):
        # Scoping already left out the cases of other stores.
        return can_view_cases(self.request.user)

    def get_actionable_objects(self):
        if not hasattr(self, "_actionable"):
            self._actionable = super().get_actionable_objects()
        return self._actionable

    @property
    def selected(self) -> list[Case]:
        return self.get_actionable_objects()[0]

    def transition_choices(self) -> list[tuple[str, str]]:
        """Every transition leaving the state of at least one selected case."""
        choices: dict[str, str] = {}
        for case in self.selected:
            for transition in case.definition.transitions_from(case.state):
                choices.setdefault(transition.code, f"{transition.label} ({transition.code})")
        return sorted(choices.items(), key=lambda item: item[1])

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["transition"].choices = self.transition_choices()
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = [
            {"item": case, "state_label": state_label(case), "url": case_url(case)}
            for case in self.selected
        ]
        context["header_icon"] = CASE_ICON
        return context

    def form_valid(self, form):
        result = cases_bulk_transition(
            cases=self.selected,
            transition=form.cleaned_data["transition"],
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        return TemplateResponse(
            self.request,
            self.result_template_name,
            {
                "succeeded": [
                    {"case": case, "url": case_url(case), "state_label": state_label(case)}
                    for case in result.succeeded
                ],
                "failed": [
                    {"case": case, "url": case_url(case), "reason": reason}
                    for case, reason in result.failed
                ],
                "next": self.next_url,
                "header_icon": CASE_ICON,
                "transition": dict(self.transition_choices()).get(
                    form.cleaned_data["transition"], form.cleaned_data["transition"]
                ),
            },
        )
