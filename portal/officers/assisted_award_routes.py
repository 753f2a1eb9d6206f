"""More of the assisted route: what an officer does for a group after the award, on its behalf and
recorded as such (the audit event names the officer, the group and how the group reached us).

So far: answering an officer's query about a return the officer is entering for the group. The
answer form on the officer's return page posts here; the group's own form posts to
``applicants.answer_return_query``."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applicants.return_forms import AnswerForm
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.officers.routes import bp
from portal.services import ServiceError, returns
from portal.templating import translate_message


@bp.route("/returns/<int:return_id>/enter/answer", methods=["POST"])
@roles_required(Role.OFFICER)
def answer_query_for_group(return_id: int):
    output_return = returns.get_return(return_id)
    if output_return is None:
        abort(404)
    if output_return.entered_by_id is None:
        flash(_("First record how the group reached us and who in it agreed."), "info")
        return redirect(url_for("officers.assisted_return", return_id=output_return.id))
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        try:
            returns.answer_query(output_return, body=form.body.data or "", by=current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(translate_message(error.message), "error")
        else:
            db.session.commit()
            flash(
                _("The group's answer has been sent. Change the return with them if you need to, then send it again."),
                "success",
            )
    else:
        flash(_("The answer was not sent: try again."), "error")
    return redirect(url_for("officers.edit_return_for_group", return_id=output_return.id))
