"""Applicant pages about a group: telling us about it, changing it, its documents, its members and
invitations to join it, and downloading its files (routes registered on the applicants blueprint).

Every page is checked on the object: a person reaches only the groups they belong to (anything
else is "Page not found", so nobody learns which groups exist); officers may read any group.
"""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.applicants.forms import (
    DOCUMENT_LABELS,
    INCOME_BAND_LABELS,
    DocumentForm,
    InviteForm,
    JoinForm,
    OrganisationForm,
)
from portal.applicants.routes import bp
from portal.auth.access import roles_required
from portal.domain.filetypes import ALL_TYPES
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import COMMUNITY_LABELS, keeps_input_on_csrf_failure
from portal.models import FilePurpose, Locality, Organisation, OrganisationMember, StoredFile
from portal.officers.forms import LEGAL_FORM_LABELS
from portal.policies import can_edit_organisation, can_invite_member, can_read_file, can_view_organisation
from portal.security import is_safe_next
from portal.services import ServiceError, files, notifications, organisations, panel_access
from portal.services.organisations import INVITATION_DAYS, DetailsRefused, OrganisationDetails
from portal.storage import get_storage
from portal.templating import translate_message


def get_organisation(organisation_id: int) -> Organisation:
    """The group, if the signed-in person may see it; else 404."""
    organisation = db.session.get(
        Organisation,
        organisation_id,
        options=[selectinload(Organisation.members).selectinload(OrganisationMember.user)],
    )
    if organisation is None or not can_view_organisation(current_user, organisation):
        abort(404)
    return organisation


def get_editable_organisation(organisation_id: int) -> Organisation:
    organisation = get_organisation(organisation_id)
    if not can_edit_organisation(current_user, organisation):
        abort(403)  # an officer reading the group: they know it exists
    return organisation


def _places() -> list[Locality]:
    return list(
        db.session.scalars(
            db.select(Locality)
            .where(Locality.is_archived.is_(False))
            .options(selectinload(Locality.wards))
            .order_by(Locality.position, Locality.name)
        )
    )


def _details(form: OrganisationForm) -> OrganisationDetails:
    return OrganisationDetails(
        name=form.name.data or "",
        legal_form=form.legal_form.data or "",
        income_band=form.income_band.data,
        address_line_1=form.address_line_1.data or "",
        address_line_2=form.address_line_2.data or "",
        town=form.town.data or "",
        postcode=form.postcode.data or "",
        contact_phone=form.contact_phone.data or "",
        charity_number=form.charity_number.data or "",
        company_number=form.company_number.data or "",
        accountable_body_name=form.accountable_body_name.data or "",
        accountable_body_contact=form.accountable_body_contact.data or "",
        localities=form.chosen_localities,
        wards=form.chosen_wards,
        city_wide=form.city_wide,
        led_by=form.led_by.data or [],
        works_with=form.works_with.data or [],
    )


def _refused(form: OrganisationForm, error: ServiceError) -> None:
    db.session.rollback()
    target = getattr(form, getattr(error, "field", ""), None) or form.name
    target.errors = [*target.errors, translate_message(error.message)]


def _organisation_form(form: OrganisationForm, heading: str, back_url: str, **extra):  # noqa: ANN003, ANN202
    return render_template("applicants/organisation_form.html", form=form, heading=heading, back_url=back_url, **extra)


# --- telling us about a group -----------------------------------------------------------------


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def new_organisation():
    form = OrganisationForm(places=_places())
    if form.validate_on_submit():
        try:
            organisation = organisations.create_organisation(_details(form), by=current_user)
        except DetailsRefused as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Thank you. Your group's details are saved."), "success")
            target = request.args.get("next")
            if is_safe_next(target):
                return redirect(target)
            return redirect(url_for("applicants.organisation_detail", organisation_id=organisation.id))
    return _organisation_form(form, _("Tell us about your group"), url_for("applicants.home"), is_new=True)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def edit_organisation(organisation_id: int):
    organisation = get_editable_organisation(organisation_id)
    form = OrganisationForm(places=_places())
    if request.method == "GET":
        form.fill(organisation)
    if form.validate_on_submit():
        try:
            organisations.update_organisation(organisation, _details(form), by=current_user)
        except DetailsRefused as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Your group's details are saved."), "success")
            return redirect(url_for("applicants.organisation_detail", organisation_id=organisation.id))
    back = url_for("applicants.organisation_detail", organisation_id=organisation.id)
    return _organisation_form(form, _("Change your group's details"), back, caption=organisation.name)


# --- a group's page: details, documents, members ----------------------------------------------


