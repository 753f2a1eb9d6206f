"""Officer pages: criteria (routes registered on the officers blueprint).

The scoring criteria of a round: the list with what the weights mean, adding and editing a
criterion, moving it up or down, archiving and restoring it, and a preview of what applicants and
panel members see."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.auth.access import roles_required
from portal.domain import criteria as criteria_rules
from portal.domain.ordering import Direction
from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Criterion, Round
from portal.officers.criteria_forms import CriterionActionForm, CriterionForm, MoveCriterionForm
from portal.officers.routes import bp
from portal.services import ServiceError
from portal.services import criteria as criteria_service
from portal.templating import translate_message


def _get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id, options=[selectinload(Round.fund), selectinload(Round.criteria)])
    if round_ is None:
        abort(404)
    return round_


def _get_criterion(criterion_id: int) -> Criterion:
    criterion = db.session.get(
        Criterion,
        criterion_id,
        options=[
            selectinload(Criterion.round).selectinload(Round.fund),
            selectinload(Criterion.round).selectinload(Round.criteria),
        ],
    )
    if criterion is None:
        abort(404)
    return criterion


def _number(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.##")


def _new_criterion_data() -> dict:
    """What a new criterion's form starts with: the usual word limit and weight, and a sentence
    for each score that the officer can keep or rewrite."""
    return {
        "word_limit": 250,
        "weight": Decimal("1"),
        **{
            name: _(text)
            for name, text in zip(criteria_rules.DESCRIPTOR_FIELDS, criteria_rules.DEFAULT_DESCRIPTORS, strict=True)
        },
    }


@bp.route("/rounds/<int:round_id>/criteria")
@roles_required(Role.OFFICER, Role.ADMIN)
def criteria(round_id: int):
    round_ = _get_round(round_id)
    ordered = sorted(round_.criteria, key=lambda c: (c.position, c.id))
    active_weights = [c.weight for c in ordered if not c.is_archived]
    total = criteria_rules.total_weight(active_weights)
    rows = []
    for index, criterion in enumerate(ordered):
        share = None if criterion.is_archived else criteria_rules.share_of_total(criterion.weight, total)
        rows.append(
            {
                "criterion": criterion,
                "weight": _number(criterion.weight),
                "share": format_percent(share / 100, format="#,##0.#%") if share is not None else None,
                "is_first": index == 0,
                "is_last": index == len(ordered) - 1,
            }
        )
    return render_template(
        "officers/criteria_list.html",
        round=round_,
        rows=rows,
        total=_number(total),
        total_share=format_percent(1, format="#,##0.#%") if total > 0 else None,
        active_count=len(active_weights),
        warnings=[translate_message(m) for m in criteria_rules.weight_warnings(active_weights)],
        can_still_open=round_.status in {RoundStatus.DRAFT, RoundStatus.CLOSED},
        scoring_started=criteria_service.scoring_started(round_),
    )


@bp.route("/rounds/<int:round_id>/criteria/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_criterion(round_id: int):
    round_ = _get_round(round_id)
    form = CriterionForm(data=_new_criterion_data())
    if form.validate_on_submit():
        try:
            criterion = criteria_service.add_criterion(round_, form.details(), by=current_user)
        except criteria_service.CriterionRefused as error:
            db.session.rollback()
            form.show_refusal(translate_message(error.message), error.fields)
        else:
            db.session.commit()
            flash(_("Criterion added: %(title)s", title=criterion.title), "success")
            return redirect(url_for("officers.criteria", round_id=round_.id))
    return render_template(
        "officers/criterion_form.html", round=round_, criterion=None, form=form, scoring_started=False
    )


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_criterion(criterion_id: int):
    criterion = _get_criterion(criterion_id)
    round_ = criterion.round
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            criteria_service.edit_criterion(criterion, form.details(), by=current_user)
        except criteria_service.CriterionRefused as error:
            db.session.rollback()
            form.show_refusal(translate_message(error.message), error.fields)
        else:
            db.session.commit()
            flash(_("Criterion saved: %(title)s", title=criterion.title), "success")
            return redirect(url_for("officers.criteria", round_id=round_.id))
    return render_template(
        "officers/criterion_form.html",
        round=round_,
        criterion=criterion,
        form=form,
        scoring_started=criteria_service.scoring_started(round_),
    )


@bp.route("/criteria/<int:criterion_id>/move", methods=["POST"])
@roles_required(Role.OFFICER)
def move_criterion(criterion_id: int):
    criterion = _get_criterion(criterion_id)
    form = MoveCriterionForm()
    if not form.validate_on_submit():
        flash(_("The criterion could not be moved. Try again."), "error")
        return redirect(url_for("officers.criteria", round_id=criterion.round_id))
    direction = Direction(form.direction.data)
    if criteria_service.move_criterion(criterion, direction, by=current_user):
        db.session.commit()
        if direction == Direction.UP:
            flash(_("Moved up: %(title)s", title=criterion.title), "success")
        else:
            flash(_("Moved down: %(title)s", title=criterion.title), "success")
    return redirect(url_for("officers.criteria", round_id=criterion.round_id))


@bp.route("/criteria/<int:criterion_id>/archive", methods=["POST"])
@roles_required(Role.OFFICER)
def archive_criterion(criterion_id: int):
    """Archive the criterion, or restore it when it is archived."""
    criterion = _get_criterion(criterion_id)
    form = CriterionActionForm()
    if not form.validate_on_submit():
        flash(_("The criterion could not be changed. Try again."), "error")
        return redirect(url_for("officers.criteria", round_id=criterion.round_id))
    try:
        if criterion.is_archived:
            criteria_service.restore_criterion(criterion, by=current_user)
            message = _("Restored: %(title)s. It counts towards scores again.", title=criterion.title)
        else:
            criteria_service.archive_criterion(criterion, by=current_user)
            message = _(
                "Archived: %(title)s. Applicants will not see it and it no longer counts towards scores.",
                title=criterion.title,
            )
    except ServiceError as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("officers.criteria", round_id=criterion.round_id))


@bp.route("/criteria/<int:criterion_id>/preview")
@roles_required(Role.OFFICER, Role.ADMIN)
def preview_criterion(criterion_id: int):
    criterion = _get_criterion(criterion_id)
    return render_template(
        "officers/criterion_preview.html",
        round=criterion.round,
        criterion=criterion,
        scores=list(
            zip(criteria_rules.SCORES, [_(n) for n in criteria_rules.SCORE_NAMES], criterion.descriptors, strict=True)
        ),
    )
