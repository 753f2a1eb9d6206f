"""Officer pages: requests to be called back, and marking them handled."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Round, SupportRequest, User
from portal.officers.routes import bp
from portal.officers.support_forms import HandledForm
from portal.services import support

HANDLED_SHOWN = 50  # the most recent handled requests listed under the open ones


def _requests(*, handled: bool) -> list:
    """Rows of (request, round title, name of the officer who handled it), newest first."""
    handler = aliased(User)
    query = (
        select(SupportRequest, Round.title, handler.full_name)
        .outerjoin(Round, Round.id == SupportRequest.round_id)
        .outerjoin(handler, handler.id == SupportRequest.handled_by_id)
        .order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
    )
    if handled:
        query = query.where(SupportRequest.handled_at.is_not(None)).limit(HANDLED_SHOWN)
    else:
        query = query.where(SupportRequest.handled_at.is_(None))
    return db.session.execute(query).all()


def _list_page(form: HandledForm | None = None, form_for: int | None = None):  # noqa: ANN202
    """The list; ``form`` (with its errors and what was typed) is shown on request ``form_for``."""
    blank = HandledForm(formdata=None)
    return render_template(
        "officers/support_requests.html",
        waiting=_requests(handled=False),
        handled=_requests(handled=True),
        form=form or blank,
        blank_form=blank,
        form_for=form_for,
        can_handle=current_user.has_role(Role.OFFICER),
    )


@bp.route("/support-requests")
@roles_required(Role.OFFICER, Role.ADMIN)
def support_requests():
    return _list_page()


@bp.route("/support-requests/<int:request_id>/handled", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def handle_support_request(request_id: int):
    support_request = db.get_or_404(SupportRequest, request_id)
    form = HandledForm()
    if not form.validate_on_submit():
        return _list_page(form, form_for=support_request.id)
    carry_out(
        lambda: support.mark_support_request_handled(support_request, note=form.note.data, by=current_user),
        done=_("Marked as handled: %(name)s.", name=support_request.name),
    )
    return redirect(url_for("officers.support_requests"))
