"""Background work of the workflow engine (huey)."""

from django.core.mail import send_mail
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task


@task(retries=3, retry_delay=60)
def send_case_email(*, to: str, subject: str, body: str) -> None:
    """A plain-text message to a staff member about one of their cases."""
    send_mail(subject, body, None, [to])


@db_periodic_task(crontab(minute="*/5"))
def fire_automatic_transitions() -> dict:
    """Every five minutes: move the cases whose automatic transition is due (a reservation that
    expired, a quotation left without an answer)."""
    from workflows.services import fire_automatic_transitions as fire

    run = fire()
    return {"fired": run.fired, "failed": run.failed}
