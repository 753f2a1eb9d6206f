"""Officers record funding decisions, finish the panel's scoring of an EOI a member cannot score,
release the round's decisions to groups, and download the decision pack."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.db import utcnow
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, DecisionOutcome
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Application, Round
from portal.officers import moderation_forms as forms
from portal.officers.intake_forms import STATUS_LABELS
from portal.officers.moderation_routes import get_panel_application
from portal.officers.routes import bp, get_round
from portal.services import ServiceError, decision_pack, decisions, moderation_page
from portal.templating import translate_message, uk_datetime

PACK_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _status_page(application: Application) -> str:
    return url_for("applicants.application_detail", application_id=application.id, _external=True)


def _offer_page(application: Application) -> str:
    return url_for("applicants.award_offer", application_id=application.id, _external=True)


def _decision_page(application: Application, form: forms.DecisionForm, *, conflict: bool = False):  # noqa: ANN202
    existing = decisions.decision_on(application)
    can_decide = application.status == ApplicationStatus.SCORED or (
        application.status == ApplicationStatus.DECIDED
        and existing is not None
        and existing.outcome == DecisionOutcome.RESERVE
    )
    place = moderation_page.ranking_place(application)
    return render_template(
        "officers/decision_form.html",
        application=application,
        existing=existing,
        place=place,
        ranked=place.ranked if place else 0,
        can_decide=can_decide,
        form=form,
        finish_form=forms.FinishScoringForm(formdata=None),
        failed=form if form.errors else None,
        conflict=conflict,
        outcome_labels=forms.OUTCOME_LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.route("/applications/<int:application_id>/decision", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def decide(application_id: int):
    application = get_panel_application(application_id)
    form = forms.DecisionForm()
    if request.method == "GET":
        form.version.data = str(application.lock_version)
        if application.amount_requested is not None:
            form.amount.data = f"{application.amount_requested:.2f}".removesuffix(".00")
        form.feedback.data = decisions.feedback_prefill(application)
    if form.validate_on_submit():
        try:
            decisions.record_decision(
                application,
                outcome=DecisionOutcome(form.outcome.data),
                amount=form.amount.decimal,
                conditions=form.conditions.data,
                feedback=form.feedback.data,
                reason=form.reason.data,
                override_reason=form.override_reason.data,
                by=current_user,
                link=_status_page(application),
                offer_link=_offer_page(application),
                expected_version=form.expected_version,
            )
        except decisions.DecisionConflict as error:
            db.session.rollback()
            application = get_panel_application(application_id)
            form.outcome.errors.append(translate_message(error.message))
            form.version.data = str(application.lock_version)  # saving again is now a deliberate change
            return _decision_page(application, form, conflict=True)
        except decisions.DecisionProblem as error:
            db.session.rollback()
            getattr(form, error.field, form.outcome).errors.append(translate_message(error.message))
        except ServiceError as error:
            db.session.rollback()
            form.outcome.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(
                _(
                    "Decision saved for %(reference)s. Groups see decisions once you release them.",
                    reference=application.reference,
                ),
                "success",
            )
            return redirect(url_for("officers.decisions", round_id=application.round_id))
    return _decision_page(application, form)


@bp.route("/applications/<int:application_id>/scoring-finished", methods=["POST"])
@roles_required(Role.OFFICER)
def finish_scoring(application_id: int):
    application = get_panel_application(application_id)
    form = forms.FinishScoringForm()
    if not form.validate_on_submit():
        flash(_("Scoring was not finished. Try again."), "error")
    else:
        carry_out(
            lambda: decisions.finish_scoring(application, by=current_user),
            done=_("Scoring finished with the reviews submitted so far. You can now record a decision."),
        )
    return redirect(url_for("officers.decide", application_id=application.id))


# --- all of a round's decisions --------------------------------------------------------------------


def _decisions_page(round_: Round, release_form: forms.ReleaseForm | None = None):  # noqa: ANN202
    release_form = release_form or forms.ReleaseForm(formdata=None)
    return render_template(
        "officers/decisions.html",
        round=round_,
        overview=decisions.decisions_for(round_),
        release_form=release_form,
        failed=release_form if release_form.errors else None,
        outcome_labels=forms.OUTCOME_LABELS,
        sheets=decision_pack.SHEETS,
    )


@bp.route("/rounds/<int:round_id>/decisions", endpoint="decisions")
@roles_required(Role.OFFICER)
def decisions_page(round_id: int):
    return _decisions_page(get_round(round_id))


@bp.route("/rounds/<int:round_id>/decisions/release", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def release_decisions(round_id: int):
    round_ = get_round(round_id)
    form = forms.ReleaseForm()
    if form.validate_on_submit():
        try:
            released = decisions.release_decisions(
                round_, by=current_user, link_for=_status_page, offer_link_for=_offer_page
            )
        except ServiceError as error:
            db.session.rollback()
            form.confirm.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d decision released. Each group has been e-mailed and can see its decision.",
                    "%(num)d decisions released. Each group has been e-mailed and can see its decision.",
                    released,
                ),
                "success",
            )
            return redirect(url_for("officers.decisions", round_id=round_.id))
    return _decisions_page(round_, form)


@bp.route("/rounds/<int:round_id>/decision-pack.<fmt>", endpoint="decision_pack")
@roles_required(Role.OFFICER)
def decision_pack_download(round_id: int, fmt: str):
    if fmt not in PACK_TYPES:
        abort(404)
    round_ = get_round(round_id)
    name = f"{round_.reference_prefix.strip('-') or 'round'}-decision-pack"
    if fmt == "csv":
        sheet = request.args.get("sheet", "eois")
        if sheet not in decision_pack.SHEETS:
            abort(404)
        body: str | bytes = decision_pack.sheet_csv(round_, sheet)
        filename = f"{name}-{sheet}.csv"
    elif fmt == "xlsx":
        body, filename = decision_pack.workbook(round_), f"{name}.xlsx"
    else:
        body = decision_pack.summary_pdf(
            round_,
            static_root=current_app.static_folder,
            lang=str(get_locale() or "en").split("_")[0],
            generated=uk_datetime(utcnow()),
        )
        filename = f"{name}.pdf"
    return Response(
        body,
        mimetype=PACK_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )
