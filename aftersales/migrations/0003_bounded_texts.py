"""Bounds on what people type into quotations (``project.core.limits``): line codes and
descriptions as long as the line-items field that fills them allows, and a customer's reason for
refusing at most 2000 characters, also checked by the database.

A reason stored longer before the bound is cut to it first (the case's history keeps the whole
text in the event of the refusal), so that the check can be added."""

import django.core.validators
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


REFUSAL_REASON_MAX_LENGTH = 2000


def cut_long_reasons(apps, schema_editor):
    Quotation = apps.get_model("aftersales", "Quotation")
    too_long = Quotation.objects.annotate(
        reason_length=django.db.models.functions.text.Length("refusal_reason")
    ).filter(reason_length__gt=REFUSAL_REASON_MAX_LENGTH)
    for quotation in too_long.only("pk", "refusal_reason").order_by("pk").iterator():
        Quotation.objects.filter(pk=quotation.pk).update(
            refusal_reason=quotation.refusal_reason[: REFUSAL_REASON_MAX_LENGTH - 1] + "…"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0002_content_types"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invoiceline",
            name="code",
            field=models.CharField(blank=True, max_length=64, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="invoiceline",
            name="description",
            field=models.CharField(max_length=500, verbose_name="description"),
        ),
        # A TextField's maximum is Django's; the database's check is the constraint below.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="quotation",
                    name="refusal_reason",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="reason for refusing",
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="quotationline",
            name="code",
            field=models.CharField(blank=True, max_length=64, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="quotationline",
            name="description",
            field=models.CharField(max_length=500, verbose_name="description"),
        ),
        migrations.RunPython(cut_long_reasons, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="quotation",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("refusal_reason"), 2000
                ),
                name="workflows_quotation_reason_length",
                violation_error_message="The reason for refusing is too long.",
            ),
        ),
    ]
