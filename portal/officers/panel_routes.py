"""Officers set up a round's panel (rules, members) and assign EOIs to its members."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.domain.dates import utc_to_local
from portal.domain.panel import LABELS, MemberKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Application, Panel, PanelMember, Review, Round
from portal.officers import panel_forms as forms
from portal.officers.intake_forms import STATUS_LABELS
from portal.officers.routes import bp, get_round
from portal.services import ServiceError, assignments, panels
from portal.templating import translate_message


def _panel_or_404(round_: Round) -> Panel:
    panel = panels.panel_for(round_)
    if panel is None:
        abort(404)
    return panel


def _member_or_404(panel: Panel, member_id: int) -> PanelMember:
    member = db.session.get(PanelMember, member_id)
    if member is None or member.panel_id != panel.id:
        abort(404)
    return member


def _to_panel(round_: Round):  # noqa: ANN202
    return redirect(url_for("officers.panel", round_id=round_.id))


# --- the panel: rules and members ----------------------------------------------------------------


def _panel_page(round_: Round, *, add_form: forms.AddMemberForm | None = None):  # noqa: ANN202
    panel = panels.panel_for(round_)
    return render_template(
        "officers/panel_detail.html",
        round=round_,
        panel=panel,
        rows=panels.member_rows(panel) if panel is not None else [],
        add_form=add_form or forms.AddMemberForm(formdata=None),
        action_form=forms.ActionForm(),
        labels=LABELS,
    )


@bp.route("/rounds/<int:round_id>/panel")
@roles_required(Role.OFFICER)
def panel(round_id: int):
    return _panel_page(get_round(round_id))


@bp.route("/rounds/<int:round_id>/panel", methods=["POST"])
@roles_required(Role.OFFICER)
def create_panel(round_id: int):
    round_ = get_round(round_id)
    if forms.ActionForm().validate_on_submit():
        panels.ensure_panel(round_, by=current_user)
        db.session.commit()
        flash(_("The panel is set up with the usual rules. Now add its members."), "success")
    else:
        flash(_("The panel could not be set up. Try again."), "error")
    return _to_panel(round_)


@bp.route("/rounds/<int:round_id>/panel/rules", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_panel(round_id: int):
    round_ = get_round(round_id)
    panel = _panel_or_404(round_)
    form = forms.PanelRulesForm()
    if request.method == "GET":
        form.minimum_reviewers.data = panel.minimum_reviewers
        form.spread_threshold.data = f"{panel.spread_threshold:f}".rstrip("0").rstrip(".")
        if panel.scoring_deadline is not None:
            local = utc_to_local(panel.scoring_deadline, current_app.config["TIMEZONE"])
            form.deadline_on.process(None, local.date())
            form.deadline_time.data = local.strftime("%H:%M")
    if form.validate_on_submit():
        try:
            panels.update_panel(
                panel,
                minimum_reviewers=form.minimum_reviewers.data,
                spread_threshold=form.threshold,
                scoring_deadline=form.scoring_deadline,
                by=current_user,
            )
        except ServiceError as error:
            db.session.rollback()
            form.minimum_reviewers.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("The panel's rules are saved."), "success")
            return _to_panel(round_)
    return render_template("officers/panel_rules_form.html", form=form, round=round_)


@bp.route("/rounds/<int:round_id>/panel/members", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def add_panel_member(round_id: int):
    round_ = get_round(round_id)
    panel = _panel_or_404(round_)
    form = forms.AddMemberForm()
    if form.validate_on_submit():
        try:
            member = panels.add_member_by_email(
                panel, form.email.data, kind=MemberKind(form.kind.data), profile=form.profile.data, by=current_user
            )
        except ServiceError as error:
            db.session.rollback()
            form.email.errors.append(translate_message(error.message))
        else:
            name = member.user.full_name
            db.session.commit()
            flash(_("%(name)s is on the panel.", name=name), "success")
            return _to_panel(round_)
    return _panel_page(round_, add_form=form)


@bp.route("/rounds/<int:round_id>/panel/members/<int:member_id>", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_panel_member(round_id: int, member_id: int):
    round_ = get_round(round_id)
    member = _member_or_404(_panel_or_404(round_), member_id)
    form = forms.MemberForm(obj=member) if request.method == "GET" else forms.MemberForm()
    if form.validate_on_submit():
        try:
            panels.update_member(member, kind=MemberKind(form.kind.data), profile=form.profile.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.profile.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("%(name)s's details are saved.", name=member.user.full_name), "success")
            return _to_panel(round_)
    return render_template("officers/panel_member_form.html", form=form, round=round_, member=member)


@bp.route("/rounds/<int:round_id>/panel/members/<int:member_id>/remove", methods=["POST"])
@roles_required(Role.OFFICER)
def remove_panel_member(round_id: int, member_id: int):
    round_ = get_round(round_id)
    member = _member_or_404(_panel_or_404(round_), member_id)
    name = member.user.full_name
    if not forms.ActionForm().validate_on_submit():
        flash(_("%(name)s could not be removed. Try again.", name=name), "error")
        return _to_panel(round_)
    carry_out(
        lambda: panels.remove_member(member, by=current_user),
        done=_("%(name)s is no longer on the panel.", name=name),
    )
    return _to_panel(round_)


# --- assigning EOIs ------------------------------------------------------------------------------


def _assign_form(row: assignments.EoiAssignments, formdata=None) -> forms.AssignForm:  # noqa: ANN001
    form = forms.AssignForm(formdata=formdata, prefix=f"eoi{row.application.id}")
    form.member.choices = [forms.SelectChoice("", _("Choose a panel member"))] + [
        forms.SelectChoice(str(member.id), member.user.full_name) for member in row.available
    ]
    return form


def _assignments_page(
    round_: Round, *, failed: forms.AssignForm | None = None, failed_id: int | None = None, bulk_form=None
):  # noqa: ANN001, ANN202
    panel = panels.panel_for(round_)
    rows = assignments.assignment_overview(round_) if panel is not None else []
    assign_forms = {row.application.id: _assign_form(row) for row in rows}
    if failed is not None and failed_id not in assign_forms:  # not an EOI the panel can take
        flash(next(iter(failed.member.errors or [_("Try again.")])), "error")
        return _to_assignments(round_)
    if failed is not None:
        failed.member.choices = list(assign_forms[failed_id].member.choices)
        offered = {choice.value for choice in failed.member.choices}
        chosen = next((m for m in panel.members if str(m.id) == failed.member.data), None) if panel else None
        if chosen is not None and str(chosen.id) not in offered:  # keep what was chosen, with its error
            failed.member.choices.append(forms.SelectChoice(str(chosen.id), chosen.user.full_name))
        assign_forms[failed_id] = failed
    bulk_form = bulk_form or forms.BulkAssignForm(formdata=None)
    return render_template(
        "officers/panel_assignments.html",
        round=round_,
        panel=panel,
        rows=rows,
        short=[row for row in rows if row.short],
        assign_forms=assign_forms,
        failed=failed or (bulk_form if bulk_form.errors else None),
        bulk_form=bulk_form,
        action_form=forms.ActionForm(),
        labels=LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.route("/rounds/<int:round_id>/panel/assignments")
@roles_required(Role.OFFICER)
def panel_assignments(round_id: int):
    return _assignments_page(get_round(round_id))


def _to_assignments(round_: Round, anchor: str | None = None):  # noqa: ANN202
    return redirect(url_for("officers.panel_assignments", round_id=round_.id, _anchor=anchor))


@bp.route("/rounds/<int:round_id>/panel/assignments/<int:application_id>", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def assign_review(round_id: int, application_id: int):
    round_ = get_round(round_id)
    panel = _panel_or_404(round_)
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round_.id:
        abort(404)
    form = forms.AssignForm(prefix=f"eoi{application.id}")
    if form.validate_on_submit():
        value = form.member.data or ""
        member = (
            db.session.get(PanelMember, int(value)) if value.isascii() and value.isdigit() and len(value) < 10 else None
        )
        if member is None or member.panel_id != panel.id:
            form.member.errors.append(_("Choose a panel member"))
        else:
            try:
                assignments.assign(application, member, by=current_user)
            except ServiceError as error:
                db.session.rollback()
                form.member.errors.append(translate_message(error.message))
            else:
                name, reference = member.user.full_name, application.reference
                db.session.commit()
                flash(_("%(reference)s is assigned to %(name)s.", reference=reference, name=name), "success")
                return _to_assignments(round_, f"eoi-{application_id}")
    return _assignments_page(round_, failed=form, failed_id=application.id)


@bp.route("/rounds/<int:round_id>/panel/reviews/<int:review_id>/remove", methods=["POST"])
@roles_required(Role.OFFICER)
def unassign_review(round_id: int, review_id: int):
    round_ = get_round(round_id)
    review = db.session.get(Review, review_id)
    if review is None or review.application.round_id != round_.id:
        abort(404)
    name, reference, application_id = review.member.user.full_name, review.application.reference, review.application_id
    if not forms.ActionForm().validate_on_submit():
        flash(_("The assignment could not be removed. Try again."), "error")
        return _to_assignments(round_, f"eoi-{application_id}")
    carry_out(
        lambda: assignments.unassign(review, by=current_user),
        done=_("%(name)s no longer has %(reference)s to score.", name=name, reference=reference),
    )
    return _to_assignments(round_, f"eoi-{application_id}")


@bp.route("/rounds/<int:round_id>/panel/assignments/bulk", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def assign_in_bulk(round_id: int):
    round_ = get_round(round_id)
    _panel_or_404(round_)
    form = forms.BulkAssignForm()
    if form.validate_on_submit():
        try:
            made = assignments.assign_in_bulk(round_, per_eoi=form.number, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.mode.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            if made:
                flash(ngettext("%(num)d assignment made.", "%(num)d assignments made.", made), "success")
            else:
                flash(_("No assignments were needed: every EOI already has its reviewers."), "info")
            return _to_assignments(round_)
    return _assignments_page(round_, bulk_form=form)
