"""Background work every app shares (huey)."""

import os

from django.core.mail import send_mail
from huey.contrib.djhuey import task


@task()
def ping(token: str) -> dict:
    """Answer from a worker: proves a task went through the queue and back."""
    return {"token": token, "pid": os.getpid()}


@task(retries=3, retry_delay=60)
def send_email(*, to: str, subject: str, body: str) -> None:
    """The one mail task: a plain-text message to one address, retried three times a minute
    apart when the mail server refuses it. Callers enqueue it on commit, so a rolled-back write
    sends nothing."""
    send_mail(subject, body, None, [to])
