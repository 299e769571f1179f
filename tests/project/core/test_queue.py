"""The task queue for real: a worker process (``manage.py run_huey``) picks a task from the SQLite
or the Redis storage and its result comes back through the same storage."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from huey import PriorityRedisHuey, SqliteHuey

from project.core.tasks import ping

RESULT_TIMEOUT = 60  # seconds a worker may take to start and answer before the test fails


@pytest.fixture
def start_worker():
    processes = []

    def start(env: dict) -> None:
        worker_env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "HUEY_SQLITE_PATH", "HUEY_QUEUE_NAME"}
        }
        worker_env.update(env, DJANGO_SETTINGS_MODULE="project.settings.dev", HUEY_WORKERS="1")
        processes.append(
            subprocess.Popen(  # noqa: S603 (fixed argv, our own interpreter)
                [sys.executable, "manage.py", "run_huey", "--no-periodic"],
                cwd=settings.BASE_DIR,
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def assert_round_trip(huey) -> None:
    token = uuid.uuid4().hex
    # This huey instance is the web side of that queue: register the same task on it.
    remote_ping = huey.task()(ping.func)
    result = remote_ping(token)

    answer = result.get(blocking=True, timeout=RESULT_TIMEOUT)

    assert answer["token"] == token
    assert answer["pid"] != os.getpid(), "the task ran in the test process, not in the worker"


def test_task_round_trip_through_sqlite_storage(tmp_path, start_worker):
    name = f"test-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "queue.sqlite3"
    start_worker({"HUEY_SQLITE_PATH": str(path), "HUEY_QUEUE_NAME": name})

    assert_round_trip(SqliteHuey(name, filename=str(path)))


def test_task_round_trip_through_redis_storage(start_worker):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set (the PostgreSQL + Redis leg of .ci/run sets it)")
    name = f"test-{uuid.uuid4().hex[:8]}"
    huey = PriorityRedisHuey(name, url=redis_url)
    start_worker({"REDIS_URL": redis_url, "HUEY_QUEUE_NAME": name})

    try:
        assert_round_trip(huey)
    finally:
        huey.storage.flush_all()
