"""Officer pages for what comes in to a round: the list with filters and its CSV export, one
application's full view, screening, withdrawing, messages, more time for one group, and the
assisted route (starting an application on a group's behalf, then handing it over)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.routing import BuildError

from portal.auth.access import roles_required
from portal.domain.applications import Channel
from portal.domain.dates import utc_to_local
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.workflow import APPLICATION_TRANSITIONS, ApplicationStatus, next_statuses
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import (
    Application,
    ApplicationAnswer,
    ApplicationMessage,
    FilePurpose,
    Locality,
    Organisation,
    OrganisationMember,
)
from portal.officers import intake_forms as forms
from portal.officers.routes import ROUND_HEADER, bp, get_round
from portal.services import ServiceError, intake, notifications, screening
from portal.services import applications as applications_service
from portal.services.files import UploadRefused
from portal.services.organisations import INVITATION_DAYS
from portal.templating import translate_message

READ = (Role.OFFICER, Role.ADMIN)


def get_application(application_id: int) -> Application:
    application = db.session.get(
        Application,
        application_id,
        options=[
            joinedload(Application.round),
            joinedload(Application.entered_by),
            joinedload(Application.screened_by),
            joinedload(Application.organisation).selectinload(Organisation.members).joinedload(OrganisationMember.user),
            selectinload(Application.versions),
            selectinload(Application.messages).joinedload(ApplicationMessage.author),
            selectinload(Application.answers).joinedload(ApplicationAnswer.recording),
        ],
    )
    if application is None:
        abort(404)
    return application


# --- the list and its export ------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/applications")
@roles_required(*READ)
def round_applications(round_id: int):
    round_ = get_round(round_id, *ROUND_HEADER)
    filters = intake.IntakeFilters.from_args(request.args)
    page = intake.list_applications(round_, filters, page=request.args.get("page", 1, type=int))
    localities = db.session.scalars(select(Locality).order_by(Locality.position, Locality.name)).all()
    form = forms.FilterForm(request.args)
    form.status.choices = [forms.SelectChoice("", _("Any status"))] + [
        forms.SelectChoice(status.value, forms.STATUS_LABELS[status.value]) for status in intake.SENT_STATUSES
    ]
    form.work_stream.choices = [forms.SelectChoice("", _("Any work stream"))] + [
        forms.SelectChoice(str(stream.id), stream.name)
        for stream in sorted(round_.work_streams, key=lambda s: s.position)
    ]
    form.locality.choices = [forms.SelectChoice("", _("Anywhere"))] + [
        forms.SelectChoice(str(locality.id), locality.name) for locality in localities
    ]
    return render_template(
        "officers/applications_list.html",
        round=round_,
        form=form,
        filters=filters,
        page=page,
        counts=intake.status_counts(round_),
        status_labels=forms.STATUS_LABELS,
    )


@bp.route("/rounds/<int:round_id>/applications.csv")
@roles_required(*READ)
def export_round_applications(round_id: int):
    round_ = get_round(round_id)
    filters = intake.IntakeFilters.from_args(request.args)
    body = intake.to_csv(intake.export_rows(round_, filters))
    filename = f"{round_.reference_prefix.strip('-') or 'round'}-applications.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


# --- one application --------------------------------------------------------------------------


def _files(application: Application, content: dict) -> list[dict]:
    """Each file with a download link when the portal has the download page."""
    can_download = "applicants.download_file" in current_app.view_functions
    listed = []
    for item in intake.files_of(application, content):
        url = None
        if can_download:
            try:
                url = url_for("applicants.download_file", file_id=item.id)
            except BuildError:
                url = None
        listed.append({"file": item, "url": url})
    return listed


def _detail_page(application: Application, **bound):  # noqa: ANN003, ANN202
    """The officer's view of an application, with any form that failed shown with its errors."""
    version = application.versions[-1] if application.versions else None
    content = version.content if version else applications_service.snapshot(application)
    moves = set(next_statuses(APPLICATION_TRANSITIONS, application.status))
    page_forms = {
        "screening_form": bound.get("screening_form") or forms.ScreeningForm(formdata=None),
        "withdraw_form": bound.get("withdraw_form") or forms.WithdrawForm(formdata=None),
        "message_form": bound.get("message_form") or forms.MessageForm(formdata=None),
        "invite_form": bound.get("invite_form") or forms.InviteForm(formdata=None),
    }
    failed = next((form for form in bound.values() if form is not None and form.errors), None)
    return render_template(
        "officers/application_detail.html",
        application=application,
        version=version,
        content=content,
        files=(listed := _files(application, content)),
        recordings={item["file"].id: item["file"] for item in listed if item["file"].purpose == FilePurpose.RECORDING},
        history=intake.history_of(application),
        extension=intake.extension_for(application.round_id, application.organisation_id),
        deadline=applications_service.deadline_for(application.round, application.organisation),
        can_screen=bool(moves & {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE}),
        can_withdraw=ApplicationStatus.WITHDRAWN in moves,
        failed=failed,
        status_labels=forms.STATUS_LABELS,
        channel_phrases=forms.CHANNEL_PHRASES,
        **page_forms,
    )


