"""Officers follow which groups have accepted their awards, remind them, and see the bank details given."""

from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import PortalForm
from portal.officers.routes import ROUND_HEADER, bp, get_round
from portal.services import ServiceError, offer_follow_up
from portal.templating import translate_message


class RemindForm(PortalForm):
    """The Remind button: nothing to fill in, only the CSRF token."""


def _get_award(award_id: int):  # noqa: ANN202
    award = offer_follow_up.award_for_officer(award_id)
    if award is None:
        abort(404)
    return award


@bp.route("/rounds/<int:round_id>/acceptances")
@roles_required(Role.OFFICER)
def acceptances(round_id: int):
    round_ = get_round(round_id, *ROUND_HEADER)
    rows = offer_follow_up.acceptance_overview(round_)
    return render_template(
        "officers/acceptance_overview.html",
        round=round_,
        rows=rows,
        counts=Counter(row.status.value for row in rows),
        with_bank_details=sum(1 for row in rows if row.has_bank_details),
    )


@bp.route("/awards/<int:award_id>/remind", methods=["POST"])
@roles_required(Role.OFFICER)
def remind_award(award_id: int):
    award = _get_award(award_id)
    back = redirect(url_for("officers.acceptances", round_id=award.application.round_id))
    if not RemindForm().validate_on_submit():
        flash(_("The reminder was not sent. Try again."), "error")
        return back
    try:
        offer_follow_up.remind(
            award,
            by=current_user,
            link=url_for("applicants.award_offer", application_id=award.application_id, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
        return back
    db.session.commit()
    flash(
        _(
            "Reminder sent to everyone in %(group)s about %(reference)s.",
            group=award.application.organisation.name,
            reference=award.application.reference,
        ),
        "success",
    )
    return back


@bp.route("/awards/<int:award_id>/bank-details")
@roles_required(Role.OFFICER)
def award_bank_details(award_id: int):
    award = _get_award(award_id)
    details = award.bank_details
    page = render_template(
        "officers/acceptance_bank_details.html",
        award=award,
        application=award.application,
        details=details,
        given_by=offer_follow_up.bank_details_giver(details) if details else None,
    )
    return page, 200, {"Cache-Control": "private, no-store"}
