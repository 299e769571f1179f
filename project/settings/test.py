"""The test suite: fast hashing, tasks run inline, mail kept in memory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, HUEY, SECRET_KEY, VAR_DIR

DEBUG = False
SECRET_KEY = SECRET_KEY or "django-insecure-atelier-tests-only"

# Persistent connections would outlive the live server's threads and block dropping the test DB.
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tasks run inline, in memory; tests of the real queues build their own huey (tests/project).
HUEY = {**HUEY, "immediate": True}

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Uploads made by tests go to a throw-away directory, never into var/.
_uploads = Path(tempfile.mkdtemp(prefix="atelier-test-uploads-"))
MEDIA_ROOT = _uploads / "media"
PRIVATE_MEDIA_ROOT = _uploads / "private"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEMO_DATA_ALLOWED = True

VAR_DIR.mkdir(parents=True, exist_ok=True)
