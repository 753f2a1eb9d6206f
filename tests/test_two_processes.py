"""Scale-out: two gunicorn instances that share only PostgreSQL and Redis behave as one portal.

Each instance is a real ``gunicorn wsgi:app`` (one sync worker, production settings) on its own free
port of 127.0.0.1, with the same configuration and nothing else in common: no shared memory, no
sticky sessions. A session started on one is honoured by the other, signing out on one ends it on
both, and the sign-in rate limit is counted once across them (in Redis).

Needs PostgreSQL (``TEST_DATABASE_URL``, else scripts/test's PostgreSQL URL, else its default) and
Redis (``TEST_REDIS_URL``): it makes its own database beside the one named
(``<name>_scale_<worker>``, dropped afterwards) and uses its own Redis database number (13 or 12),
emptied before and after. Whichever run it is in, it always uses PostgreSQL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.domain.roles import Role
from portal.extensions import db
from tests import factories
from tests.conftest import DEFAULT_PASSWORD, TEST_TWO_FACTOR_KEY
from tests.helpers import csrf_token_from, page_title, visible_text

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
SECRET_KEY = "two-processes-share-this-secret-key-0123456789abcdef"
COOKIE = "portal_session"
START_SECONDS = 120  # a loaded two-core machine takes 15 s to import the app
REQUEST_SECONDS = 30
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/portal_test"  # scripts/test's default


def _postgres_url(worker: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL_PG") or DEFAULT_POSTGRES
    if not base.startswith("postgresql"):
        pytest.fail(
            f"this test needs PostgreSQL, not {base}: set TEST_DATABASE_URL, or deselect with -m 'not postgres'"
        )
    url = make_url(base)
    name = f"{url.database}_scale_{worker}"
    admin = create_engine(
        url.set(database="postgres"), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {url} ({error}): start it, or deselect with -m 'not postgres'")
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _redis_url(worker: str) -> str:
    """Database 13 or 12 (one per xdist worker): 15 and 14 are the letter-batch tests'."""
    from redis import Redis

    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    index = int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    url = f"{base.rsplit('/', 1)[0]}/{13 - index}"
    try:
        Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable at {url} ({error}): start it, or deselect with -m 'not redis'")
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Instance:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@dataclass
class Portal:
    a: Instance
    b: Instance
    database_url: str
    redis_url: str


def _start(name: str, environ: dict[str, str], tmp: Path) -> Instance:
    port = _free_port()
    log = tmp / f"gunicorn-{name}.log"
    command = [
        str(GUNICORN),
        "--workers=1",
        "--no-control-socket",
        f"--bind=127.0.0.1:{port}",
        "--graceful-timeout=2",
        f"--timeout={REQUEST_SECONDS * 2}",
        "wsgi:app",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    return Instance(name, f"http://127.0.0.1:{port}", process, log)


def _wait_until_ready(instance: Instance) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            pytest.fail(f"gunicorn {instance.name} exited with {instance.process.returncode}:\n{instance.logs()}")
        try:
            if requests.get(f"{instance.url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading the app
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn {instance.name} did not answer /healthz within {START_SECONDS} s:\n{instance.logs()}")


def _stop(instance: Instance) -> None:
    if instance.process.poll() is None:
        instance.process.terminate()
        try:
            instance.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait(timeout=10)


@pytest.fixture
def portal(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Portal]:
    from flask_migrate import upgrade
    from redis import Redis

    tmp = tmp_path_factory.mktemp("two-processes")
    database_url = _postgres_url(worker_id)
    redis_url = _redis_url(worker_id)
    settings = {
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": SECRET_KEY,
        "PORTAL_TWO_FACTOR_KEYS": TEST_TWO_FACTOR_KEY,
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_REDIS_URL": redis_url,
        "PORTAL_STORAGE_PATH": str(tmp / "files"),
        "PORTAL_MAIL_BACKEND": "console",
        "PORTAL_SIGN_IN_RATE_LIMIT": "3 per minute",
    }
    migrator = create_app(
        {key.removeprefix("PORTAL_"): value for key, value in settings.items()} | {"INSTANCE_PATH": str(tmp)}
    )
    with migrator.app_context():
        upgrade()
        db.engine.dispose()

    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "GUNICORN_"))}
    environ |= settings | {"PYTHONDONTWRITEBYTECODE": "1"}
    instances: list[Instance] = []
    try:
        instances = [_start(name, environ, tmp) for name in ("A", "B")]
        for instance in instances:
            _wait_until_ready(instance)
        yield Portal(instances[0], instances[1], database_url, redis_url)
    finally:
        for instance in instances:
            _stop(instance)
        Redis.from_url(redis_url).flushdb()
        admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def make_person(portal: Portal, tmp_path: Path):  # noqa: ANN201
    """Make users straight in the shared database (as another process would)."""
    app = create_app(
        {
            "ENV": "test",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": portal.database_url,
            "INSTANCE_PATH": str(tmp_path),
            "STORAGE_PATH": str(tmp_path / "files"),
        }
    )
    with app.app_context():
        yield lambda full_name: factories.make_user(roles={Role.APPLICANT}, full_name=full_name).email
        db.session.remove()
        db.engine.dispose()


