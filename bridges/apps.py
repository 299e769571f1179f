from django.apps import AppConfig


class BridgesConfig(AppConfig):
    name = "bridges"
    label = "bridges"
    verbose_name = "Bridges"
    default_auto_field = "django.db.models.BigAutoField"
