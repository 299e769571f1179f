"""Production: refuses to start while a required variable is missing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Production refuses to start without it: generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'` and set it in the "
        "environment."
    )

# Django's deploy check (security.W009) wants at least 50 characters; a shorter key is refused here
# rather than only warned about.
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too short ({len(SECRET_KEY)} characters): production needs at "
        "least 50. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

DEBUG = False
