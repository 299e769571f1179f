"""Wagtail's background tasks (django-tasks) run through huey's shipped django-tasks backend."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from huey.contrib.djhuey import HUEY
from huey.contrib.djhuey.tasks_backend import HueyBackend
from huey.signals import SIGNAL_COMPLETE
from wagtail.tasks import delete_file_from_storage_task


@pytest.fixture
def huey_completed():
    """Names of the tasks huey executed during the test."""
    completed = []

    def record(signal, task, *args, **kwargs):
        completed.append(task.name)

    HUEY.signal(SIGNAL_COMPLETE)(record)
    yield completed
    HUEY.disconnect_signal(record, SIGNAL_COMPLETE)


def test_default_task_backend_is_huey():
    assert isinstance(task_backends["default"], HueyBackend)


@pytest.mark.django_db
def test_wagtail_task_is_executed_by_huey(
    tmp_path, huey_completed, django_capture_on_commit_callbacks
):
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("superseded-rendition.txt", ContentFile(b"old"))

    # The backend enqueues on commit, as Wagtail's tasks must not run on rolled-back data.
    with django_capture_on_commit_callbacks(execute=True):
        result = delete_file_from_storage_task.enqueue(storage.deconstruct(), name)

    assert not storage.exists(name)
    assert "djtasks.run" in huey_completed
    stored = task_backends["default"].get_result(result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_wagtail_task_is_not_enqueued_when_the_transaction_rolls_back(
    tmp_path, huey_completed, django_capture_on_commit_callbacks
):
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("kept.txt", ContentFile(b"keep me"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_file_from_storage_task.enqueue(storage.deconstruct(), name)

    assert len(callbacks) == 1
    assert storage.exists(name)
    assert huey_completed == []
