"""An officer's view of one panel member's review, and reopening a submitted review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.auth.access import roles_required
from portal.domain.panel import LABELS
from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.forms import PortalForm, keeps_input_on_csrf_failure
from portal.models import Application, PanelMember, Review, Round
from portal.officers.routes import bp
from portal.services import ServiceError, reviews
from portal.templating import translate_message
from portal.widgets import GovSubmitInput, GovTextArea


class ReopenForm(PortalForm):
    reason = TextAreaField(
        _l("Why are you reopening this review?"),
        description=_l("The panel member sees this reason when they open the review again."),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Give the reason for reopening this review")), Length(max=2000)],
    )
    reopen = SubmitField(_l("Reopen the review"), widget=GovSubmitInput())


def get_review(review_id: int) -> Review:
    review = db.session.get(
        Review,
        review_id,
        options=[
            joinedload(Review.member).joinedload(PanelMember.user),
            joinedload(Review.member).joinedload(PanelMember.panel),
            joinedload(Review.application).joinedload(Application.organisation),
            joinedload(Review.application).selectinload(Application.round).selectinload(Round.criteria),
            selectinload(Review.scores),
        ],
    )
    if review is None:
        abort(404)
    return review


def _page(review: Review, form: ReopenForm):  # noqa: ANN202
    return render_template(
        "officers/review_detail.html",
        review=review,
        form=form,
        criteria=reviews.active_criteria(review),
        saved=reviews.scores_by_criterion(review),
        total=reviews.weighted_total_of(review),
        reopen_reason=reviews.reopen_reason(review),
        can_reopen=review.status == ReviewStatus.SUBMITTED,
        labels=LABELS,
    )


@bp.route("/reviews/<int:review_id>")
@roles_required(Role.OFFICER)
def review_detail(review_id: int):
    return _page(get_review(review_id), ReopenForm(formdata=None))


@bp.route("/reviews/<int:review_id>/reopen", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def reopen_review(review_id: int):
    review = get_review(review_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            reviews.reopen_review(review, reason=form.reason.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.reason.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(
                _(
                    "Review reopened. %(name)s can change their scores and submit them again.",
                    name=review.member.user.full_name,
                ),
                "success",
            )
            return redirect(url_for("officers.review_detail", review_id=review.id))
    return _page(review, form)
