"""Pages for council officers: the programme at a glance, rounds, copying a round."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.db import utcnow
from portal.domain.roles import Role
from portal.domain.rounds import opening_problems
from portal.domain.workflow import ROUND_TRANSITIONS, RoundStatus, next_statuses
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Fund, Round, WorkStream
from portal.officers.forms import CopyRoundForm, RoundStatusForm
from portal.services import ServiceError, funding
from portal.templating import status_label, translate_message

bp = Blueprint("officers", __name__, url_prefix="/officers")

# For the pages that list a round's records and show only its title and work streams.
ROUND_HEADER = (joinedload(Round.work_streams),)


def get_round(round_id: int, *parts) -> Round:  # noqa: ANN002
    """The round or 404. ``parts``: loader options for what the page reads of it (the fund comes
    joined); by default its fund, work streams with their measures, criteria and conditions."""
    if parts:
        options = [joinedload(Round.fund), *parts]
    else:
        options = [
            selectinload(Round.fund),
            selectinload(Round.work_streams).selectinload(WorkStream.measures),
            selectinload(Round.criteria),
            selectinload(Round.conditions),
        ]
    round_ = db.session.get(Round, round_id, options=options)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/")
@roles_required(Role.OFFICER, Role.ADMIN)
def home():
    funds = db.session.scalars(
        select(Fund).options(selectinload(Fund.rounds).selectinload(Round.work_streams)).order_by(Fund.name)
    ).all()
    return render_template("officers/home.html", funds=funds)


@bp.route("/rounds/<int:round_id>")
@roles_required(Role.OFFICER, Role.ADMIN)
def round_detail(round_id: int):
    round_ = get_round(round_id)
    from portal.forms import LEGAL_FORM_LABELS as labels
    from portal.officers.stream_forms import MoveForm, ToggleForm

    return render_template(
        "officers/round_detail.html",
        round=round_,
        next_statuses=next_statuses(ROUND_TRANSITIONS, round_.status),
        opening_problems=opening_problems(funding.round_facts(round_), utcnow()),
        legal_form_labels=[labels[code] for code in round_.allowed_legal_forms or [] if code in labels],
        status_form=RoundStatusForm(),
        move_form=MoveForm(),
        toggle_form=ToggleForm(),
    )


@bp.route("/rounds/<int:round_id>/status", methods=["POST"])
@roles_required(Role.OFFICER)
def change_round_status(round_id: int):
    round_ = get_round(round_id)
    form = RoundStatusForm()
    if not form.validate_on_submit() or form.status.data not in {s.value for s in RoundStatus}:
        flash(_("The status could not be changed. Try again."), "error")
        return redirect(url_for("officers.round_detail", round_id=round_id))
    carry_out(
        lambda: funding.change_round_status(round_, RoundStatus(form.status.data), by=current_user),
        done=lambda: _("The round is now %(status)s.", status=status_label(round_.status)),
    )
    return redirect(url_for("officers.round_detail", round_id=round_id))


@bp.route("/rounds/<int:round_id>/copy", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def copy_round(round_id: int):
    round_ = get_round(round_id)
    form = CopyRoundForm()
    if request.method == "GET":
        form.reference_prefix.data = funding.next_free_prefix(round_.reference_prefix)
    if form.validate_on_submit():
        try:
            copy = funding.copy_round(
                round_,
                title=form.title.data.strip(),
                reference_prefix=form.reference_prefix.data.strip(),
                by=current_user,
            )
        except ServiceError as error:
            db.session.rollback()
            form.reference_prefix.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Round copied. Set its dates before you open it."), "success")
            return redirect(url_for("officers.round_detail", round_id=copy.id))
    return render_template("officers/round_copy.html", round=round_, form=form)


# Further officer pages, split by what they set up; importing them registers their routes on ``bp``.
from portal.officers import (  # noqa: E402, F401
    acceptance_routes,
    assisted_return_routes,
    audit_routes,
    award_routes,
    criteria_routes,
    dashboard_routes,
    decision_routes,
    export_routes,
    intake_routes,
    letter_routes,
    moderation_routes,
    panel_routes,
    places_routes,
    return_review_routes,
    review_routes,
    round_routes,
    stream_routes,
    support_routes,
)
