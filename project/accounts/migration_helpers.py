"""Helpers for data migrations that grant the shipped roles the permissions of new models.

They only touch the historical models passed in ``apps``, so old migrations keep working as the
code moves on. Use them with ``RunPython(grant(GRANTS), revoke(GRANTS))`` where ``GRANTS`` maps a
role name to ``(app_label, codename)`` pairs.
"""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps) -> None:
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in pairs
    ]


def grant(grants: dict[str, list[tuple[str, str]]]):
    def forwards(apps, schema_editor):
        ensure_permissions(apps)
        Group = apps.get_model("auth", "Group")
        for role, pairs in grants.items():
            group, _created = Group.objects.get_or_create(name=role)
            group.permissions.add(*_permissions(apps, pairs))

    return forwards


def revoke(grants: dict[str, list[tuple[str, str]]]):
    def backwards(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for role, pairs in grants.items():
            group = Group.objects.filter(name=role).first()
            if group is not None:
                group.permissions.remove(*_permissions(apps, pairs))

    return backwards
