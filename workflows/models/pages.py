"""The public page that opens a case: a form page whose form is a process's intake form.

A visitor fills in the intake form version of the process's live version (the one ``case_open``
validates with); the case is opened for the page's store, and the thank-you page shows its
reference.

Who opens it: a visitor is not a user, so cases from the public site are opened by the system
user ``public-web`` (``public_web_user``). It cannot sign in (no usable password, not staff, no
groups) and holds two permissions, ``stores.access_all_stores`` and ``workflows.change_case``, so
that ``case_open``'s store check passes for whichever store a page serves and a customer's
answer on a public page can move the case. Case histories show "public-web" as the opener.

The customer's details come from intake fields with agreed names: ``name`` (or ``full_name``,
``your_name``, ``customer_name``), ``email`` (else the form's first e-mail field) and ``phone``
(else its first phone field); the language is the one the page was shown in.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from forms.choices import FieldType
from forms.models import AbstractFormPage, FormVersion, SubmissionRefused
from project.accounts.system_users import public_web_user
from project.core.limits import (
    CUSTOMER_PHONE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
)

logger = logging.getLogger(__name__)


class CaseRequestPage(AbstractFormPage):
    """A public form that opens a case of ``process`` for ``store``."""

    process = models.ForeignKey(
        "workflows.Process",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Its intake form is what visitors fill in; publish the process first."),
    )
    store = models.ForeignKey(
        "stores.Store",
        verbose_name=_("store"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The store the cases are opened for."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("process"),
        FieldPanel("store"),
        FieldPanel("intro"),
        FieldPanel("submit_label"),
        FieldPanel("thank_you_text"),
        *AbstractFormPage.confirmation_panels,
    ]

    template = "workflows/pages/case_request_page.html"
    landing_page_template = "workflows/pages/case_request_page_landing.html"

    class Meta:
        verbose_name = _("case request page")
        verbose_name_plural = _("case request pages")

    def clean(self):
        # The form is always the process's intake form: it is taken from the process here.
        errors = {}
        if self.process_id:
            if self.process.intake_form_id is None:
                errors["process"] = _("This process has no intake form for visitors to fill in.")
            else:
                self.form_id = self.process.intake_form_id
            if self.process.live_version_id is None:
                errors.setdefault("process", _("Publish this process first."))
            elif not self.process.is_active:
                errors.setdefault("process", _("This process is not active."))
            elif self.process.live_version.definition.intake_form_version_id is None:
                errors.setdefault(
                    "process",
                    _("The published process has no intake form; publish it again."),
                )
        if self.store_id and not self.store.is_active:
            errors["store"] = _("This store is not active.")
        if errors:
            raise ValidationError(errors)
        super().clean()

    def get_form_version(self):
        """The intake form version of the process's live version: what ``case_open`` checks."""
        process = self.process
        if process.live_version_id is None or not process.is_active:
            return None
        version_id = process.live_version.definition.intake_form_version_id
        if version_id is None:
            return None
        return FormVersion.objects.select_related("form").filter(pk=version_id).first()

    def get_customer(self, form, request) -> dict:
        """``case_open``'s customer from the agreed intake fields (see the module docstring)."""
        data = form.cleaned_data

        def first(names, field_type):
            for name in names:
                if data.get(name):
                    return str(data[name])
            for spec in form.schema:
                if spec["field_type"] == field_type and data.get(spec["clean_name"]):
                    return str(data[spec["clean_name"]])
            return ""

        language = (get_language() or "").lower()
        return {
            # A name field's designer may allow more than a case keeps (case_open refuses it):
            # a visitor's request is not lost for that, the name is cut.
            "name": self.get_submitter_name(form)[:PERSON_NAME_MAX_LENGTH],
            "email": first(["email"], FieldType.EMAIL)[:EMAIL_MAX_LENGTH],
            "phone": first(["phone"], FieldType.PHONE)[:CUSTOMER_PHONE_MAX_LENGTH],
            "language": language if language in self.store.languages else "",
        }

    def process_form_submission(self, form, request):
        # Imported here: workflows.services imports these models.
        from workflows.errors import InvalidInput
        from workflows.services import case_open

        try:
            return case_open(
                process=self.process,
                store=self.store,
                actor=public_web_user(),
                customer=self.get_customer(form, request),
                data=form.data,
                files=form.files,
            )
        except InvalidInput as exc:
            # Written for staff; the visitor gets their field errors and a general message.
            logger.warning("Case request page %s refused: %s", self.pk, exc.message)
            raise SubmissionRefused(
                str(_("We could not take your request just now. Please try again later.")),
                field_errors=getattr(exc, "field_errors", None),
            ) from exc
