"""Process designers build the public pages that open cases (and the forms' own pages): they may
add, edit and publish pages anywhere in the page tree. Admins narrow this in Settings > Groups."""

from django.db import migrations

from project.accounts.migration_helpers import ensure_permissions

ROLE = "Process designer"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def grant(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    group, _created = Group.objects.get_or_create(name=ROLE)
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name=ROLE, page__depth=1, permission__codename__in=PAGE_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_form_choices_by_purpose"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
