"""Quotations on the case page: draft one from the diagnosis, send it (the customer gets the link
to the decision page), revise it, or record the customer's decision given at the counter."""

from __future__ import annotations

import django.forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.models import Quotation, QuotationStatus
from aftersales.pdf import pdf_filename, quotation_pdf
from aftersales.services import (
    decision_url,
    invoice_create,
    lines_from_case_data,
    quotation_create,
    quotation_decide,
    quotation_revise,
    quotation_send,
)
from aftersales.views.decision import SingleDecisionMixin
from project.core.limits import PERSON_NAME_MAX_LENGTH, REFUSAL_REASON_MAX_LENGTH, too_long
from project.core.money import round_money
from workflows.admin_forms import add_refusal_errors
from workflows.errors import InvalidInput
from workflows.hooks import CasePanel
from workflows.services import may_act_on
from workflows.views.access import case_or_404
from workflows.views.case_detail import CaseActionView, case_url


class NewQuotationForm(django.forms.Form):
    tax_rate = django.forms.DecimalField(
        label=gettext_lazy("Tax rate %"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
    )
    valid_until = django.forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=django.forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the usual validity."),
    )


class CounterDecisionForm(SingleDecisionMixin, django.forms.Form):
    decision = django.forms.ChoiceField(
        label=gettext_lazy("The customer"),
        choices=[("accept", gettext_lazy("accepts")), ("refuse", gettext_lazy("refuses"))],
        widget=django.forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose one: the customer accepts or refuses."),
            "invalid_choice": gettext_lazy("Choose one: the customer accepts or refuses."),
        },
    )
    name = django.forms.CharField(
        label=gettext_lazy("Name the customer signed with"),
        max_length=PERSON_NAME_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Name the customer signed with")),
        required=False,
    )
    reason = django.forms.CharField(
        label=gettext_lazy("Reason for refusing"),
        required=False,
        max_length=REFUSAL_REASON_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Reason for refusing")),
        widget=django.forms.Textarea(attrs={"rows": 2}),
    )


def quotation_panel(case, user, **forms) -> CasePanel | None:
    """The case page's Quotations panel, or None when the process takes no quotations."""
    if not case.definition.takes_events("quotation."):
        return None
    versions = list(
        case.quotations.select_related("invoice")
        .prefetch_related("lines__service_item")
        .order_by("-number")
    )
    latest = versions[0] if versions else None
    invoice = getattr(latest, "invoice", None) if latest else None
    light = bool(
        latest
        and latest.status == QuotationStatus.ACCEPTED
        and all(
            line.kind == "part" or (line.service_item and line.service_item.light_intervention)
            for line in latest.lines.all()
        )
    )
    context = {
        "versions": versions,
        "latest": latest,
        "invoice": invoice,
        "can_invoice": light and invoice is None,
        "link": decision_url(latest) if latest and latest.status == QuotationStatus.SENT else "",
        "can_act": may_act_on(case, user) and not case.is_closed,
        "new_form": forms.get("new_form") or NewQuotationForm(prefix="quotation"),
        "decision_form": forms.get("decision_form") or CounterDecisionForm(prefix="decision"),
        "diagnosis_lines": len(lines_from_case_data(case)),
    }
    return CasePanel(template="aftersales/_quotations.html", context=context, order=50)


class QuotationActionView(CaseActionView):
    def quotation(self, kwargs) -> Quotation:
        return get_object_or_404(Quotation, pk=kwargs["quotation_pk"], case=self.case)

    def done(self, text: str):
        messages.success(self.request, text)
        return redirect(case_url(self.case) + "#case-quotations")

    def refused(self, exc: InvalidInput, **forms):
        messages.error(self.request, exc.message)
        return self.render_to_response(self.get_context_data(panel_forms=forms))


