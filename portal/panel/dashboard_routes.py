"""Panel members read the programme dashboard, for oversight: the same figures as officers, with
no links to officers' pages, for the rounds whose panel they sit on."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from portal import kept_parts
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.panel.routes import bp
from portal.services import monitoring


@bp.route("/dashboard")
@roles_required(Role.PANEL_MEMBER)
def dashboard():
    """``?round=<id>`` picks one of the member's rounds; by default the newest with awards. Its
    awards are listed 50 to a page (``?page=``; past the end: the last page)."""
    rounds = monitoring.rounds_with_awards(panel_member=current_user)
    round_ = monitoring.choose_round(request.args.get("round", type=int), rounds)
    if round_ is None and request.args.get("round"):
        abort(404)
    page = request.args.get("page", 1, type=int)
    part = kept_parts.dashboard(round_, page, endpoint="panel.dashboard", links=False) if round_ else None
    return render_template("panel/dashboard.html", rounds=rounds, round=round_, part=part)
