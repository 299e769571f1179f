"""The roles Atelier ships, as Django groups.

The groups and their starting permissions are created by a data migration
(``accounts/migrations/0002_roles.py``); later migrations grant the permissions their own models
bring. Admins can change a group's permissions in the Wagtail admin afterwards.
"""

from django.db import models


class Role(models.TextChoices):
    PROCESS_DESIGNER = "Process designer"
    STORE_STAFF = "Store staff"
    APPROVER = "Approver"
    AREA_MANAGER = "Area manager"
    TRAINER = "Trainer"
    NEW_HIRE = "New hire"
    AUDITOR = "Auditor"
