"""Sign-in state held on the server.

The browser's (signed) cookie carries only a random session token. Each request looks the token
up in ``user_sessions``; a session that was ended (sign-out, password change, a disabled user) or
has timed out is refused, so a copied cookie replayed later gets nowhere.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from portal.db import utcnow
from portal.extensions import db, login_manager
from portal.models import User
from portal.services import accounts

SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(seconds=60)


def limits() -> accounts.SessionLimits:
    config = current_app.config
    return accounts.SessionLimits(
        idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])),
    )


def sign_in(user: User) -> None:
    """Start a new server-side session and rotate the cookie (nothing from before survives but
    the chosen language). The caller commits."""
    row, token = accounts.start_session(
        user, ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[SESSION_KEY] = token
    login_user(user)


def sign_out() -> None:
    token = session.get(SESSION_KEY)
    if token:
        accounts.end_session(token)
    language = session.get("language")
    logout_user()
    session.clear()
    if language:
        session["language"] = language


def _load_user(user_id: str) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    now = utcnow()
    row = accounts.find_live_session(token, limits(), now=now)
    if row is None or str(row.user_id) != user_id:
        g.session_changed = True  # a time-out may have ended the row
        g.session_expired = True
        g.expired_user_id = accounts.session_owner(token)
        session.pop(SESSION_KEY, None)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        g.session_changed = True
    return row.user


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are rotated and checked on the server

    @login_manager.unauthorized_handler
    def _unauthorised():  # noqa: ANN202
        from portal.security import is_safe_next

        args = {"expired": "1"} if g.get("session_expired") else {}
        target = request.full_path.rstrip("?")
        if request.method == "GET" and is_safe_next(target):
            args["next"] = target
        elif request.method == "POST" and g.get("expired_user_id") and request.form:
            # The session ended while this person was typing: keep what they typed for them.
            from portal.services.held_forms import hold_form

            token = hold_form(g.expired_user_id, request.path, request.form.to_dict(flat=False))
            db.session.commit()
            args["next"] = f"{request.path}?restore={token}"
        if not g.get("session_expired"):
            flash(login_manager.login_message, "info")
        return redirect(url_for("auth.sign_in", **args))

    @app.before_request
    def _check_session() -> None:
        if request.endpoint == "static":
            return
        _ = current_user.is_authenticated  # loads (and checks) the session now, before the view
        if g.pop("session_changed", False):
            db.session.commit()