class QuotationCreateView(QuotationActionView):
    def post(self, request, *args, **kwargs):
        form = NewQuotationForm(request.POST, prefix="quotation")
        if not form.is_valid():
            return self.refused(InvalidInput(_("The form has errors.")), new_form=form)
        lines = lines_from_case_data(self.case, tax_rate=form.cleaned_data["tax_rate"])
        try:
            quotation = quotation_create(
                case=self.case,
                actor=request.user,
                lines=lines,
                valid_until=form.cleaned_data["valid_until"],
            )
        except InvalidInput as exc:
            return self.refused(exc, new_form=form)
        return self.done(
            _("Quotation version %(number)s drafted: %(total)s %(currency)s.")
            % {"number": quotation.number, "total": quotation.total, "currency": quotation.currency}
        )


class QuotationSendView(QuotationActionView):
    def post(self, request, *args, **kwargs):
        try:
            quotation = quotation_send(quotation=self.quotation(kwargs), actor=request.user)
        except InvalidInput as exc:
            return self.refused(exc)
        if self.case.customer_email:
            text = _("Version %(number)s sent to %(email)s.") % {
                "number": quotation.number,
                "email": self.case.customer_email,
            }
        else:
            text = _(
                "Version %(number)s is ready for the customer's decision; there is no e-mail "
                "address, so give them the link shown."
            ) % {"number": quotation.number}
        return self.done(text)


class QuotationReviseView(QuotationActionView):
    def post(self, request, *args, **kwargs):
        try:
            revised = quotation_revise(quotation=self.quotation(kwargs), actor=request.user)
        except InvalidInput as exc:
            return self.refused(exc)
        return self.done(_("Version %(number)s drafted.") % {"number": revised.number})


class QuotationCounterDecisionView(QuotationActionView):
    def post(self, request, *args, **kwargs):
        form = CounterDecisionForm(request.POST, prefix="decision")
        if not form.is_valid():
            return self.refused(InvalidInput(_("The form has errors.")), decision_form=form)
        accept = form.cleaned_data["decision"] == "accept"
        try:
            quotation = quotation_decide(
                quotation=self.quotation(kwargs),
                accept=accept,
                actor=request.user,
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                channel="counter",
            )
        except InvalidInput as exc:
            add_refusal_errors(form, exc.field_errors)
            return self.refused(exc, decision_form=form)
        return self.done(
            _("Version %(number)s %(decision)s; %(reference)s moved on.")
            % {
                "number": quotation.number,
                "decision": _("accepted") if accept else _("refused"),
                "reference": self.case.reference,
            }
        )


class QuotationInvoiceView(QuotationActionView):
    def post(self, request, *args, **kwargs):
        try:
            invoice = invoice_create(quotation=self.quotation(kwargs), actor=request.user)
        except InvalidInput as exc:
            return self.refused(exc)
        return self.done(
            _("Invoice %(reference)s issued: %(total)s %(currency)s.")
            % {
                "reference": invoice.reference,
                "total": round_money(invoice.total, invoice.currency),
                "currency": invoice.currency,
            }
        )


def urls():
    return [
        path("<int:pk>/quotations/new/", QuotationCreateView.as_view(), name="quotation_new"),
        path(
            "<int:pk>/quotations/<int:quotation_pk>/send/",
            QuotationSendView.as_view(),
            name="quotation_send",
        ),
        path(
            "<int:pk>/quotations/<int:quotation_pk>/revise/",
            QuotationReviseView.as_view(),
            name="quotation_revise",
        ),
        path(
            "<int:pk>/quotations/<int:quotation_pk>/invoice/",
            QuotationInvoiceView.as_view(),
            name="quotation_invoice",
        ),
        path(
            "<int:pk>/quotations/<int:quotation_pk>/pdf/",
            quotation_pdf_download,
            name="quotation_pdf",
        ),
        path(
            "<int:pk>/quotations/<int:quotation_pk>/decision/",
            QuotationCounterDecisionView.as_view(),
            name="quotation_decision",
        ),
    ]


def quotation_pdf_download(request, pk: int, quotation_pk: int):
    """Staff download the PDF of any version of a case they may see."""
    case = case_or_404(request, pk)
    quotation = get_object_or_404(Quotation, pk=quotation_pk, case=case)
    response = HttpResponse(quotation_pdf(quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(quotation)}"'
    return response
