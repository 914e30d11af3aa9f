"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

No browser is ever downloaded. Where ``/usr/bin/chromium`` is missing the browser
tests skip on a laptop but fail in CI (``CI=true``), which must have it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import in_ci

CHROMIUM = os.environ.get("EFFICACY_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop; Django refuses database calls from
# inside one unless told this thread is safe (it is: the test owns it).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, marked or not: `make test-fast` skips them."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path:
        return path
    message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    executable = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev environment has it
        if in_ci():
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        # A persistent context in a fresh folder: a clean profile every run.
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1024, "height": 768},  # a Chromebook screen
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh tab with no cookies; ``page.base`` is the live server's URL.

    Console errors about the Content Security Policy fail the test; a screenshot
    of the last state is saved to ``test-artifacts/``.
    """
    browser.clear_cookies()
    tab = browser.new_page()
    tab.base = live_server.url
    tab.csp_errors = []
    tab.on(
        "console",
        lambda message: (
            tab.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        # caret="initial": hiding the caret injects a style the CSP refuses.
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")
    finally:
        tab.close()
    assert not tab.csp_errors, tab.csp_errors
