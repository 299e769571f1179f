from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "project.stores"
    label = "stores"
    verbose_name = "Stores"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from project.stores.calendar import connect_receivers

        connect_receivers()
