"""The Django forms of the case screens in the admin (notes, uploads, assignment, transitions,
opening a case, the bulk transition), the published step and intake forms they show beside them,
and how a service's refusal lands on a form as field errors."""

from __future__ import annotations

import django.forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.builder import build_form
from forms.models import FormVersion
from project.core.limits import (
    COMMENT_MAX_LENGTH,
    CUSTOMER_PHONE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PERSON_NAME_MAX_LENGTH,
    too_long,
)
from project.stores.models import Store
from workflows.definition import TransitionDef
from workflows.display import user_name
from workflows.models import Case

User = get_user_model()


def store_members(stores):
    return User.objects.filter(is_active=True, store_memberships__store__in=stores).distinct()


def build_version_form(version_id, **kwargs):
    """The published form ``version_id`` as a Django form, or None when there is none."""
    if not version_id:
        return None
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


class NoteForm(django.forms.Form):
    text = django.forms.CharField(
        label=gettext_lazy("Internal note"),
        widget=django.forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Internal note")),
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


class TransitionForm(django.forms.Form):
    """What every transition asks besides its step form: a comment and the state the user saw
    (so a case that moved on meanwhile is reported instead of acted on)."""

    comment = django.forms.CharField(
        label=gettext_lazy("Comment"),
        widget=django.forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Comment")),
    )
    expected_state = django.forms.CharField(widget=django.forms.HiddenInput, required=False)

    def __init__(self, *args, transition: TransitionDef, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = transition.comment_required


class OpenCaseForm(django.forms.Form):
    store = django.forms.ModelChoiceField(
        label=gettext_lazy("Store"), queryset=Store.objects.none()
    )
    customer_name = django.forms.CharField(
        label=gettext_lazy("Customer name"),
        max_length=PERSON_NAME_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Customer name")),
        required=False,
    )
    customer_phone = django.forms.CharField(
        label=gettext_lazy("Customer phone"),
        max_length=CUSTOMER_PHONE_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Customer phone")),
        required=False,
    )
    customer_email = django.forms.EmailField(
        label=gettext_lazy("Customer e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Customer e-mail")),
        required=False,
    )
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


class BulkTransitionForm(django.forms.Form):
    transition = django.forms.ChoiceField(label=gettext_lazy("Transition"))
    comment = django.forms.CharField(
        label=gettext_lazy("Comment"),
        widget=django.forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages=too_long(gettext_lazy("Comment")),
        help_text=gettext_lazy("Recorded on every case; some transitions require one."),
    )
