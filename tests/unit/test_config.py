"""Configuration: safe defaults for development, fail fast in production."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import DEVELOPMENT_TWO_FACTOR_KEY, ConfigError, load_config

KEY, OLD_KEY = "dGVzdC10d28tZmFjdG9yLWtleS0zMi1ieXRlcy0hISE=", "b2xkLXR3by1mYWN0b3Ita2V5LTMyLWJ5dGVzLSEhISE="
KEYS = {"PORTAL_TWO_FACTOR_KEYS": KEY}


def test_development_defaults_to_sqlite_and_files_in_instance(tmp_path):
    config = load_config(tmp_path, environ={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.db'}"
    assert config["STORAGE_PATH"] == str(tmp_path / "files")
    assert config["MAIL_BACKEND"] == "console"
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_production_without_a_secret_key_refuses_to_start_and_says_why(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={"PORTAL_ENV": "production"})
    message = str(error.value)
    assert "PORTAL_SECRET_KEY is not set" in message
    assert "\n" not in message


def test_create_app_fails_fast_too(tmp_path):
    with pytest.raises(ConfigError):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigError, match="too short"):
        load_config(tmp_path, environ={"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "short"})


def test_production_with_a_secret_has_secure_cookies(tmp_path):
    config = load_config(tmp_path, environ={"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "x" * 40, **KEYS})
    assert config["SESSION_COOKIE_SECURE"] is True


def test_environment_overrides_the_instance_file_which_overrides_defaults(tmp_path):
    (tmp_path / "config.py").write_text('COUNCIL_NAME = "File Council"\nSERVICE_NAME = "From file"\n')
    config = load_config(tmp_path, environ={"PORTAL_COUNCIL_NAME": "Env Council"})
    assert config["COUNCIL_NAME"] == "Env Council"
    assert config["SERVICE_NAME"] == "From file"


def test_database_url_from_the_conventional_variable(tmp_path):
    config = load_config(tmp_path, environ={"DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_numbers_and_flags_are_parsed_and_bad_numbers_explained(tmp_path):
    config = load_config(tmp_path, environ={"PORTAL_MAX_UPLOAD_MB": "5", "PORTAL_TRUST_PROXY": "yes"})
    assert config["MAX_UPLOAD_MB"] == 5
    assert config["TRUST_PROXY"] is True
    with pytest.raises(ConfigError, match="PORTAL_MAX_UPLOAD_MB must be a whole number"):
        load_config(tmp_path, environ={"PORTAL_MAX_UPLOAD_MB": "lots"})


def test_languages_are_a_list_and_always_include_the_default(tmp_path):
    config = load_config(tmp_path, environ={"PORTAL_LANGUAGES": "pl, ro"})
    assert config["LANGUAGES"] == ["en", "pl", "ro"]


def test_an_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="development, test or production"):
        load_config(tmp_path, environ={"PORTAL_ENV": "staging"})


def test_an_unknown_mail_backend_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_MAIL_BACKEND"):
        create_app({"ENV": "test", "INSTANCE_PATH": str(tmp_path), "MAIL_BACKEND": "pigeon"})


def test_production_without_two_factor_keys_refuses_to_start_and_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, environ={"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "x" * 40})
    assert "PORTAL_TWO_FACTOR_KEYS is not set" in str(error.value) and "Fernet.generate_key()" in str(error.value)


def test_two_factor_keys_are_a_list_checked_when_the_portal_starts(tmp_path):
    assert load_config(tmp_path, environ={})["TWO_FACTOR_KEYS"] == (DEVELOPMENT_TWO_FACTOR_KEY,)
    keys = load_config(tmp_path, environ={"PORTAL_TWO_FACTOR_KEYS": f" {KEY} , {OLD_KEY} "})["TWO_FACTOR_KEYS"]
    assert keys == (KEY, OLD_KEY)
    with pytest.raises(ConfigError, match="key 2 is not a Fernet key"):
        load_config(tmp_path, environ={"PORTAL_TWO_FACTOR_KEYS": f"{KEY},not-a-key"})
