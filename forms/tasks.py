"""Background work of the forms engine (huey)."""

from django.core.mail import send_mail
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task


@task(retries=3, retry_delay=60)
def send_confirmation_email(*, to: str, subject: str, body: str) -> None:
    """The confirmation a form page sends its submitter (plain text)."""
    send_mail(subject, body, None, [to])


@db_periodic_task(crontab(minute="23"))
def purge_pending_uploads() -> int:
    """Hourly: delete files kept for multi-step forms nobody finished."""
    from forms.submissions import pending_uploads_purge

    return pending_uploads_purge()
