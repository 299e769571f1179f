import django.forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class StoreForm(WagtailAdminModelForm):
    languages = django.forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        widget=django.forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Languages customers are served in."),
    )
