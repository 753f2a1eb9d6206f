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
from portal.services import applications, returns

bp = Blueprint("applicants", __name__, url_prefix="/applicant")


@bp.route("/")
@roles_required(Role.APPLICANT)
def home():
    # The member's groups, each with whether it has returns to see; their applications, each with
    # whether its round's decisions are out: two statements (and one for the groups' localities).
    groups = db.session.execute(
        select(Organisation, returns.any_for_group(Organisation.id))
        .join(OrganisationMember)
        .where(OrganisationMember.user_id == current_user.id)
        .options(selectinload(Organisation.localities))
        .order_by(Organisation.name)
    ).all()
    organisations = [organisation for organisation, _ in groups]
    sent = applications.of_organisations([o.id for o in organisations])
    return render_template(
        "applicants/home.html",
        organisations=organisations,
        applications=[(a, stage_for(a.status, decisions_released=released)) for a, released in sent],
        has_returns=any(has for _, has in groups),
    )


# Further applicant pages; importing them registers their routes on ``bp``.
from portal.applicants import (  # noqa: E402, F401
    application_routes,
    award_routes,
    letter_routes,
    organisation_routes,
    return_routes,
)
