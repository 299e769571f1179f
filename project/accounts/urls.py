from django.urls import path

from project.accounts import views

app_name = "lockouts"
urlpatterns = [
    path("", views.LockoutIndexView.as_view(), name="index"),
    path("unlock/", views.LockoutReleaseView.as_view(), name="unlock"),
]
