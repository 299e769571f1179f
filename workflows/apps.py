from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    label = "workflows"
    verbose_name = "Workflows"
    default_auto_field = "django.db.models.BigAutoField"
