"""Sign-in state held on the server.

The browser's (signed) cookie carries only a random session token. Each request looks the token
up in ``user_sessions``; a session that was ended (sign-out, password change, a disabled user) or
has timed out is refused, so a copied cookie replayed later gets nowhere.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from portal.db import utcnow
from portal.extensions import db, login_manager
from portal.models import User
from portal.services import accounts

SESSION_KEY = "sid"
PENDING_KEY = "half_signed_in"  # password accepted, second factor not yet: never a session
PENDING_FOR = timedelta(minutes=5)
TOUCH_EVERY = timedelta(seconds=60)
# Endpoints that read the session without counting as use of the service.
DOES_NOT_EXTEND = {"auth.session_status"}


def limits() -> accounts.SessionLimits:
    config = current_app.config
    return accounts.SessionLimits(
        idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])),
    )


def _clear_keeping_language() -> None:
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def sign_in(user: User) -> None:
    """Start a new server-side session and rotate the cookie (nothing from before survives but
    the chosen language). The caller commits."""
    row, token = accounts.start_session(
        user, ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    _clear_keeping_language()
    session[SESSION_KEY] = token
    login_user(user)


def begin_second_step(user: User, *, next_url: str | None) -> None:
    """The password was right and a second factor is needed: remember who, briefly, in the signed
    cookie. Nothing here signs anyone in; ``pending_user`` forgets it after ``PENDING_FOR``."""
    _clear_keeping_language()
    session[PENDING_KEY] = {"user_id": user.id, "since": int(time.time()), "next": next_url}


def pending_sign_in() -> dict | None:
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_FOR.total_seconds():
        session.pop(PENDING_KEY, None)
        return None
    return state


def pending_user() -> User | None:
    """Whose password was accepted in the last few minutes, waiting for their second factor."""
    state = pending_sign_in()
    user = db.session.get(User, state["user_id"]) if state else None
    return user if user is not None and user.is_enabled else None


def seconds_left(row, now: datetime | None = None) -> int:  # noqa: ANN001 - a UserSession
    """Seconds until ``row`` times out (idle or absolute, whichever is sooner), without using it."""
    now = now or utcnow()
    limit = limits()
    left = min(row.last_seen_at + limit.idle, row.created_at + limit.absolute) - now
    return max(0, int(left.total_seconds()))


def current_session_row():  # noqa: ANN201
    """The live UserSession of this request (already checked by ``_load_user``), or None."""
    return g.get("session_row")


def sign_out() -> None:
    token = session.get(SESSION_KEY)
    if token:
        accounts.end_session(token)
    logout_user()
    _clear_keeping_language()


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
    g.session_row = row
    if now - row.last_seen_at >= TOUCH_EVERY and request.endpoint not in DOES_NOT_EXTEND:
        row.last_seen_at = now
        g.session_changed = True
    return row.user


def touch(row, now: datetime | None = None) -> None:  # noqa: ANN001 - a UserSession
    """Count this request as use of the service (the time-out warning's "stay signed in")."""
    row.last_seen_at = now or utcnow()


def init_app(app: Flask) -> None:
    from portal.config import ConfigError
    from portal.domain.two_factor import parse_roles

    try:
        app.config["TWO_FACTOR_REQUIRED"] = parse_roles(app.config["TWO_FACTOR_ROLES"])
    except ValueError as error:
        raise ConfigError(f"PORTAL_TWO_FACTOR_ROLES: {error}.") from error
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