def _detail_page(organisation: Organisation, *, document_form=None, invite_form=None):  # noqa: ANN001, ANN202
    may_edit = bool(can_edit_organisation(current_user, organisation))
    may_invite = bool(can_invite_member(current_user, organisation))
    if document_form is None and may_edit:
        document_form = DocumentForm()
        if request.args.get("document") in DOCUMENT_LABELS:
            document_form.purpose.data = request.args["document"]
    active = db.session.scalars(db.select(Locality.id).where(Locality.is_archived.is_(False))).all()
    return render_template(
        "applicants/organisation_detail.html",
        organisation=organisation,
        documents=files.current_documents(organisation),
        document_labels={FilePurpose(value): label for value, label in DOCUMENT_LABELS.items()},
        legal_form_labels=LEGAL_FORM_LABELS,
        income_labels=INCOME_BAND_LABELS,
        community_labels=COMMUNITY_LABELS,
        type_labels={t.content_type: t.label for t in ALL_TYPES},
        members=sorted(organisation.members, key=lambda m: (m.role != "owner", m.user.full_name.casefold())),
        invitations=organisations.pending_invitations(organisation) if may_invite else [],
        city_wide=bool(active) and set(active) <= {loc.id for loc in organisation.localities},
        may_edit=may_edit,
        may_invite=may_invite,
        document_form=document_form,
        invite_form=invite_form or (InviteForm() if may_invite else None),
        failed_form=next((f for f in (document_form, invite_form) if f is not None and f.errors), None),
    )


@bp.route("/organisations/<int:organisation_id>")
@roles_required(Role.APPLICANT, Role.OFFICER)
def organisation_detail(organisation_id: int):
    return _detail_page(get_organisation(organisation_id))


@bp.route("/organisations/<int:organisation_id>/documents", methods=["POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def upload_document(organisation_id: int):
    organisation = get_editable_organisation(organisation_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.document.data
        try:
            files.store_upload(
                upload.stream,
                upload.filename or "",
                purpose=FilePurpose(form.purpose.data),
                organisation=organisation,
                by=current_user,
                max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
            )
        except ServiceError as error:
            db.session.rollback()
            form.document.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            label = DOCUMENT_LABELS[form.purpose.data]
            flash(_("%(document)s uploaded.", document=label), "success")
            return redirect(url_for("applicants.organisation_detail", organisation_id=organisation.id) + "#documents")
    return _detail_page(organisation, document_form=form)


@bp.route("/organisations/<int:organisation_id>/invitations", methods=["POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def invite_member(organisation_id: int):
    organisation = get_organisation(organisation_id)
    if not can_invite_member(current_user, organisation):
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = organisations.invite_member(organisation, form.email.data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            form.email.errors.append(translate_message(error.message))
        else:
            notifications.queue_email(
                invitation.email,
                "organisation_invitation",
                subject=_("Join %(group)s to apply for grants", group=organisation.name),
                link=url_for("applicants.accept_invitation", token=token, _external=True),
                organisation=organisation,
                inviter=current_user,
                days=INVITATION_DAYS,
            )
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("applicants.organisation_detail", organisation_id=organisation.id) + "#members")
    return _detail_page(organisation, invite_form=form)


# --- joining a group --------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
def accept_invitation(token: str):
    invitation = organisations.find_invitation(token)
    if invitation is None or not organisations.invitation_is_live(invitation):
        return render_template("applicants/invitation_expired.html"), 404
    page = {"invitation": invitation, "organisation": invitation.organisation}
    if not current_user.is_authenticated:
        return render_template("applicants/invitation_accept.html", state="signed_out", **page)
    if not organisations.is_invited(invitation, current_user):
        return render_template("applicants/invitation_accept.html", state="wrong_user", **page), 403
    form = JoinForm()
    if form.validate_on_submit():
        try:
            # The user object itself (not the proxy): the service records changes to it.
            organisations.accept_invitation(invitation, by=current_user._get_current_object())
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("You have joined %(group)s.", group=invitation.organisation.name), "success")
            return redirect(url_for("applicants.organisation_detail", organisation_id=invitation.organisation_id))
    return render_template("applicants/invitation_accept.html", state="invited", form=form, **page)


# --- files ------------------------------------------------------------------------------------


@bp.route("/files/<int:file_id>")
@login_required
def download_file(file_id: int):
    """A stored file, as a download, to those who may read it (everyone else: 404)."""
    stored = db.session.get(StoredFile, file_id)
    reviews = panel_access.reviews_of(current_user) if current_user.has_role(Role.PANEL_MEMBER) else ()
    if stored is None or not can_read_file(current_user, stored, reviews):
        abort(404)
    response = send_file(
        io.BytesIO(get_storage(current_app.config).read(stored.key)),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=files.download_name(stored),
        etag=stored.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
