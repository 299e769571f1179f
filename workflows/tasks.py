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
    expired, a quotation left without an answer), then mark expired the sent quotations whose
    validity has ended (after the transitions, whose conditions read them while still "sent")."""
    from workflows.quotations import quotations_expire
    from workflows.services import fire_automatic_transitions as fire

    run = fire()
    expired = quotations_expire()
    return {
        "fired": run.fired,
        "failed": run.failed,
        "expired": [f"{q.case.reference} v{q.number}" for q in expired],
    }
