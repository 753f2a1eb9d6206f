"""Fixtures for every layer: ``app``, ``db``, ``client``, ``login_as(role)`` and factories.

The schema is built once per test run by running the real migrations (never ``create_all``);
each test then starts from empty tables. ``TEST_DATABASE_URL`` points the suite at PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from werkzeug.routing import Rule

from portal import create_app
from portal.domain.roles import Role
from portal.extensions import db as _db
from portal.services import accounts
from tests import factories
from tests.helpers import PortalClient

accounts.use_fast_hashing_for_tests()


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run, in memory. Every test makes its own app, and each
    app's Jinja environment would otherwise parse and compile every template it renders again
    (about 0.4 s for the first page of each test); every app of the run has the same settings."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _SharedBytecode()


@event.listens_for(Engine, "connect")
def _sqlite_without_waiting_for_the_disk(dbapi_connection, connection_record) -> None:  # noqa: ANN001
    """Test databases are thrown away: SQLite need not wait for each commit to reach the disk
    (the portal's own setting, portal/db.py, keeps it waiting)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def _share_compiled_templates(app: Flask) -> Flask:
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


_compile_builder = Rule._compile_builder
_URL_BUILDERS: dict[tuple, Callable[..., tuple[str, str]]] = {}


def _compile_builder_once(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    """Werkzeug writes and compiles a small Python function for each route of each app, to build its
    URLs (``url_for``): about 0.1 s of every test's new app, for the same 190 routes each time. The
    function depends only on the parsed rule (its ``_trace``) when the rule has no defaults, and
    takes the rule as its ``self``; so each is compiled once per run and shared by every app."""
    if self.defaults or not hasattr(self, "_trace"):
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), append_unknown)
    builder = _URL_BUILDERS.get(key)
    if builder is None:
        builder = _URL_BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _compile_builder_once


_make_engine = _db._make_engine
_SHARED_DATABASES: set[str] = set()  # the run's test database (``_migrated``)
_ENGINES: dict[str, Engine] = {}


def _one_engine_per_test_database(bind_key: str | None, options: dict, app: Flask) -> Engine:
    """Every app of the run on the test database uses one engine (per set of engine options). Each
    engine keeps its own cache of compiled SQL, and a new one for every test compiled each
    statement again (a sixth of a page test's time). The pool is emptied after each test (``app``)
    and listeners a test adds to the engine must be removed by that test (checked after it)."""
    if str(options.get("url")) not in _SHARED_DATABASES:
        return _make_engine(bind_key, options, app)
    key = repr(sorted(options.items()))
    if key not in _ENGINES:
        _ENGINES[key] = _make_engine(bind_key, options, app)
    return _ENGINES[key]


_db._make_engine = _one_engine_per_test_database


TESTS = Path(__file__).resolve().parent
# Where the tests that never need the app (and so no database) are pure code checks: the rules of
# tests/unit and the import layering. scripts/test runs them once, in the SQLite pass.
_PURE_CODE = (TESTS / "unit", TESTS / "test_architecture.py")
_DATABASE_FIXTURES = {"app", "database_url", "_migrated"}


@pytest.hookimpl(tryfirst=True)  # before -m selection, so `-m "not database_free"` sees the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(item.path)
        pure = any(path == home or home in path.parents for home in _PURE_CODE)
        if pure and not _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database_free)


DEFAULT_PASSWORD = "correct horse battery staple"
SECOND_STEP = "/sign-in/code"
SET_UP = "/two-factor/set-up"


# --- signing in, with the second step when the account has two-factor sign-in ----------------------


def phone_code(user) -> str:  # noqa: ANN001
    """What the user's authenticator app shows now and the portal will still accept: the current
    time step's code, else the next one's (a code already used is refused, so two sign-ins in one
    30-second step use the next step's code). Raises when both were used."""
    import time

    from portal.domain import two_factor as rules
    from portal.services.two_factor import code_for

    _db.session.refresh(user)
    current = rules.time_step(time.time())
    usable = [s for s in rules.candidate_steps(current, user.two_factor_last_step) if s >= current]
    if not usable:
        raise LookupError("no unused code in this time step")
    return code_for(user.two_factor_secret, usable[0])


