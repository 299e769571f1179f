from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Wiring shared by every app: the health endpoint and the queue's own system tasks."""

    name = "project.core"
    label = "core"
    verbose_name = "Core"
