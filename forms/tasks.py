"""Background work of the forms engine (huey). Mail goes through ``project.core.tasks``."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from forms.submissions import pending_uploads_purge


@db_periodic_task(crontab(minute="23"))
def purge_pending_uploads() -> int:
    """Hourly: delete files kept for multi-step forms nobody finished."""
    return pending_uploads_purge()
