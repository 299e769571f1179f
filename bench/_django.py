"""Shared set-up for benchmarks: Django on a throw-away database.

The database server is the one ``DATABASE_URL`` names, as for the project (SQLite in ``var/``
when it is not set). A benchmark creates its own database beside it (``<name>_<benchmark>`` on
PostgreSQL, ``var/bench_<benchmark>.sqlite3`` on SQLite) and drops it at the end, so it never
touches real or test data. The settings are the test settings plus the benchmark-only apps
(``bench/_settings.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "_settings"


@contextlib.contextmanager
def bench_database(name: str):
    """Set Django up on a fresh database for benchmark ``name`` (migrated), dropped when the
    block ends."""
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test_name = str(settings.VAR_DIR / f"bench_{name}.sqlite3")
    else:
        test_name = f"{database['NAME']}_{name}"
    database["TEST"] = {"NAME": test_name}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client
    django.setup()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        from django.db import connections

        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def report(benchmark: str, figures: dict, targets: dict[str, tuple[str, bool]]) -> bool:
    """Print the closing JSON line every benchmark ends with: its figures, each target's
    description and whether it was met. Returns True when every target was met."""
    line = {
        "benchmark": benchmark,
        **figures,
        "targets": {name: description for name, (description, _met) in targets.items()},
        "ok": {name: met for name, (_description, met) in targets.items()},
    }
    print(json.dumps(line, default=str))
    return all(met for _description, met in targets.values())
