"""Applicant pages: an expression of interest as a task list, each section, check and send.

The same pages serve an officer entering an application on a group's behalf (the assisted route):
access is checked on the application, and the services record who did what.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.applicants import application_forms as forms
from portal.applicants.routes import bp
from portal.domain.applications import Section, SectionState
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import (
    Application,
    Locality,
    Organisation,
    OrganisationMember,
    PlannedOutput,
    Round,
    Ward,
    WorkStream,
)
from portal.services import ServiceError
from portal.services import applications as service
from portal.templating import translate_message

ORDER = list(Section)


# What the draft's own pages read of it, loaded with it: the small collections joined, the
# rest one statement each ("selectin"), so a page costs the same however long the lists are.
EOI_PARTS = (
    joinedload(Application.work_stream),
    joinedload(Application.entered_by),
    joinedload(Application.budget_lines),
    joinedload(Application.planned_outputs).joinedload(PlannedOutput.measure),
    joinedload(Application.wards),
    selectinload(Application.localities),
    selectinload(Application.answers),
    joinedload(Application.round).selectinload(Round.criteria),
)


def get_application(application_id: int, *parts) -> Application:  # noqa: ANN002
    """The application, if the signed-in person belongs to its group or is an officer; else 404.
    ``parts``: loader options for what the page reads (default: the round's criteria and the
    answers); the round and the group always come with it, and membership is asked in the same
    statement."""
    is_member = (
        select(OrganisationMember.id)
        .where(
            OrganisationMember.user_id == current_user.id,
            OrganisationMember.organisation_id == Application.organisation_id,
        )
        .exists()
    )
    options = parts or (joinedload(Application.round).selectinload(Round.criteria), selectinload(Application.answers))
    row = (
        db.session.execute(
            select(Application, is_member)
            .where(Application.id == application_id)
            .options(joinedload(Application.round), joinedload(Application.organisation), *options)
        )
        .unique()
        .first()
    )
    if row is None:
        abort(404)
    application, member = row
    if not (member or current_user.has_role(Role.OFFICER)):
        abort(404)
    return application


def restore_held_form(form) -> bool:  # noqa: ANN001
    """Fill ``form`` with what this person typed before their session ended, if it was held."""
    from werkzeug.datastructures import MultiDict

    from portal.services.held_forms import take_held_form

    held = take_held_form(request.args.get("restore"), user=current_user, path=request.path)
    if held is None:
        return False
    db.session.commit()
    form.process(formdata=MultiDict([(key, value) for key, values in held.items() for value in values]))
    return True


def _next_url(application: Application, section: Section) -> str:
    index = ORDER.index(section)
    for following in ORDER[index + 1 :]:
        if following.value not in (application.completed_sections or []):
            return section_url(application, following)
    return url_for("applicants.task_list", application_id=application.id)


def section_url(application: Application, section: Section | str) -> str:
    section = Section(section)
    if section == Section.CRITERIA:
        return url_for("applicants.criteria_questions", application_id=application.id)
    return url_for("applicants.edit_section", application_id=application.id, section=section.value)


def _after_save(application: Application, section: Section, form: forms.SectionForm):  # noqa: ANN202
    if form.finishing:
        return redirect(_next_url(application, section))
    flash(_("Your answers have been saved. You can come back to them at any time before the closing date."), "success")
    return redirect(url_for("applicants.task_list", application_id=application.id))


# --- starting and the task list ---------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/start", methods=["GET", "POST"])
@login_required
@keeps_input_on_csrf_failure
def start_application(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    organisations = db.session.scalars(
        select(Organisation)
        .join(OrganisationMember)
        .where(OrganisationMember.user_id == current_user.id)
        .order_by(Organisation.name)
    ).all()
    if not organisations:
        flash(_("First, tell us about your group."), "info")
        return redirect(url_for("applicants.new_organisation", next=request.path))
    form = forms.StartForm()
    form.organisation.choices = [forms.SelectChoice(o.id, o.name) for o in organisations]
    if len(organisations) == 1 and request.method == "GET":
        form.organisation.data = organisations[0].id
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        existing = db.session.scalar(
            select(Application).where(
                Application.round_id == round_.id,
                Application.organisation_id == organisation.id,
                Application.status == ApplicationStatus.DRAFT,
            )
        )
        if existing is not None:
            return redirect(url_for("applicants.task_list", application_id=existing.id))
        try:
            application = service.start_application(round_, organisation, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.organisation.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            return redirect(url_for("applicants.task_list", application_id=application.id))
    return render_template("applicants/application_start.html", form=form, round=round_)


@bp.route("/applications/<int:application_id>")
@login_required
def task_list(application_id: int):
    application = get_application(application_id, *EOI_PARTS)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applicants.application_detail", application_id=application.id))
    states = service.states_of(application)
    return render_template(
        "applicants/application_tasks.html",
        application=application,
        states=states,
        completed=sum(1 for state in states.values() if state == SectionState.COMPLETED),
        deadline=service.deadline_for(application.round, application.organisation),
        section_url=section_url,
    )


# --- sections ---------------------------------------------------------------------------------


def _conflict(form: forms.SectionForm, application: Application, error: ServiceError) -> None:
    """Keep what this person typed, show them that someone else saved, and let them save again."""
    db.session.rollback()
    form.version.data = str(db.session.get(Application, application.id).lock_version)
    form.form_errors.append(
        translate_message(error.message)
        + " "
        + _("Your answers are below. What is saved now is shown above them. Save again to keep yours.")
    )


@bp.route("/applications/<int:application_id>/<section>", methods=["GET", "POST"])
@login_required
@keeps_input_on_csrf_failure
def edit_section(application_id: int, section: str):
    try:
        current = Section(section)
    except ValueError:
        abort(404)
    application = get_application(application_id, *getattr(SECTION_HANDLERS.get(current), "parts", ()))
    if current == Section.CRITERIA:
        return redirect(section_url(application, current))
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applicants.application_detail", application_id=application.id))
    handler = SECTION_HANDLERS[current]
    form = handler.make_form(application)
    restored = request.method == "GET" and restore_held_form(form)
    if request.method == "GET" and not restored:
        handler.fill(form, application)
        form.version.data = str(application.lock_version)
    saved_now = None
    if form.validate_on_submit():
        try:
            handler.save(form, application)
        except service.EditConflict as error:
            _conflict(form, application, error)
            saved_now = db.session.get(Application, application.id)
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(translate_message(error.message))
        else:
            db.session.commit()
            return _after_save(application, current, form)
    return render_template(
        f"applicants/section_{current.value}.html",
        form=form,
        application=application,
        section=current,
        saved_now=saved_now,
        restored=restored,
    )


# The section handlers: how each section's form is made, filled from the application, and saved.


class _Handler:
    form_class: type[forms.SectionForm]
    parts: tuple = ()  # loader options for what the section reads (``get_application``'s default if none)

    def make_form(self, application: Application) -> forms.SectionForm:
        return self.form_class()

    def fill(self, form, application: Application) -> None:  # noqa: ANN001
        form.process(obj=application)

    def save(self, form, application: Application) -> None:  # noqa: ANN001
        raise NotImplementedError


class _Project(_Handler):
    form_class = forms.ProjectForm

    def save(self, form, application):  # noqa: ANN001, ANN201
        service.save_project(
            application,
            title=form.title.data or "",
            summary=form.summary.data or "",
            expected_version=form.expected_version,
            complete=form.finishing,
            by=current_user,
        )


class _WorkStream(_Handler):
    form_class = forms.WorkStreamForm

    def make_form(self, application):  # noqa: ANN001, ANN201
        form = forms.WorkStreamForm()
        form.work_stream.choices = [
            forms.SelectChoice(str(ws.id), ws.name, render_kw={"hint": ws.description or ""})
            for ws in sorted(application.round.work_streams, key=lambda ws: ws.position)
            if not ws.is_retired
        ]
        return form

    def fill(self, form, application):  # noqa: ANN001, ANN201
        form.work_stream.data = str(application.work_stream_id) if application.work_stream_id else None

    def save(self, form, application):  # noqa: ANN001, ANN201
        stream = next(ws for ws in application.round.work_streams if str(ws.id) == form.work_stream.data)
        service.choose_work_stream(application, stream, expected_version=form.expected_version, by=current_user)


class _Beneficiaries(_Handler):
    form_class = forms.BeneficiariesForm
    parts = (joinedload(Application.wards), selectinload(Application.localities))

    def make_form(self, application):  # noqa: ANN001, ANN201
        form = forms.BeneficiariesForm()
        localities = (
            db.session.scalars(
                select(Locality)
                .where(Locality.is_archived.is_(False))
                .options(joinedload(Locality.wards))  # joined: one statement however many places
                .order_by(Locality.position, Locality.name)
            )
            .unique()
            .all()
        )
        form.localities.choices = [forms.SelectChoice(loc.id, loc.name) for loc in localities]
        form.wards.choices = [
            forms.SelectChoice(ward.id, f"{ward.name} ({loc.name})")
            for loc in localities
            for ward in loc.wards
            if not ward.is_archived
        ]
        return form

    def fill(self, form, application):  # noqa: ANN001, ANN201
        form.who_benefits.data = application.who_benefits
        form.localities.data = [loc.id for loc in application.localities]
        form.wards.data = [ward.id for ward in application.wards]

    def save(self, form, application):  # noqa: ANN001, ANN201
        localities = db.session.scalars(select(Locality).where(Locality.id.in_(form.localities.data or []))).all()
        wards = db.session.scalars(select(Ward).where(Ward.id.in_(form.wards.data or []))).all()
        service.save_beneficiaries(
            application,
            who_benefits=form.who_benefits.data or "",
            localities=list(localities),
            wards=list(wards),
            expected_version=form.expected_version,
            complete=form.finishing,
            by=current_user,
        )


class _Activities(_Handler):
    form_class = forms.ActivitiesForm

    def save(self, form, application):  # noqa: ANN001, ANN201
        service.save_activities(
            application,
            activities=form.activities.data or "",
            timescale=form.timescale.data or "",
            expected_version=form.expected_version,
            complete=form.finishing,
            by=current_user,
        )


class _Outputs(_Handler):
    # The work stream's few measures joined in; the plans in a second statement (joined too, they
    # would multiply the rows by the measures).
    parts = (
        joinedload(Application.work_stream).joinedload(WorkStream.measures),
        selectinload(Application.planned_outputs),
    )

    def measures(self, application):  # noqa: ANN001, ANN201
        if application.work_stream is None:
            return []
        return [m for m in sorted(application.work_stream.measures, key=lambda m: m.position) if not m.is_retired]

    def make_form(self, application):  # noqa: ANN001, ANN201
        return forms.build_outputs_form(self.measures(application))()

    def fill(self, form, application):  # noqa: ANN001, ANN201
        for plan in application.planned_outputs:
            field = getattr(form, f"m{plan.measure_id}", None)
            if field is None:
                continue
            field.data = (
                plan.quantity if plan.measure.target is not None or plan.measure.kind == "numeric" else plan.description
            )
            getattr(form, f"m{plan.measure_id}_not_part").data = not plan.is_part_of_project

    def save(self, form, application):  # noqa: ANN001, ANN201
        plans = {}
        for measure in self.measures(application):
            value = getattr(form, f"m{measure.id}").data
            not_part = getattr(form, f"m{measure.id}_not_part").data
            numeric = measure.target is not None or measure.kind == "numeric"
            plans[measure.id] = service.OutputPlan(
                is_part_of_project=not not_part,
                quantity=value if numeric else None,
                description=None if numeric else value,
            )
        service.save_outputs(
            application, plans, expected_version=form.expected_version, complete=form.finishing, by=current_user
        )


class _Budget(_Handler):
    form_class = forms.BudgetForm

    def fill(self, form, application):  # noqa: ANN001, ANN201
        form.amount.process_data(application.amount_requested)
        for entry, line in zip(form.lines, application.budget_lines, strict=False):
            entry.form.description.data = line.description
            entry.form.amount.process_data(line.amount)

    def save(self, form, application):  # noqa: ANN001, ANN201
        service.save_budget(
            application,
            amount=form.amount.decimal,
            lines=form.filled_lines(),
            expected_version=form.expected_version,
            complete=form.finishing,
            by=current_user,
        )


class _Partners(_Handler):
    form_class = forms.PartnersForm

    def fill(self, form, application):  # noqa: ANN001, ANN201
        form.has_partners.data = (
            None if application.has_partners is None else ("yes" if application.has_partners else "no")
        )
        form.partners.data = application.partners

    def save(self, form, application):  # noqa: ANN001, ANN201
        choice = form.has_partners.data
        if form.finishing and choice not in {"yes", "no"}:
            raise ServiceError(_("Say whether you will work with other groups"))
        service.save_partners(
            application,
            has_partners=None if choice is None else choice == "yes",
            partners=form.partners.data or "",
            expected_version=form.expected_version,
            complete=form.finishing,
            by=current_user,
        )


class _Declarations(_Handler):
    form_class = forms.DeclarationForm

    def fill(self, form, application):  # noqa: ANN001, ANN201
        form.full_name.data = application.declared_by_name or current_user.full_name

    def save(self, form, application):  # noqa: ANN001, ANN201
        service.declare(application, name=form.full_name.data, expected_version=form.expected_version, by=current_user)


SECTION_HANDLERS = {
    Section.PROJECT: _Project(),
    Section.WORK_STREAM: _WorkStream(),
    Section.BENEFICIARIES: _Beneficiaries(),
    Section.ACTIVITIES: _Activities(),
    Section.OUTPUTS: _Outputs(),
    Section.BUDGET: _Budget(),
    Section.PARTNERS: _Partners(),
    Section.DECLARATIONS: _Declarations(),
}

# The criteria questions, checking and sending live in application_submit_routes.
from portal.applicants import application_submit_routes  # noqa: E402, F401
