"""The moderation meeting: each work stream's EOIs with their scores and flags, the ranking against
the budget and the spread across localities; each member's leniency over the round (its own page);
one EOI's reviews, and the agreed panel score recorded at the meeting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from portal import kept_parts
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Application, Round, WorkStream
from portal.officers import moderation_forms as forms
from portal.officers.intake_forms import STATUS_LABELS
from portal.officers.routes import bp, get_round
from portal.services import ServiceError
from portal.services import moderation as service
from portal.services import moderation_page as page_service
from portal.templating import translate_message


def chosen_stream(round_: Round, stream_id: int | None) -> WorkStream:
    """The work stream asked for, else the first in use; 404 for another round's or none."""
    stream = service.stream_in(round_, stream_id)
    if stream is None:
        abort(404)
    return stream


def get_panel_application(application_id: int) -> Application:
    """An EOI the panel has (or had) in hand, with what its pages show; 404 for any other."""
    application = db.session.get(
        Application,
        application_id,
        options=[
            joinedload(Application.round).selectinload(Round.criteria),
            joinedload(Application.organisation),
            joinedload(Application.work_stream),
            selectinload(Application.localities),
        ],
    )
    if application is None or application.status not in service.PANEL_STATUSES:
        abort(404)
    return application


@bp.route("/rounds/<int:round_id>/moderation", endpoint="moderation")
@roles_required(Role.OFFICER)
def moderation_page(round_id: int):
    """One work stream (``?stream=``): its EOIs 20 to a page (``?page=``), those needing attention
    first, and the ranking 50 to a page (``?rank_page=``); a page past the end shows the last."""
    round_ = get_round(round_id, joinedload(Round.work_streams), joinedload(Round.criteria))
    stream = chosen_stream(round_, request.args.get("stream", type=int))
    part = kept_parts.moderation(
        round_, stream, request.args.get("page", 1, type=int), request.args.get("rank_page", 1, type=int)
    )
    return render_template("officers/moderation.html", round=round_, stream=stream, part=part)


@bp.route("/rounds/<int:round_id>/moderation/members", endpoint="moderation_members")
@roles_required(Role.OFFICER)
def moderation_members(round_id: int):
    """How each panel member scores compared with the rest of the panel, over the whole round."""
    round_ = get_round(round_id, joinedload(Round.work_streams))
    return render_template(
        "officers/moderation_members.html",
        round=round_,
        members=page_service.member_leniency(round_),
        stream_id=request.args.get("stream", type=int),
    )


def _application_page(application: Application, form: forms.AgreedScoreForm | None = None):  # noqa: ANN202
    view = page_service.ranking_place(application)
    eoi = view.eoi if view else None
    if form is None:
        form = forms.AgreedScoreForm(formdata=None)
        if eoi is not None and eoi.agreed is not None:
            form.score.data, form.rationale.data = f"{eoi.agreed.score:.2f}", eoi.agreed.rationale
    return render_template(
        "officers/moderation_application.html",
        application=application,
        view=view,
        eoi=eoi,
        reviews=service.assignments_of(application),
        conflicts=service.conflicts_on(application),
        form=form,
        finish_form=forms.FinishScoringForm(formdata=None),
        can_record=application.status in (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED),
        failed=form if form.errors else None,
        status_labels=STATUS_LABELS,
    )


@bp.route("/applications/<int:application_id>/moderation")
@roles_required(Role.OFFICER)
def moderate_application(application_id: int):
    return _application_page(get_panel_application(application_id))


@bp.route("/applications/<int:application_id>/agreed-score", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def record_agreed_score(application_id: int):
    application = get_panel_application(application_id)
    form = forms.AgreedScoreForm()
    if form.validate_on_submit():
        try:
            service.record_agreed_score(application, score=form.value, rationale=form.rationale.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.score.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Agreed score saved. The ranking now uses it."), "success")
            return redirect(url_for("officers.moderate_application", application_id=application.id))
    return _application_page(application, form)
