"""Real Chromium driven by Playwright against the app served on loopback.

The browser is ``CHROMIUM_PATH`` (default ``/usr/bin/chromium``). Without it the browser
tests are skipped, unless ``ECOPROD_REQUIRE_BROWSER=1`` (CI), which makes them fail.
Set ``ECOPROD_SCREENSHOTS=<folder>`` to keep a screenshot of every page checked.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE = os.environ.get("ECOPROD_REQUIRE_BROWSER") == "1"
SCREENSHOTS = os.environ.get("ECOPROD_SCREENSHOTS")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def closing(app: Any) -> Any:
    """The app's response read whole and closed before the development server sends it.

    Work deferred "after the response" (PDF rendering, e-mail) runs when the WSGI iterable
    is closed. Under Werkzeug's development server, the work registered by a browser's
    redirected POST sometimes never ran (seen in CI, about one run in three, cause not
    found: no thread was left waiting); gunicorn, which production runs and
    ``tests/faults/test_app_process_killed.py`` drives, closes every response. Here the deferred work runs
    before the bytes leave, which the pages cope with as they do with a slow render.
    """

    def wsgi(environ: Any, start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(_app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, closing(_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}"
        if REQUIRE:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


class Visitor:
    """One person in their own browser context (cookies of their own)."""

    def __init__(self, browser: Any, base_url: str, name: str) -> None:
        self.context = browser.new_context(
            base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.name = name
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # A form refused with 400 or a page answered 404 is expected; scripts failing or a
        # Content-Security-Policy refusing something is not.
        if message.type == "error" and "the server responded with a status of 4" not in message.text:
            self.errors.append(message.text)

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto("/login")
        self.page.get_by_label("Adresse e-mail").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def check_page(self, label: str) -> None:
        """No JavaScript error, no serious accessibility violation; a screenshot if asked."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{label}: {serious}"
        assert not self.errors, f"{label}: browser errors {self.errors}"
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{self.name}-{label}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def reload_until_link(page: Any, name: str, seconds: float = 30) -> None:
    """Reload until the page offers the link ``name``: PDFs are rendered after the response,
    which takes longer on a busy machine."""
    import time

    deadline = time.monotonic() + seconds
    while not page.get_by_role("link", name=name).count() and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        page.reload()


@pytest.fixture
def visit(app: Any, browser: Any, live_server: str) -> Iterator[Any]:
    visitors: list[Visitor] = []

    def open_as(name: str) -> Visitor:
        visitor = Visitor(browser, live_server, name)
        visitors.append(visitor)
        return visitor

    yield open_as
    for visitor in visitors:
        visitor.close()
