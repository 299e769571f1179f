"""Fixtures for the forms tests."""

import os

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, find_chromium


@pytest.fixture
def blank_page(monkeypatch):
    """A Chromium page with nothing loaded: scripts and rendered forms are put into it directly,
    no server needed. Skipped without a Chromium, except in CI where that fails the run."""
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("Browser tests must run in CI: no Chromium found")
        pytest.skip("no Chromium found (install Debian's chromium package or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()
