"""Before a panel member reads an EOI: confirm no conflict of interest, or declare one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from portal.auth.access import roles_required
from portal.domain.panel import ConflictKind
from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.panel import panel_forms as forms
from portal.panel.routes import bp
from portal.policies import can_open_review
from portal.services import ServiceError, panel_access, panels
from portal.templating import translate_message


def _review_url(review_id: int) -> str:
    """The review form (``panel.review``); the panel home while that page is not there."""
    try:
        return url_for("panel.review", review_id=review_id)
    except BuildError:
        return url_for("panel.home")


@bp.route("/reviews/<int:review_id>/conflict", methods=["GET", "POST"])
@roles_required(Role.PANEL_MEMBER)
@keeps_input_on_csrf_failure
def confirm_conflict(review_id: int):
    review = panel_access.review_of(current_user, review_id)
    if review is None or not can_open_review(current_user, review):
        abort(404)
    if review.status == ReviewStatus.SUBMITTED:
        return redirect(_review_url(review.id))
    # A member who confirmed earlier and then sees a conflict (a name in the answers, say) comes
    # back here from the review form to declare it, until they submit their scores.
    application = review.application
    form = forms.ConflictForm()
    if form.validate_on_submit():
        try:
            if form.declares:
                panels.declare_conflict(review, kind=ConflictKind(form.kind.data), note=form.note.data, by=current_user)
            else:
                panels.confirm_no_conflict(review, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.answer.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            if form.declares:
                flash(_("You will not see this EOI again. Thank you for telling us."), "success")
                return redirect(url_for("panel.home"))
            return redirect(_review_url(review_id))
    return render_template("panel/conflict_form.html", form=form, review=review, application=application)
