"""Create the roles Atelier ships as groups, with their starting permissions.

Frozen here on purpose: later migrations grant the permissions that their own models bring, and
admins adjust groups in the Wagtail admin. Running it again changes nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACCESS_ADMIN = ("wagtailadmin", "access_admin")
VIEW_STORE = ("stores", "view_store")
ALL_STORES = ("stores", "access_all_stores")

ROLES = {
    "Process designer": [ACCESS_ADMIN],
    "Store staff": [ACCESS_ADMIN, VIEW_STORE],
    "Approver": [ACCESS_ADMIN, VIEW_STORE],
    "Trainer": [ACCESS_ADMIN],
    "New hire": [ACCESS_ADMIN],
    "Auditor": [ACCESS_ADMIN, VIEW_STORE, ALL_STORES],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in codes:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("stores", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
