"""Demo users: one per role, with the published passwords listed in the README."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from project.accounts.roles import Role

# username, password, role (None: superuser), first name, last name, stores (codes)
DEMO_USERS = [
    ("admin", "atelier-admin", None, "Ada", "Admin", []),
    ("designer", "atelier-designer", Role.PROCESS_DESIGNER, "Dana", "Designer", []),
    # Staff and approver also work in New York, so that its sample cases (price exception,
    # returns, chargebacks) can be moved on by a demo login and not only by admin.
    ("staff", "atelier-staff", Role.STORE_STAFF, "Min-jun", "Kim", ["SEL-01", "NYC-01"]),
    (
        "approver",
        "atelier-approver",
        Role.APPROVER,
        "Olena",
        "Shevchenko",
        ["SEL-01", "KBP-01", "NYC-01"],
    ),
    ("area", "atelier-area", Role.AREA_MANAGER, "Jae-won", "Choi", ["SEL-01", "KBP-01", "NYC-01"]),
    ("trainer", "atelier-trainer", Role.TRAINER, "Tom", "Trainer", ["NYC-01"]),
    ("newhire", "atelier-newhire", Role.NEW_HIRE, "Nadia", "Newman", ["NYC-01"]),
    ("auditor", "atelier-auditor", Role.AUDITOR, "Aiko", "Auditor", []),
]


def seed(*, log) -> None:
    User = get_user_model()
    rows = []
    for username, password, role, first_name, last_name, _stores in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@atelier.example",
                "is_active": True,
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if role is not None:
            user.groups.set([Group.objects.get(name=role)])
        rows.append((username, password, role or "Administrator (superuser)"))

    log("Demo logins at /admin/ (passwords are reset by every run):")
    for username, password, role in rows:
        log(f"  {username:<10} {password:<18} {role}")
