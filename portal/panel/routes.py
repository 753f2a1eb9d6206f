"""Pages for members of the Community Stakeholder Panel."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template
from flask_login import current_user

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.services import monitoring, reviews

bp = Blueprint("panel", __name__, url_prefix="/panel")


@bp.route("/")
@roles_required(Role.PANEL_MEMBER)
def home():
    """The member's queue, round by round, with their progress and each panel's scoring deadline."""
    queue = reviews.queue_for(current_user)
    rounds = [
        {
            "round": items[0].application.round,
            "panel": items[0].member.panel,
            "reviews": items,
            "progress": reviews.progress(items),
        }
        for items in (list(group) for _, group in groupby(queue, key=lambda r: r.application.round_id))
    ]
    submitted, total = reviews.progress(queue)
    with_awards = {r.id for r in monitoring.rounds_with_awards(panel_member=current_user)}
    return render_template(
        "panel/home.html",
        rounds=rounds,
        submitted=submitted,
        total=total,
        with_awards=with_awards,
    )


# Further panel pages; importing them registers their routes on ``bp``.
from portal.panel import (  # noqa: E402, F401
    conflict_routes,
    dashboard_routes,
    interest_routes,
    moderation_routes,
    review_routes,
)
