from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from forms import views
from forms.models import FormDefinition


class FormDefinitionViewSet(ModelViewSet):
    """Designers build forms here; "Publish" freezes the saved form as its next version."""

    model = FormDefinition
    icon = "form"
    menu_label = _("Form definitions")
    list_display = ["name", "slug", "purpose", "live_version", "updated_at"]
    list_filter = ["purpose"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    edit_view_class = views.FormDefinitionEditView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldPanel("purpose"),
                    FieldPanel("description"),
                ],
                heading=_("Form"),
            ),
            InlinePanel("fields", heading=_("Fields"), label=_("Field")),
        ]
    )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(publish_url_name=self.get_url_name("publish"), **kwargs)

    @property
    def publish_view(self):
        return self.construct_view(views.FormPublishView, edit_url_name=self.get_url_name("edit"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(f"<{self.pk_path_converter}:pk>/publish/", self.publish_view, name="publish"),
        ]


class FormsViewSetGroup(ViewSetGroup):
    """The "Forms" menu: definitions now; submissions join it later."""

    menu_label = _("Forms")
    menu_name = "atelier-forms"  # "forms" is wagtail.contrib.forms' menu item
    menu_icon = "form"
    menu_order = 200
    items = (FormDefinitionViewSet("form_definitions", url_prefix="form-definitions"),)


@hooks.register("register_admin_viewset")
def register_forms_viewsets():
    return FormsViewSetGroup()
