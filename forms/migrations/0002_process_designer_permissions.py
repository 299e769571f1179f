"""Let the Process designer role build forms: add, change, delete and view form definitions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Process designer"
CODENAMES = [
    "add_formdefinition",
    "change_formdefinition",
    "delete_formdefinition",
    "view_formdefinition",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure ours exist now.
    app_config = apps.get_app_config("forms")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ROLE)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="forms", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="forms", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forms", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
