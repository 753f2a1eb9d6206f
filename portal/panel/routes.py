"""Pages for members of the Community Stakeholder Panel."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.panel import queue_rows, review_fields
from portal.services import monitoring, panel_queue

bp = Blueprint("panel", __name__, url_prefix="/panel")
bp.add_app_template_global(queue_rows.kept_queue_rows)
bp.add_app_template_global(review_fields.kept_criterion_fields)


@bp.route("/")
@roles_required(Role.PANEL_MEMBER)
def home():
    """The member's queue, 50 to a page (``?page=``), what still needs scoring first; their
    progress and each panel's scoring deadline per round; ``?round=<id>`` keeps to one round."""
    round_id = request.args.get("round", type=int)
    queue = panel_queue.queue(current_user, round_id=round_id, page=request.args.get("page", 1, type=int))
    if round_id is not None and queue.chosen is None:
        abort(404)  # not a round the member reviews for
    # The page's reviews under their round's heading (a round's reviews may span two pages).
    groups = [
        {"progress": next(r for r in queue.rounds if r.round.id == key), "reviews": list(items)}
        for key, items in groupby(queue.page.items, key=lambda row: row.round_id)
    ]
    with_awards = monitoring.round_ids_with_awards() & {r.round.id for r in queue.rounds}
    return render_template(
        "panel/home.html",
        queue=queue,
        groups=groups,
        args={"round": round_id} if round_id is not None else {},
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
