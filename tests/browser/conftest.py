"""Browser tests: Playwright driving the system's Chromium, against a live test server (``page``)
or in a blank page the test fills itself (``blank_page``: scripts and rendered forms, no server).

Chromium is looked up in ``CHROMIUM_PATH``, then ``/usr/bin/chromium`` and ``chromium`` on PATH;
no browser is ever downloaded. Without one, browser tests are skipped with the reason, except under
CI (``CI=true``), where a missing browser fails the run. A failing test leaves a full-page
screenshot of the step it failed on in ``test-artifacts/``.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.browser.policy import watch_policy_errors

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Flags that keep Chromium quiet on a machine without outside network, running as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        reason = "no Chromium found (install Debian's chromium package or set CHROMIUM_PATH)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture
def browser(chromium_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's guard against calling the
    # ORM from async code would refuse the test's own database checks.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Queries made by the test while Playwright's loop ran used their own connection.
        connections.close_all()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page whose relative URLs resolve against the live test server. A test whose pages
    broke the Content-Security-Policy or Permissions-Policy (the console says so) fails."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    policy_errors = watch_policy_errors(context)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    if policy_errors:
        pytest.fail("The browser reported policy errors:\n" + "\n".join(policy_errors))


@pytest.fixture
def blank_page(browser):
    """A Chromium page with nothing loaded: scripts and rendered forms are put into it directly,
    no server needed."""
    page = browser.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.close()
