"""Local development: runserver over plain HTTP, the SQLite database and queue under ``var/``."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

DEBUG = True
# A fixed, visibly non-secret key: development sessions only. production.py accepts no default.
SECRET_KEY = SECRET_KEY or "django-insecure-atelier-development-only"

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEMO_DATA_ALLOWED = True

VAR_DIR.mkdir(parents=True, exist_ok=True)
