"""What the session time-out warning asks: how long is left, and "stay signed in".

``GET /session/status`` answers ``{"signed_in": bool, "seconds_left": n}`` and does not count as
use of the service (it never moves the idle time-out). ``POST /session/keep-alive`` (CSRF token in
the form or the ``X-CSRFToken`` header) counts as use and answers the same shape.
"""

from __future__ import annotations

from flask import jsonify, redirect, request, url_for
from flask_login import current_user

from portal import web_sessions
from portal.auth.routes import bp
from portal.extensions import db
from portal.security import is_safe_next


def _status(row):  # noqa: ANN001, ANN202
    if row is None:
        return {"signed_in": False, "seconds_left": 0}
    return {"signed_in": True, "seconds_left": web_sessions.seconds_left(row)}


def _live_row():  # noqa: ANN202
    return web_sessions.current_session_row() if current_user.is_authenticated else None


@bp.route("/session/status")
def session_status():
    return jsonify(_status(_live_row()))


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


@bp.route("/session/keep-alive", methods=["POST"])
def keep_alive():
    """JSON for the script; a plain form post (no JavaScript) goes back to the page in ``next``."""
    row = _live_row()
    if row is not None:
        web_sessions.touch(row)
        db.session.commit()
    if not _wants_json():
        target = request.form.get("next")
        return redirect(target if is_safe_next(target) else url_for("public.home"))
    if row is None:
        return jsonify(_status(None)), 401
    return jsonify(_status(row))
