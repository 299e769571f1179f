"""The after-sales processes shipped in fixtures/processes/: every file loads and is published, and
the demo loads them all with cases in several states. How a file is loaded is tested in
tests/workflows/test_shipped.py."""

import io

import pytest
from django.core.management import call_command

from workflows.models import Process
from workflows.shipped import SHIPPED_DIR, load_shipped_processes

pytestmark = pytest.mark.django_db


def test_every_shipped_file_loads(admin):
    files = sorted(SHIPPED_DIR.glob("*.toml"))
    assert files

    report = load_shipped_processes(actor=admin)

    processes = [item for item in report.created if item.startswith("process ")]
    assert len(processes) == len(files)
    for item in processes:
        assert Process.objects.get(code=item.removeprefix("process ")).live_version is not None


def test_seed_demo_loads_every_shipped_process_with_cases_in_several_states():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent

    codes = ["care-file", "price-exception", "return-exchange", "chargeback", "reservation"]
    for code in codes:
        process = Process.objects.get(code=code)
        states = set(process.cases.values_list("state", flat=True))
        assert process.live_version is not None
        assert len(states) >= 2, f"{code}: {states}"
    assert Process.objects.get(code="care-file").cases.count() == 6
