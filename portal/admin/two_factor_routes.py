"""An administrator resets someone's two-factor sign-in (a lost phone): they set it up again next time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.admin.routes import bp
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import User
from portal.services import two_factor


@bp.route("/users/<int:user_id>/two-factor", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = FlaskForm()
    if not user.has_two_factor:
        flash(_("%(name)s has not set up two-factor sign-in.", name=user.full_name), "info")
        return redirect(url_for("admin.home"))
    if form.validate_on_submit():
        two_factor.reset(user, by=current_user)
        db.session.commit()
        flash(
            _(
                "Two-factor sign-in is reset for %(name)s. They will set it up again when they next sign in.",
                name=user.full_name,
            ),
            "success",
        )
        return redirect(url_for("admin.home"))
    return render_template("admin/two_factor_reset.html", user=user, form=form)
