"""The customer's quotation decision page: a public page reached by the signed link of the
quotation e-mail. It shows the quotation in the customer's language with the store's details;
the customer accepts it (typing their name as a signature) or refuses it (with an optional
reason), once. Forged, used, replaced and expired links each get a page saying so, never a
quotation; a post that does not give exactly one answer is refused and changes nothing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from aftersales.pdf import customer_language, pdf_filename, quotation_pdf
from aftersales.services import (
    DecisionRefused,
    decision_problem,
    quotation_decide,
    quotation_expire,
    quotation_for_token,
)
from project.accounts.system_users import public_web_user

TEMPLATE = "aftersales/decision/page.html"


class SingleDecisionMixin:
    """A form whose ``decision`` field must come exactly once. Django reads the last of repeated
    values, so a post carrying both "accept" and "refuse" (a forged body, or a script clicking
    both buttons) would be decided by their order: it is refused instead, as are an unknown or
    missing value (the field's own ``error_messages``)."""

    def clean_decision(self):
        if len(self.data.getlist(self.add_prefix("decision"))) != 1:
            raise ValidationError(
                self.fields["decision"].error_messages["invalid_choice"], code="ambiguous"
            )
        return self.cleaned_data["decision"]


ONE_ANSWER = _("Choose one answer: accept the quotation or refuse it.")


class DecisionForm(SingleDecisionMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))],
        error_messages={"required": ONE_ANSWER, "invalid_choice": ONE_ANSWER},
    )
    name = forms.CharField(
        label=_("Your full name, as your signature"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Why you refuse (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


@require_http_methods(["GET", "POST"])
def decision_view(request, token: str):
    try:
        quotation = quotation_for_token(token)
    except DecisionRefused as refused:
        return _render(request, {"refused": refused}, status=404)
    # Past its validity: expired now, not at the periodic task's next run (staff see it too).
    quotation_expire(quotation=quotation)
    with translation.override(customer_language(quotation)):
        context = _context(quotation)
        problem = decision_problem(quotation)
        if problem is not None:
            return _render(request, {**context, "refused": problem}, status=410)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                decided = quotation_decide(
                    quotation=quotation,
                    accept=accept,
                    actor=public_web_user(),
                    name=form.cleaned_data["name"],
                    reason=form.cleaned_data["reason"],
                )
            except DecisionRefused as refused:
                if refused.reason == "name":
                    form.add_error("name", refused.message)
                else:
                    return _render(request, {**context, "refused": refused}, status=409)
            else:
                return _render(request, {**context, "decided": decided})
        return _render(request, {**context, "form": form}, status=400 if form.errors else 200)


def _context(quotation) -> dict:
    case = quotation.case
    return {
        "quotation": quotation,
        "case": case,
        "store": case.store,
        "lines": list(quotation.lines.all()),
    }


def _render(request, context, status=200):
    response = TemplateResponse(request, TEMPLATE, context, status=status)
    response.render()  # now, in the customer's language
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    # The link is a secret: never sent to another site (no-referrer would make the browser post
    # its form with "Origin: null", which CSRF protection rightly refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET"])
def decision_pdf_view(request, token: str):
    """The PDF of the quotation the link is for, while the link is valid (even once answered).
    Past its validity the customer gets the decision page saying so (410), never the PDF: a
    quotation they could no longer accept must not circulate as if it held."""
    from django.http import Http404, HttpResponse

    try:
        quotation = quotation_for_token(token)
    except DecisionRefused as refused:
        raise Http404(refused.message) from refused
    quotation_expire(quotation=quotation)
    with translation.override(customer_language(quotation)):
        problem = decision_problem(quotation)
        if problem is not None and problem.reason == "expired":
            return _render(request, {**_context(quotation), "refused": problem}, status=410)
    if quotation.status not in ("sent", "accepted", "refused"):
        raise Http404("This quotation is no longer available.")
    response = HttpResponse(quotation_pdf(quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(quotation)}"'
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    return response
