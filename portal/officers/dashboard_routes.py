"""The programme dashboard: progress against targets by work stream, measure and locality; returns
due, late and queried; each award's red/amber/green status; equality and reach."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from portal import kept_parts
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Round
from portal.officers.routes import bp
from portal.services import monitoring


@bp.route("/dashboard")
@roles_required(Role.OFFICER, Role.ADMIN)
def dashboard():
    """``?round=<id>`` picks the round; by default the newest round with awards. Its awards are
    listed 50 to a page (``?page=``; past the end: the last page)."""
    rounds = monitoring.rounds_with_awards()
    asked = request.args.get("round", type=int)
    round_ = monitoring.choose_round(asked, rounds)
    if round_ is None and request.args.get("round") and (asked is None or db.session.get(Round, asked) is None):
        abort(404)  # a round that does not exist; a real one with no awards yet says so
    page = request.args.get("page", 1, type=int)
    links = current_user.has_role(Role.OFFICER)  # an administrator sees the figures, not the awards' pages
    part = kept_parts.dashboard(round_, page, endpoint="officers.dashboard", links=links) if round_ else None
    return render_template("officers/dashboard.html", rounds=rounds, round=round_, part=part)
