"""Applicant pages: answering each criterion's question, checking answers, sending, and after."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.applicants import application_forms as forms
from portal.applicants.application_routes import (
    EOI_PARTS,
    _after_save,
    _conflict,
    get_application,
    restore_held_form,
    section_url,
)
from portal.applicants.routes import bp
from portal.domain.applications import Section, stage_for
from portal.domain.workflow import ApplicationStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Application, Criterion, FilePurpose, StoredFile
from portal.services import ServiceError, files
from portal.services import applications as service
from portal.templating import translate_message


def _active_criteria(application: Application) -> list[Criterion]:
    return [c for c in sorted(application.round.criteria, key=lambda c: c.position) if not c.is_archived]


@bp.route("/applications/<int:application_id>/questions")
@login_required
def criteria_questions(application_id: int):
    application = get_application(application_id)
    answers = {a.criterion_id: a for a in application.answers}
    return render_template(
        "applicants/section_criteria.html",
        application=application,
        criteria=_active_criteria(application),
        answers=answers,
    )


@bp.route("/applications/<int:application_id>/questions/<int:criterion_id>", methods=["GET", "POST"])
@login_required
@keeps_input_on_csrf_failure
def answer_question(application_id: int, criterion_id: int):
    application = get_application(application_id)
    criteria = _active_criteria(application)
    criterion = next((c for c in criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applicants.application_detail", application_id=application.id))
    answer = next((a for a in application.answers if a.criterion_id == criterion.id), None)
    form = forms.AnswerForm()
    restored = request.method == "GET" and restore_held_form(form)
    if request.method == "GET" and not restored:
        form.version.data = str(application.lock_version)
        if answer is not None:
            form.text.data, form.recording_summary.data = answer.text, answer.recording_summary
    if form.validate_on_submit() and _save_answer(form, application, criterion):
        db.session.commit()
        if not form.finishing:
            return _after_save(application, Section.CRITERIA, form)
        following = criteria[criteria.index(criterion) + 1 :]
        if following:
            return redirect(
                url_for("applicants.answer_question", application_id=application.id, criterion_id=following[0].id)
            )
        return redirect(url_for("applicants.criteria_questions", application_id=application.id))
    position = criteria.index(criterion) + 1
    return render_template(
        "applicants/section_answer.html",
        form=form,
        application=application,
        criterion=criterion,
        answer=answer,
        position=position,
        total=len(criteria),
        restored=restored,
    )


def _save_answer(form: forms.AnswerForm, application: Application, criterion: Criterion) -> bool:
    """Keep the answer (and any recording sent with it); a refusal goes onto the field it is about."""
    try:
        recording = _store_recording(form, application)
    except ServiceError as error:
        db.session.rollback()
        form.recording.errors.append(translate_message(error.message))
        return False
    try:
        service.save_answer(
            application,
            criterion,
            text=form.text.data or "",
            recording=recording,
            keep_recording=not form.remove_recording.data,
            recording_summary=form.recording_summary.data or "",
            expected_version=form.expected_version,
            by=current_user,
        )
    except service.EditConflict as error:
        _conflict(form, application, error)
        return False
    except ServiceError as error:
        db.session.rollback()
        form.text.errors.append(translate_message(error.message))
        return False
    return True


def _store_recording(form: forms.AnswerForm, application: Application) -> StoredFile | None:
    upload = form.recording.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return files.store_upload(
        upload.stream,
        upload.filename,
        purpose=FilePurpose.RECORDING,
        organisation=application.organisation,
        by=current_user,
        max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
    )


@bp.route("/applications/<int:application_id>/check", methods=["GET"])
@login_required
def check_answers(application_id: int):
    application = get_application(application_id, *EOI_PARTS)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(url_for("applicants.application_detail", application_id=application.id))
    missing = service.missing_sections(service.states_of(application))
    return render_template(
        "applicants/application_check.html",
        application=application,
        missing=missing,
        form=forms.SubmitForm(),
        criteria=_active_criteria(application),
        content=(content := service.snapshot(application)),
        recordings=files.recordings_in(content),
        answers={a.criterion_id: a for a in application.answers},
        section_url=section_url,
        deadline=service.deadline_for(application.round, application.organisation),
    )


@bp.route("/applications/<int:application_id>/send", methods=["POST"])
@login_required
def submit_application(application_id: int):
    application = get_application(application_id)
    form = forms.SubmitForm()
    if not form.validate_on_submit():
        flash(_("Your application was not sent. Try again."), "error")
        return redirect(url_for("applicants.check_answers", application_id=application.id))
    try:
        service.submit_application(application, by=current_user)
    except service.IncompleteApplication:
        db.session.rollback()
        flash(_("Complete every section before you send your application."), "error")
        return redirect(url_for("applicants.check_answers", application_id=application.id))
    except ServiceError as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
        return redirect(url_for("applicants.task_list", application_id=application.id))
    db.session.commit()
    return redirect(url_for("applicants.application_submitted", application_id=application.id))


@bp.route("/applications/<int:application_id>/sent")
@login_required
def application_submitted(application_id: int):
    application = get_application(application_id)
    if not application.versions:
        return redirect(url_for("applicants.task_list", application_id=application.id))
    return render_template("applicants/application_submitted.html", application=application)


@bp.route("/applications/<int:application_id>/status")
@login_required
def application_detail(application_id: int):
    application = get_application(application_id)
    if application.status == ApplicationStatus.DRAFT:
        return redirect(url_for("applicants.task_list", application_id=application.id))
    from portal.services.acceptance import offer_for
    from portal.services.decisions import released_decision
    from portal.services.letters import letters_for

    version = application.versions[-1] if application.versions else None
    decision = released_decision(application)  # None until the round's decisions are released
    newest = {}  # the group's letters: the newest version of each kind
    for letter in letters_for(application) if decision is not None else []:
        newest.setdefault(letter.kind, letter)
    return render_template(
        "applicants/application_detail.html",
        application=application,
        version=version,
        recordings=files.recordings_in(version.content) if version else {},
        stage=stage_for(application.status, decisions_released=decision is not None),
        decision=decision,
        offer=offer_for(application) if decision is not None else None,
        letters=list(newest.values()),
        messages=[m for m in application.messages],
    )


@bp.route("/applications/<int:application_id>/answers.pdf")
@login_required
def application_pdf(application_id: int):
    """The answers as sent, as a PDF the group can keep (made from the frozen version)."""
    from flask_babel import get_locale

    from portal.pdf import contexts, render_pdf
    from portal.templating import uk_datetime

    application = get_application(application_id)
    if not application.versions:
        abort(404)
    version = application.versions[-1]
    context = contexts.application_answers(
        version.content,
        reference=application.reference,
        sent=uk_datetime(version.submitted_at),
        lang=str(get_locale() or "en").split("_")[0],
    )
    pdf = render_pdf("application_answers.html", context, static_root=current_app.static_folder)
    filename = f"{application.reference}.pdf"
    return current_app.response_class(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
