"""Databases and gunicorn for the benchmarks: everything on 127.0.0.1, and stopped at the end."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


class Databases:
    """Where the benchmark databases live: ``postgresql+psycopg://user@host:port`` (a database per
    data set, named ``<prefix>_<name>``, dropped and made again) or ``sqlite:///folder``."""

    def __init__(self, server: str, prefix: str = "portal_bench") -> None:
        self.server = server.rstrip("/")
        self.prefix = prefix
        self.is_sqlite = server.startswith("sqlite")

    def url(self, name: str) -> str:
        if self.is_sqlite:
            return f"{self.server}/{self.prefix}_{name}.db"
        return f"{self.server}/{self.prefix}_{name}"

    def _admin(self, statement: str) -> None:
        import psycopg

        dsn = self.server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(statement)

    def recreate(self, name: str) -> str:
        """An empty database ``name``, its URL."""
        if self.is_sqlite:
            path = Path(self.url(name).removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
        else:
            self.drop(name)
            self._admin(f'CREATE DATABASE "{self.prefix}_{name}"')
        return self.url(name)

    def drop(self, name: str) -> None:
        if self.is_sqlite:
            Path(self.url(name).removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.prefix}_{name}" WITH (FORCE)')


def portal_env(database_url: str, storage: Path, **extra: str) -> dict[str, str]:
    """The environment of a benchmark process: its own database and files, generous rate limits
    (every request comes from 127.0.0.1), e-mails kept in the outbox table (nothing is sent)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_ENV="development",
        PORTAL_SECRET_KEY=secrets.token_hex(32),
        PORTAL_DATABASE_URL=database_url,
        PORTAL_STORAGE_PATH=str(storage),
        PORTAL_MAIL_BACKEND="memory",
        PORTAL_SIGN_IN_RATE_LIMIT="100000 per minute",
        PORTAL_TWO_FACTOR_RATE_LIMIT="100000 per minute",
        PORTAL_CALL_BACK_RATE_LIMIT="100000 per minute",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def flask_command(args: list[str], env: dict[str, str], *, timeout: float = 3600) -> str:
    """Run ``flask --app wsgi <args>`` and return what it printed; raise if it failed."""
    done = subprocess.run(  # noqa: S603 - our own command line
        [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], log_path: Path, *, workers: int = 2, timeout: float = 180) -> Iterator[str]:
    """The portal under gunicorn (sync workers) on a free port of 127.0.0.1; yields its base URL and
    stops it (the whole process group) however the block ends."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "benchmarks.floor_app:app",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                _wait_until_up(base, process, timeout)
            except RuntimeError as error:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
                raise RuntimeError(f"{error}; the end of its log:\n{tail}") from None
            yield base
        finally:
            _stop(process)


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit code {process.returncode}): see its log")
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in KB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children_of(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
