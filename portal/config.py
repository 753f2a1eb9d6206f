"""Configuration: defaults → instance/config.py → PORTAL_* environment → the dict given to create_app.

Every setting is listed in ``SETTINGS`` with its default and a one-line description, so the README's
configuration table and the code cannot drift apart (a test compares them).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """Raised when the portal must not start with the configuration it was given."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "development", "development, test or production; production refuses unsafe defaults."),
    Setting("SECRET_KEY", None, "Signs sessions and tokens. Required outside development and tests."),
    Setting(
        "TWO_FACTOR_KEYS",
        None,
        "Keys that encrypt two-factor secrets in the database (Fernet keys, comma-separated: the first "
        "encrypts, any opens). Required outside development and tests.",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. Default: SQLite file in instance/.",
    ),
    Setting("STORAGE_PATH", None, "Folder for uploaded files and issued letters. Default: instance/files."),
    Setting(
        "STORAGE_BACKEND",
        "local",
        "Where files are kept: local (the STORAGE_PATH folder) or s3 (an S3-compatible bucket; credentials come "
        "from the standard AWS environment variables, files or instance role, never from this configuration).",
    ),
    Setting("S3_BUCKET", None, "The bucket for files when STORAGE_BACKEND is s3 (required then)."),
    Setting("S3_ENDPOINT_URL", None, "Address of an S3-compatible store (e.g. MinIO); not set for Amazon S3."),
    Setting("S3_REGION", None, "The bucket's region, e.g. eu-west-2. Default: from the AWS environment."),
    Setting("MAIL_BACKEND", "console", "console (prints e-mails), smtp, or memory (tests)."),
    Setting("MAIL_FROM", "grants@example.org", "Sender address of e-mails."),
    Setting("SMTP_HOST", "localhost", "SMTP server host when MAIL_BACKEND=smtp."),
    Setting("SMTP_PORT", 587, "SMTP server port.", int),
    Setting("SMTP_USERNAME", None, "SMTP user name (optional)."),
    Setting("SMTP_PASSWORD", None, "SMTP password (optional)."),
    Setting("SMTP_USE_TLS", True, "Use STARTTLS with the SMTP server.", bool),
    Setting("SERVICE_NAME", "Apply for a community grant", "The service name shown in the header and page titles."),
    Setting("COUNCIL_NAME", "Your council", "The council running the service (header, footer, letters)."),
    Setting("COUNCIL_URL", "/", "Where the council's name in the header links to."),
    Setting("BRAND_COLOUR", "#1d70b8", "Header and brand colour (hex). Must keep 4.5:1 contrast with white text."),
    Setting("LINK_COLOUR", "#1a65a6", "Link colour (hex). Must keep 4.5:1 contrast with white backgrounds."),
    Setting("CONTACT_EMAIL", "grants@example.org", "Where applicants can e-mail for help."),
    Setting("CONTACT_PHONE", "", "Phone number for help (shown when set)."),
    Setting("PHASE", "beta", "Phase banner tag (alpha, beta); empty hides the banner."),
    Setting(
        "LANGUAGES", "en,ar,ur,bn,pl,ro", "Languages offered, comma-separated; only those with a catalogue are shown."
    ),
    Setting("DEFAULT_LANGUAGE", "en", "Language used when none is chosen."),
    Setting(
        "REVIEWED_LANGUAGES",
        "",
        "Languages whose translation a person has checked, comma-separated; the others show a note that "
        "they were machine-assisted.",
    ),
    Setting("TIMEZONE", "Europe/London", "Time zone in which dates and deadlines are shown and entered."),
    Setting("SESSION_IDLE_MINUTES", 60, "Sign a user out after this many minutes without a request.", int),
    Setting("SESSION_ABSOLUTE_HOURS", 12, "Sign a user out this many hours after signing in, whatever they do.", int),
    Setting("PASSWORD_RESET_HOURS", 2, "How long a password reset link works.", int),
    Setting("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour", "Sign-in attempts allowed per address and per account."),
    Setting(
        "TWO_FACTOR_ROLES",
        "officer,admin,panel_member",
        "Roles that must sign in with a code from an authenticator app (comma-separated); anyone else may choose to.",
    ),
    Setting(
        "TWO_FACTOR_RATE_LIMIT",
        "10 per minute;50 per hour",
        "Two-factor code attempts allowed per address and per account.",
    ),
    Setting("CALL_BACK_RATE_LIMIT", "5 per hour", "'Ask us to call you back' requests allowed per address."),
    Setting(
        "REDIS_URL",
        None,
        "Redis for rate limits shared between processes and for the background-job queue (RQ); without it, "
        "limits are counted per process and letter batches run in the web process.",
    ),
    Setting("MAX_UPLOAD_MB", 20, "Largest file a user may upload, in megabytes.", int),
    Setting(
        "RETENTION_YEARS",
        6,
        "Years after a round closes before 'flask apply-retention' anonymises its personal data (awards are kept).",
        int,
    ),
    Setting(
        "FIGURES_CACHE_SECONDS",
        60,
        "How long a process keeps the figures of a whole round or work stream (programme dashboard, moderation, "
        "the public register), and the parts of those pages rendered from them, when nothing has changed; any "
        "recorded change is seen at once. 0 works them out and renders them on every request.",
        int,
    ),
    Setting("TRUST_PROXY", False, "Trust one reverse proxy's X-Forwarded-* headers.", bool),
    Setting(
        "THREESIXTY_PREFIX",
        "360G-example",
        "The council's 360Giving identifier prefix (from 360Giving) for grant ids in the 360Giving export; "
        "the default is a placeholder: each council sets its own.",
    ),
    Setting(
        "COUNCIL_ORG_ID",
        "GB-LAE-XXX",
        "The council's organisation identifier (org-id.guide, e.g. GB-LAE-…) as funder in the 360Giving export; "
        "the default is a placeholder: each council sets its own.",
    ),
)

