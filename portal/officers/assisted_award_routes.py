"""More of the assisted route: what an officer does for a group after the decision, on its behalf
and recorded as such (the audit event names the officer, the group and how the group reached us).

Answering an officer's query about a return the officer is entering for the group (the group's own
form posts to ``applicants.answer_return_query``); recording the group's answer to its offer,
accepting or declining it (``applicants.award_offer``, ``applicants.decline_offer``); and taking
the bank details the grant is paid into (``applicants.bank_details``). The rules are the group's
own: portal/services/assisted_award.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import show_problems
from portal.applicants.return_forms import AnswerForm
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Award
from portal.officers import assisted_forms as forms
from portal.officers.routes import bp
from portal.services import ServiceError, acceptance, assisted_award, offer_follow_up, returns
from portal.services.monitoring import local_today
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


# --- the offer: the group's answer, and its bank details ------------------------------------------


def _get_award(award_id: int) -> Award:
    award = offer_follow_up.award_for_officer(award_id)
    if award is None:
        abort(404)
    return award


def _award_url(award: Award) -> str:
    return url_for("officers.award_detail", award_id=award.id)


def _not_now(award: Award, reason: object | None):  # noqa: ANN202
    """Back to the award's page, saying why, when the group's answer cannot be recorded now."""
    if reason is None:
        return None
    flash(translate_message(reason), "info")
    return redirect(_award_url(award))


@bp.route("/awards/<int:award_id>/acceptance", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def accept_offer_for_group(award_id: int):
    award = _get_award(award_id)
    if (back := _not_now(award, assisted_award.why_not_answerable(award))) is not None:
        return back
    form = forms.AcceptForGroupForm(accepted_on=local_today())
    form.set_conditions(award.conditions)
    if form.validate_on_submit():
        try:
            assisted_award.accept_for_group(
                award,
                name=form.name.data or "",
                role=form.role.data or "",
                accepted_on=form.accepted_on.data,
                agreed_condition_ids=form.agreed_ids,
                channel=form.channel.data,
                by=current_user,
                link=url_for("applicants.bank_details", application_id=award.application_id, _external=True),
            )
        except ServiceError as error:
            show_problems(form, error, "name")
        else:
            db.session.commit()
            flash(
                _(
                    "You have recorded that %(group)s accepts the offer. Next, take the group's bank details, "
                    "or the group can give them online.",
                    group=award.application.organisation.name,
                ),
                "success",
            )
            return redirect(_award_url(award))
    return render_template(
        "officers/assisted_offer_accept.html",
        award=award,
        application=award.application,
        form=form,
    )


@bp.route("/awards/<int:award_id>/acceptance/decline", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def decline_offer_for_group(award_id: int):
    award = _get_award(award_id)
    if (back := _not_now(award, assisted_award.why_not_answerable(award))) is not None:
        return back
    form = forms.DeclineForGroupForm()
    if form.validate_on_submit():
        try:
            assisted_award.decline_for_group(
                award,
                reason=form.reason.data,
                channel=form.channel.data,
                note=form.note.data,
                by=current_user,
                link=url_for("applicants.application_detail", application_id=award.application_id, _external=True),
            )
        except ServiceError as error:
            show_problems(form, error, "note")
        else:
            db.session.commit()
            flash(
                _("You have recorded that %(group)s declines the offer.", group=award.application.organisation.name),
                "success",
            )
            return redirect(_award_url(award))
    return render_template(
        "officers/assisted_offer_decline.html", award=award, application=award.application, form=form
    )


@bp.route("/awards/<int:award_id>/bank-details/enter", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def give_bank_details_for_group(award_id: int):
    award = _get_award(award_id)
    if (back := _not_now(award, assisted_award.why_no_bank_details(award))) is not None:
        return back
    form = forms.BankDetailsForGroupForm()
    if form.validate_on_submit():
        try:
            assisted_award.give_bank_details_for_group(
                award,
                account_name=form.account_name.data or "",
                sort_code=form.sort_code.data or "",
                account_number=form.account_number.data or "",
                given_by=form.given_by.data or "",
                channel=form.channel.data,
                note=form.note.data,
                by=current_user,
            )
        except ServiceError as error:
            show_problems(form, error, "account_name")
        else:
            db.session.commit()
            flash(
                _(
                    "The bank details for %(group)s are saved. Everyone in the group with an account has been "
                    "e-mailed to say who gave them.",
                    group=award.application.organisation.name,
                ),
                "success",
            )
            return redirect(url_for("officers.award_bank_details", award_id=award.id))
    page = render_template(
        "officers/assisted_bank_details.html",
        award=award,
        application=award.application,
        form=form,
        bank=acceptance.masked_details(award),
    )
    return page, 200, {"Cache-Control": "private, no-store"}
