from django.apps import AppConfig


class PeerConfig(AppConfig):
    name = "peer"
    label = "peer"
    verbose_name = "Benchmark peer"
    default_auto_field = "django.db.models.BigAutoField"
