"""The deployment files (Dockerfile, compose.yaml, deploy/, docs/deploy.md) stay true to the project.

They cannot be built here (no Docker daemon), so this checks what can drift without anyone
noticing: services, setting names, flask commands and their options, the system packages and the
front-end build of scripts/bootstrap, the proxy's upload limit against the portal's, and links.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from flask.cli import FlaskGroup

from portal import create_app
from portal.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE_TEXT = (ROOT / "compose.yaml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
CRON = (ROOT / "deploy" / "cron.sh").read_text()
DOCS = (ROOT / "docs" / "deploy.md").read_text()
BOOTSTRAP = (ROOT / "scripts" / "bootstrap").read_text()
FILES = {
    "Dockerfile": DOCKERFILE,
    "compose.yaml": COMPOSE_TEXT,
    "nginx.conf": NGINX,
    "cron.sh": CRON,
    "deploy.md": DOCS,
}
SERVICES = COMPOSE["services"]


def _joined(text: str) -> str:
    """Shell and Dockerfile continuation lines joined into one."""
    return re.sub(r"\\\n\s*", " ", text)


def _final_stage(dockerfile: str) -> str:
    return dockerfile[dockerfile.rindex("\nFROM ") :]


@pytest.fixture(scope="module")
def cli(tmp_path_factory):  # noqa: ANN001, ANN201
    tmp = tmp_path_factory.mktemp("deploy")
    app = create_app({"ENV": "test", "DATABASE_URL": f"sqlite:///{tmp / 'x.db'}", "INSTANCE_PATH": str(tmp)})
    group = FlaskGroup(create_app=lambda: app)
    return group, click.Context(group)


def flask_invocations() -> list[tuple[str, list[str]]]:
    """Every ``flask [--app wsgi] COMMAND [SUB] [--options]`` in the files, and in compose commands."""
    found = []
    lines = [line for text in FILES.values() for line in _joined(text).splitlines()]
    lines += [shlex.join(s["command"]) for s in SERVICES.values() if isinstance(s.get("command"), list)]
    for line in lines:
        for match in re.finditer(r"\bflask(?: --app wsgi)?((?: [a-z][\w-]*| --[\w-]+(?:[ =][^\s`'\"|]+)?)+)", line):
            words = match.group(1).split()
            found.append((line, words))
    return found


# --- compose ----------------------------------------------------------------------------------------


def test_compose_has_the_production_shape():
    assert {"proxy", "web", "worker", "cron", "migrate", "postgres", "redis"} <= set(SERVICES)
    app_services = ("web", "worker", "cron", "migrate")
    assert {SERVICES[name]["build"] for name in app_services} == {"."}, "one image for every role"
    assert {SERVICES[name]["image"] for name in app_services} == {"grants-portal:latest"}
    assert SERVICES["migrate"]["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    assert SERVICES["worker"]["command"] == ["flask", "--app", "wsgi", "rq-worker"]
    assert "command" not in SERVICES["web"], "web runs the image's gunicorn command"
    for name in ("web", "worker", "cron"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert SERVICES["postgres"]["image"].startswith("postgres:15")


def test_compose_services_share_postgres_redis_and_the_files_and_trust_only_the_proxy():
    for name in ("web", "worker", "cron", "migrate"):
        environment = SERVICES[name]["environment"]
        assert environment["PORTAL_ENV"] == "production", name
        assert "@postgres:5432/" in environment["PORTAL_DATABASE_URL"], name
        assert environment["PORTAL_REDIS_URL"].startswith("redis://redis:6379/"), name
        assert environment["PORTAL_SECRET_KEY"].startswith("${"), "secrets come from .env, never the file"
        assert environment["PORTAL_TWO_FACTOR_KEYS"].startswith("${"), "secrets come from .env, never the file"
        assert "files:/var/lib/portal/files" in SERVICES[name]["volumes"], name
    assert SERVICES["web"]["environment"]["PORTAL_TRUST_PROXY"] == "true"
    assert "ports" not in SERVICES["web"], "gunicorn is reached through the proxy only"
    assert "8000" in SERVICES["web"]["expose"]
    assert not re.search(r"AWS_SECRET_ACCESS_KEY\s*:", COMPOSE_TEXT), "no credentials in compose.yaml"


def test_files_that_compose_mounts_exist():
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                if source == "./deploy/certs":
                    continue  # the operator's own certificate, never in the repository
                assert (ROOT / source).exists(), source


# --- settings and commands --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_portal_name_is_a_real_setting(name):
    real = {f"PORTAL_{setting.name}" for setting in SETTINGS}
    used = set(re.findall(r"\bPORTAL_[A-Z0-9_]+", FILES[name]))
    assert used - real == set(), f"{name} uses settings that do not exist"


def test_every_flask_command_and_option_used_exists(cli):
    group, ctx = cli
    invocations = flask_invocations()
    used = {words[0] for _line, words in invocations}
    assert {"db", "rq-worker", "send-outbox", "send-reminders", "create-user"} <= used
    for line, words in invocations:
        command = group.get_command(ctx, words[0])
        assert command is not None, f"no flask command {words[0]!r}: {line}"
        if isinstance(command, click.Group):
            command = command.get_command(ctx, words[1])
            assert command is not None, f"no flask {words[0]} {words[1]!r}: {line}"
        options = {opt for param in command.params for opt in param.opts}
        for word in words:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"flask {words[0]} has no option {word}: {line}"


def test_the_scheduled_commands_are_the_real_ones():
    assert "flask --app wsgi send-outbox" in CRON
    assert 'flask --app wsgi send-reminders --base-url "$PUBLIC_URL"' in CRON
    assert SERVICES["cron"]["environment"]["PUBLIC_URL"].startswith("${PUBLIC_URL:?")


# --- the image --------------------------------------------------------------------------------------


def test_the_image_is_python_3_11_slim_with_what_weasyprint_needs():
    final = _final_stage(DOCKERFILE)
    assert final.lstrip().startswith("FROM python:3.11-slim")
    packages = re.search(r"for package in ([^;]+); do", BOOTSTRAP).group(1).split()
    needed = set(packages) - {"chromium", "wrk"}  # browser tests and benchmarks only
    assert needed == {"fonts-noto-core", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"}
    installed = re.search(r"apt-get install -y --no-install-recommends ([^&]+)&&", _joined(final)).group(1).split()
    assert needed <= set(installed)
    assert "node" not in final.lower().replace("--no-install-recommends", ""), "node only in the build stage"


def test_the_front_end_is_built_as_scripts_bootstrap_builds_it():
    sass_flags = "--no-source-map --quiet-deps --load-path=node_modules --style=compressed"
    assert sass_flags in _joined(BOOTSTRAP) and sass_flags in _joined(DOCKERFILE)
    for step in (
        "static/scss/portal.scss",
        "node_modules/govuk-frontend/dist/govuk",
        "govuk-frontend.min.js",
        "/assets",
    ):
        assert step in BOOTSTRAP and step in DOCKERFILE, step
    assert "npm ci" in DOCKERFILE and "COPY --from=frontend /src/static/build static/build" in DOCKERFILE
    assert "pybabel -q compile -d portal/translations" in DOCKERFILE  # the .mo files are not in git


def test_the_image_runs_gunicorn_as_an_unprivileged_user():
    final = _final_stage(DOCKERFILE)
    users = re.findall(r"^USER (\S+)", final, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert final.index("USER ") < final.index("\nCMD ")
    command = re.search(r"^CMD (\[.*?\])$", _joined(final), re.MULTILINE | re.DOTALL).group(1)
    assert command.startswith('["gunicorn"') and '"--no-control-socket"' in command and '"wsgi:app"' in command
    assert '"--bind=0.0.0.0:8000"' in command
    assert "/healthz" in final and "HEALTHCHECK" in final


def test_what_the_image_copies_exists_and_is_not_ignored():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    ignored = {line for line in ignored if line and not line.startswith("#")}
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE):
        for source in sources.split():
            assert (ROOT / source).exists(), source
            assert source not in ignored and not any(source.startswith(f"{i}/") for i in ignored), source
    assert {".venv", "node_modules", "instance", ".git", "static/build"} <= ignored


# --- the proxy --------------------------------------------------------------------------------------


def _nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def test_the_proxy_accepts_the_largest_upload_the_portal_accepts(tmp_path):
    portal = create_app({"ENV": "test", "DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    limit = _nginx_size(re.search(r"client_max_body_size (\S+);", NGINX).group(1))
    assert portal.config["MAX_CONTENT_LENGTH"] <= limit <= portal.config["MAX_CONTENT_LENGTH"] + 2 * 1024**2


def test_the_proxy_buffers_terminates_tls_and_forwards_the_client():
    for directive in (
        "proxy_buffering on;",
        "proxy_request_buffering on;",
        "listen 443 ssl;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-Host $host;",
        "server web:8000;",
        "return 301 https://",
    ):
        assert directive in NGINX, directive
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in SERVICES["proxy"]["volumes"]


# --- the documentation ------------------------------------------------------------------------------


def test_deploy_docs_link_to_files_that_exist_and_say_the_image_was_not_built_here():
    for target in re.findall(r"\]\((?!https?:)([^)#]+)(?:#[^)]*)?\)", DOCS):
        assert (ROOT / "docs" / target).resolve().exists(), target
    assert "have not been built or run on the machines this project is developed on" in " ".join(DOCS.split())
    assert "docs/deploy.md" in (ROOT / "README.md").read_text()
