"""Triggers replace the process's three quotation columns: each value becomes a ProcessTrigger
row (``quotation.sent``, ``quotation.accepted``, ``quotation.refused``), then the columns go."""

import django.core.validators
import django.db.models.deletion
import modelcluster.fields
import workflows.hooks
from django.db import migrations, models

# The columns as they were, and the event each one's value now maps to.
COLUMN_EVENTS = {
    "quotation_send_transition": "quotation.sent",
    "quotation_accept_transition": "quotation.accepted",
    "quotation_refuse_transition": "quotation.refused",
}


def columns_to_triggers(apps, schema_editor):
    Process = apps.get_model("workflows", "Process")
    ProcessTrigger = apps.get_model("workflows", "ProcessTrigger")
    rows = []
    for process in Process.objects.all():
        position = 0
        for column, event in COLUMN_EVENTS.items():
            code = (getattr(process, column) or "").strip()
            if code:
                rows.append(
                    ProcessTrigger(
                        process=process, event=event, transition=code, sort_order=position
                    )
                )
                position += 1
    ProcessTrigger.objects.bulk_create(rows)


def triggers_to_columns(apps, schema_editor):
    Process = apps.get_model("workflows", "Process")
    ProcessTrigger = apps.get_model("workflows", "ProcessTrigger")
    columns = {event: column for column, event in COLUMN_EVENTS.items()}
    for trigger in ProcessTrigger.objects.filter(event__in=columns):
        Process.objects.filter(pk=trigger.process_id).update(
            **{columns[trigger.event]: trigger.transition}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0014_process_quotation_send_transition"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProcessTrigger",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "event",
                    models.CharField(
                        choices=workflows.hooks.trigger_event_choices,
                        max_length=60,
                        verbose_name="event",
                    ),
                ),
                (
                    "transition",
                    models.CharField(
                        help_text="Code of the transition the event fires, e.g. customer_accepts.",
                        max_length=60,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[a-z][a-z0-9_]*$",
                                "Use lower-case letters, digits and underscores, starting with a letter, e.g. send_quote.",
                            )
                        ],
                        verbose_name="transition",
                    ),
                ),
                (
                    "process",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="triggers",
                        to="workflows.process",
                    ),
                ),
            ],
            options={
                "verbose_name": "trigger",
                "verbose_name_plural": "triggers",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="processtrigger",
            constraint=models.UniqueConstraint(
                fields=("process", "event"), name="workflows_trigger_event"
            ),
        ),
        migrations.RunPython(columns_to_triggers, triggers_to_columns),
        migrations.RemoveField(
            model_name="process",
            name="quotation_accept_transition",
        ),
        migrations.RemoveField(
            model_name="process",
            name="quotation_refuse_transition",
        ),
        migrations.RemoveField(
            model_name="process",
            name="quotation_send_transition",
        ),
    ]