@bp.route("/applications/<int:application_id>")
@roles_required(*READ)
def application_detail(application_id: int):
    return _detail_page(get_application(application_id))


def _done(application: Application, message: str):  # noqa: ANN202
    db.session.commit()
    flash(f"{message} {_told(application.organisation)}", "success")
    return redirect(url_for("officers.application_detail", application_id=application.id))


def _told(organisation: Organisation) -> str:
    if organisation.members:
        return _("Everyone in the group with an account has been e-mailed.")
    return _("Nobody in this group has an account, so tell them by phone or letter.")


@bp.route("/applications/<int:application_id>/screening", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def screen_application(application_id: int):
    application = get_application(application_id)
    form = forms.ScreeningForm()
    if form.validate_on_submit():
        try:
            if form.outcome.data == "eligible":
                screening.mark_eligible(application, by=current_user)
            else:
                screening.mark_ineligible(application, form.reason.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.outcome.errors.append(translate_message(error.message))
        else:
            if application.status == ApplicationStatus.ELIGIBLE:
                return _done(application, _("Marked as eligible."))
            return _done(application, _("Marked as not eligible. The group sees the reason on its application's page."))
    return _detail_page(application, screening_form=form)


@bp.route("/applications/<int:application_id>/withdrawal", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def withdraw_application(application_id: int):
    application = get_application(application_id)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            screening.withdraw(application, form.withdraw_reason.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.withdraw_reason.errors.append(translate_message(error.message))
        else:
            return _done(application, _("The application has been withdrawn."))
    return _detail_page(application, withdraw_form=form)


@bp.route("/applications/<int:application_id>/messages", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def send_application_message(application_id: int):
    application = get_application(application_id)
    form = forms.MessageForm()
    if form.validate_on_submit():
        try:
            screening.send_message(application, form.body.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.body.errors.append(translate_message(error.message))
        else:
            return _done(application, _("Message sent. The group sees it on its application's page."))
    return _detail_page(application, message_form=form)


@bp.route("/applications/<int:application_id>/takeover", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def invite_group(application_id: int):
    application = get_application(application_id)
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = intake.invite_to_take_over(application, form.email.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.email.errors.append(translate_message(error.message))
        else:
            notifications.queue_email(
                invitation.email,
                "organisation_invitation",
                subject=_("Join %(group)s to apply for grants", group=application.organisation.name),
                link=url_for("applicants.accept_invitation", token=token, _external=True),
                organisation=application.organisation,
                inviter=current_user,
                days=INVITATION_DAYS,
            )
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("officers.application_detail", application_id=application.id))
    return _detail_page(application, invite_form=form)


# --- more time for one group -------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/organisations/<int:org_id>/extension", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def grant_extension(round_id: int, org_id: int):
    round_ = get_round(round_id)
    organisation = db.get_or_404(Organisation, org_id)
    existing = intake.extension_for(round_.id, organisation.id)
    application = intake.latest_application(round_, organisation)
    back_url = (
        url_for("officers.application_detail", application_id=application.id)
        if application is not None
        else url_for("officers.round_applications", round_id=round_.id)
    )
    form = forms.ExtensionForm()
    if request.method == "GET" and existing is not None:
        local = utc_to_local(existing.closes_at, current_app.config["TIMEZONE"])
        form.closes_on.process(None, local.date())
        form.closes_time.data = local.strftime("%H:%M")
        form.reason.data = existing.reason
    if form.validate_on_submit():
        try:
            screening.grant_extension(
                round_, organisation, closes_at=form.closes_at, reason=form.reason.data, by=current_user
            )
        except ServiceError as error:
            db.session.rollback()
            form.closes_on.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            message = _("%(group)s can now send its application until the new closing time.", group=organisation.name)
            flash(f"{message} {_told(organisation)}", "success")
            return redirect(back_url)
    return render_template(
        "officers/extension_form.html",
        form=form,
        round=round_,
        organisation=organisation,
        existing=existing,
        back_url=back_url,
    )


# --- the assisted route ------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/assisted", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def assisted_start(round_id: int):
    round_ = get_round(round_id)
    search = (request.args.get("q") or "").strip()[:100]
    groups = intake.find_groups(search)
    form = forms.AssistedStartForm()
    form.organisation.choices = [
        forms.SelectChoice("", _("Choose a group")),
        forms.SelectChoice(forms.NEW_GROUP, _("A new group: enter its details below")),
    ] + [forms.SelectChoice(str(group.id), group.name) for group in groups]
    if form.validate_on_submit():
        started = _start_on_behalf(round_, form)
        if started is not None:
            return started
    return render_template(
        "officers/assisted_start.html", form=form, round=round_, search=search, groups=groups, limit=200
    )


def _start_on_behalf(round_, form: forms.AssistedStartForm):  # noqa: ANN001, ANN202
    """Find or create the group, start its application, keep the scan; None when refused (the
    reason is on the form)."""
    channel = Channel(form.channel.data)
    if form.is_new_group:
        try:
            organisation = intake.create_group(
                name=form.name.data,
                legal_form=LegalForm(form.legal_form.data),
                accountable_body_name=form.accountable_body_name.data,
                channel=channel,
                by=current_user,
            )
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
            return None
    else:
        value = form.organisation.data or ""
        organisation = (
            db.session.get(Organisation, int(value))
            if value.isascii() and value.isdigit() and len(value) < 10
            else None
        )
        if organisation is None:
            form.organisation.errors.append(_("Choose the group, or a new group"))
            return None
        draft = intake.latest_application(round_, organisation, drafts_only=True)
        if draft is not None:
            flash(
                _(
                    "%(group)s has already started an application in this round: carry on with it.",
                    group=organisation.name,
                ),
                "info",
            )
            return redirect(url_for("applicants.task_list", application_id=draft.id))
    try:
        application = applications_service.start_application(
            round_, organisation, by=current_user, channel=channel, consent_note=form.consent_note.data
        )
        upload = form.scan.data
        if upload is not None and getattr(upload, "filename", ""):
            intake.attach_paper_form(
                application,
                upload.stream,
                upload.filename,
                by=current_user,
                max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
            )
    except UploadRefused as error:
        db.session.rollback()
        form.scan.errors.append(translate_message(error.message))
        return None
    except ServiceError as error:
        db.session.rollback()
        form.organisation.errors.append(translate_message(error.message))
        return None
    db.session.commit()
    flash(
        _("Application started for %(group)s. Fill in each section with them, then send it.", group=organisation.name),
        "success",
    )
    return redirect(url_for("applicants.task_list", application_id=application.id))
