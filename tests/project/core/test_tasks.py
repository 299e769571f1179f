"""The shared mail task, ``project.core.tasks.send_email`` (huey runs tasks at once in tests)."""

from django.core import mail

from project.core.tasks import send_email


def test_send_email_mails_plain_text_to_the_one_address():
    send_email(to="ada@example.com", subject="Your request", body="We received it.")

    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert (message.subject, message.body) == ("Your request", "We received it.")
    assert message.alternatives == []


def test_send_email_is_retried_when_the_mail_server_refuses():
    assert (send_email.retries, send_email.retry_delay) == (3, 60)
