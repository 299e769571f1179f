"""Public Wagtail pages that show a published form.

``AbstractFormPage`` is the base, shaped like ``wagtail.contrib.forms``' ``AbstractForm``: it
renders the live version of its form (one step per page break, see ``forms.progress``), checks
each post (honeypot, rate limit, validation), and hands the valid, complete form to
``process_form_submission(form, request)``. ``FormPage`` stores a ``FormSubmission``; the page
that opens a case is ``workflows.models.pages.CaseRequestPage``.

The small ``get_*`` hooks say when to override them. After a successful post the visitor is
redirected to ``?sent`` (so reloading does not send again), which shows the thank-you text and
the reference.

One module although it is long: almost all of it is ``AbstractFormPage``, one page type whose
serving flow (show a step, check a post, keep progress, submit, thank) reads top to bottom and is
customised by overriding its methods; cutting the class into mixins would scatter that flow.
The parts that stand alone already live elsewhere: steps and session progress in
``forms.progress``, storing in ``forms.submissions``, abuse checks in ``forms.abuse``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.forms.utils import ErrorList
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from forms.abuse import (
    HONEYPOT_FIELD,
    address_hash,
    confirmation_throttled,
    honeypot_filled,
    rate_limit_exceeded,
)
from forms.builder import build_form
from forms.choices import LAYOUT_TYPES, FieldType
from forms.progress import ACTION_FIELD, STEP_FIELD, FormProgress, Step, raw_answers, split_steps
from forms.submissions import (
    RETIRED_CONFIRMATION_PLACEHOLDERS,
    confirmation_schedule,
    fill_confirmation,
    pending_uploads_store,
    submission_create,
    submitter_email_of,
    unknown_placeholders,
)
from project.core.limits import MESSAGE_MAX_LENGTH, RICH_TEXT_HTML_MAX_LENGTH, RICH_TEXT_MAX_LENGTH

logger = logging.getLogger(__name__)

SENT_PARAMETER = "sent"
# Field names read as the submitter's name (the first answered one wins).
NAME_FIELDS = ("name", "full_name", "your_name", "customer_name")

DEFAULT_CONFIRMATION_SUBJECT = "We received your message ({reference})"
DEFAULT_CONFIRMATION_BODY = (
    "Hello,\n\n"
    "Thank you for writing to us. We received your message; its reference is {reference}. "
    "Please mention it if you contact us about this.\n\n"
    "Atelier"
)


class SubmissionRefused(Exception):
    """Raised by ``process_form_submission`` when what was sent cannot be taken after all; the
    page shows ``message`` (written for the visitor) and ``field_errors`` on their fields."""

    def __init__(self, message: str, field_errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})


class AbstractFormPage(Page):
    """A page that shows a published form and takes what visitors send.

    Subclasses implement ``process_form_submission``; everything else has a working default.
    """

    form = models.ForeignKey(
        "forms.FormDefinition",
        verbose_name=_("form"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"live_version__isnull": False},
        help_text=_("Visitors fill in its published version."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        max_length=RICH_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(RICH_TEXT_HTML_MAX_LENGTH)],
    )
    submit_label = models.CharField(_("send button label"), max_length=60, default="Send")
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        max_length=RICH_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(RICH_TEXT_HTML_MAX_LENGTH)],
        help_text=_("Shown with the reference once sent."),
    )
    send_confirmation = models.BooleanField(
        _("send a confirmation e-mail"),
        default=False,
        help_text=_("To the address the visitor gives in the form's e-mail field."),
    )
    confirmation_subject = models.CharField(
        _("confirmation subject"), max_length=200, blank=True, default=DEFAULT_CONFIRMATION_SUBJECT
    )
    confirmation_body = models.TextField(
        _("confirmation text"),
        blank=True,
        max_length=MESSAGE_MAX_LENGTH,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
        default=DEFAULT_CONFIRMATION_BODY,
        help_text=_(
            "Plain text, sent to the address the visitor typed: it carries only what is written "
            "here, never their answers. Placeholders: {reference}, {form}, {page}, {date}."
        ),
    )

    confirmation_panels = [
        MultiFieldPanel(
            [
                FieldPanel("send_confirmation"),
                FieldPanel("confirmation_subject"),
                FieldPanel("confirmation_body"),
            ],
            heading=_("Confirmation e-mail"),
        ),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("form"),
        FieldPanel("intro"),
        FieldPanel("submit_label"),
        FieldPanel("thank_you_text"),
        *confirmation_panels,
    ]

    template = "forms/pages/form_page.html"
    landing_page_template = "forms/pages/form_page_landing.html"
    rate_limited_template = "forms/pages/rate_limited.html"
    unavailable_template = "forms/pages/unavailable.html"
    subpage_types: list[str] = []
    preview_modes = [("", _("Form")), ("landing", _("Thank-you page"))]

    # Names the confirmation subject and text may use (see ``get_confirmation_values``). None of
    # them is a visitor's answer: the e-mail goes to whatever address was typed in.
    confirmation_placeholders = ("reference", "form", "page", "date")

    class Meta:
        abstract = True

    # --- Hooks ------------------------------------------------------------------------------

    def get_form_version(self):
        """The ``FormVersion`` visitors fill in, or None when the page cannot take anything now
        (it then answers 503). Default: the form's live version. Override to choose another."""
        if not self.form_id:
            return None
        return self.form.live_version

    def get_steps(self, version) -> list[Step]:
        """The version's steps (split at page breaks). Override to group fields differently."""
        return split_steps(version.schema)

    def get_form(self, version, step: Step, **kwargs):
        """The form that checks ``step``: every item up to its end, so conditions and answers of
        earlier steps take part (the whole version on the last step). ``form.version`` is set."""
        if step.end >= len(version.schema):
            form = build_form(version, **kwargs)
        else:
            form = build_form(list(version.schema[: step.end]), **kwargs)
        form.version = version
        return form

    def process_form_submission(self, form, request):
        """Act on a valid and complete form (every step validated together) and return what was
        made; it needs a ``reference``. Runs inside a transaction; raise ``SubmissionRefused``
        to show the visitor why it cannot be taken. Override in every concrete page type."""
        raise NotImplementedError

    def get_result_reference(self, result) -> str:
        """The reference shown on the thank-you page and in the e-mail."""
        return str(getattr(result, "reference", "") or "")

    def get_submitter_email(self, form) -> str:
        """Where the confirmation goes: the field named ``email``, else the first e-mail field."""
        return submitter_email_of(form)

    def get_submitter_name(self, form) -> str:
        """The submitter's name: the first answered field named as in ``NAME_FIELDS``."""
        for name in NAME_FIELDS:
            value = form.cleaned_data.get(name)
            if value:
                return str(value)
        return ""

    def get_confirmation_values(self, form, result) -> dict[str, Any]:
        """What the confirmation's placeholders stand for. Override with care: the e-mail goes
        to any address a visitor types, so no value may be text a visitor wrote."""
        return {
            "reference": self.get_result_reference(result),
            "form": form.version.form.name,
            "page": self.title,
            "date": timezone.localdate().isoformat(),
        }

    # --- Admin-side checks --------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors: dict[str, list[str]] = {}
        version = self.get_form_version() if self.form_id else None
        if self.form_id and self.form.live_version_id is None:
            errors.setdefault("form", []).append(_("Publish this form first."))
        if self.send_confirmation:
            if not self.confirmation_subject.strip():
                errors.setdefault("confirmation_subject", []).append(
                    _("A confirmation needs a subject.")
                )
            for attribute in ("confirmation_subject", "confirmation_body"):
                unknown = unknown_placeholders(
                    getattr(self, attribute), self.confirmation_placeholders
                )
                retired = [name for name in unknown if name in RETIRED_CONFIRMATION_PLACEHOLDERS]
                unknown = [name for name in unknown if name not in retired]
                if retired:
                    errors.setdefault(attribute, []).append(
                        _(
                            "%(retired)s is no longer available: the e-mail goes to whatever "
                            "address a visitor types, so it carries nothing they wrote. Remove it."
                        )
                        % {"retired": ", ".join(f"{{{name}}}" for name in retired)}
                    )
                if unknown:
                    errors.setdefault(attribute, []).append(
                        _("Unknown placeholder(s): %(unknown)s. Known: %(known)s.")
                        % {
                            "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                            "known": ", ".join(
                                f"{{{name}}}" for name in self.confirmation_placeholders
                            ),
                        }
                    )
            if version is not None and not any(
                spec["field_type"] == FieldType.EMAIL for spec in version.schema
            ):
                errors.setdefault("send_confirmation", []).append(
                    _("The form has no e-mail field to send the confirmation to.")
                )
        if errors:
            raise ValidationError(errors)

    # --- Serving ------------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        version = self.get_form_version()
        if version is None:
            response = TemplateResponse(
                request, self.unavailable_template, self.get_context(request), status=503
            )
        elif request.method == "POST":
            response = self.serve_post(request, version)
        else:
            response = self.serve_get(request, version)
        add_never_cache_headers(response)  # answers and errors are the visitor's own
        return response

    def serve_preview(self, request, mode_name):
        if mode_name == "landing":
            return self.render_landing_page(request, reference="ABCD-2345")
        return super().serve_preview(request, mode_name)

    @property
    def _sent_key(self) -> str:
        return f"atelier.forms.sent.{self.pk}"

    def serve_get(self, request, version):
        if SENT_PARAMETER in request.GET:
            sent = request.session.get(self._sent_key)
            if sent is None:
                return redirect(self.get_url(request))
            return self.render_landing_page(request, reference=sent.get("reference"))
        steps = self.get_steps(version)
        progress = FormProgress(request, self, version) if len(steps) > 1 else None
        index = 0
        notice = ""
        if progress is not None:
            index = min(progress.current, progress.reached(), len(steps) - 1)
            notice = progress.state.pop("notice", "")
            if progress.restarted or notice:
                progress.save()
            if progress.restarted:
                notice = _("This form was updated meanwhile; please fill it in again.")
        return self.render_step(request, version, steps, index, progress, notice=notice)

    def serve_post(self, request, version):
        retry_after = rate_limit_exceeded(request)
        if retry_after:
            logger.info("Form page %s: post refused by the rate limit", self.pk)
            return self.render_rate_limited(request, retry_after)

        steps = self.get_steps(version)
        progress = FormProgress(request, self, version) if len(steps) > 1 else None
        if honeypot_filled(request):
            # Answered like a success so the bot learns nothing; nothing is stored or sent.
            logger.info("Form page %s: honeypot filled, post dropped", self.pk)
            if progress is not None:
                progress.clear()
            return self.redirect_to_landing(request, reference=None)
        if progress is not None and progress.restarted:
            progress.state["notice"] = str(
                _("This form was updated meanwhile; please fill it in again.")
            )
            progress.save()
            return redirect(self.get_url(request))

        try:
            index = int(request.POST.get(STEP_FIELD, 0))
        except ValueError:
            index = -1
        if not 0 <= index < len(steps) or (progress and index > progress.reached()):
            # A stale or forged step: show the visitor where they are.
            return redirect(self.get_url(request))
        step = steps[index]

        if progress is not None and request.POST.get(ACTION_FIELD) == "back":
            # What was typed on this step is kept (unchecked) for when the visitor returns.
            progress.save_step(index, raw_answers(request.POST), [])
            progress.current = self.previous_step(version, steps, index, progress)
            return redirect(self.get_url(request))

        if progress is None:
            form = self.get_form(version, step, data=request.POST, files=request.FILES)
        else:
            form = self.get_form(
                version,
                step,
                data=progress.data(index, request.POST),
                files=progress.files(index, request.FILES),
            )
        if not form.is_valid():
            return self.render_invalid(request, version, steps, index, progress, form)

        if progress is not None:
            kept = pending_uploads_store(
                progress=progress.token, form=form, names=step.names, files=request.FILES
            )
            progress.save_step(index, raw_answers(request.POST), kept)
            following = self.next_step(version, steps, index, progress)
            if following is not None:
                progress.current = following
                return redirect(self.get_url(request))
            # The last step shown: everything is checked again, together, from the session.
            last = len(steps) - 1
            form = self.get_form(
                version, steps[last], data=progress.data(last), files=progress.files(last)
            )
            if not form.is_valid():
                return self.render_invalid(request, version, steps, last, progress, form)
        return self.submit(request, version, steps, progress, form)

    def submit(self, request, version, steps, progress, form):
        try:
            with transaction.atomic():
                result = self.process_form_submission(form, request)
                self.schedule_confirmation(form, result, request)
        except SubmissionRefused as refused:
            form.add_error(None, refused.message)
            for name, messages in refused.field_errors.items():
                if name in form.fields:
                    for message in messages:
                        form.add_error(name, message)
            index = len(steps) - 1 if progress is None else self.step_with_errors(steps, form)
            if progress is not None:
                progress.current = index
            return self.render_step(request, version, steps, index, progress, form=form)
        if progress is not None:
            progress.clear()  # its kept files were copied to what was made
        return self.redirect_to_landing(request, reference=self.get_result_reference(result))

    def schedule_confirmation(self, form, result, request) -> None:
        """E-mail the confirmation once the submission is committed, unless a confirmation limit
        is reached (``forms.abuse``): the submission stands either way."""
        if not self.send_confirmation:
            return
        to = self.get_submitter_email(form)
        if not to:
            return
        throttled = confirmation_throttled(request, form_key=f"page-{self.pk}", recipient=to)
        if throttled:
            logger.info("Form page %s: confirmation left out (%s limit)", self.pk, throttled)
            return
        values = self.get_confirmation_values(form, result)
        confirmation_schedule(
            to=to,
            subject=fill_confirmation(self.confirmation_subject, values),
            body=fill_confirmation(self.confirmation_body, values),
        )

    # --- Steps --------------------------------------------------------------------------------

    def step_with_errors(self, steps: list[Step], form) -> int:
        """The first step with a field in error (the last checked one for errors of the form)."""
        for step in steps:
            if step.names & set(form.errors):
                return step.index
        return len(steps) - 1

    def render_invalid(self, request, version, steps, index, progress, form):
        index = min(index, self.step_with_errors(steps[: index + 1], form))
        if progress is not None:
            progress.current = index
        return self.render_step(request, version, steps, index, progress, form=form)

    def hidden_by_earlier_steps(self, steps: list[Step], index: int, form) -> set[str]:
        """Items of step ``index`` whose condition, over earlier steps' answers only, does not
        hold (``form`` is bound and validated). They are not shown at all; conditions on the
        step's own fields are left to the browser and checked on posting."""
        earlier = set().union(*(step.names for step in steps[:index])) if index else set()
        hidden = set()
        for spec in steps[index].items:
            names = {name.split(".", 1)[0] for name in spec.get("condition_names") or []}
            if names and names <= earlier and spec["clean_name"] in form.hidden_names:
                hidden.add(spec["clean_name"])
        return hidden

    def step_is_hidden(self, version, steps, index, progress) -> bool:
        """Whether every input field of step ``index`` is hidden by earlier answers."""
        if not any(spec.get("condition") for spec in steps[index].items):
            return False
        form = self.get_form(version, steps[index], data=progress.data(index))
        form.is_valid()
        return steps[index].names <= self.hidden_by_earlier_steps(steps, index, form)

    def next_step(self, version, steps, index, progress) -> int | None:
        """The next step with something to ask, or None when ``index`` is the last one (steps
        skipped on the way forget what they held)."""
        following = index + 1
        while following < len(steps):
            if not self.step_is_hidden(version, steps, following, progress):
                return following
            progress.forget_step(following)
            following += 1
        return None

    def previous_step(self, version, steps, index, progress) -> int:
        previous = index - 1
        while previous > 0 and self.step_is_hidden(version, steps, previous, progress):
            previous -= 1
        return max(previous, 0)

    # --- Rendering ----------------------------------------------------------------------------

    def render_step(self, request, version, steps, index, progress, *, form=None, notice=""):
        """The page with step ``index``. Without ``form``, the step shows the answers kept for
        it (if any) and no errors."""
        step = steps[index]
        if form is None:
            form, hidden = self.quiet_form(version, steps, index, progress)
        else:
            hidden = self.hidden_by_earlier_steps(steps, index, form)
        kept = {}
        if progress is not None:
            for record in progress.files_of(index):
                kept.setdefault(record["field"], []).extend(record["names"])
        for name in kept:
            if name in form.fields:
                # A file is already here: choosing another is optional.
                form.fields[name].widget.use_required_attribute = lambda initial: False
        items = []
        for spec in step.items:
            name = spec["clean_name"]
            if name in hidden:
                continue
            field = form[name] if name in form.fields else None
            items.append(
                {
                    "spec": spec,
                    "field": field,
                    "required": bool(spec.get("required")) and field is not None,
                    "kept": kept.get(name, []),
                    "kind": getattr(field and field.field, "browser_kind", ""),
                    "condition": getattr(field and field.field, "browser_condition", ""),
                }
            )
        context = self.get_context(request)
        context.update(
            {
                "form": form,
                "step": step,
                "steps": steps,
                "step_number": index + 1,
                "is_last_step": index == len(steps) - 1,
                "items": items,
                "error_summary": self.error_summary(form, step, hidden),
                "honeypot_field": HONEYPOT_FIELD,
                "step_field": STEP_FIELD,
                "action_field": ACTION_FIELD,
                "notice": notice,
                "known_answers": self.known_answers(version, steps, index, progress, form),
            }
        )
        return TemplateResponse(request, self.get_template(request), context)

    def known_answers(self, version, steps, index, progress, form) -> dict[str, Any]:
        """Earlier steps' answers that conditions of step ``index`` read, for the browser to
        show and hide the step's fields (conditions over earlier answers alone are settled on
        the server: such fields are not rendered when hidden)."""
        earlier = set().union(*(step.names for step in steps[:index])) if index else set()
        wanted = {
            name.split(".", 1)[0]
            for spec in steps[index].items
            for name in spec.get("condition_names") or []
        } & earlier
        if not wanted or progress is None:
            return {}
        if not form.is_bound:
            form = self.get_form(version, steps[index], data=progress.data(index))
            form.is_valid()
        files = {
            record["field"]
            for step_index in range(index)
            for record in progress.files_of(step_index)
            if record["field"] in wanted
        }
        return form.browser_answers(wanted - files, files)

    def quiet_form(self, version, steps, index, progress):
        """An unbound form for step ``index`` showing the answers kept for it, and the items
        hidden by earlier answers."""
        step = steps[index]
        if progress is None or (index == 0 and not progress.answers_of(0)):
            return self.get_form(version, step), set()
        bound = self.get_form(version, step, data=progress.data(index))
        bound.is_valid()
        initial = None
        if progress.answers_of(index):
            initial = {
                name: bound.cleaned_data[name] for name in step.names if name in bound.cleaned_data
            }
        return (
            self.get_form(version, step, initial=initial),
            self.hidden_by_earlier_steps(steps, index, bound),
        )

    def error_summary(self, form, step: Step, hidden: set[str]) -> list[dict]:
        """Errors to list at the top: the form's own, then each field's, with a link to it."""
        if not form.is_bound:
            return []
        summary = [
            {"label": "", "message": str(error), "anchor": ""} for error in form.non_field_errors()
        ]
        for spec in step.items:
            name = spec["clean_name"]
            if name in hidden or name not in form.fields or spec["field_type"] in LAYOUT_TYPES:
                continue
            bound = form[name]
            for error in form.errors.get(name) or ErrorList():
                summary.append(
                    {
                        "label": str(bound.label),
                        "message": str(error),
                        # Radio buttons and the like have no single input: go to the fieldset.
                        "anchor": bound.id_for_label or f"field-{name}",
                    }
                )
        return summary

    def render_rate_limited(self, request, retry_after: int):
        context = self.get_context(request)
        minutes = max(1, (retry_after + 59) // 60)
        context["retry_message"] = ngettext(
            "Please try again in a minute.", "Please try again in %(count)d minutes.", minutes
        ) % {"count": minutes}
        response = TemplateResponse(request, self.rate_limited_template, context, status=429)
        response["Retry-After"] = str(retry_after)
        return response

    def redirect_to_landing(self, request, *, reference: str | None):
        request.session[self._sent_key] = {"reference": reference}
        return redirect(f"{self.get_url(request)}?{SENT_PARAMETER}")

    def get_landing_page_template(self, request, *args, **kwargs):
        return self.landing_page_template

    def render_landing_page(self, request, *, reference: str | None = None):
        """The thank-you page: the page's text and the reference (none after a dropped post)."""
        context = self.get_context(request)
        context["reference"] = reference
        return TemplateResponse(request, self.get_landing_page_template(request), context)


class FormPage(AbstractFormPage):
    """A public form whose answers are kept as ``FormSubmission`` rows (Forms › Submissions)."""

    # Wagtail names a page type's template after it unless the class says otherwise.
    template = "forms/pages/form_page.html"

    class Meta:
        verbose_name = _("form page")
        verbose_name_plural = _("form pages")

    def process_form_submission(self, form, request):
        return submission_create(
            version=form.version,
            form=form,
            page=self,
            submitter_email=self.get_submitter_email(form),
            address_hash=address_hash(request),
        )
