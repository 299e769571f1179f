"""Public after-sales pages: the customer's quotation decision page and its PDF."""

from django.urls import path

from aftersales.views.decision import decision_pdf_view, decision_view

urlpatterns = [
    path("quotation/<str:token>/", decision_view, name="quotation_decision"),
    path("quotation/<str:token>/pdf/", decision_pdf_view, name="quotation_decision_pdf"),
]