class Browser:
    """One browser's cookie, carried by hand to whichever instance it talks to (the cookie is
    ``Secure`` in production, so an HTTP client would otherwise keep it back on plain HTTP)."""

    def __init__(self) -> None:
        self.cookie: str | None = None

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:  # noqa: ANN003
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=REQUEST_SECONDS, **kwargs
        )
        if COOKIE in response.cookies:
            self.cookie = response.cookies[COOKIE]
        return response

    def get(self, instance: Instance, path: str) -> requests.Response:
        return self._send("GET", instance.url + path)

    def post(self, instance: Instance, path: str, data: dict, *, form_on: str | None = None) -> requests.Response:
        page = self.get(instance, form_on or path)
        assert page.status_code == 200, (page.status_code, instance.logs())
        return self._send("POST", instance.url + path, data={"csrf_token": csrf_token_from(page.text), **data})


def _sign_in(browser: Browser, instance: Instance, email: str, password: str = DEFAULT_PASSWORD) -> requests.Response:
    return browser.post(instance, "/sign-in", {"email": email, "password": password})


def test_two_instances_share_sessions_and_the_sign_in_limit(portal, make_person):
    """One test, so that pytest-xdist never starts a second pair of instances for a second test."""
    a_session_started_on_one_instance_is_honoured_and_ended_on_the_other(portal, make_person("Amina Khan"))
    the_sign_in_limit_is_counted_once_across_both_instances(portal, make_person("Ben Ode"))


def a_session_started_on_one_instance_is_honoured_and_ended_on_the_other(portal: Portal, email: str) -> None:
    browser = Browser()
    signed_in = _sign_in(browser, portal.a, email)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/applicant/"

    on_b = browser.get(portal.b, "/applicant/")
    assert on_b.status_code == 200, on_b.headers.get("Location")
    assert "Sign out" in visible_text(on_b.text)
    assert page_title(on_b.text).startswith("Your applications – ")
    on_a = browser.get(portal.a, "/applicant/")
    assert on_a.status_code == 200 and visible_text(on_a.text) == visible_text(on_b.text)

    copied = browser.cookie  # what someone who copied the cookie would replay
    signed_out = browser.post(portal.b, "/sign-out", {}, form_on="/applicant/")
    assert signed_out.status_code == 302
    replay = Browser()
    replay.cookie = copied
    for instance in (portal.a, portal.b):
        refused = replay.get(instance, "/applicant/")
        assert refused.status_code == 302, instance.name
        assert refused.headers["Location"].startswith("/sign-in"), instance.name
        after = browser.get(instance, "/applicant/")
        assert after.status_code == 302 and after.headers["Location"].startswith("/sign-in")


def the_sign_in_limit_is_counted_once_across_both_instances(portal: Portal, email: str) -> None:
    from redis import Redis

    Redis.from_url(portal.redis_url).flushdb()  # forget the first part's sign-in from this address
    browser = Browser()
    answers = []
    for instance in (portal.a, portal.b, portal.a):  # the limit is 3 a minute: one count, not one per instance
        wrong = _sign_in(browser, instance, email, password="not the password")  # noqa: S106
        answers.append(wrong.status_code)
        assert "Enter a correct email address and password" in visible_text(wrong.text)
    assert answers == [200, 200, 200]

    for instance in (portal.b, portal.a):
        refused = _sign_in(browser, instance, email)  # even the right password, once over the limit
        assert refused.status_code == 429, instance.name
        assert "Too many attempts" in visible_text(refused.text)
        assert browser.get(instance, "/applicant/").status_code == 302  # not signed in
    assert Redis.from_url(portal.redis_url).keys("LIMITS:*"), "the counts are in Redis"
