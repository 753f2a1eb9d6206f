"""Officer pages: a round's work streams and their output measures."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import roles_required
from portal.domain.measures import MeasureKind
from portal.domain.ordering import Direction
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import OutputMeasure, WorkStream
from portal.officers.routes import bp, get_round
from portal.officers.stream_forms import MeasureForm, MoveForm, ToggleForm, WorkStreamForm
from portal.services import ServiceError, programme
from portal.templating import translate_message


def _back(round_id: int) -> str:
    return url_for("officers.round_detail", round_id=round_id, _anchor="work-streams")


def _stream_fields(form: WorkStreamForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "short_name": form.short_name.data or "",
        "description": form.description.data or "",
        "who_it_is_for": form.who_it_is_for.data or "",
        "budget": form.budget.decimal,
    }


@bp.route("/rounds/<int:round_id>/work-streams/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_work_stream(round_id: int):
    round_ = get_round(round_id)
    form = WorkStreamForm()
    if form.validate_on_submit():
        stream = programme.add_work_stream(round_, by=current_user, **_stream_fields(form))
        db.session.commit()
        flash(_("Work stream added. Now add what it will count or describe (its output measures)."), "success")
        return redirect(url_for("officers.new_measure", stream_id=stream.id))
    return render_template(
        "officers/simple_form.html",
        form=form,
        heading=_("Add a work stream"),
        caption=round_.title,
        back_url=_back(round_.id),
    )


@bp.route("/work-streams/<int:stream_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_work_stream(stream_id: int):
    stream = db.get_or_404(WorkStream, stream_id)
    form = WorkStreamForm(obj=stream)
    if form.validate_on_submit():
        programme.update_work_stream(stream, by=current_user, **_stream_fields(form))
        db.session.commit()
        flash(_("Work stream saved."), "success")
        return redirect(_back(stream.round_id))
    return render_template(
        "officers/simple_form.html",
        form=form,
        heading=_("Change the work stream"),
        caption=stream.round.title,
        back_url=_back(stream.round_id),
    )


@bp.route("/work-streams/<int:stream_id>/move", methods=["POST"])
@roles_required(Role.OFFICER)
def move_work_stream(stream_id: int):
    stream = db.get_or_404(WorkStream, stream_id)
    form = MoveForm()
    if form.validate_on_submit():
        programme.move_work_stream(stream, Direction(form.direction.data), by=current_user)
        db.session.commit()
    return redirect(_back(stream.round_id))


@bp.route("/work-streams/<int:stream_id>/retire", methods=["POST"])
@roles_required(Role.OFFICER)
def retire_work_stream(stream_id: int):
    stream = db.get_or_404(WorkStream, stream_id)
    if ToggleForm().validate_on_submit():
        programme.set_work_stream_retired(stream, not stream.is_retired, by=current_user)
        db.session.commit()
        flash(
            _("%(name)s retired. It stays on record but groups can no longer choose it.", name=stream.name)
            if stream.is_retired
            else _("%(name)s is back in use.", name=stream.name),
            "success",
        )
    return redirect(_back(stream.round_id))


def _measure_fields(form: MeasureForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "unit": form.unit.data.strip(),
        "kind": MeasureKind(form.kind.data),
        "target": form.target.data,
        "help_text": form.help_text.data or "",
    }


@bp.route("/work-streams/<int:stream_id>/measures/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_measure(stream_id: int):
    stream = db.get_or_404(WorkStream, stream_id)
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            programme.add_measure(stream, by=current_user, **_measure_fields(form))
        except ServiceError as error:
            db.session.rollback()
            form.target.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Output measure added."), "success")
            return redirect(_back(stream.round_id))
    return render_template(
        "officers/simple_form.html",
        form=form,
        heading=_("Add an output measure"),
        caption=stream.name,
        back_url=_back(stream.round_id),
        intro=_("Outputs are what a funded group will count or describe, for example the number of women taking part."),
    )


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_measure(measure_id: int):
    measure = db.get_or_404(OutputMeasure, measure_id)
    form = MeasureForm(obj=measure)
    if form.validate_on_submit():
        try:
            programme.update_measure(measure, by=current_user, **_measure_fields(form))
        except ServiceError as error:
            db.session.rollback()
            form.target.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("Output measure saved."), "success")
            return redirect(_back(measure.work_stream.round_id))
    return render_template(
        "officers/simple_form.html",
        form=form,
        heading=_("Change the output measure"),
        caption=measure.work_stream.name,
        back_url=_back(measure.work_stream.round_id),
    )


@bp.route("/measures/<int:measure_id>/move", methods=["POST"])
@roles_required(Role.OFFICER)
def move_measure(measure_id: int):
    measure = db.get_or_404(OutputMeasure, measure_id)
    form = MoveForm()
    if form.validate_on_submit():
        programme.move_measure(measure, Direction(form.direction.data), by=current_user)
        db.session.commit()
    return redirect(_back(measure.work_stream.round_id))


@bp.route("/measures/<int:measure_id>/retire", methods=["POST"])
@roles_required(Role.OFFICER)
def retire_measure(measure_id: int):
    measure = db.get_or_404(OutputMeasure, measure_id)
    if ToggleForm().validate_on_submit():
        programme.set_measure_retired(measure, not measure.is_retired, by=current_user)
        db.session.commit()
        flash(
            _("Measure retired. What groups already reported against it is kept.")
            if measure.is_retired
            else _("Measure back in use."),
            "success",
        )
    return redirect(_back(measure.work_stream.round_id))