_BOOL_TRUE = {"1", "true", "yes", "on"}


def _coerce(setting: Setting, raw: str) -> Any:
    if setting.kind is bool:
        return raw.strip().lower() in _BOOL_TRUE
    if setting.kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"PORTAL_{setting.name} must be a whole number, not {raw!r}.") from exc
    return raw


# Development and tests only: a fixed key, so that a local database keeps working across restarts.
DEVELOPMENT_TWO_FACTOR_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"dev-only-not-secret").digest()).decode()


def _two_factor_keys(raw: str | list[str] | tuple[str, ...] | None, env: str) -> tuple[str, ...]:
    """The keys that seal two-factor secrets, the one that seals first; each checked to be a Fernet
    key (32 bytes, URL-safe base64), so a mistyped key stops the portal starting, not a sign-in."""
    from cryptography.fernet import Fernet

    keys = [k.strip() for k in raw.split(",")] if isinstance(raw, str) else list(raw or [])
    keys = [k for k in keys if k]
    if not keys:
        if env == "production":
            raise ConfigError(
                "PORTAL_TWO_FACTOR_KEYS is not set: the portal will not start in production without a key "
                "for two-factor secrets (generate one with: python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())')."
            )
        return (DEVELOPMENT_TWO_FACTOR_KEY,)
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(
                f"PORTAL_TWO_FACTOR_KEYS: key {number} is not a Fernet key (32 bytes in URL-safe base64)."
            ) from None
    return tuple(keys)