def recovery_code(user) -> str:  # noqa: ANN001
    """A fresh recovery code for ``user`` (as if they had one left from setting up)."""
    import secrets

    from portal.domain.two_factor import RECOVERY_ALPHABET, RECOVERY_CODE_LENGTH
    from portal.models.people import RecoveryCode
    from portal.services.two_factor import _hash

    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    _db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code)))
    _db.session.commit()
    return code


def give_test_app(email: str) -> bool:
    """An account sent to set up two-factor sign-in because it gained a role that needs it during the
    test (an officer made them a panel member) gets the factory's test secret, as if it had been made
    with that role. False (nothing done) if it has two-factor sign-in already: then being sent to set
    it up is a bug the test must see."""
    from tests.factories import TWO_FACTOR_SECRET

    user = accounts.find_user_by_email(email)
    _db.session.refresh(user)
    if user.two_factor_secret is not None:
        return False
    user.two_factor_secret = TWO_FACTOR_SECRET
    user.two_factor_enabled_at = user.created_at
    _db.session.commit()
    return True


def complete_second_step(client: PortalClient, email: str):  # noqa: ANN201
    """Type the code from the (test's) phone on the second sign-in page, as a person would."""
    from portal.models import User

    user = accounts.find_user_by_email(email)
    assert isinstance(user, User) and user.two_factor_secret, f"{email} has no two-factor sign-in"
    try:
        code = phone_code(user)
    except LookupError:  # signed in more than twice in 30 seconds: use a recovery code, as a person could
        code = recovery_code(user)
    return PortalClient.submit(client, SECOND_STEP, {"code": code})


class SigningInClient(PortalClient):
    """The test client. Posting the sign-in form for an account with two-factor sign-in also
    completes the second step with a real code from the account's (test) secret, so every test that
    signs in an officer, admin or panel member goes through real two-factor sign-in; the response
    is the second step's. An account sent to set it up because the test gave it a role that needs it
    gets the test secret first (``give_test_app``). ``client.stop_at_second_step = True`` leaves
    both to the test."""

    stop_at_second_step = False

    def submit(self, url: str, data: dict | None = None, *, from_url: str | None = None, **kwargs):  # noqa: ANN201
        response = super().submit(url, data, from_url=from_url, **kwargs)
        if self.stop_at_second_step or url.split("?")[0] != "/sign-in" or response.status_code != 302:
            return response
        if response.headers["Location"] == SET_UP and give_test_app(data["email"]):
            return complete_second_step(self, data["email"])
        if response.headers["Location"] == SECOND_STEP:
            return complete_second_step(self, data["email"])
        return response


def _database_url(tmp_path_factory: pytest.TempPathFactory, worker: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}" if worker != "master" else parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


# A statement that runs longer than this fails its test with PostgreSQL's own message ("canceling
# statement due to statement timeout") instead of holding the whole run: once in CI a bad plan ran one
# query for more than 20 minutes. No statement of the suite needs more than a few seconds.
TEST_STATEMENT_TIMEOUT_MS = 120_000


def _engine_options(database_url: str) -> dict:
    """PostgreSQL in tests does not wait for each commit to reach the disk: the test databases are
    thrown away, and waiting for the disk was most of a PostgreSQL run's time."""
    if not database_url.startswith("postgresql"):
        return {}
    options = f"-c synchronous_commit=off -c statement_timeout={TEST_STATEMENT_TIMEOUT_MS}"
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"options": options}}}


TEST_TWO_FACTOR_KEY = "dGVzdC10d28tZmFjdG9yLWtleS0zMi1ieXRlcy0hISE="  # 32 bytes: a Fernet key


