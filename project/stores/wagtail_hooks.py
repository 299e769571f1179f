from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from project.core.admin_views import RefusingDeleteView
from project.stores import views
from project.stores.forms import StoreForm
from project.stores.models import ExchangeRate, Store


class StoreViewSet(ModelViewSet):
    model = Store
    icon = "site"
    menu_label = _("Stores")
    menu_order = 900
    add_to_settings_menu = True
    inspect_view_enabled = True
    list_display = ["code", "name", "country", "time_zone", "currency", "is_active"]
    list_filter = ["country", "currency", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    index_view_class = views.ScopedIndexView
    edit_view_class = views.ScopedEditView
    delete_view_class = views.ScopedDeleteView
    inspect_view_class = views.ScopedInspectView
    history_view_class = views.ScopedHistoryView
    usage_view_class = views.ScopedUsageView
    copy_view_class = views.ScopedCopyView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
                    FieldRowPanel([FieldPanel("country"), FieldPanel("currency")]),
                    FieldPanel("time_zone"),
                    FieldPanel("languages"),
                    FieldPanel("is_active"),
                ],
                heading=_("Store"),
            ),
            MultiFieldPanel(
                [FieldPanel("address"), FieldPanel("phone")],
                heading=_("Contact details"),
                help_text=_("Printed on quotations and shown on the customer's decision page."),
            ),
            InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Interval")),
            InlinePanel("holidays", heading=_("Holidays"), label=_("Holiday")),
        ],
        base_form_class=StoreForm,
    )


@hooks.register("register_admin_viewset")
def register_store_viewset():
    return StoreViewSet("stores")


class ExchangeRateViewSet(ModelViewSet):
    """Settings > Exchange rates: what an amount asked in another currency is worth in the
    store's, day by day, for the approval thresholds of the processes. Administrators keep them
    (the shipped roles may only look: a rate decides who must approve)."""

    model = ExchangeRate
    delete_view_class = RefusingDeleteView
    icon = "resubmit"
    menu_label = _("Exchange rates")
    menu_order = 910
    add_to_settings_menu = True
    list_display = ["currency", "store_currency", "rate_text", "valid_from"]
    list_filter = ["store_currency", "currency"]
    ordering = ["store_currency", "currency", "-valid_from"]
    panels = [
        FieldRowPanel([FieldPanel("currency"), FieldPanel("store_currency")]),
        FieldRowPanel([FieldPanel("rate"), FieldPanel("valid_from")]),
    ]


@hooks.register("register_admin_viewset")
def register_exchange_rate_viewset():
    return ExchangeRateViewSet("exchange_rates", url_prefix="exchange-rates")
