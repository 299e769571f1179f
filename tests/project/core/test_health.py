import pytest
from django.db import OperationalError, connections
from huey import RedisHuey
from huey.contrib import djhuey


@pytest.fixture
def unreachable_queue(monkeypatch):
    # Nothing listens on port 1: every storage call fails like a Redis that is down.
    huey = RedisHuey("health-test", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(djhuey, "HUEY", huey)
    return huey


@pytest.fixture
def unreachable_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)


@pytest.mark.django_db
def test_health_is_ok_when_database_and_queue_answer(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_is_503_when_the_queue_is_unreachable(client, unreachable_queue):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["queue"] == {
        "ok": False,
        "error": "ConnectionError",
        "duration_ms": body["checks"]["queue"]["duration_ms"],
    }
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_health_is_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["queue"]["ok"] is True


@pytest.mark.django_db
def test_health_does_not_disclose_error_details(client, unreachable_database):
    response = client.get("/health/")

    assert "Connection refused" not in response.content.decode()


def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405
