"""Browser tests: the test ``app`` served on a real port and driven by Debian's Chromium.

Everything in this folder is marked ``browser`` (``pytest -m "not browser"`` leaves it out).
Without ``/usr/bin/chromium`` the folder is skipped on a developer's machine, but in CI
(``CI=true``) a missing browser is a failure, never a silent skip.

Fixtures:
    ``live_server``  the base URL of the test ``app`` (same database as the factories) served by
                     werkzeug in a daemon thread; an exception raised while serving fails the test.
    ``page``         a fresh Playwright page in a fresh browser context, so cookies never leak.
    ``sign_in_page`` ``sign_in_page(page, user)`` signs in through the real form in the browser
                     (and the two-factor page, with a real code, for accounts that have it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.axe import AXE_SCRIPT, AXE_URL
from tests.factories import DEFAULT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m selection, so `-m "not browser"` sees the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item of the run, not only this folder's. A missing Chromium is
    # not skipped: scripts/bootstrap installs it, and the browser fixture fails with how to fix it.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- the server ----------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    """No access log lines for every asset request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _RecordErrors:
    """WSGI wrapper that keeps exceptions raised while serving, so the test can fail on them
    (the test config propagates exceptions, which werkzeug would otherwise only print). It also
    serves axe-core at ``AXE_URL`` (tests/browser/axe.py), outside the portal."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.errors: list[BaseException] = []

    def __call__(self, environ, start_response):  # noqa: ANN001, ANN204
        if environ.get("PATH_INFO") == AXE_URL and AXE_SCRIPT.is_file():
            return _axe_script(start_response)
        try:
            return self.app(environ, start_response)
        except Exception as exc:
            self.errors.append(exc)
            raise


_AXE_SOURCE: list[bytes] = []  # read once per run


def _axe_script(start_response):  # noqa: ANN001, ANN202
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE_SCRIPT.read_bytes())
    body = _AXE_SOURCE[0]
    headers = [
        ("Content-Type", "text/javascript; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "max-age=86400"),
    ]
    start_response("200 OK", headers)
    return [body]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on 127.0.0.1 and a free port; yields its base URL (no trailing slash)."""
    wsgi = _RecordErrors(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    if wsgi.errors:
        raise AssertionError(f"the server raised while the test ran: {wsgi.errors[0]!r}") from wsgi.errors[0]


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright():  # noqa: ANN202
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(_playwright):  # noqa: ANN001, ANN201
    """One Chromium for the whole run (launching costs far more than a new context)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run scripts/bootstrap (or apt-get install chromium)")
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(chromium, live_server: str) -> Iterator[Callable[..., object]]:  # noqa: ANN001
    """``new_context(**options)`` opens a browser context on the live server; all are closed after.

    Contexts bypass the portal's Content-Security-Policy by default so that axe can be injected
    (``assert_no_axe_violations``); pass ``bypass_csp=False`` to test the real policy.
    """
    opened = []

    def _new_context(**options: object):  # noqa: ANN202
        context = chromium.new_context(**{"base_url": live_server, "bypass_csp": True, **options})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context

    yield _new_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context):  # noqa: ANN001, ANN201
    """A fresh page in its own context: relative URLs go to ``live_server``."""
    return new_context().new_page()


def sign_in_through_form(page, user, password: str = DEFAULT_PASSWORD) -> None:  # noqa: ANN001
    """Sign ``user`` in through the sign-in form, as a person would, and wait to land. An account
    with two-factor sign-in (every officer, admin and panel member by default) also gets the code
    its (test) app shows typed on the second page."""
    from tests.conftest import give_test_app, phone_code

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    if page.url.endswith("/two-factor/set-up") and give_test_app(user.email):
        page.goto("/sign-in/code")
    if page.url.endswith("/sign-in/code"):
        page.get_by_label("Code", exact=True).fill(phone_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    assert "/sign-in" not in page.url, f"sign-in failed for {user.email}: still on {page.url}"


@pytest.fixture
def sign_in_page() -> Callable[..., None]:
    """``sign_in_page(page, user)``: sign in through the form in the browser."""
    return sign_in_through_form


@pytest.fixture
def no_js_page(new_context):  # noqa: ANN001, ANN201
    """A fresh page in a context with JavaScript turned off: what a person without JavaScript
    (blocked, failed to load, an old phone) gets. Pages must still work: scripts only enhance."""
    return new_context(java_script_enabled=False).new_page()
