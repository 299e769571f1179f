"""Exchange rates, kept by administrators: the rate valid on a request's day converts its amount
into the store's currency before an approval threshold is applied. The roles that design, decide
and audit processes may look rates up; none of the shipped roles may change them (a rate decides
who must approve), so only administrators do unless they grant it in Settings > Groups."""

from django.db import migrations, models

from project.accounts.migration_helpers import grant, revoke

VIEW = [("stores", "view_exchangerate")]
GRANTS = {
    "Process designer": VIEW,
    "Approver": VIEW,
    "Area manager": VIEW,
    "Auditor": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [
        ("stores", "0002_address_and_phone"),
        ("accounts", "0003_area_manager_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExchangeRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "currency",
                    models.CharField(
                        choices=[
                            ("KRW", "South Korean won"),
                            ("UAH", "Ukrainian hryvnia"),
                            ("USD", "US dollar"),
                            ("CNY", "Chinese yuan"),
                            ("EUR", "Euro"),
                            ("JPY", "Japanese yen"),
                            ("GBP", "Pound sterling"),
                            ("CHF", "Swiss franc"),
                        ],
                        help_text="The currency amounts are asked in, e.g. GBP.",
                        max_length=3,
                        verbose_name="currency",
                    ),
                ),
                (
                    "store_currency",
                    models.CharField(
                        choices=[
                            ("KRW", "South Korean won"),
                            ("UAH", "Ukrainian hryvnia"),
                            ("USD", "US dollar"),
                            ("CNY", "Chinese yuan"),
                            ("EUR", "Euro"),
                            ("JPY", "Japanese yen"),
                            ("GBP", "Pound sterling"),
                            ("CHF", "Swiss franc"),
                        ],
                        help_text="The currency of the stores that convert with this rate, e.g. KRW.",
                        max_length=3,
                        verbose_name="store currency",
                    ),
                ),
                (
                    "rate",
                    models.DecimalField(
                        decimal_places=10,
                        help_text="What one unit of the currency is worth in the store currency, e.g. 1712.35 when 1 GBP is worth 1,712.35 KRW.",
                        max_digits=20,
                        verbose_name="rate",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(
                        help_text="The first day the rate applies, in the store's time zone; it applies until the day before the next rate of the same two currencies.",
                        verbose_name="valid from",
                    ),
                ),
            ],
            options={
                "verbose_name": "exchange rate",
                "verbose_name_plural": "exchange rates",
                "ordering": ["store_currency", "currency", "-valid_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("currency", "store_currency", "valid_from"),
                        name="stores_exchangerate_one_per_day",
                        violation_error_message="These two currencies already have a rate from that day: change that one.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rate__gt", 0)),
                        name="stores_exchangerate_rate_positive",
                        violation_error_message="A rate is more than zero.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("currency", models.F("store_currency")), _negated=True),
                        name="stores_exchangerate_two_currencies",
                        violation_error_message="A rate converts between two different currencies: an amount in the store's own currency needs none.",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant(GRANTS), revoke(GRANTS)),
    ]
