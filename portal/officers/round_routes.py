"""Officer pages: funds, a round's details, eligibility, letter settings, conditions and history."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.access import roles_required
from portal.domain.dates import utc_to_local
from portal.domain.ordering import Direction
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import AuditEvent, Fund, Round, RoundCondition
from portal.officers.forms import CopyFundForm, EligibilityForm, FundForm, LetterSettingsForm, LogoForm, RoundForm
from portal.officers.routes import bp, get_round
from portal.officers.stream_forms import ConditionForm, MoveForm, ToggleForm
from portal.services import ServiceError, funding, programme
from portal.storage import get_storage
from portal.templating import translate_message


def _simple(form, heading: str, back_url: str, **extra):  # noqa: ANN001, ANN003, ANN202
    return render_template("officers/simple_form.html", form=form, heading=heading, back_url=back_url, **extra)


# --- funds ------------------------------------------------------------------------------------


@bp.route("/funds/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_fund():
    form = FundForm()
    if form.validate_on_submit():
        try:
            funding.create_fund(
                name=form.name.data,
                total_budget=form.total_budget.decimal,
                description=form.description.data,
                by=current_user,
            )
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Fund created. Now add a round to it."), "success")
            return redirect(url_for("officers.home"))
    return _simple(form, _("Create a fund"), url_for("officers.home"))


@bp.route("/funds/<int:fund_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_fund(fund_id: int):
    fund = db.get_or_404(Fund, fund_id)
    form = FundForm(obj=fund)
    if form.validate_on_submit():
        try:
            funding.update_fund(
                fund,
                name=form.name.data,
                total_budget=form.total_budget.decimal,
                description=form.description.data,
                by=current_user,
            )
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Fund saved."), "success")
            return redirect(url_for("officers.home"))
    return _simple(form, _("Change the fund"), url_for("officers.home"), caption=fund.name)


@bp.route("/funds/<int:fund_id>/copy", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def copy_fund(fund_id: int):
    fund = db.get_or_404(Fund, fund_id)
    form = CopyFundForm()
    if form.validate_on_submit():
        try:
            funding.copy_fund(fund, name=form.name.data, total_budget=form.total_budget.decimal, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Programme copied. Each round is a draft: set its dates before you open it."), "success")
            return redirect(url_for("officers.home"))
    return _simple(
        form,
        _("Copy this programme"),
        url_for("officers.home"),
        caption=fund.name,
        intro=_(
            "You get a new fund with a draft copy of each of its rounds: work streams, measures, criteria, "
            "conditions, letter settings and guidance. Applications, scores and awards are not copied."
        ),
    )


# --- rounds -----------------------------------------------------------------------------------


def _round_fields(form: RoundForm) -> dict:
    return {
        "title": form.title.data.strip(),
        "reference_prefix": form.reference_prefix.data.strip(),
        "opens_at": form.opens_at,
        "closes_at": form.closes_at,
        "min_amount": form.min_amount.decimal,
        "max_amount": form.max_amount.decimal,
        "guidance": form.guidance.data or "",
    }


@bp.route("/funds/<int:fund_id>/rounds/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_round(fund_id: int):
    fund = db.get_or_404(Fund, fund_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            round_ = funding.create_round(fund, by=current_user, **_round_fields(form))
        except ServiceError as error:
            db.session.rollback()
            form.reference_prefix.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Round created as a draft. Add its work streams and criteria, then open it."), "success")
            return redirect(url_for("officers.round_detail", round_id=round_.id))
    return render_template(
        "officers/round_form.html",
        form=form,
        heading=_("Create a round"),
        caption=fund.name,
        back_url=url_for("officers.home"),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_round(round_id: int):
    round_ = get_round(round_id)
    form = RoundForm(obj=round_)
    if request.method == "GET":
        _fill_dates(form, round_)
    if form.validate_on_submit():
        try:
            funding.update_round(round_, by=current_user, **_round_fields(form))
        except ServiceError as error:
            db.session.rollback()
            form.reference_prefix.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Round saved."), "success")
            return redirect(url_for("officers.round_detail", round_id=round_.id))
    return render_template(
        "officers/round_form.html",
        form=form,
        heading=_("Change the round's details"),
        caption=round_.title,
        back_url=url_for("officers.round_detail", round_id=round_.id),
    )


def _fill_dates(form: RoundForm, round_: Round) -> None:
    """Show the stored UTC moments as the UK dates and times the officer typed."""
    zone = current_app.config["TIMEZONE"]
    for moment, day_field, time_field in (
        (round_.opens_at, form.opens_on, form.opens_time),
        (round_.closes_at, form.closes_on, form.closes_time),
    ):
        if moment is not None:
            local = utc_to_local(moment, zone)
            day_field.process(None, local.date())
            time_field.data = local.strftime("%H:%M")


@bp.route("/rounds/<int:round_id>/eligibility", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_eligibility(round_id: int):
    round_ = get_round(round_id)
    form = EligibilityForm(obj=round_)
    if request.method == "GET":
        form.excluded_purposes.data = "\n".join(round_.excluded_purposes or [])
    if form.validate_on_submit():
        funding.update_eligibility(
            round_,
            allowed_legal_forms=form.allowed_legal_forms.data,
            income_ceiling=form.income_ceiling.decimal,
            excluded_purposes=form.purposes,
            by=current_user,
        )
        db.session.commit()
        flash(_("Eligibility saved."), "success")
        return redirect(url_for("officers.round_detail", round_id=round_.id))
    return _simple(form, _("Who can apply"), url_for("officers.round_detail", round_id=round_.id), caption=round_.title)


# --- letters ----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/letter", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_letter_settings(round_id: int):
    round_ = get_round(round_id)
    form = LetterSettingsForm(obj=round_)
    if form.validate_on_submit():
        funding.update_letter_settings(
            round_,
            by=current_user,
            **{
                name: getattr(form, name).data or ""
                for name in ("letter_council_name", "letter_address", "letter_signatory_name", "letter_signatory_title")
            },
        )
        db.session.commit()
        flash(_("Letter settings saved."), "success")
        return redirect(url_for("officers.round_detail", round_id=round_.id))
    return render_template("officers/letter_settings.html", form=form, logo_form=LogoForm(), round=round_)


@bp.route("/rounds/<int:round_id>/letter/logo", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def upload_letter_logo(round_id: int):
    round_ = get_round(round_id)
    logo_form = LogoForm()
    if logo_form.validate_on_submit():
        key = get_storage(current_app.config).save(logo_form.content, prefix="logos")
        funding.set_letter_logo(round_, key=key, content_type=logo_form.content_type, by=current_user)
        db.session.commit()
        flash(_("Logo saved."), "success")
        return redirect(url_for("officers.edit_letter_settings", round_id=round_.id))
    return render_template(
        "officers/letter_settings.html", form=LetterSettingsForm(obj=round_), logo_form=logo_form, round=round_
    ), 200


@bp.route("/rounds/<int:round_id>/letter/logo")
@roles_required(Role.OFFICER, Role.ADMIN)
def letter_logo(round_id: int):
    round_ = get_round(round_id)
    if not round_.letter_logo_key:
        abort(404)
    data = get_storage(current_app.config).read(round_.letter_logo_key)
    return Response(
        data,
        mimetype=round_.letter_logo_type or "application/octet-stream",
        headers={"Cache-Control": "private, max-age=300"},
    )


# --- standard conditions ----------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/conditions")
@roles_required(Role.OFFICER, Role.ADMIN)
def conditions(round_id: int):
    round_ = get_round(round_id)
    return render_template("officers/conditions.html", round=round_, move_form=MoveForm(), toggle_form=ToggleForm())


@bp.route("/rounds/<int:round_id>/conditions/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_condition(round_id: int):
    round_ = get_round(round_id)
    form = ConditionForm()
    if form.validate_on_submit():
        programme.add_condition(round_, title=form.title.data, body=form.body.data, by=current_user)
        db.session.commit()
        flash(_("Condition added."), "success")
        return redirect(url_for("officers.conditions", round_id=round_.id))
    return _simple(
        form, _("Add a standard condition"), url_for("officers.conditions", round_id=round_.id), caption=round_.title
    )


def _get_condition(condition_id: int) -> RoundCondition:
    return db.get_or_404(RoundCondition, condition_id)


@bp.route("/conditions/<int:condition_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_condition(condition_id: int):
    condition = _get_condition(condition_id)
    form = ConditionForm(obj=condition)
    if form.validate_on_submit():
        programme.update_condition(condition, title=form.title.data, body=form.body.data, by=current_user)
        db.session.commit()
        flash(_("Condition saved."), "success")
        return redirect(url_for("officers.conditions", round_id=condition.round_id))
    return _simple(
        form,
        _("Change a standard condition"),
        url_for("officers.conditions", round_id=condition.round_id),
        caption=condition.round.title,
    )


@bp.route("/conditions/<int:condition_id>/move", methods=["POST"])
@roles_required(Role.OFFICER)
def move_condition(condition_id: int):
    condition = _get_condition(condition_id)
    form = MoveForm()
    if form.validate_on_submit():
        programme.move_condition(condition, Direction(form.direction.data), by=current_user)
        db.session.commit()
    return redirect(url_for("officers.conditions", round_id=condition.round_id))


@bp.route("/conditions/<int:condition_id>/archive", methods=["POST"])
@roles_required(Role.OFFICER)
def archive_condition(condition_id: int):
    condition = _get_condition(condition_id)
    if ToggleForm().validate_on_submit():
        programme.set_condition_archived(condition, not condition.is_archived, by=current_user)
        db.session.commit()
        flash(_("Condition archived.") if condition.is_archived else _("Condition restored."), "success")
    return redirect(url_for("officers.conditions", round_id=condition.round_id))


# --- history ----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/history")
@roles_required(Role.OFFICER, Role.ADMIN)
def round_history(round_id: int):
    round_ = get_round(round_id)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.round_id == round_.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(500)
    ).all()
    return render_template("officers/round_history.html", round=round_, events=events)
