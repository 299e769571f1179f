"""Background work of the workflow engine (huey)."""

from django.core.mail import send_mail
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task

from workflows import hooks


@task(retries=3, retry_delay=60)
def send_case_email(*, to: str, subject: str, body: str) -> None:
    """A plain-text message to a staff member about one of their cases."""
    send_mail(subject, body, None, [to])


@db_periodic_task(crontab(minute="*/5"))
def fire_automatic_transitions() -> dict:
    """Every five minutes: move the cases whose automatic transition is due (e.g. a reservation
    that expired), then run what the feature apps do after each sweep
    (``workflows_after_timers``)."""
    from workflows.services import fire_automatic_transitions as fire

    run = fire()
    return {"fired": run.fired, "failed": run.failed, **hooks.after_timers(timezone.now())}
