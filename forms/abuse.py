"""What keeps the public form pages usable under abuse.

- **Honeypot.** Every public form carries a field people never see (hidden by CSS, skipped by
  keyboard and screen readers) and simple bots fill in. A post that fills it is answered with the
  ordinary thank-you page, so the bot learns nothing, and nothing is stored or sent.
- **Rate limit.** Posts to form pages are counted per visitor address in the cache (fixed windows
  of ``FORMS_RATE_LIMIT_WINDOW_SECONDS``); beyond ``FORMS_RATE_LIMIT_POSTS`` the page answers 429
  and stores nothing. IPv6 addresses count per /64, the block one subscriber usually gets.
- **Confirmation e-mails.** A public form sends its confirmation to whatever address is typed
  in, so it must not become a way of mailing strangers: the e-mail carries only what the page's
  designer wrote and the reference (never a visitor's words), and at most
  ``FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY`` go to one address,
  ``FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY`` are sent for one visitor address and
  ``FORMS_CONFIRMATIONS_PER_FORM_HOURLY`` by one form page in an hour. Past a limit the
  submission is still taken and thanked for; only its e-mail is left out.
- **Upload size.** ``RequestSizeLimitUploadHandler`` (first of ``FILE_UPLOAD_HANDLERS``) refuses a
  request body larger than ``UPLOAD_MAX_REQUEST_BYTES`` before reading it and stops reading one
  that grows past it; each field's own limit is then checked by the form before any file is kept.

Addresses are never stored: submissions keep a keyed hash (``address_hash``), the rate limit
counts under the same hash (and e-mail addresses under a keyed hash of their own).
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.crypto import salted_hmac

from project.core.http import client_address

# A dash: no form field's clean_name can take this name. Bots fill fields that look like these.
HONEYPOT_FIELD = "your-website"


def honeypot_filled(request) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def _network(address: str) -> str:
    """IPv4 addresses as they are; IPv6 addresses as their /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def address_hash(request) -> str:
    """A keyed hash of the visitor's address (their /64 for IPv6): enough to tell posts from one
    place apart, useless for finding the address without the secret key."""
    return salted_hmac(
        "atelier.forms.address", _network(client_address(request)), algorithm="sha256"
    ).hexdigest()


def rate_limit_exceeded(request, *, now: float | None = None) -> int:
    """Count one post from the request's address. Returns 0 while it is within the limit, or the
    seconds until the window ends (for ``Retry-After``) when it is over it."""
    limit = settings.FORMS_RATE_LIMIT_POSTS
    window = max(1, settings.FORMS_RATE_LIMIT_WINDOW_SECONDS)
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    bucket = int(now // window)
    count = _count(f"atelier.forms.posts:{address_hash(request)}:{bucket}", window)
    if count <= limit:
        return 0
    return max(1, int((bucket + 1) * window - now))


def _count(key: str, window: int) -> int:
    """Add one to the counter ``key`` (kept a little longer than its window) and return it."""
    cache.add(key, 0, timeout=window + 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        return 1


CONFIRMATION_WINDOW_SECONDS = 3600


def recipient_hash(email: str) -> str:
    """A keyed hash of an e-mail address as mail servers deliver it: case and a ``+tag`` on the
    local part do not make another recipient."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0] if local else domain
    return salted_hmac(
        "atelier.forms.recipient", f"{local}@{domain}", algorithm="sha256"
    ).hexdigest()


def confirmation_throttled(
    request, *, form_key: str, recipient: str, now: float | None = None
) -> str:
    """Count one confirmation e-mail about to go to ``recipient`` from the form page
    ``form_key``. Returns "" when it may be sent, else the limit it would pass: "client" (the
    visitor's address), "recipient" or "form"; a refused e-mail is not counted against the
    limits after the one that refused it, so one noisy visitor cannot use up a form's hour."""
    now = time.time() if now is None else now
    bucket = int(now // CONFIRMATION_WINDOW_SECONDS)
    for name, limit, key in (
        ("client", settings.FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY, address_hash(request)),
        ("recipient", settings.FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY, recipient_hash(recipient)),
        ("form", settings.FORMS_CONFIRMATIONS_PER_FORM_HOURLY, form_key),
    ):
        if limit <= 0:
            continue
        key = f"atelier.forms.confirmations:{name}:{key}:{bucket}"
        if _count(key, CONFIRMATION_WINDOW_SECONDS) > limit:
            return name
    return ""


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """Refuses a multipart body over ``UPLOAD_MAX_REQUEST_BYTES``: at once when the request says
    it is larger (nothing is read), or as soon as more file bytes arrive than allowed. Django
    answers 400, as it does for ``DATA_UPLOAD_MAX_MEMORY_SIZE``; nothing reaches a view."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = settings.UPLOAD_MAX_REQUEST_BYTES
        self.received = 0
        if content_length > self.limit:
            raise RequestDataTooBig(
                f"Upload of {content_length} bytes refused: the limit is {self.limit} bytes."
            )
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig(f"Upload refused: more than {self.limit} bytes of files.")
        return raw_data

    def file_complete(self, file_size):
        return None
