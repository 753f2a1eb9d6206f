"""Officers see a round's awards and set each award's terms until the group accepts it: the amount
and dates, the conditions, the payment schedule, the agreed output targets and the return dates;
or withdraw it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.auth.access import roles_required
from portal.domain.awards import Instalment, PaymentTrigger
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Award, OutputReturn
from portal.officers import award_forms as forms
from portal.officers import return_review_forms
from portal.officers.routes import ROUND_HEADER, bp, get_round
from portal.services import awards
from portal.templating import translate_message

LABELS = {
    "status_labels": forms.AWARD_STATUS_LABELS,
    "status_tags": forms.AWARD_STATUS_TAGS,
    "trigger_labels": forms.TRIGGER_LABELS,
    "return_labels": forms.RETURN_KIND_LABELS,
}


def get_award(award_id: int) -> Award:
    award = awards.get_award(award_id)
    if award is None:
        abort(404)
    return award


def _detail_url(award: Award) -> str:
    return url_for("officers.award_detail", award_id=award.id)


def _version_of(award: Award) -> str:
    return str(db.session.get(Award, award.id).lock_version)


def _save(form: forms.VersionedForm, award: Award, change: Callable[[], None], place: Callable) -> bool:
    """Make the change and commit; on a refusal, roll back, put the reasons where they belong on the
    form (``place(problem)``) and keep what was typed."""
    try:
        change()
    except awards.AwardProblem as problem:
        db.session.rollback()
        place(problem)
        if isinstance(problem, awards.EditConflict):
            form.version.data = _version_of(award)
        return False
    db.session.commit()
    return True


def _place_on_rows(form: forms.RowsForm) -> Callable:
    def place(problem: awards.AwardProblem) -> None:
        if (
            problem.row is not None
            and problem.row < len(form.rows.entries)
            and problem.field in form.rows[problem.row].form
        ):
            form.rows[problem.row].form[problem.field].errors.append(translate_message(problem.message))
        else:
            form.form_errors.extend(translate_message(message) for message in problem.problems)

    return place


def _place_on(form: forms.VersionedForm, default: str) -> Callable:
    def place(problem: awards.AwardProblem) -> None:
        name = problem.field if problem.field in form else default
        form[name].errors.extend(translate_message(message) for message in problem.problems)

    return place


def _edit_page(template: str, award: Award, form: forms.VersionedForm, **context: object) -> str:
    return render_template(template, award=award, application=award.application, form=form, **LABELS, **context)


def _offer_only(award: Award):  # noqa: ANN202
    """The terms can be changed only while the award is an offer: otherwise show them read-only."""
    if request.method == "GET" and award.status != AwardStatus.OFFERED:
        return redirect(_detail_url(award))
    return None


# --- the round's awards ----------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/awards", endpoint="awards")
@roles_required(Role.OFFICER)
def awards_list(round_id: int):
    round_ = get_round(round_id, *ROUND_HEADER)
    rows = awards.awards_for_round(round_)
    return render_template(
        "officers/awards_list.html",
        round=round_,
        rows=rows,
        streams=awards.awards_by_stream(round_, rows),
        view_functions=current_app.view_functions,
        **LABELS,
    )


# --- one award -------------------------------------------------------------------------------------


def _detail_page(award: Award, withdraw_form: forms.WithdrawForm | None = None) -> str:
    if withdraw_form is None:
        withdraw_form = forms.WithdrawForm(formdata=None)
        withdraw_form.version.data = str(award.lock_version)
    application = award.application
    return render_template(
        "officers/award_detail.html",
        award=award,
        application=application,
        measures=application.work_stream.measures if application.work_stream else [],
        planned=awards.planned_by_measure(application),
        targets={t.measure_id: t for t in award.targets},
        problems=awards.terms_problems(award) if award.status == AwardStatus.OFFERED else [],
        latest_letter=award.letters[-1] if award.letters else None,
        withdraw_form=withdraw_form,
        failed=withdraw_form if withdraw_form.errors else None,
        output_returns=db.session.scalars(
            select(OutputReturn).where(OutputReturn.award_id == award.id).order_by(OutputReturn.due_on, OutputReturn.id)
        ).all(),
        return_status_labels=return_review_forms.STATUS_LABELS,
        return_status_tags=return_review_forms.STATUS_TAGS,
        view_functions=current_app.view_functions,
        **LABELS,
    )


@bp.route("/awards/<int:award_id>")
@roles_required(Role.OFFICER)
def award_detail(award_id: int):
    return _detail_page(get_award(award_id))


@bp.route("/awards/<int:award_id>/terms", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_award(award_id: int):
    award = get_award(award_id)
    if (locked := _offer_only(award)) is not None:
        return locked
    form = forms.AwardTermsForm()
    if request.method == "GET":
        form = forms.AwardTermsForm(
            formdata=None, data={"amount": award.amount, "starts_on": award.starts_on, "ends_on": award.ends_on}
        )
        form.version.data = str(award.lock_version)
    elif form.validate_on_submit():
        change = partial(
            awards.update_terms,
            award,
            amount=form.amount.decimal,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            expected_version=form.expected_version,
            by=current_user,
        )
        if _save(form, award, change, _place_on(form, "amount")):
            flash(_("The amount and dates are saved."), "success")
            return redirect(_detail_url(award))
    return _edit_page("officers/award_terms_form.html", award, form)


@bp.route("/awards/<int:award_id>/conditions", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_award_conditions(award_id: int):
    award = get_award(award_id)
    if (locked := _offer_only(award)) is not None:
        return locked
    form = forms.ConditionsForm()
    if request.method == "GET":
        rows = [
            {"condition_id": str(c.id), "order": n, "title": c.title, "body": c.body}
            for n, c in enumerate(award.conditions, start=1)
        ]
        form = forms.ConditionsForm(formdata=None, data={"rows": rows, "version": str(award.lock_version)})
        form.add_empty_rows()
    elif form.add_rows.data:
        form.add_empty_rows()
    elif form.validate_on_submit():
        change = partial(
            awards.set_conditions, award, form.conditions(), expected_version=form.expected_version, by=current_user
        )
        if _save(form, award, change, _place_on_rows(form)):
            flash(_("The conditions are saved."), "success")
            return redirect(_detail_url(award))
    return _edit_page("officers/award_conditions_form.html", award, form)


@bp.route("/awards/<int:award_id>/payments", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_award_payments(award_id: int):
    award = get_award(award_id)
    if (locked := _offer_only(award)) is not None:
        return locked
    form = forms.PaymentsForm()
    if request.method == "GET":
        rows = [
            {
                "amount": None if i.percentage is not None else i.amount,
                "percentage": f"{i.percentage.normalize():f}" if i.percentage is not None else "",
                "trigger": i.trigger.value,
                "due_on": i.due_on,
            }
            for i in award.instalments
        ]
        form = forms.PaymentsForm(formdata=None, data={"rows": rows, "version": str(award.lock_version)})
        form.add_empty_rows()
    elif form.add_rows.data:
        form.add_empty_rows()
    elif form.validate_on_submit():
        plan = [
            Instalment(row.amount.decimal, row.percent, PaymentTrigger(row.trigger.data), row.due_on.data)
            for _index, row in form.rows_with_data()
        ]
        change = partial(awards.set_instalments, award, plan, expected_version=form.expected_version, by=current_user)
        if _save(form, award, change, _place_on_rows(form)):
            flash(_("The payments are saved."), "success")
            return redirect(_detail_url(award))
    return _edit_page("officers/award_payments_form.html", award, form)


@bp.route("/awards/<int:award_id>/targets", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_award_targets(award_id: int):
    award = get_award(award_id)
    if (locked := _offer_only(award)) is not None:
        return locked
    application = award.application
    measures = [
        m
        for m in (application.work_stream.measures if application.work_stream else [])
        if not m.is_retired or any(t.measure_id == m.id for t in award.targets)
    ]
    form_class = forms.build_targets_form(measures)
    form = form_class()
    if request.method == "GET":
        targets = {t.measure_id: t for t in award.targets}
        data = {
            f"m{m.id}": (targets[m.id].quantity if m.kind == "numeric" else targets[m.id].description)
            for m in measures
            if m.id in targets
        }
        form = form_class(formdata=None, data={**data, "version": str(award.lock_version)})
    elif form.validate_on_submit():
        change = partial(
            awards.set_targets, award, form.targets(), expected_version=form.expected_version, by=current_user
        )
        default = f"m{measures[0].id}" if measures else "version"
        if _save(form, award, change, _place_on(form, default)):
            flash(_("The targets are saved."), "success")
            return redirect(_detail_url(award))
    return _edit_page(
        "officers/award_targets_form.html",
        award,
        form,
        measures=measures,
        planned=awards.planned_by_measure(application),
    )


@bp.route("/awards/<int:award_id>/returns", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_award_returns(award_id: int):
    award = get_award(award_id)
    if (locked := _offer_only(award)) is not None:
        return locked
    form = forms.ReturnsForm()
    if request.method == "GET":
        rows = [{"kind": r.kind.value, "due_on": r.due_on} for r in award.return_dates]
        form = forms.ReturnsForm(formdata=None, data={"rows": rows, "version": str(award.lock_version)})
        form.add_empty_rows()
    elif form.add_rows.data:
        form.add_empty_rows()
    elif form.validate_on_submit():
        change = partial(
            awards.set_return_dates, award, form.dates(), expected_version=form.expected_version, by=current_user
        )
        if _save(form, award, change, _place_on_rows(form)):
            flash(_("The return dates are saved."), "success")
            return redirect(_detail_url(award))
    return _edit_page("officers/award_returns_form.html", award, form)


@bp.route("/awards/<int:award_id>/withdraw", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def withdraw_award(award_id: int):
    award = get_award(award_id)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        change = partial(
            awards.withdraw_award,
            award,
            reason=form.reason.data,
            expected_version=form.expected_version,
            by=current_user,
        )
        if _save(form, award, change, _place_on(form, "reason")):
            flash(_("The award is withdrawn."), "success")
            return redirect(_detail_url(award))
    return _detail_page(award, form)
