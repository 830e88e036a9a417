"""Fixtures shared by every app's tests: a real Chromium through Playwright, and the mail outbox."""

import os
import shutil

import pytest
from hypothesis import settings

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests draw the same examples on every run unless HYPOTHESIS_PROFILE=explore asks for
# fresh random ones (a failure found that way gets a fixed-example test of its own).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot_dir():
    path = os.environ.get("SCREENSHOT_DIR", "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def pytest_configure(config):
    from django.conf import settings

    # Tests read static files from the source folders; the hashed manifest exists only after
    # collectstatic, which `omvarld serve` runs.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = True
    # Counted page views are written at once, inside each test's own database transaction.
    settings.ANALYTICS_FLUSH_SECONDS = 0
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test rolls the content version back with its database; the cache must start empty too."""
    from django.core.cache import cache

    cache.clear()
    yield

