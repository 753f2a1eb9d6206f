"""Panel members read the moderation view at the meeting: the same tables as the officers', with
no forms, no links to officers' pages and no comments; the numbers of an EOI a member has a
conflict on (or has not yet scored themselves) are never shown to them."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Round
from portal.panel.routes import bp
from portal.services import moderation as service
from portal.services import moderation_page as page_service
from portal.services import panel_access


@bp.route("/rounds/<int:round_id>/moderation", endpoint="moderation")
@roles_required(Role.PANEL_MEMBER)
def moderation_page(round_id: int):
    round_ = db.session.get(Round, round_id, options=[joinedload(Round.work_streams), joinedload(Round.criteria)])
    if round_ is None:
        abort(404)
    member = panel_access.membership_of(current_user, round_)
    if member is None:
        abort(404)
    stream = service.stream_in(round_, request.args.get("stream", type=int))
    if stream is None:
        abort(404)
    view = page_service.moderation_page(
        round_,
        stream,
        page=request.args.get("page", 1, type=int),
        ranking_page=request.args.get("rank_page", 1, type=int),
    )  # members never see the leniency page: it could give away scores they may not see
    shown = {eoi.application_id: eoi for eoi in [*view.eois, *(row.eoi for row in view.ranking)]}
    return render_template(
        "panel/moderation.html",
        round=round_,
        view=view,
        hidden=panel_access.hidden_from(member, shown.values()),
    )
