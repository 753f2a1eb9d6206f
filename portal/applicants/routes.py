"""Pages for members of community organisations."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.access import roles_required
from portal.domain.applications import stage_for
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Organisation, OrganisationMember
from portal.services import applications, decisions, returns

bp = Blueprint("applicants", __name__, url_prefix="/applicant")


@bp.route("/")
@roles_required(Role.APPLICANT)
def home():
    organisations = db.session.scalars(
        select(Organisation)
        .join(OrganisationMember)
        .where(OrganisationMember.user_id == current_user.id)
        .options(selectinload(Organisation.localities))
        .order_by(Organisation.name)
    ).all()
    sent = applications.of_organisations([o.id for o in organisations])
    released = decisions.released_round_ids({a.round_id for a in sent})
    return render_template(
        "applicants/home.html",
        organisations=organisations,
        applications=[(a, stage_for(a.status, decisions_released=a.round_id in released)) for a in sent],
        has_returns=returns.has_returns([o.id for o in organisations]),
    )


# Further applicant pages; importing them registers their routes on ``bp``.
from portal.applicants import (  # noqa: E402, F401
    application_routes,
    award_routes,
    letter_routes,
    organisation_routes,
    return_routes,
)
