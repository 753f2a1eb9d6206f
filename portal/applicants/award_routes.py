"""A group reads its offer, accepts or declines it, and then gives the bank details the grant is
paid into. Only the group's members reach these pages, and only once the round's decisions are
released; anyone else, or an application without an offer, gets a 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import show_problems
from portal.applicants import award_forms as forms
from portal.applicants.routes import bp
from portal.auth.access import roles_required
from portal.domain.awards import LABELS, pounds_in_words
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Application, Award
from portal.policies import can_edit_organisation
from portal.services import ServiceError, acceptance
from portal.services.monitoring import local_today


def get_offer(application_id: int) -> tuple[Application, Award]:
    """The application and the offer its group may see; a 404 for anyone outside the group, and
    for an application whose decision is not released or that has no offer."""
    application = db.session.get(Application, application_id)
    if application is None or not can_edit_organisation(current_user, application.organisation):
        abort(404)
    award = acceptance.offer_for(application)
    if award is None:
        abort(404)
    return application, award


def _offer_page(application: Application, award: Award, form: forms.AcceptForm):  # noqa: ANN202
    return render_template(
        "applicants/award_offer.html",
        application=application,
        award=award,
        form=form,
        payments=acceptance.payments_of(award),
        offered_at=acceptance.offered_at(award),
        amount_in_words=pounds_in_words(award.amount),
        bank=acceptance.masked_details(award),
        labels=LABELS,
    )


@bp.route("/applications/<int:application_id>/offer", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def award_offer(application_id: int):
    application, award = get_offer(application_id)
    form = forms.AcceptForm(accepted_on=local_today())
    form.set_conditions(award.conditions)
    if request.method == "POST" and award.status != AwardStatus.OFFERED:
        return redirect(url_for("applicants.award_offer", application_id=application.id))
    if form.validate_on_submit():
        try:
            acceptance.accept(
                award,
                name=form.name.data or "",
                role=form.role.data or "",
                accepted_on=form.accepted_on.data,
                agreed_condition_ids=form.agreed_ids,
                by=current_user,
                link=url_for("applicants.bank_details", application_id=application.id, _external=True),
            )
        except ServiceError as error:
            show_problems(form, error, "name")
        else:
            db.session.commit()
            flash(_("You have accepted the offer. Now give the bank details we should pay the grant into."), "success")
            return redirect(url_for("applicants.bank_details", application_id=application.id))
    return _offer_page(application, award, form)


@bp.route("/applications/<int:application_id>/offer/decline", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def decline_offer(application_id: int):
    application, award = get_offer(application_id)
    if award.status != AwardStatus.OFFERED:
        return redirect(url_for("applicants.award_offer", application_id=application.id))
    form = forms.DeclineForm()
    if form.validate_on_submit():
        try:
            acceptance.decline(
                award,
                reason=form.reason.data,
                by=current_user,
                link=url_for("applicants.application_detail", application_id=application.id, _external=True),
            )
        except ServiceError as error:
            show_problems(form, error, "reason")
        else:
            db.session.commit()
            flash(_("You have declined the offer. We have e-mailed everyone in your group to confirm."), "success")
            return redirect(url_for("applicants.award_offer", application_id=application.id))
    return render_template("applicants/award_decline.html", application=application, award=award, form=form)


@bp.route("/applications/<int:application_id>/bank-details", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def bank_details(application_id: int):
    application, award = get_offer(application_id)
    if award.status in (AwardStatus.OFFERED, AwardStatus.DECLINED):
        if award.status == AwardStatus.OFFERED:
            flash(_("Accept the offer before you give bank details"), "info")
        return redirect(url_for("applicants.award_offer", application_id=application.id))
    can_change = award.status == AwardStatus.ACCEPTED
    changing = request.method == "POST" or request.args.get("change") == "1"
    form = forms.BankDetailsForm()
    if request.method == "GET" and award.bank_details is not None:
        form.account_name.data = award.bank_details.account_name  # never the numbers
    if can_change and form.validate_on_submit():
        try:
            acceptance.give_bank_details(
                award,
                account_name=form.account_name.data or "",
                sort_code=form.sort_code.data or "",
                account_number=form.account_number.data or "",
                by=current_user,
            )
        except ServiceError as error:
            show_problems(form, error, "account_name")
        else:
            db.session.commit()
            flash(_("Your bank details have been saved. We will pay the grant into this account."), "success")
            return redirect(url_for("applicants.bank_details", application_id=application.id))
    show_form = can_change and (award.bank_details is None or changing)
    return render_template(
        "applicants/award_bank_details.html",
        application=application,
        award=award,
        form=form,
        show_form=show_form,
        bank=acceptance.masked_details(award),
    )