def load_config(
    instance_path: str | os.PathLike[str],
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Build the configuration dict, in order of precedence (last wins)."""
    environ = dict(os.environ if environ is None else environ)
    instance = Path(instance_path)
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}

    file_values: dict[str, Any] = {}
    config_file = instance / "config.py"
    if config_file.is_file():
        namespace: dict[str, Any] = {}
        # The operator's own settings file (as Flask's from_pyfile): whoever can write it can run the portal anyway.
        exec(compile(config_file.read_text(), str(config_file), "exec"), namespace)  # noqa: S102  # nosec B102
        file_values = {k: v for k, v in namespace.items() if k.isupper()}
    values.update(file_values)

    for setting in SETTINGS:
        raw = environ.get(f"PORTAL_{setting.name}")
        if raw is not None:
            values[setting.name] = _coerce(setting, raw)
    # Conventional names used by hosting platforms.
    if environ.get("DATABASE_URL") and not environ.get("PORTAL_DATABASE_URL") and "DATABASE_URL" not in file_values:
        values["DATABASE_URL"] = environ["DATABASE_URL"]
    if environ.get("SECRET_KEY") and not environ.get("PORTAL_SECRET_KEY") and "SECRET_KEY" not in file_values:
        values["SECRET_KEY"] = environ["SECRET_KEY"]

    values.update(overrides or {})
    return finalise(values, instance)


def finalise(values: dict[str, Any], instance: Path) -> dict[str, Any]:
    env = values["ENV"]
    if env not in {"development", "test", "production"}:
        raise ConfigError(f"PORTAL_ENV must be development, test or production, not {env!r}.")
    if not values.get("SECRET_KEY"):
        if env == "production":
            raise ConfigError(
                "PORTAL_SECRET_KEY is not set: the portal will not start in production without a "
                "secret key (generate one with: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        values["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105 - development and tests only
    elif env == "production" and len(str(values["SECRET_KEY"])) < 32:
        raise ConfigError("PORTAL_SECRET_KEY is too short: use at least 32 random characters.")

    values["TWO_FACTOR_KEYS"] = _two_factor_keys(values.get("TWO_FACTOR_KEYS"), env)

    if not values.get("DATABASE_URL"):
        values["DATABASE_URL"] = f"sqlite:///{instance / 'portal.db'}"
    if not values.get("STORAGE_PATH"):
        values["STORAGE_PATH"] = str(instance / "files")
    if values["STORAGE_BACKEND"] not in {"local", "s3"}:
        raise ConfigError(f"PORTAL_STORAGE_BACKEND must be local or s3, not {values['STORAGE_BACKEND']!r}.")
    if values["STORAGE_BACKEND"] == "s3" and not values.get("S3_BUCKET"):
        raise ConfigError("PORTAL_STORAGE_BACKEND is s3 but PORTAL_S3_BUCKET is not set.")
    if isinstance(values["LANGUAGES"], str):
        values["LANGUAGES"] = [code.strip() for code in values["LANGUAGES"].split(",") if code.strip()]
    if isinstance(values["REVIEWED_LANGUAGES"], str):
        values["REVIEWED_LANGUAGES"] = [c.strip() for c in values["REVIEWED_LANGUAGES"].split(",") if c.strip()]
    if values["DEFAULT_LANGUAGE"] not in values["LANGUAGES"]:
        values["LANGUAGES"] = [values["DEFAULT_LANGUAGE"], *values["LANGUAGES"]]

    production = env == "production"
    values.setdefault("SQLALCHEMY_DATABASE_URI", values["DATABASE_URL"])
    values.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    values.setdefault("SESSION_COOKIE_HTTPONLY", True)
    values.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    values.setdefault("SESSION_COOKIE_SECURE", production)
    values.setdefault("SESSION_COOKIE_NAME", "portal_session")
    values.setdefault("MAX_CONTENT_LENGTH", int(values["MAX_UPLOAD_MB"]) * 1024 * 1024 + 64 * 1024)
    values.setdefault("WTF_CSRF_TIME_LIMIT", 3600 * 8)
    values.setdefault("BABEL_DEFAULT_LOCALE", values["DEFAULT_LANGUAGE"])
    values.setdefault("BABEL_DEFAULT_TIMEZONE", values["TIMEZONE"])
    values.setdefault("RATELIMIT_STORAGE_URI", values.get("REDIS_URL") or "memory://")
    values.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    values.setdefault("TESTING", env == "test")
    return values
