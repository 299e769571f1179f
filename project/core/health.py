"""``/health/``: is this web process able to serve? Checks the database and the task queue for real.

Answers 200 when every check passes and 503 otherwise, with JSON naming each check. Error details
go to the log, not to the (unauthenticated) response.
"""

import logging
import time
import uuid

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from huey.contrib import djhuey

logger = logging.getLogger(__name__)


def check_database() -> dict:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return {}


def check_queue(huey=None) -> dict:
    """Write a key to the queue's storage and read it back (what enqueueing a task needs)."""
    huey = huey or djhuey.HUEY
    key = f"health:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    huey.put(key, token)
    if huey.get(key) != token:  # get() also removes the key
        raise RuntimeError("the queue storage returned another value than the one written")
    return {"backend": type(huey).__name__, "pending": huey.pending_count()}


CHECKS = {"database": check_database, "queue": check_queue}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as exc:  # any failure means "not healthy"; the log keeps the detail
            logger.exception("Health check %s failed", name)
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True, **details}
        results[name]["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(result["ok"] for result in results.values()), results


@never_cache
@require_safe
def health_view(request):
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
