"""The forms engine's read-only API, included under ``/api/v1/`` (project/urls.py)."""

from django.urls import path

from forms import views

app_name = "forms_api"

urlpatterns = [
    path("forms/<str:key>/schema/", views.form_schema_view, name="form_schema"),
]
