"""A panel member scores an EOI assigned to them, and afterwards sees the panel's scores for it.

Someone else's review, or one taken away by a declared conflict, is a 404: nobody learns that it
exists. The answers are shown only once the member has confirmed they have no conflict.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import roles_required
from portal.domain.panel import LABELS
from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Review
from portal.panel import kept_eoi
from portal.panel import review_forms as forms
from portal.panel.routes import bp
from portal.policies import can_open_review, can_read_answers, can_see_panel_scores
from portal.services import ServiceError, files, panel_access, reviews
from portal.services.submissions import snapshot
from portal.templating import translate_message


def get_review(review_id: int) -> Review:
    """The signed-in member's own review, or 404 (someone else's, or taken away by a conflict)."""
    review = panel_access.review_of(current_user, review_id)
    if review is None or not can_open_review(current_user, review):
        abort(404)
    return review


def _eoi(review: Review) -> tuple[dict, dict]:
    """What the group sent (the submitted version), and its recordings by id."""
    content = panel_access.submitted_content(review.application)
    if content is None:
        content = snapshot(review.application)
    return content, files.recordings_in(content)


def _page(review: Review, *, form: forms.ReviewForm | None = None, saved_now: Review | None = None):  # noqa: ANN202
    content, recordings = _eoi(review)
    criteria = reviews.active_criteria(review)
    return render_template(
        "panel/review_form.html" if form is not None else "panel/review_submitted.html",
        review=review,
        form=form,
        content=content,
        eoi=kept_eoi.eoi_parts(content, recordings, criteria),
        criteria=criteria,
        saved=reviews.scores_by_criterion(review),
        total=reviews.weighted_total_of(review),
        reopen_reason=reviews.reopen_reason(review),
        saved_now=saved_now,
        labels=LABELS,
    )


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@roles_required(Role.PANEL_MEMBER)
@keeps_input_on_csrf_failure
def review(review_id: int):
    review = get_review(review_id)
    if not can_read_answers(current_user, review):
        return redirect(url_for("panel.confirm_conflict", review_id=review.id))
    if request.method == "GET" and review.status == ReviewStatus.SUBMITTED:
        return _page(review)
    form = forms.build_review_form(reviews.active_criteria(review))()
    if request.method == "GET":
        form.fill(review)
        return _page(review, form=form)
    if not form.validate_on_submit():
        return _page(review, form=form)
    try:
        reviews.save_review(
            review,
            scores=form.score_inputs(),
            recommendation=form.chosen_recommendation,
            recommendation_note=form.recommendation_note.data or "",
            expected_version=form.expected_version,
            submit=form.submitting,
            by=current_user,
        )
    except reviews.EditConflict as error:
        db.session.rollback()
        saved_now = db.session.get(Review, review.id)
        form.version.data = str(saved_now.lock_version)
        form.form_errors.append(
            translate_message(error.message) + " " + _("What you typed is below. Check it, then save again to keep it.")
        )
        return _page(saved_now, form=form, saved_now=saved_now)
    except reviews.IncompleteReview as error:
        db.session.rollback()
        _show_problems(form, error)
        return _page(review, form=form)
    except reviews.NotEditable as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
        return redirect(url_for("panel.review", review_id=review.id))
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(translate_message(error.message))
        return _page(review, form=form)
    db.session.commit()
    if form.submitting:
        flash(_("Your scores have been submitted. You can now see the other panel members' scores."), "success")
        return redirect(url_for("panel.review", review_id=review.id))
    total = reviews.weighted_total_of(review)
    if total is None:
        flash(_("Your scores have been saved as a draft. Nothing is scored yet."), "success")
    else:
        flash(
            _(
                "Your scores have been saved as a draft. Your weighted total so far is %(total)s out of 100.",
                total=total,
            ),
            "success",
        )
    return redirect(url_for("panel.review", review_id=review.id))


def _show_problems(form: forms.ReviewForm, error: reviews.IncompleteReview) -> None:
    for key, message in error.problems.items():
        text = translate_message(message)
        if key == "recommendation":
            form.recommendation.errors.append(text)
        elif key == "scores" and form.criteria:
            form.score_field(form.criteria[0]).errors.append(text)
        elif key.startswith("audience-"):
            form[f"audience_{key.removeprefix('audience-')}"].errors.append(text)
        else:
            form.form_errors.append(text)


@bp.route("/reviews/<int:review_id>/panel-scores")
@roles_required(Role.PANEL_MEMBER)
def panel_scores(review_id: int):
    review = get_review(review_id)
    decision = can_see_panel_scores(current_user, review)
    if not decision:
        flash(translate_message(decision.reason), "info")
        return redirect(url_for("panel.review", review_id=review.id))
    return render_template(
        "panel/review_panel_scores.html",
        review=review,
        summary=reviews.panel_summary(review),
        labels=LABELS,
    )
