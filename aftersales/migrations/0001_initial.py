"""The catalogue, quotation and invoice models, moved here from ``workflows``: Django's state
only. Their tables keep the names they had (``workflows_quotation`` …, see each model's
``db_table``), so no row moves; ``0002`` relabels their content types."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import django_fsm
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("stores", "0002_address_and_phone"),
        ("workflows", "0016_aftersales_models_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ServiceItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(
                                help_text="Used when there is no description in the customer's language.",
                                max_length=255,
                                verbose_name="description (English)",
                            ),
                        ),
                        (
                            "active",
                            models.BooleanField(
                                default=True,
                                help_text="Inactive entries cannot be quoted any more.",
                                verbose_name="active",
                            ),
                        ),
                        ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                        (
                            "light_intervention",
                            models.BooleanField(
                                default=False,
                                help_text="Done at the counter and invoiced directly (a strap change, a battery).",
                                verbose_name="light intervention",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "service item",
                        "verbose_name_plural": "service items",
                        "db_table": "workflows_serviceitem",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="SparePart",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(
                                help_text="Used when there is no description in the customer's language.",
                                max_length=255,
                                verbose_name="description (English)",
                            ),
                        ),
                        (
                            "active",
                            models.BooleanField(
                                default=True,
                                help_text="Inactive entries cannot be quoted any more.",
                                verbose_name="active",
                            ),
                        ),
                        (
                            "part_number",
                            models.CharField(
                                max_length=40, unique=True, verbose_name="part number"
                            ),
                        ),
                        (
                            "brand",
                            models.CharField(blank=True, max_length=80, verbose_name="brand"),
                        ),
                    ],
                    options={
                        "verbose_name": "spare part",
                        "verbose_name_plural": "spare parts",
                        "db_table": "workflows_sparepart",
                        "ordering": ["part_number"],
                    },
                ),
                migrations.CreateModel(
                    name="Invoice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField()),
                        ("number", models.PositiveIntegerField()),
                        (
                            "reference",
                            models.CharField(
                                max_length=40, unique=True, verbose_name="invoice number"
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
                                max_length=3,
                                verbose_name="currency",
                            ),
                        ),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="subtotal"
                            ),
                        ),
                        (
                            "tax",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="tax"
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="total"
                            ),
                        ),
                        ("issued_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="invoices",
                                to="workflows.case",
                            ),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="stores.store",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invoice",
                        "verbose_name_plural": "invoices",
                        "db_table": "workflows_invoice",
                        "ordering": ["store", "year", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="InvoiceLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveIntegerField()),
                        ("code", models.CharField(blank=True, max_length=40, verbose_name="code")),
                        (
                            "description",
                            models.CharField(max_length=255, verbose_name="description"),
                        ),
                        (
                            "quantity",
                            models.DecimalField(
                                decimal_places=3, max_digits=10, verbose_name="quantity"
                            ),
                        ),
                        (
                            "unit_price",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="unit price"
                            ),
                        ),
                        (
                            "discount_percent",
                            models.DecimalField(
                                decimal_places=2, max_digits=5, verbose_name="discount %"
                            ),
                        ),
                        (
                            "tax_rate",
                            models.DecimalField(
                                decimal_places=2, max_digits=5, verbose_name="tax rate %"
                            ),
                        ),
                        (
                            "net",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="amount"
                            ),
                        ),
                        (
                            "invoice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="aftersales.invoice",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invoice line",
                        "verbose_name_plural": "invoice lines",
                        "db_table": "workflows_invoiceline",
                        "ordering": ["invoice", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="Quotation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveIntegerField(verbose_name="version")),
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
                                max_length=3,
                                verbose_name="currency",
                            ),
                        ),
                        ("valid_until", models.DateField(verbose_name="valid until")),
                        (
                            "status",
                            django_fsm.FSMField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("sent", "Sent to the customer"),
                                    ("accepted", "Accepted"),
                                    ("refused", "Refused"),
                                    ("superseded", "Replaced by a revision"),
                                    ("expired", "Expired"),
                                ],
                                default="draft",
                                max_length=12,
                                protected=True,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="subtotal"
                            ),
                        ),
                        (
                            "tax",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="tax"
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="total"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent"),
                        ),
                        (
                            "decision_nonce",
                            models.CharField(blank=True, default="", editable=False, max_length=64),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided"),
                        ),
                        (
                            "decision_name",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="name typed as signature"
                            ),
                        ),
                        (
                            "refusal_reason",
                            models.TextField(blank=True, verbose_name="reason for refusing"),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="quotations",
                                to="workflows.case",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "quotation",
                        "verbose_name_plural": "quotations",
                        "db_table": "workflows_quotation",
                        "ordering": ["case", "number"],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.AddField(
                    model_name="invoice",
                    name="quotation",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoice",
                        to="aftersales.quotation",
                    ),
                ),
                migrations.CreateModel(
                    name="ServiceItemPrice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
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
                                max_length=3,
                                verbose_name="currency",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="price",
                            ),
                        ),
                        (
                            "item",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="prices",
                                to="aftersales.serviceitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workflows_serviceitemprice",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="ServiceItemText",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                        (
                            "language",
                            models.CharField(
                                choices=[
                                    ("en", "English"),
                                    ("fr", "Français"),
                                    ("ko", "한국어"),
                                    ("uk", "Українська"),
                                    ("zh-hans", "简体中文"),
                                ],
                                max_length=10,
                                verbose_name="language",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(max_length=255, verbose_name="description"),
                        ),
                        (
                            "item",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="texts",
                                to="aftersales.serviceitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workflows_serviceitemtext",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="QuotationLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("part", "Spare part"),
                                    ("service", "Service"),
                                    ("other", "Other"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("code", models.CharField(blank=True, max_length=40, verbose_name="code")),
                        (
                            "description",
                            models.CharField(max_length=255, verbose_name="description"),
                        ),
                        (
                            "quantity",
                            models.DecimalField(
                                decimal_places=3,
                                max_digits=10,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="quantity",
                            ),
                        ),
                        (
                            "unit_price",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="unit price",
                            ),
                        ),
                        (
                            "discount_percent",
                            models.DecimalField(
                                decimal_places=2,
                                default=0,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="discount %",
                            ),
                        ),
                        (
                            "tax_rate",
                            models.DecimalField(
                                decimal_places=2,
                                default=0,
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="tax rate %",
                            ),
                        ),
                        (
                            "net",
                            models.DecimalField(
                                decimal_places=2, max_digits=14, verbose_name="amount"
                            ),
                        ),
                        (
                            "quotation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="aftersales.quotation",
                            ),
                        ),
                        (
                            "service_item",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="aftersales.serviceitem",
                            ),
                        ),
                        (
                            "spare_part",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="aftersales.sparepart",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "quotation line",
                        "verbose_name_plural": "quotation lines",
                        "db_table": "workflows_quotationline",
                        "ordering": ["quotation", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="SparePartPrice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
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
                                max_length=3,
                                verbose_name="currency",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="price",
                            ),
                        ),
                        (
                            "part",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="prices",
                                to="aftersales.sparepart",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workflows_sparepartprice",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="SparePartText",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                        (
                            "language",
                            models.CharField(
                                choices=[
                                    ("en", "English"),
                                    ("fr", "Français"),
                                    ("ko", "한국어"),
                                    ("uk", "Українська"),
                                    ("zh-hans", "简体中文"),
                                ],
                                max_length=10,
                                verbose_name="language",
                            ),
                        ),
                        (
                            "description",
                            models.CharField(max_length=255, verbose_name="description"),
                        ),
                        (
                            "part",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="texts",
                                to="aftersales.sparepart",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "workflows_spareparttext",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
                migrations.AddConstraint(
                    model_name="quotation",
                    constraint=models.UniqueConstraint(
                        fields=("case", "number"), name="workflows_quotation_version"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="quotation",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("decision_nonce", ""), _negated=True),
                        fields=("decision_nonce",),
                        name="workflows_quotation_nonce",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="invoice",
                    constraint=models.UniqueConstraint(
                        fields=("store", "year", "number"), name="workflows_invoice_number"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="serviceitemprice",
                    constraint=models.UniqueConstraint(
                        fields=("item", "currency"), name="workflows_service_price_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="serviceitemtext",
                    constraint=models.UniqueConstraint(
                        fields=("item", "language"), name="workflows_service_text_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="sparepartprice",
                    constraint=models.UniqueConstraint(
                        fields=("part", "currency"), name="workflows_part_price_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="spareparttext",
                    constraint=models.UniqueConstraint(
                        fields=("part", "language"), name="workflows_part_text_once"
                    ),
                ),
            ],
        ),
    ]
