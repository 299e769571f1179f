"""A store's address has at most 500 characters (``project.core.limits``). Only Django's state
changes: the column stays text."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stores", "0003_exchange_rates"),
    ]

    operations = [
        # A TextField's maximum is Django's, not the database's: the column stays text.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="store",
                    name="address",
                    field=models.TextField(
                        blank=True,
                        help_text="Postal address as customers read it on quotations, on as many lines as needed.",
                        max_length=500,
                        validators=[django.core.validators.MaxLengthValidator(500)],
                        verbose_name="address",
                    ),
                ),
            ],
        ),
    ]
