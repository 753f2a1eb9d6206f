"""Pages for members of the Community Stakeholder Panel."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.auth.access import roles_required
from portal.domain.roles import Role

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.route("/")
@roles_required(Role.PANEL_MEMBER)
def home():
    return render_template("panel/home.html")


# Further panel pages; importing them registers their routes on ``bp``.
from portal.panel import (  # noqa: E402, F401
    conflict_routes,
    interest_routes,
    moderation_routes,
    review_routes,
)
