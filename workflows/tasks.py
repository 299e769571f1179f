"""Background work of the workflow engine (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from workflows import hooks
from workflows.services import cases_fire_automatic


@db_periodic_task(crontab(minute="*/5"))
def fire_automatic_transitions() -> dict:
    """Every five minutes: move the cases whose automatic transition is due (e.g. a reservation
    that expired), then run what the feature apps do after each sweep
    (``workflows_after_timers``)."""
    run = cases_fire_automatic()
    return {"fired": run.fired, "failed": run.failed, **hooks.after_timers(timezone.now())}