def make_test_config(database_url: str, tmp: Path, **overrides: object) -> dict:
    return {
        "ENV": "test",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "TWO_FACTOR_KEYS": TEST_TWO_FACTOR_KEY,
        "DATABASE_URL": database_url,
        "STORAGE_PATH": str(tmp / "files"),
        "INSTANCE_PATH": str(tmp / "instance"),
        "MAIL_BACKEND": "memory",
        "SERVICE_NAME": "Apply for a community grant",
        "COUNCIL_NAME": "Testshire Council",
        "CONTACT_EMAIL": "help@testshire.example",
        "RATELIMIT_ENABLED": True,
        "PROPAGATE_EXCEPTIONS_IN_TESTS": True,
        **_engine_options(database_url),
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    return _database_url(tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def _migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run the real migrations once for the session."""
    from flask_migrate import upgrade

    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("migrate")))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    _SHARED_DATABASES.add(database_url)
    return database_url


@pytest.fixture
def app(_migrated: str, tmp_path: Path) -> Iterator[Flask]:
    app = _share_compiled_templates(create_app(make_test_config(_migrated, tmp_path)))
    app.test_client_class = SigningInClient
    with app.app_context():
        listeners = _listeners(_db.engine)
        yield app
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()  # close pooled connections now, not when garbage collected
        left = {name: n - listeners[name] for name, n in _listeners(_db.engine).items() if n != listeners[name]}
    from portal.extensions import limiter

    limiter.reset()
    assert not left, f"the test left listeners on the shared engine (event.remove them): {left}"


def _listeners(engine: Engine) -> dict[str, int]:
    """How many listeners the engine has for each of its events."""
    return {name: len(getattr(engine.dispatch, name)) for name in engine.dispatch._event_names}


def _empty_tables() -> None:
    """Delete every row, children first, and (PostgreSQL) start the id sequences again. DELETE on
    these small tables is about 20 times quicker than one TRUNCATE of them all (0.28 s a test)."""
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - our own table names
        if conn.dialect.name == "postgresql":
            sequences = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"))
            restarts = [f"setval('{name}', 1, false)" for name in sequences.scalars()]
            if restarts:
                conn.execute(text(f"SELECT {', '.join(restarts)}"))


@pytest.fixture
def db(app: Flask):  # noqa: ANN201
    return _db


@pytest.fixture
def client(app: Flask) -> PortalClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def outbox(app: Flask) -> list[dict]:
    """E-mails sent by the memory backend during the test."""
    return app.extensions.setdefault("mail_outbox", [])


@pytest.fixture
def make_user(app: Flask) -> Callable[..., object]:
    return factories.make_user


@pytest.fixture
def make_round(app: Flask) -> Callable[..., object]:
    return factories.make_round


@pytest.fixture
def make_organisation(app: Flask) -> Callable[..., object]:
    return factories.make_organisation


@pytest.fixture
def make_application(app: Flask) -> Callable[..., object]:
    return factories.make_application


@pytest.fixture
def make_panel(app: Flask) -> Callable[..., object]:
    return factories.make_panel


@pytest.fixture
def make_eligible_application(app: Flask) -> Callable[..., object]:
    return factories.make_eligible_application


@pytest.fixture
def make_review(app: Flask) -> Callable[..., object]:
    return factories.make_review


@pytest.fixture
def make_award(app: Flask) -> Callable[..., object]:
    return factories.make_award


@pytest.fixture
def make_return(app: Flask) -> Callable[..., object]:
    return factories.make_return


@pytest.fixture
def sign_in(client: PortalClient) -> Callable[..., object]:
    """Sign a user in through the real sign-in form (and the second step, when they have one)."""

    def _sign_in(user, password: str = DEFAULT_PASSWORD):  # noqa: ANN001, ANN202
        response = client.submit("/sign-in", {"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return response

    return _sign_in


@pytest.fixture
def login_as(sign_in: Callable[..., object]) -> Callable[..., object]:
    """``login_as("officer")`` makes a user with that role, signs them in and returns them."""

    def _login_as(*roles: str | Role, **overrides: object):  # noqa: ANN202
        user = factories.make_user(roles={Role(r) for r in roles}, **overrides)
        sign_in(user)
        return user

    return _login_as


@pytest.fixture
def make_app(app: Flask, _migrated: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Another app on the same test database with some settings changed."""
    made: list[Flask] = []

    def _make_app(**overrides: object) -> Flask:
        other = _share_compiled_templates(create_app(make_test_config(_migrated, tmp_path, **overrides)))
        other.test_client_class = SigningInClient
        made.append(other)
        return other

    yield _make_app
    for other in made:
        with other.app_context():
            if _db.engine not in _ENGINES.values():  # the shared one is emptied by ``app``, after the test's session
                _db.engine.dispose()
