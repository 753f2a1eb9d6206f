"""The grant-commissioning portal: ``create_app`` builds and wires the Flask app, nothing else
(``create_render_app``, its first part, is all a letter render process needs).

It does not migrate, create tables, seed data, sleep or call the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from portal import cli, errors, mail, read_only_requests, security, web_sessions
    from portal.db import render_migration_item
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    app = create_render_app(config)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    web_sessions.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    read_only_requests.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from portal.admin.routes import bp as admin_bp
    from portal.applicants.routes import bp as applicants_bp
    from portal.auth.routes import bp as auth_bp
    from portal.officers.routes import bp as officers_bp
    from portal.panel.routes import bp as panel_bp
    from portal.public.routes import bp as public_bp

    for blueprint in (public_bp, auth_bp, applicants_bp, panel_bp, officers_bp, admin_bp):
        app.register_blueprint(blueprint)
    return app


def create_render_app(config: dict[str, Any] | None = None) -> Flask:
    """What rendering templates needs, and all a letter render process loads (``portal.jobs``): the
    settings, the templates with their filters, and translations; no routes, database or mail
    (half the start-up of the whole app). ``create_app`` wires the rest on top."""
    from portal import i18n, templating
    from portal.config import load_config
    from portal.extensions import babel

    app = Flask(
        __name__,
        instance_path=str((config or {}).get("INSTANCE_PATH") or ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(app.instance_path, overrides=config))
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    templating.init_app(app)
    return app
