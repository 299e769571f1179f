"""Load the demo: stores, one user per role, and whatever each app adds.

Each installed app may ship a ``demo`` module with ``seed(*, log) -> None``; they run in
``INSTALLED_APPS`` order inside one transaction, so a failure leaves the database as it was. Every
seeder is idempotent: running the command again gives the same data, and resets the demo
passwords.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create or refresh the demo stores, users and sample data (never in production)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_demo creates users with published passwords and is refused by these "
                "settings (DEMO_DATA_ALLOWED is off, as in production)."
            )
        seeders = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is not None:
                seeders.append((app_config.label, importlib.import_module(module_name)))

        with transaction.atomic():
            for label, module in seeders:
                self.stdout.write(f"Seeding {label}…")
                module.seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
