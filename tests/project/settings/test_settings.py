"""Settings modules as the server starts them: in a fresh interpreter, from the environment."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = "project.settings.production"


def run_manage(*args, env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ALLOWED_HOSTS"))
    }
    return subprocess.run(  # noqa: S603 (fixed argv, our own interpreter)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": PRODUCTION})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = run_manage(
        "check", env={"DJANGO_SETTINGS_MODULE": PRODUCTION, "DJANGO_SECRET_KEY": ""}
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_with_its_variables_passes_deploy_checks_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "atelier.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://atelier.example.com",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_secret_key_shorter_than_fifty_characters():
    result = run_manage(
        "check",
        env={"DJANGO_SETTINGS_MODULE": PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_hex(32)[:49]},
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too short (49 characters)" in result.stderr


def test_production_with_a_fifty_character_key_passes_deploy_checks_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "DJANGO_SECRET_KEY": secrets.token_hex(32)[:50],
            "ALLOWED_HOSTS": "atelier.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://atelier.example.com",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_the_sign_in_throttle_and_password_length_are_read_from_the_environment():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds(), "
        "settings.AUTH_PASSWORD_VALIDATORS[1]['OPTIONS']['min_length'])",
        env={
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "LOGIN_FAILURE_LIMIT": "3",
            "LOGIN_COOLOFF_MINUTES": "60",
            "PASSWORD_MIN_LENGTH": "16",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "3600.0", "16"]
